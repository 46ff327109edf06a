"""
The reads a verdict page makes of one claim's lists, with their SQL built
once a process.

Building an ORM query for one claim's caveats costs several times the CPU
that running it does (measured at 100,000 claims on PostgreSQL: 0.23 ms
through the ORM, 0.10 ms through the same SQL kept and run again), and a
verdict page reads four such lists on every render after an edit. Each read
is still written as a queryset, so its columns, joins and the model's default
ordering stay the ORM's: only the compiled SQL is kept, per database, and run
again through raw() with the claim's id in place of a marker.
"""

from django.db import connections

# Stands for the claim's id while the SQL is built; no claim has it.
CLAIM_ID_MARK = -7_349_015_273


class ClaimRead:
    """
    `build(claim_id)`'s rows for one claim, as model instances, its SQL
    compiled once per database. `build` must return a queryset whose only
    parameter is the claim's id.
    """

    def __init__(self, build):
        self.build = build
        self.compiled_for = {}

    def compiled(self, using):
        if using not in self.compiled_for:
            queryset = self.build(CLAIM_ID_MARK)
            sql, params = queryset.query.get_compiler(using).as_sql()
            if list(params) != [CLAIM_ID_MARK]:
                raise ValueError(f"A claim read takes only the claim id, not {params!r}.")
            self.compiled_for[using] = (queryset.model, sql)
        return self.compiled_for[using]

    def rows(self, claim_id, using):
        model, sql = self.compiled(using)
        return list(model._base_manager.using(using).raw(sql, [claim_id]))

    def exists(self, claim_id, using):
        _, sql = self.compiled(using)
        with connections[using].cursor() as cursor:
            cursor.execute(f"SELECT 1 WHERE EXISTS ({sql})", [claim_id])  # noqa: S608
            return cursor.fetchone() is not None


def preload(instance, name, rows):
    """
    Leave `rows` where `instance.<name>.all()` finds them, as
    prefetch_related() does, so that templates and claim_review() read them
    without a query.
    """
    manager = getattr(instance, name)
    for row in rows:
        # Each row's way back to `instance`, as prefetch_related() leaves it.
        manager.field.set_cached_value(row, instance)
    queryset = manager.all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset
