"""
The words of a text as reader search reads them, in English and Korean, in
Python, on both databases: at save time (a revision's search text, when it is
published) and on the query. The database only compares the words this
module hands it, so PostgreSQL and SQLite find the same claims.

- Numbers lose their thousands separators (4,700 → 4700), and Korean
  numerals are read as numbers (4천700 → 4700, 1만5천 → 15000, 2천 → 2000,
  1.5만 → 15000): read_number() serves the figures' forms too.
- A number's counter and the particles after it are dropped (4,700명이 → 4700).
- English words are stemmed (Snowball English, as PostgreSQL's `english`).
- A Korean word loses the particle or ending glued to it, longest first
  (북한군이 → 북한군, 사상자가 → 사상자, 평양에서는 → 평양), but never below
  MIN_KOREAN_STEM syllables, so that 북한 and 국가 stay whole. Matching
  by prefix (claims.search) does the rest: 북한 finds 북한군, 사망 finds
  사망했다. A rule-based stripper, not a morphological analyser: it costs no
  memory beyond these lists (a Kiwi model costs about 520 MB a process), and
  where it strips too much (우크라이나's 나 is not on the list for that reason)
  it strips the query the same way, so it loses precision, never a match.

Mixed text is split where the script changes: NIS는 → nis; 4700명 → 4700.
"""

import re
from functools import lru_cache

import snowballstemmer

HANGUL = "\uac00-\ud7a3"
# A thousands separator (comma, no-break space, narrow no-break space) between
# digits. Migration 0006 applied the same pattern to the old PostgreSQL document.
THOUSANDS_SEPARATOR = r"(\d)[,\u00a0\u202f](?=\d{3}(?:\D|$))"
# A number written with Korean units: digits, each followed by a unit but the
# last, at least one unit (4천700, 1만5천, 2천, 1.5만, 3억2천만).
KOREAN_NUMERAL = re.compile(
    r"(?<![\d.])\d+(?:\.\d+)?[십백천만억조](?:\d+(?:\.\d+)?[십백천만억조]?|[십백천만억조])*"
)
NUMERAL_PART = re.compile(r"(\d+(?:\.\d+)?)?([십백천만억조]?)")
SMALL_UNITS = {"십": 10, "백": 100, "천": 1_000}
LARGE_UNITS = {"만": 10_000, "억": 100_000_000, "조": 1_000_000_000_000}
# A decimal number, or a run of letters and digits: what PostgreSQL's parser
# makes a word of, near enough.
RUN = re.compile(r"\d+(?:\.\d+)+|[^\W_]+")
SCRIPT_PIECE = re.compile(rf"[{HANGUL}]+|[^{HANGUL}]+")
NUMBER = re.compile(r"\d+(?:\.\d+)*")
IS_HANGUL = re.compile(rf"[{HANGUL}]+")

# Counters and what follows a number (명 people, 개 things, 건 cases, 여 "more
# than", 가량 and 쯤 "about"...), longest first when read.
COUNTERS = sorted(
    """
    명 개 건 곳 번 차례 회 년 월 일 세 살 시 분 초 주 개월 달 대 척 발 톤 가구 채 명가량
    여명 여 가량 쯤 정도 배 퍼센트 만명 천명 명씩 명꼴 원 달러 킬로미터 미터 km
    """.split(),
    key=len,
    reverse=True,
)
# Particles and endings glued to a Korean word: case particles, stacked
# particles, the copula and the commonest predicate endings. Longest match is
# stripped first. Left out on purpose: 나, 고, 한, 된 (우크라이나, 보고서, 북한,
# 의원단 would lose a syllable of their own).
PARTICLES = sorted(
    """
    이 가 은 는 을 를 의 에 에서 으로 로 와 과 도 만 까지 부터 에게 께서 한테 께 보다 처럼
    마다 이나 이라 라 이며 이고 이다 입니다 이었다 였다 이라고 라고 이라는 라는 이란 란
    에서는 에서도 에서의 에게는 에게도 에게서 으로는 으로도 으로의 로는 로도 로의 에는 에도 에의
    까지는 까지도 부터는 와는 과는 와의 과의 만은 만을 이나마 조차 마저 밖에 이라도 라도
    들 들이 들은 들을 들의 들에게 들도 들과 들로 들이다
    했다 하였다 했으며 했고 한다 하는 했던 하고 하며 해 했습니다 합니다 했다고 한다고
    됐다 되었다 된다 되는 됐으며 됐고 되어 돼 됐다고
    """.split(),
    key=len,
    reverse=True,
)
# A Korean word keeps at least this many syllables.
MIN_KOREAN_STEM = 2
# Words that look as if they ended in a particle but do not.
WHOLE_KOREAN_WORDS = frozenset({"김정은", "어린이", "고양이", "우크라이나"})

_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=8192)
def stem(word):
    """An English (or other non-Korean) word's stem; a Korean word without its particle."""
    if IS_HANGUL.fullmatch(word):
        return korean_stem(word)
    return _STEMMER.stemWord(word)


def korean_stem(word):
    """`word` (Hangul) without the particle or ending glued to it, if one is."""
    if word in WHOLE_KOREAN_WORDS:
        return word
    for particle in PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= MIN_KOREAN_STEM:
            return word[: -len(particle)]
    return word


