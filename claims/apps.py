from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Fact-check desk")

    def ready(self):
        from claims import page_versions, tasks
        from claims.search import register_sqlite_function
        from claims.workflow import step_taken

        # The one place that retires cached pages, whoever saves the row:
        # the admin, the shell, a restore.
        page_versions.connect()

        # SQLite computes the search document in Python (claims.search).
        connection_created.connect(register_sqlite_function, dispatch_uid="claims-search")

        # The emails a step calls for are queued once it commits.
        step_taken.connect(tasks.queue_after_commit, dispatch_uid="claims-step-emails")
