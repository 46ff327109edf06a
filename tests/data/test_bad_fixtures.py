"""A bad fixture is refused whole, with a clear error, and nothing is written.

Each file in bad_fixtures/, beside this file, is loaded over the seed (some refer to the
seed's natural keys); the seed's rows must come out exactly as they went in.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from tests.seed import CLAIM

CORPUS = Path(__file__).parent / "bad_fixtures"

# File (without .json) → a phrase the error must contain. Where SQLite and
# PostgreSQL word it differently, either phrase will do.
EXPECTED_ERRORS = {
    "truncated_json": "Expecting property name enclosed in double quotes",
    "unknown_field": "Source has no field named 'nickname'",
    "unknown_model": "Invalid model identifier: claims.verdict",
    "bad_status": "claims_claim_status_valid",
    "dangling_natural_key": "Topic matching query does not exist",
    "dangling_claimant": "claimant_id",
    "javascript_url": "claims_source_url_http",
    "mixed_case_javascript_evidence_url": "claims_evidence_url_http",
    "data_archive_url": "claims_evidence_archive_url_http",
    "credibility_9": "claims_evidence_credibility_valid",
    "headline_over_75_characters": (
        "claims_claim_headline_length",
        "value too long for type character varying(75)",
    ),
    "published_without_date": "claims_claim_published_has_date",
    "impossible_date": "“2026-02-30” value has the correct format (YYYY-MM-DD) but it is",
    "good_row_then_bad_row": "claims_evidence_url_http",
    "corroborated_on_one_origin": (
        f"claims.Claim {CLAIM.casualties}: Readers see it as unverified, but it is "
        "corroborated: its status changed outside the workflow."
    ),
    "published_unverified_without_caveat": (
        "claims.Claim breaking-claim-no-caveat: It is published, but no published revision "
        "is current."
    ),
    "published_revision_without_caveat": (
        "claims.Claim breaking-claim-no-caveat: An unverified claim can be published only "
        "with at least one caveat"
    ),
    "revision_rewritten": (
        f"claims.Claim {CLAIM.deaths}: Its revision 2 is not what was published: its content "
        "does not match its digest, so it was changed outside the workflow."
    ),
    "status_without_review_event": (
        f"claims.Claim {CLAIM.cremated}: Its status is in_review, "
        "but its review events leave it unverified."
    ),
    "control_character_in_a_description": (
        "claims.Source a-wire: Its description holds the invisible control character U+"
    ),
    "noncharacter_in_a_source_name": (
        "claims.Source a-wire: Its name holds the invisible character U+FFFF at character 7, "
        "which no stored text may hold."
    ),
    "summary_of_100_kb": "claims_claim_verdict_summary_length",
}


def database_state():
    """Row counts of every table, and every row of the desk and its users."""
    counts = {model._meta.label: model._base_manager.count() for model in apps.get_models()}
    dump = StringIO()
    call_command("dumpdata", "claims", "auth.user", "auth.group", stdout=dump)
    return counts, dump.getvalue()


def test_the_corpus_and_its_expected_errors_match():
    assert sorted(path.stem for path in CORPUS.glob("*.json")) == sorted(EXPECTED_ERRORS)
    assert len(EXPECTED_ERRORS) >= 10


@pytest.mark.parametrize("name", sorted(EXPECTED_ERRORS))
def test_a_bad_fixture_is_refused_whole_with_a_clear_error(seed, name):
    before = database_state()
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("loaddata", str(CORPUS / f"{name}.json"), stdout=out)
    message = str(refused.value)
    expected = EXPECTED_ERRORS[name]
    phrases = expected if isinstance(expected, tuple) else (expected,)
    assert any(phrase in message for phrase in phrases), message
    assert "Nothing was written." in message
    assert "Installed" not in out.getvalue()
    assert database_state() == before


def test_a_good_fixture_still_loads_through_the_guarded_loaddata(seed):
    out = StringIO()
    call_command("loaddata", "fixtures/seed.json", stdout=out)
    assert out.getvalue().startswith("Installed 145 object(s) from 1 fixture(s)")
    assert apps.get_model("claims", "Claim").objects.count() == 9
