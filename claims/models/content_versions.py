from django.db import models


class ContentVersion(models.Model):
    """
    A named version of what the public pages show, replaced in the same
    transaction as every change to it (claims.caching.public_content_changed).

    Kept in the database rather than in the cache, so that it commits and rolls
    back with the change, no cache outage or eviction can lose it, and every
    process reads the same one. "public" covers every page; the other names
    cover the pages showing one thing ("claim:<slug>", "source:<slug>",
    "pages:list"...: claims.page_versions).
    """

    name = models.CharField(max_length=250, primary_key=True)
    token = models.CharField(max_length=32)

    def __str__(self):
        return f"{self.name}: {self.token}"
