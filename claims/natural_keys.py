"""
Rows named by their natural key in fixtures and dumps, rather than by their
id: a dump restored into a fresh database, where rows get new ids, still finds
them. Most rows are named by their slug; the others by their parent's slug and
what tells them apart under it.
"""

from django.db import models


class NaturalKeyManager(models.Manager):
    """
    Finds a row by its natural key: the values its model's natural_key()
    gives, matched in order to `key_lookups` (e.g. ("claim__slug", "text")).
    """

    key_lookups = ()

    def get_by_natural_key(self, *key):
        return self.get(**dict(zip(self.key_lookups, key, strict=True)))


class SlugNaturalKeyManager(NaturalKeyManager):
    key_lookups = ("slug",)


class SlugNaturalKey(models.Model):
    """A model whose natural key is its unique `slug`."""

    objects = SlugNaturalKeyManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.slug,)
