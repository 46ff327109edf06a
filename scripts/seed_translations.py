"""
Give every published claim of fixtures/seed.json its Korean version, through
the desk's own workflow: the demo translator drafts it, the demo publisher
publishes it (Translation.publish), at a fixed time a day after the
original's latest revision. The rows that adds or changes are written back
into fixtures/seed.json in place, in its own order, so that the seed still
loads through the guarded loaddata and holds every invariant.

    DATABASE_URL=sqlite:////tmp/seed.sqlite3 .venv/bin/python scripts/seed_translations.py

Run it on a seed without Korean versions (it refuses one that has them), on
a database of its own: it migrates it and loads the seed first.
"""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core import serializers  # noqa: E402
from django.core.management import call_command  # noqa: E402

from claims.choices import Action  # noqa: E402
from claims.models import Claim, ReviewEvent, Revision, Translation  # noqa: E402
from claims.models.translations import translatable_texts  # noqa: E402

SEED = ROOT / "fixtures" / "seed.json"

# The desk's Korean for the names its records use, whichever claim names them.
NAMES = {
    "topic.north-korea-russia": "북한과 러시아",
    "topic.south-korean-politics": "한국 정치",
    "source.nis": "국가정보원 (국정원)",
    "source.jcs": "합동참모본부 (합참)",
    "source.kcna": "조선중앙통신 (KCNA)",
    "source.rok-lawmakers": "국정원 보고를 받은 국회의원들",
    "source.seed-article": "Community-5",
    "source.north-korea": "북한 정부",
    "source.nk-news": "NK News",
    "source.russian-general-staff": "러시아군 총참모부",
    "source.business-recorder": "Business Recorder",
    "source.unnamed-commenter": "이름이 밝혀지지 않은 논평자",
    "affiliation.south-korean-government": "대한민국 정부",
    "affiliation.north-korean-government": "북한 정부",
    "affiliation.russian-government": "러시아 정부",
    "figure.north-korean-casualties.name": "러시아를 위해 싸우다 죽거나 다친 북한군",
    "figure.north-korean-casualties.short_name": "사상자 수",
    "figure.north-korean-casualties.unit": "명",
    "figure.north-korean-deaths.name": "러시아를 위해 싸우다 숨진 북한군",
    "figure.north-korean-deaths.short_name": "사망자 수",
    "figure.north-korean-deaths.unit": "명",
}

SINGLE_SOURCE = (
    "이 수치를 전한 보도는 모두 한 출처, 대한민국 국가정보원으로 거슬러 올라갑니다. "
    "독립된 출처가 확인한 적은 없습니다."
)
INTERESTED_PARTY = (
    "국정원은 대한민국 정부의 일부로, 북한과 러시아에 관해 정치적 이해관계가 있는 당사자입니다."
)
NO_METHOD = (
    "이 수치는 국회의원들에게 비공개로 보고되었고, 산출 방법이나 근거 자료는 공개되지 않았습니다."
)
UNVERIFIABLE = "북한에 관한 정보는 독립적으로 검증하기가 매우 어렵습니다."
# The briefing was closed-door: what is on the Korean public record is the
# lawmakers' account of it, as the Korean press reported it that day.
KOREAN_RECORD = (
    "같은 보고를 전한 한국어 보도: SBS, 2025년 4월 30일, "
    "https://news.sbs.co.kr/news/endPage.do?news_id=N1008084075 "
    "(국정원의 비공개 보고 원문은 공개되지 않았습니다)."
)

