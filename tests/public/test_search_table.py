"""
Readers find the seed story's verdicts by the words they would type, and both
databases find the same ones: this table runs on SQLite and on PostgreSQL.

Each row names claims the search must find and claims it must not, by slug,
so that rewording a claim does not break a row unless it changes the answer.
"""

import pytest

CASUALTIES = "north-korean-casualties-4700"
DEATHS = "north-korean-deaths-600"
KURSK = "north-korean-troops-kursk"
SYMPATHISERS = "many-north-korea-sympathisers"
PUBLISHED = {CASUALTIES, DEATHS, KURSK, SYMPATHISERS}
# In the seed but not published: never found.
UNPUBLISHED = {
    "injured-repatriated-january-march",
    "dead-cremated-in-russia",
    "deployment-under-2024-treaty",
    "figure-significant-increase",
    "south-korea-no-lethal-aid",
}

# query, must find, must not find
TABLE = [
    # Numbers, with or without thousands separators; whole numbers only.
    ("4700", {CASUALTIES, DEATHS}, {KURSK, SYMPATHISERS}),
    ("4,700", {CASUALTIES, DEATHS}, {KURSK, SYMPATHISERS}),
    ("4 700 soldiers", set(), PUBLISHED),
    ("600", {DEATHS}, {KURSK, SYMPATHISERS}),
    ("60", set(), PUBLISHED),
    # Singular and plural, and other forms of a word.
    ("casualties", {CASUALTIES, DEATHS}, {KURSK, SYMPATHISERS}),
    ("casualty", {CASUALTIES, DEATHS}, {KURSK, SYMPATHISERS}),
    ("sympathiser", {SYMPATHISERS}, {CASUALTIES, DEATHS, KURSK}),
    ("sympathizers", {SYMPATHISERS}, {CASUALTIES, DEATHS, KURSK}),
    ("troop", {KURSK}, {SYMPATHISERS}),
    ("deploying", {KURSK}, {SYMPATHISERS, DEATHS}),
    ("death", {DEATHS}, {KURSK, SYMPATHISERS}),
    ("died", {DEATHS}, {KURSK, SYMPATHISERS}),
    ("killed", {CASUALTIES}, {KURSK, SYMPATHISERS}),
    ("wound", {CASUALTIES}, {KURSK, SYMPATHISERS}),
    # A word finds the longer words it begins.
    ("korea", PUBLISHED, set()),
    ("north korea", PUBLISHED, set()),
    ("North Korean", PUBLISHED, set()),
    ("KURSK", {KURSK}, PUBLISHED - {KURSK}),
    ("kursk region", {KURSK}, PUBLISHED - {KURSK}),
    ("sympath", {SYMPATHISERS}, {CASUALTIES, DEATHS, KURSK}),
    ("Russia", {CASUALTIES, DEATHS, KURSK}, {SYMPATHISERS}),
    ("Ukraine", {CASUALTIES}, {KURSK, SYMPATHISERS}),
    ("4700 korea", {CASUALTIES, DEATHS}, {KURSK, SYMPATHISERS}),
    # The claimant's name counts as the claim's.
    ("NIS", {CASUALTIES, DEATHS, KURSK}, {SYMPATHISERS}),
    ("intelligence service", {CASUALTIES, DEATHS, KURSK}, {SYMPATHISERS}),
    ("NIS casualties", {CASUALTIES, DEATHS}, {KURSK, SYMPATHISERS}),
    # Phrases keep their order; a minus leaves out.
    ('"killed or wounded"', {CASUALTIES}, {DEATHS, KURSK, SYMPATHISERS}),
    ('"wounded or killed"', set(), PUBLISHED),
    ('"the Kursk region"', {KURSK}, PUBLISHED - {KURSK}),
    ("soldiers -wounded", {DEATHS}, {CASUALTIES}),
    # The Kursk claim names South Korea only in its context, which search leaves out.
    ('korea -"south korea"', {DEATHS, KURSK}, {CASUALTIES, SYMPATHISERS}),
    # Words that mean nothing alone find nothing; unpublished claims never.
    ("the", set(), PUBLISHED),
    ("cremated", set(), UNPUBLISHED),
    ("repatriated", set(), UNPUBLISHED),
    ("treaty", set(), UNPUBLISHED),
]


@pytest.mark.parametrize(("query", "must_find", "must_not_find"), TABLE)
def test_readers_find_what_they_type(seed, client, query, must_find, must_not_find):
    response = client.get("/", {"q": query})
    assert response.status_code == 200
    found = {claim.slug for claim in response.context["page_obj"]}
    assert must_find <= found, f"{query!r} missed {must_find - found}"
    assert not found & must_not_find, f"{query!r} found {found & must_not_find}"
    assert not found & UNPUBLISHED


def test_the_table_covers_twenty_queries_and_every_published_claim():
    assert len(TABLE) >= 20
    assert set().union(*(must_find for _, must_find, _ in TABLE)) == PUBLISHED
