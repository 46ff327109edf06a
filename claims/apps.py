from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Fact-check desk")

    def ready(self):
        from django.db.models.signals import post_migrate, pre_save

        from claims import checks, page_versions, tasks  # noqa: F401 (checks registers on import)
        from claims.models.revisions import Revision, analyse_for_search
        from claims.roles import sync_roles_after_migrate
        from claims.workflow import step_taken

        # Every migrate and flush leaves each role exactly its permissions.
        post_migrate.connect(sync_roles_after_migrate, sender=self, dispatch_uid="claims-roles")

        # The one place that retires cached pages, whoever saves the row:
        # the admin, the shell, a restore.
        page_versions.connect()

        # Every revision written is analysed for search, however it is written.
        pre_save.connect(analyse_for_search, sender=Revision, dispatch_uid="claims-search-text")

        # The emails a step calls for are queued once it commits.
        step_taken.connect(tasks.queue_after_commit, dispatch_uid="claims-step-emails")
