from django.db import models
from django.utils.translation import gettext_lazy as _


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

    name = models.CharField(max_length=250, primary_key=True, verbose_name=_("name"))
    token = models.CharField(max_length=32, verbose_name=_("token"))

    def __str__(self):
        return f"{self.name}: {self.token}"


class PendingPurge(models.Model):
    """
    A surrogate key whose pages the edge cache must drop, written in the same
    transaction as the change that retired them, and deleted once the edge
    has acknowledged the purge. A purge that fails stays here, and is tried
    again, until it succeeds: neither a crash nor an edge outage loses one.
    """

    # Written by claims.purges alone, never typed in.
    key = models.CharField(max_length=250, primary_key=True, editable=False, verbose_name=_("key"))
    # The change that retired the key last: a purge delivered for an older
    # change leaves the row of a newer one in place.
    token = models.CharField(max_length=32, editable=False, verbose_name=_("token"))
    queued_at = models.DateTimeField(editable=False, verbose_name=_("queued at"))
    attempts = models.PositiveIntegerField(default=0, editable=False, verbose_name=_("attempts"))
    last_error = models.CharField(
        max_length=500, blank=True, editable=False, verbose_name=_("last error")
    )
    # Hard: the pages go at once (a withdrawal, a restore). Soft, where the
    # edge can (Varnish): a page that changed is served a moment longer
    # while the edge fetches the new one, so no reader waits on the origin.
    hard = models.BooleanField(default=True, editable=False, verbose_name=_("hard"))

    class Meta:
        verbose_name = _("pending edge purge")
        verbose_name_plural = _("pending edge purges")
        ordering = ["queued_at", "key"]

    def __str__(self):
        return self.key