KOREAN = {
    "north-korean-casualties-4700": {
        "headline": "러시아를 위해 싸운 북한군 약 4,700명 사상",
        "wording": "러시아군과 함께 우크라이나에서 싸운 북한군 약 4,700명이 죽거나 다쳤으며, "
        "그중 사망자는 600명이다.",
        "summary": "국가정보원은 2025년 4월 30일 국회의원들에게 비공개로 이 수치를 보고했습니다. "
        "우리가 찾은 보도는 모두 이 한 차례의 보고를 전한 것이어서, 이 수치는 단일 출처에 "
        "기대고 있으며 독립된 출처가 확인할 때까지 '미확인'으로 남습니다. 국정원과 "
        "우크라이나의 이전 추정치와 어떻게 비교되는지는 수치 페이지에 있습니다.",
        "context": "2025년 4월 30일 국회 정보위원회 비공개 간담회에서 국정원이 보고했고, "
        "정보위원 두 명이 기자들에게 전했습니다.",
        "caveat.1": SINGLE_SOURCE,
        "caveat.2": INTERESTED_PARTY,
        "caveat.3": NO_METHOD,
        "caveat.4": UNVERIFIABLE,
        "evidence.1.excerpt": "지금까지 사상자는 북한군 4,700명이며, 그중 약 600명이 숨졌다.",
        "evidence.1.note": "보고 직후 이성권 의원의 발언, KBS World 방송. " + KOREAN_RECORD,
        "evidence.2.excerpt": "러시아군과 함께 우크라이나에서 싸운 북한군 약 4,700명이 "
        "사망자 600명을 포함해 죽거나 다쳤다",
    },
    "north-korean-deaths-600": {
        "headline": "러시아를 위해 싸우다 숨진 북한군 약 600명",
        "wording": "북한군 사상자 약 4,700명 가운데 약 600명이 사망자다.",
        "summary": "사망자 수는 사상자 수와 같은 국정원 비공개 보고에서 나왔습니다. "
        "독립된 출처가 확인한 적은 없습니다.",
        "context": "2025년 4월 30일 국회의원들에게 한 같은 국정원 비공개 보고의 일부입니다.",
        "caveat.1": SINGLE_SOURCE,
        "caveat.2": INTERESTED_PARTY,
        "caveat.3": NO_METHOD,
        "caveat.4": UNVERIFIABLE,
        "caveat.5": "국정원은 나중에 이 4월 수치를 최소치('최소 600명')라고 했고, "
        "2025년 9월에는 사망자를 약 2,000명으로 추산했습니다.",
        "evidence.3.excerpt": "국가정보원은 러시아를 위해 싸우다 숨진 북한군이 "
        "약 600명이라고 말한다",
        "evidence.3.note": "이성권·김병기 의원이 전한 내용, KBS World 보도. " + KOREAN_RECORD,
        "evidence.4.excerpt": "러시아군과 함께 우크라이나에서 싸운 북한군 약 4,700명이 "
        "사망자 600명을 포함해 죽거나 다쳤다",
        "correction.2025-09-03 08:00:00+00:00": "2025년 9월 2일 국정원은 국회의원들에게 "
        "사망자를 이제 약 2,000명으로 추산한다고 보고하며, 4월의 약 600명은 최소치였다고 "
        "밝혔습니다. 이 판정은 4월 수치에 관한 것이며 '미확인'으로 유지합니다. 새 수치 역시 "
        "국정원 하나에 기대고 있습니다.",
        "event.2025-09-03 08:00:00+00:00": "2025년 9월 2일 국정원은 국회의원들에게 사망자를 "
        "이제 약 2,000명으로 추산한다고 보고하며, 4월의 약 600명은 최소치였다고 밝혔습니다. "
        "이 판정은 4월 수치에 관한 것이며 '미확인'으로 유지합니다. 새 수치 역시 국정원 "
        "하나에 기대고 있습니다.",
    },
    "north-korean-troops-kursk": {
        "headline": "북한, 쿠르스크 지역에서 러시아를 위해 싸울 병력 파병",
        "wording": "북한은 쿠르스크 지역에서 러시아를 돕기 위해 병력을 배치했다.",
        "summary": "주장한 쪽이 아닌 두 정부가 각자의 이전 침묵을 깨고 이를 확인했습니다. "
        "러시아군 총참모부는 2025년 4월 26일 북한군이 쿠르스크 지역에서 싸웠다고 인정했고, "
        "북한은 이틀 뒤 김정은의 명령에 따라 자국 부대가 참전했다고 확인했습니다.",
        "context": "한국 정보기관은 북한군이 러시아군과 함께 싸우고 있다고 보고했습니다. "
        "2025년 4월 러시아군 총참모부와 이어 북한이 직접 파병을 확인했습니다.",
        "evidence.8.excerpt": "교전 지역이 쿠르스크 전역으로 확대됐다",
        "evidence.8.note": "2025년 1월 13일 국정원 보고를 인용한 이성권 의원의 발언, "
        "KBS World 보도.",
        "evidence.9.excerpt": "쿠르스크 지역에서 러시아를 돕기 위한 북한의 파병 시인",
        "evidence.10.excerpt": "\u201c조선인민군 전투원들은 쿠르스크 지역을 우크라이나군으로부터 "
        "해방하는 데 높은 전문성을 보여 주었다\u201d, 발레리 게라시모프",
        "evidence.10.note": "러시아의 첫 공식 인정. 크렘린이 공개한 푸틴 대통령 대상 보고에서.",
        "evidence.11.excerpt": "북한은 월요일 처음으로 김정은 위원장의 명령에 따라 우크라이나 "
        "전쟁에서 러시아를 위해 싸울 병력을 보냈다고 확인했다",
        "evidence.11.note": "조선중앙통신이 보도한 노동당 중앙군사위원회 성명에 관한 로이터 보도.",
    },
    "many-north-korea-sympathisers": {
        "headline": "한국에는 북한 동조자가 많다",
        "wording": "한국에는 북한에 대한 \u201c동조자가 많다\u201d.",
        "summary": "이는 의견입니다. 기사는 북한에 동조하는 한국인이 얼마나 되는지 아무런 "
        "척도를 제시하지 않고, 논평자도 밝히지 않아 대조해 볼 근거가 없습니다.",
        "context": "Community-5 기사가 작성자를 밝히지 않고 인용한 논평으로, 어떤 조사의 결과도 "
        "아닙니다.",
        "caveat.1": "기사에 인용된 의견일 뿐이며, 뒷받침하는 조사나 집계, 다른 척도가 없습니다.",
        "evidence.14.excerpt": "한국에 북한에 대한 \u201c동조자가 많다\u201d는 언급",
    },
}


