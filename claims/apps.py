from django.apps import AppConfig
from django.db.backends.signals import connection_created


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Fact-check desk"

    def ready(self):
        from claims.search import register_sqlite_function

        # SQLite computes the search document in Python (claims.search).
        connection_created.connect(register_sqlite_function, dispatch_uid="claims-search")
