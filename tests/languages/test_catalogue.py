"""
Each language's catalogue (Korean so far) is complete: every message
translated, none fuzzy, each translation with the placeholders of its
message; the compiled catalogue Django reads carries exactly those
translations; and no message of the code or templates is missing from it.
"""

import gettext
import re
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

from tests.catalogues import ROOT, catalogue_path, placeholders, read_catalogue

# The source strings are English: every other language has a catalogue.
LANGUAGES = [code for code, _ in settings.LANGUAGES if code != "en"]


@pytest.fixture(scope="module", params=LANGUAGES)
def catalogue(request):
    return request.param, read_catalogue(catalogue_path(request.param))


def test_every_message_is_translated_and_none_is_fuzzy(catalogue):
    _, messages = catalogue
    header, *messages = messages
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    assert len(messages) > 400
    untranslated = [m.msgid for m in messages if not all(t.strip() for t in m.translations)]
    fuzzy = [m.msgid for m in messages if "fuzzy" in m.flags]
    assert untranslated == []
    assert fuzzy == []


def test_every_plural_message_fills_each_plural_form_of_its_language(catalogue):
    language, messages = catalogue
    header, *messages = messages
    assert f"Language: {language}" in header.msgstr[None]
    # Korean has one form for every count ("nplurals=1; plural=0;").
    forms = int(re.search(r"nplurals=(\d+);", header.msgstr[None])[1])
    plurals = [m for m in messages if m.msgid_plural is not None]
    assert plurals
    assert [m.msgid for m in plurals if list(m.msgstr) != list(range(forms))] == []


def test_each_translation_keeps_the_placeholders_of_its_message(catalogue):
    _, messages = catalogue
    wrong = []
    for message in messages[1:]:
        # Korean has one form for every count: it may name the plural's count.
        allowed = {
            *placeholders(message.msgid),
            *placeholders(message.msgid_plural or ""),
        }
        for translation in message.translations:
            used = set(placeholders(translation))
            needed = set(placeholders(message.msgid)) - {"%(counter)s", "%(count)d"}
            if not used <= allowed or not needed <= used:
                wrong.append(message.msgid)
    assert wrong == []


def test_the_compiled_catalogue_carries_every_translation(catalogue):
    language, messages = catalogue
    compiled_path = catalogue_path(language).with_suffix(".mo")
    with compiled_path.open("rb") as compiled_file:
        compiled = gettext.GNUTranslations(compiled_file)
    stale = []
    for message in messages[1:]:
        if message.msgid_plural is not None:
            found = (
                compiled.npgettext(message.msgctxt, message.msgid, message.msgid_plural, 5)
                if message.msgctxt
                else compiled.ngettext(message.msgid, message.msgid_plural, 5)
            )
        elif message.msgctxt:
            found = compiled.pgettext(message.msgctxt, message.msgid)
        else:
            found = compiled.gettext(message.msgid)
        if found != message.translations[0]:
            stale.append(message.msgid)
    assert stale == [], "compile it: manage.py compilemessages"


@pytest.mark.processes  # makemessages runs xgettext once per source file
@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="makemessages needs xgettext (Debian's gettext package), which CI installs",
)
def test_no_message_of_the_code_or_templates_is_missing_from_the_catalogue(tmp_path):
    for part in ["claims", "factcheck", "templates", "locale", "manage.py"]:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / part)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--all", "--no-obsolete", "--verbosity", "0"],
        cwd=tmp_path,
        check=True,
        env={"PATH": "/usr/bin:/bin", "FACTCHECK_ENV": "development"},
    )
    for language in LANGUAGES:
        committed = {m.key for m in read_catalogue(catalogue_path(language))}
        extracted = {
            m.key
            for m in read_catalogue(tmp_path / "locale" / language / "LC_MESSAGES" / "django.po")
        }
        assert sorted(extracted - committed, key=str) == [], "run manage.py makemessages --all"


# A Korean particle after a name, a date or a number the desk cannot know
# in advance could only guess at its form, as "은(는)" or "(으)로" do: each
# message is phrased so that none follows one.
GUESSED_PARTICLE = re.compile(r"\((은|는|이|가|을|를|와|과|으|로)\)")
PARTICLE_AFTER_PLACEHOLDER = re.compile(
    r"%(\([a-z_]+\))?[sd]”?(은|는|이|가|을|를|와|과)(?![가-힣])"
)


def test_no_korean_translation_guesses_a_particle_after_a_placeholder():
    header, *messages = read_catalogue(catalogue_path("ko"))
    guessed = [
        translation
        for message in messages
        for translation in message.translations
        if GUESSED_PARTICLE.search(translation) or PARTICLE_AFTER_PLACEHOLDER.search(translation)
    ]
    assert guessed == []
    similar = next(m for m in messages if m.msgid.startswith("“%(name)s” reads like"))
    assert similar.msgstr[None].startswith("입력한 이름이 등록된 출처의 이름과 비슷합니다")
    assert "nplurals=1" in header.msgstr[None]
