"""
The seed story, loaded once per test run and replayed into each test.

Loading fixtures/seed.json through the guarded `loaddata` resolves every
natural key one query at a time and then checks every invariant: a few tenths
of a second, paid by every test that wants the seed. Instead, SeedRows.load()
runs that real load once, inside a transaction it rolls back, and keeps the
rows it added to every table; SeedRows.insert() writes those same rows, with
the same keys, into the current test's transaction in a handful of bulk
inserts. Each test still starts from the seed as loaded and ends by rolling
its changes back, so tests stay independent.

The story's addresses (CLAIM, SOURCE, FIGURE, TOPIC, AFFILIATION, ARTICLE),
each named for its part in the story, are written here and nowhere else in the
suite: a test says CLAIM.kursk, never the slug (tests/code/test_suite_layout.py
checks both that each is in the seed and that no test restates one).

Nothing in SeedRows names a model: the rows are whatever the load added, in
whichever tables, and they are inserted parents first, in the order their
foreign keys give.
"""

import json
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from types import SimpleNamespace

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

SEED_FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "seed.json"

# The seed's claims, by what each says; whether readers see it, and its verdict.
CLAIM = SimpleNamespace(
    # NIS: about 4,700 killed or wounded. Published, unverified, with caveats.
    casualties="north-korean-casualties-4700",
    # NIS: about 600 dead. Published, unverified; has a correction.
    deaths="north-korean-deaths-600",
    # Injured soldiers repatriated January to March. In review, unpublished.
    injured_repatriated="injured-repatriated-january-march",
    # The dead cremated in Russia. Unverified, unpublished: the desk's draft.
    cremated="dead-cremated-in-russia",
    # Troops sent to Kursk. Published, corroborated by independent origins.
    kursk="north-korean-troops-kursk",
    # The deployment under the 2024 treaty. Unverified, unpublished.
    treaty="deployment-under-2024-treaty",
    # The casualty figure a significant increase. In review, unpublished.
    significant_increase="figure-significant-increase",
    # No lethal aid from South Korea. Unverified, unpublished.
    no_lethal_aid="south-korea-no-lethal-aid",
    # Many North Korea sympathisers in the South. Published, unverifiable.
    sympathisers="many-north-korea-sympathisers",
)
# The seed's figures: the estimates of killed or wounded, and of the dead.
FIGURE = SimpleNamespace(casualties="north-korean-casualties", deaths="north-korean-deaths")
SOURCE = SimpleNamespace(
    # South Korea's spy agency: the claimant of six of the nine claims.
    nis="nis",
    jcs="jcs",
    rok_lawmakers="rok-lawmakers",
    zelensky="zelensky",
    russian_general_staff="russian-general-staff",
    # Pyongyang's government: evidence for the Kursk claim alone.
    north_korea="north-korea",
    kcna="kcna",
    kbs_world="kbs-world",
    kbs="kbs",
    korea_herald="korea-herald",
    rbc_ukraine="rbc-ukraine",
    moscow_times="moscow-times",
    urdupoint="urdupoint",
    unn="unn",
    standard_kenya="standard-kenya",
    nk_news="nk-news",
    business_recorder="business-recorder",
    # Claimant only of unpublished claims: no reader sees it.
    seed_article="seed-article",
    # Claimant of the sympathisers claim.
    unnamed_commenter="unnamed-commenter",
)
TOPIC = SimpleNamespace(
    north_korea_russia="north-korea-russia", south_korean_politics="south-korean-politics"
)
AFFILIATION = SimpleNamespace(
    south_korea="south-korean-government",
    north_korea="north-korean-government",
    russia="russian-government",
    ukraine="ukrainian-government",
)
# The article every seed claim appeared in.
ARTICLE = SimpleNamespace(nis_casualties="nis-north-korean-casualties")


