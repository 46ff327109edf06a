"""
Rows named by their slug in fixtures and dumps, rather than by their id: a
dump restored into a fresh database, where rows get new ids, still finds them.
"""

from django.db import models


class SlugNaturalKeyManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SlugNaturalKey(models.Model):
    """A model whose natural key is its unique `slug`."""

    objects = SlugNaturalKeyManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.slug,)
