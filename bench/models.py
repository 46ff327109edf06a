from django.db import models

from claims.management.commands.check_invariants import SYNTHETIC_FILL_TABLE


class SyntheticFill(models.Model):
    """
    A bench_fill run: its presence marks the database as synthetic, which
    check_invariants reports instead of listing the rows the fill breaks.
    """

    filled_at = models.DateTimeField(auto_now_add=True)
    claims = models.PositiveIntegerField()

    class Meta:
        # check_invariants reads the table by this name, without this app
        # installed (production settings do not install it).
        db_table = SYNTHETIC_FILL_TABLE

    def __str__(self):
        return f"{self.claims:,} synthetic claims, {self.filled_at:%Y-%m-%d %H:%M}"