def stored_models():
    """Every model with a table of its own, many-to-many link tables included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def foreign_keys(model):
    return [field for field in model._meta.concrete_fields if field.many_to_one or field.one_to_one]


def parents_first(models):
    """`models` ordered so that each comes after the models its foreign keys point to."""
    graph = {
        model: {field.related_model for field in foreign_keys(model)} & set(models) - {model}
        for model in models
    }
    try:
        return list(TopologicalSorter(graph).static_order())
    except CycleError:
        # Foreign keys are checked at commit on SQLite and PostgreSQL alike, so
        # inside one transaction a cycle loads in any order.
        return list(models)


class SeedRows:
    def __init__(self, rows, outside_references):
        # {model: [field values by attname]}, parents first.
        self.rows = rows
        # {(model, attname, value): (target model, target attname, natural key)}
        # for foreign keys to rows that existed before the load (the roles'
        # groups, say). A transactional test's flush recreates those rows under
        # new keys, so they are found again by natural key.
        self.outside_references = outside_references
        # The INSERTs of the last insert(), and the outside rows they were made for.
        self._statements, self._statements_found = [], None

    @classmethod
    def load(cls, fixture=SEED_FIXTURE):
        """Load `fixture` through the guarded loaddata, keep the rows it added, roll back."""
        models = stored_models()
        with transaction.atomic():
            before = {
                model: set(model._base_manager.values_list("pk", flat=True)) for model in models
            }
            call_command("loaddata", fixture, verbosity=0)
            added = {}
            for model in models:
                new = [
                    row
                    for row in model._base_manager.values()
                    if row[model._meta.pk.attname] not in before[model]
                ]
                if new:
                    added[model] = new
            outside = cls.outside_references_of(added)
            transaction.set_rollback(True)
        cls.check_every_object_was_added(fixture, added)
        return cls({model: added[model] for model in parents_first(list(added))}, outside)

    @staticmethod
    def outside_references_of(added):
        outside = {}
        for model, rows in added.items():
            for field in foreign_keys(model):
                target, target_attname = field.related_model, field.target_field.attname
                inside = {row[target_attname] for row in added.get(target, [])}
                for row in rows:
                    value = row[field.attname]
                    if value is None or value in inside or not hasattr(target, "natural_key"):
                        continue
                    row_there = target._base_manager.get(**{target_attname: value})
                    outside[model, field.attname, value] = (
                        target,
                        target_attname,
                        row_there.natural_key(),
                    )
        return outside

    @staticmethod
    def check_every_object_was_added(fixture, added):
        """Replaying added rows would silently drop a fixture object that updated a row."""
        with open(fixture, encoding="utf-8") as file:
            objects = json.load(file)
        labels = {item["model"] for item in objects}
        added_count = sum(
            len(rows) for model, rows in added.items() if model._meta.label_lower in labels
        )
        if added_count != len(objects):
            raise RuntimeError(
                f"{fixture} has {len(objects)} objects but loading it added {added_count} rows "
                "to their tables: it updates rows that exist before it loads, which the "
                "test seed cannot replay."
            )

    def insert(self):
        """Write the seed's rows into the current database, as the guarded loaddata left them."""
        found = {}
        for target, attname, key in self.outside_references.values():
            if (target, key) not in found:
                found[target, key] = getattr(
                    target._default_manager.get_by_natural_key(*key), attname
                )
        with transaction.atomic(), connection.cursor() as cursor:
            # One prepared INSERT a table, its rows' values converted for the
            # database once: bulk_create would build a model instance for each
            # row and compile its SQL again in every test.
            for sql, params in self.statements(found):
                cursor.executemany(sql, params)
            # Foreign keys are checked now rather than at the commit that a
            # test never reaches; on PostgreSQL this also fires the pending
            # checks, which would otherwise forbid an ALTER TABLE in the test.
            connection.check_constraints([model._meta.db_table for model in self.rows])
            # Explicit keys leave PostgreSQL's sequences behind; a later insert
            # would collide with a seed row. (SQLite needs nothing.)
            for statement in connection.ops.sequence_reset_sql(no_style(), list(self.rows)):
                cursor.execute(statement)

    def statements(self, found):
        """(INSERT, rows of values) for each table, parents first, outside rows as `found`."""
        key = (connection.alias, found)
        if self._statements_found != key:
            quote = connection.ops.quote_name
            statements = []
            for model, rows in self.rows.items():
                fields = model._meta.concrete_fields
                columns = ", ".join(quote(field.column) for field in fields)
                placeholders = ", ".join(["%s"] * len(fields))
                # Names from the models, quoted; every value is a parameter.
                table = quote(model._meta.db_table)
                sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
                params = [
                    [field.get_db_prep_save(values[field.attname], connection) for field in fields]
                    for values in (self.outside(model, row, found) for row in rows)
                ]
                statements.append((sql, params))
            self._statements, self._statements_found = statements, key
        return self._statements

    def outside(self, model, row, found):
        """`row` with each reference to a row outside the seed pointing at that row's key now."""
        for field in foreign_keys(model):
            reference = self.outside_references.get((model, field.attname, row[field.attname]))
            if reference:
                target, _, key = reference
                row = {**row, field.attname: found[target, key]}
        return row