def strip_counter(piece):
    """
    What is left of `piece` (Hangul right after a number) without its counter
    and particles: "" for 명이, 개를; the word itself when it is no counter.
    """
    for counter in COUNTERS:
        if piece.startswith(counter):
            rest = piece[len(counter) :]
            if not rest or rest in PARTICLES:
                return ""
    return piece


def korean_numeral_value(numeral):
    """The value of a number written with Korean units (4천700 → 4700)."""
    total = section = 0
    for digits, unit in NUMERAL_PART.findall(numeral):
        if unit in SMALL_UNITS:
            # 천만: a unit without digits counts one of it.
            section += float(digits or 1) * SMALL_UNITS[unit]
        elif unit in LARGE_UNITS:
            total += (section + float(digits or 0)) * LARGE_UNITS[unit]
            section = 0
        elif digits:
            section += float(digits)
    value = total + section
    return int(value) if value == int(value) else value


def _numeral_digits(match):
    value = korean_numeral_value(match.group())
    return str(value)


def normalise_numbers(text):
    """
    The text with its numbers as digits alone: "4,700" → "4700",
    "4천700명" → "4700명", "1만5천" → "15000".
    """
    text = re.sub(THOUSANDS_SEPARATOR, r"\1", text)
    return KOREAN_NUMERAL.sub(_numeral_digits, text)


def raw_words(text):
    """
    The lower-cased words of `text`, numbers normalised, split where the
    script changes, counters after numbers dropped, in order; not stemmed.
    """
    found = []
    for run in RUN.findall(normalise_numbers(text or "")):
        after_number = False
        for piece in SCRIPT_PIECE.findall(run):
            if after_number and IS_HANGUL.fullmatch(piece):
                piece = strip_counter(piece)
                after_number = False
            # A particle on its own (NIS는's 는, or one after a bracket) is no word.
            if not piece or piece in PARTICLES:
                continue
            found.append(piece.lower())
            after_number = bool(NUMBER.fullmatch(piece))
    # A counter standing alone after a number ("2천 명") is no word either.
    return [
        word
        for index, word in enumerate(found)
        if not (index and NUMBER.fullmatch(found[index - 1]) and not strip_counter(word))
    ]


def is_number(word):
    return bool(NUMBER.fullmatch(word))


def is_korean(word):
    return bool(IS_HANGUL.fullmatch(word))


def analysed(text):
    """The words of `text` as search stores them, a tuple: numbers whole, other words stemmed."""
    return tuple(word if is_number(word) else stem(word) for word in raw_words(text))


@lru_cache(maxsize=4096)
def analysed_name(name):
    """analysed(name), kept: a search reads the same names of sources and figures each time."""
    return analysed(name)


def read_number(text):
    """
    The number `text` states, however a desk types it: 4700, 4,700, 4 700,
    4천700, 4천700명, 1만5천, 약 2천 명; None when it states none, or a
    fraction. For the figures' forms.
    """
    text = re.sub(r"[\s\u00a0\u202f]+", "", text or "")
    text = re.sub(r"^(약|대략|about|~)", "", text, flags=re.IGNORECASE)
    match = re.fullmatch(rf"([\d.,]+(?:[십백천만억조][\d.,]*)*)([{HANGUL}]*)", text)
    if not match or not re.search(r"\d", match.group(1)) or strip_counter(match.group(2)):
        return None
    number = re.sub(r"(\d),(?=\d{3}(?:\D|$))", r"\1", match.group(1))
    if "," in number:
        return None
    if KOREAN_NUMERAL.fullmatch(number):
        value = korean_numeral_value(number)
    elif re.fullmatch(r"\d+", number):
        value = int(number)
    else:
        return None
    return value if isinstance(value, int) else None


# How search_text() separates a revision's texts of different weight; no
# word contains it, and SQLite's patterns do not cross it.
SECTION = "|"


def source_names(source):
    """A published source record's names (claims.models.revisions.source_record)."""
    return [source.get("name", "")] if source else []


def search_text(document):
    """
    What search reads of a published revision's `document`, in any language,
    as four runs of analysed words separated by SECTION, weightiest first:
    the headline; the wording; the summary; and what readers remember of the
    story besides: the claimant's name, the evidence's titles, quotes and
    sources, the estimates stated (the figure, the value, who stated it) and
    the public corrections. Each run starts and ends with a space, so that
    " word" finds a word that begins with it and " a b " a phrase.
    """
    remembered = [*source_names(document.get("claimant"))]
    for item in document.get("evidence", ()):
        remembered += [item.get("title", ""), item.get("excerpt", "")]
        remembered += source_names(item.get("source")) + source_names(item.get("origin"))
    for estimate in document.get("estimates", ()):
        figure = estimate.get("figure") or {}
        remembered += [figure.get("name", ""), figure.get("short_name", ""), figure.get("unit", "")]
        remembered += [str(value) for value in (estimate.get("low"), estimate.get("high")) if value]
        remembered += source_names(estimate.get("origin"))
    remembered += [correction.get("note", "") for correction in document.get("corrections", ())]
    sections = [
        document.get("headline") or "",
        document.get("wording") or "",
        document.get("summary") or "",
        "\n".join(text for text in remembered if text),
    ]
    return SECTION.join(" " + " ".join(analysed(text)) + " " for text in sections)