def main():
    fixture = json.loads(SEED.read_text())
    if any(row["model"] == "claims.translation" for row in fixture):
        sys.exit("fixtures/seed.json already has its Korean versions.")
    call_command("migrate", verbosity=0)
    call_command("loaddata", str(SEED), verbosity=0)
    editor = get_user_model().objects.get(username="editor")
    translator = get_user_model().objects.create(
        username="translator",
        # The seed's users have no usable password: demo_logins gives them one.
        password=editor.password,
        first_name="Seo-yeon",
        last_name="Han",
        email="translator@factcheck.invalid",
        is_staff=True,
        date_joined=editor.date_joined,
    )
    translator.groups.set([Group.objects.get(name="Translators")])
    publisher = get_user_model().objects.get(username="reviewer")
    for original in Revision.objects.current().order_by("claim_id"):
        texts = KOREAN[original.slug] | {
            key: NAMES[key]
            for key, _label, _text in translatable_texts(original.document)
            if key in NAMES
        }
        unknown = set(texts) - {key for key, _l, _t in translatable_texts(original.document)}
        if unknown:
            sys.exit(f"{original.slug}: no such text to translate: {sorted(unknown)}")
        at = original.published_at + timedelta(days=1)
        with mock.patch("django.utils.timezone.now", return_value=at):
            draft = Translation.objects.create(claim=original.claim, language="ko")
            draft.save_texts(texts, by=translator)
        with mock.patch("django.utils.timezone.now", return_value=at + timedelta(hours=1)):
            draft.publish(by=publisher, note="한국어판을 처음 게재합니다.")
    write_back(fixture, translator)


def serialized(rows):
    return json.loads(
        serializers.serialize(
            "json", rows, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
    )


def write_back(fixture, translator):
    """The seed with the new rows after their kind's last, and each claim as it is now."""
    claims = {row["fields"]["slug"]: row for row in serialized(Claim.objects.all())}
    added = {
        "auth.user": serialized([translator]),
        "claims.reviewevent": serialized(
            ReviewEvent.objects.filter(action=Action.PUBLISH_TRANSLATION).order_by("created_at")
        ),
        "claims.revision": serialized(Revision.objects.translations().order_by("published_at")),
        "claims.revisionname": [],
        "claims.translation": serialized(Translation.objects.order_by("claim__slug")),
    }
    last = {row["model"]: position for position, row in enumerate(fixture)}
    rows = []
    for position, row in enumerate(fixture):
        if row["model"] == "claims.claim":
            row = claims[row["fields"]["slug"]]
        if row["model"] == "claims.revision":
            row["fields"].setdefault("language", "en")
            row["fields"].setdefault("translation_of", None)
        rows.append(row)
        if last[row["model"]] == position and row["model"] in added:
            rows += added.pop(row["model"])
    for remaining in added.values():
        rows += remaining
    SEED.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
