"""
Readers find the seed story's verdicts by the words they would type, and both
databases find the same ones: this table runs on SQLite and on PostgreSQL.

Each row names claims the search must find and claims it must not, by slug,
so that rewording a claim does not break a row unless it changes the answer.
"""

import pytest

from tests.seed import CLAIM

PUBLISHED = {CLAIM.casualties, CLAIM.deaths, CLAIM.kursk, CLAIM.sympathisers}
# In the seed but not published: never found.
UNPUBLISHED = {
    CLAIM.injured_repatriated,
    CLAIM.cremated,
    CLAIM.treaty,
    CLAIM.significant_increase,
    CLAIM.no_lethal_aid,
}

# query, must find, must not find
TABLE = [
    # Numbers, with or without thousands separators; whole numbers only.
    ("4700", {CLAIM.casualties, CLAIM.deaths}, {CLAIM.kursk, CLAIM.sympathisers}),
    ("4,700", {CLAIM.casualties, CLAIM.deaths}, {CLAIM.kursk, CLAIM.sympathisers}),
    ("4 700 soldiers", set(), PUBLISHED),
    ("600", {CLAIM.deaths}, {CLAIM.kursk, CLAIM.sympathisers}),
    ("60", set(), PUBLISHED),
    # Singular and plural, and other forms of a word.
    ("casualties", {CLAIM.casualties, CLAIM.deaths}, {CLAIM.kursk, CLAIM.sympathisers}),
    ("casualty", {CLAIM.casualties, CLAIM.deaths}, {CLAIM.kursk, CLAIM.sympathisers}),
    ("sympathiser", {CLAIM.sympathisers}, {CLAIM.casualties, CLAIM.deaths, CLAIM.kursk}),
    ("sympathizers", {CLAIM.sympathisers}, {CLAIM.casualties, CLAIM.deaths, CLAIM.kursk}),
    ("troop", {CLAIM.kursk}, {CLAIM.sympathisers}),
    ("deploying", {CLAIM.kursk}, {CLAIM.sympathisers, CLAIM.deaths}),
    ("death", {CLAIM.deaths}, {CLAIM.kursk, CLAIM.sympathisers}),
    ("died", {CLAIM.deaths}, {CLAIM.kursk, CLAIM.sympathisers}),
    ("killed", {CLAIM.casualties}, {CLAIM.kursk, CLAIM.sympathisers}),
    ("wound", {CLAIM.casualties}, {CLAIM.kursk, CLAIM.sympathisers}),
    # A word finds the longer words it begins.
    ("korea", PUBLISHED, set()),
    ("north korea", PUBLISHED, set()),
    ("North Korean", PUBLISHED, set()),
    ("KURSK", {CLAIM.kursk}, PUBLISHED - {CLAIM.kursk}),
    ("kursk region", {CLAIM.kursk}, PUBLISHED - {CLAIM.kursk}),
    ("sympath", {CLAIM.sympathisers}, {CLAIM.casualties, CLAIM.deaths, CLAIM.kursk}),
    ("Russia", {CLAIM.casualties, CLAIM.deaths, CLAIM.kursk}, {CLAIM.sympathisers}),
    # Evidence quotes count: both NIS figures' evidence says "fighting in Ukraine".
    ("Ukraine", {CLAIM.casualties, CLAIM.deaths}, {CLAIM.sympathisers}),
    ("4700 korea", {CLAIM.casualties, CLAIM.deaths}, {CLAIM.kursk, CLAIM.sympathisers}),
    # The claimant's name counts as the claim's.
    ("NIS", {CLAIM.casualties, CLAIM.deaths, CLAIM.kursk}, {CLAIM.sympathisers}),
    ("intelligence service", {CLAIM.casualties, CLAIM.deaths, CLAIM.kursk}, {CLAIM.sympathisers}),
    ("NIS casualties", {CLAIM.casualties, CLAIM.deaths}, {CLAIM.kursk, CLAIM.sympathisers}),
    # Phrases keep their order; a minus leaves out.
    ('"killed or wounded"', {CLAIM.casualties}, {CLAIM.kursk, CLAIM.sympathisers}),
    ('"wounded or killed"', set(), PUBLISHED),
    ('"the Kursk region"', {CLAIM.kursk}, PUBLISHED - {CLAIM.kursk}),
    ("soldiers -casualties", set(), {CLAIM.casualties, CLAIM.deaths}),
    ("korea -soldiers", {CLAIM.sympathisers}, {CLAIM.casualties, CLAIM.deaths}),
    # The Kursk claim names South Korea only in its context, which search leaves out.
    ('korea -"south korea"', {CLAIM.deaths, CLAIM.kursk}, {CLAIM.casualties, CLAIM.sympathisers}),
    # Words that mean nothing alone find nothing; unpublished claims never.
    ("the", set(), PUBLISHED),
    ("cremated", set(), UNPUBLISHED),
    ("repatriated", set(), UNPUBLISHED),
    ("treaty", set(), UNPUBLISHED),
]


@pytest.mark.usefixtures("template_context")
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
