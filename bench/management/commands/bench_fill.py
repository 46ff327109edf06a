import random
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from bench.models import SyntheticFill
from claims.analysis import search_text
from claims.choices import Action, CaveatKind, ClaimStatus, SourceKind, Stance
from claims.models import (
    Affiliation,
    Caveat,
    Claim,
    Estimate,
    Evidence,
    Figure,
    ReviewEvent,
    Revision,
    RevisionName,
    Source,
    Topic,
)
from claims.models.revisions import for_records, listing_columns

WORDS = (
    "army border budget ceasefire drone election energy export famine frontline grain "
    "inflation minister missile navy nuclear oil parliament pension police port refugee "
    "sanction satellite soldier strike tanker tariff troops vaccine village wage water"
).split()
# Korean words as news copy has them, with the particle or counter glued on:
# the Korean version of every other published claim is written from these.
KOREAN_WORDS = (
    "북한군 국정원 러시아 파병 사상자 사망 전사 부상 병력 미사일 제재 휴전 국경 선거 예산 "
    "장관 의회 정부 대통령 병사 장교 전투 포로 송환 유해 화장 조약 무기 지원 식량 경제 "
    "우크라이나 쿠르스크"
).split()
KOREAN_PARTICLES = ["", "", "이", "가", "은", "는", "을", "를", "의", "에", "에서", "으로", "과"]
KOREAN_NUMBERS = ["4천700명이", "1만5천명", "600명", "2천 명", "3,000명의", "1만1천명"]
PLACES = (
    "Kursk Seoul Pyongyang Kyiv Moscow Odesa Kharkiv Busan Donetsk Minsk Tokyo Beijing"
).split()
# The claim the benchmark's verdict page shows: a heavy one.
HEAVY_CLAIM_SLUG = "bench-claim-with-20-evidence"
HEAVY_EVIDENCE = 20
# The figure the benchmark's figure page shows: estimates from many origins.
FIGURE_SLUG = "bench-figure"
FIGURE_ESTIMATES = 40
# Claims read at a time to publish their revisions.
REVISION_BATCH = 2_000


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic claims, evidence and sources for the benchmark, "
        "by bulk inserts, and mark it synthetic (check_invariants then says so rather "
        "than checking it). Refuses to run on a database that already has claims."
    )

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, default=100_000)
        parser.add_argument("--sources", type=int, default=2_000)
        parser.add_argument("--evidence-per-claim", type=int, default=3)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, claims, sources, evidence_per_claim, seed, **options):
        if Claim.objects.exists():
            raise CommandError("This database already has claims; fill an empty one.")
        if claims < 1 or sources < 2:
            raise CommandError("Need at least 1 claim and 2 sources.")
        self.random = random.Random(seed)
        started = time.perf_counter()
        with transaction.atomic():
            users = self.make_users()
            source_ids = self.make_sources(sources)
            claim_ids = self.make_claims(claims, source_ids, users)
            evidence_count = self.make_evidence(claim_ids, source_ids, evidence_per_claim, users)
            self.make_figure(source_ids)
            self.publish_revisions(users)
            # The fill skips the workflow (no review trail, verdicts without
            # the evidence they need): say so to anyone checking the data.
            SyntheticFill.objects.create(claims=len(claim_ids))
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner guesses on 100,000 rows it has
            # not seen; and a visibility map, as autovacuum would soon write,
            # without which counts cannot be answered from an index alone.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Filled {len(claim_ids):,} claims, {evidence_count:,} evidence items and "
            f"{len(source_ids):,} sources in {elapsed:.1f} s; the database is marked synthetic."
        )

    def make_users(self):
        User = get_user_model()
        editor, _ = User.objects.get_or_create(username="bench-editor")
        reviewer, _ = User.objects.get_or_create(username="bench-reviewer")
        return editor, reviewer

    def make_sources(self, count):
        affiliations = Affiliation.objects.bulk_create(
            Affiliation(name=f"Bench affiliation {index}", slug=f"bench-affiliation-{index}")
            for index in range(count // 10)
        )
        kinds = list(SourceKind.values)
        Source.objects.bulk_create(
            (
                Source(
                    name=f"Bench source {index} {self.random.choice(PLACES)}",
                    slug=f"bench-source-{index}",
                    kind=self.random.choice(kinds),
                    reliability=self.random.choice("ABCDEF"),
                    affiliation=self.random.choice(affiliations) if index % 3 else None,
                )
                for index in range(count)
            ),
            batch_size=5_000,
        )
        return list(Source.objects.values_list("pk", flat=True))

    def sentence(self, words):
        return " ".join(self.random.choice(WORDS) for _ in range(words))

    def korean_sentence(self, words):
        chosen = [
            self.random.choice(KOREAN_WORDS) + self.random.choice(KOREAN_PARTICLES)
            for _ in range(words)
        ]
        chosen.insert(self.random.randrange(len(chosen)), self.random.choice(KOREAN_NUMBERS))
        return " ".join(chosen) + "고 밝혔다."

    def korean_version(self, revision):
        """The Korean version of `revision`, unsaved, as translators publish one."""
        document = revision.document | {
            "headline": self.korean_sentence(5)[:75],
            "wording": self.korean_sentence(25),
            "summary": self.korean_sentence(30),
            "language": "ko",
        }
        # The first of its language's chain (claims.models.translations).
        return Revision(
            claim_id=revision.claim_id,
            number=1,
            document=document,
            published_at=revision.published_at,
            published_by_id=revision.published_by_id,
            previous_digest="",
            digest=revision.digest,
            first_published_at=revision.first_published_at,
            language="ko",
            translation_of=revision,
            search_text=search_text(document),
            **listing_columns(document),
        )

    def make_claims(self, count, source_ids, users):
        editor, reviewer = users
        topics = Topic.objects.bulk_create(
            Topic(name=f"Bench topic {word}", slug=f"bench-{word}") for word in WORDS[:12]
        )
        now = timezone.now()
        statuses = list(ClaimStatus.values)
        claims = []
        for index in range(count):
            status = self.random.choice(statuses)
            published = status != ClaimStatus.IN_REVIEW and self.random.random() < 0.8
            when = now - timedelta(minutes=index * 7)
            slug = HEAVY_CLAIM_SLUG if index == 0 else f"bench-claim-{index}"
            claims.append(
                Claim(
                    slug=slug,
                    headline=f"{self.random.choice(PLACES)}: {self.sentence(6)}"[:75],
                    wording=self.sentence(30),
                    claimant_id=self.random.choice(source_ids),
                    topic=self.random.choice(topics),
                    context=self.sentence(20),
                    status=ClaimStatus.CORROBORATED if index == 0 else status,
                    verdict_summary=self.sentence(40),
                    is_published=True if index == 0 else published,
                    published_at=when if published or index == 0 else None,
                    review_by=(when + timedelta(days=365)).date(),
                    created_by=editor,
                    created_at=when,
                    updated_at=when,
                    version=1,
                )
            )
        Claim.objects.bulk_create(claims, batch_size=5_000)
        claim_rows = list(Claim.objects.values_list("pk", "status", "is_published", "created_at"))
        ReviewEvent.objects.bulk_create(
            (
                ReviewEvent(
                    claim_id=pk,
                    version=1,
                    action=Action.CREATE,
                    from_status=ClaimStatus.UNVERIFIED,
                    to_status=ClaimStatus.UNVERIFIED,
                    actor=editor,
                    created_at=created_at,
                )
                for pk, _, _, created_at in claim_rows
            ),
            batch_size=10_000,
        )
        Caveat.objects.bulk_create(
            (
                Caveat(claim_id=pk, kind=CaveatKind.SINGLE_SOURCE, text=self.sentence(15))
                for pk, status, is_published, _ in claim_rows
                if status == ClaimStatus.UNVERIFIED or is_published
            ),
            batch_size=10_000,
        )
        return [pk for pk, *_ in claim_rows]

    def make_evidence(self, claim_ids, source_ids, per_claim, users):
        editor, _ = users
        stances = list(Stance.values)
        heavy = Claim.objects.get(slug=HEAVY_CLAIM_SLUG).pk
        rows = []
        for claim_id in claim_ids:
            count = (
                HEAVY_EVIDENCE if claim_id == heavy else self.random.randint(1, per_claim * 2 - 1)
            )
            for index in range(count):
                rows.append(
                    Evidence(
                        claim_id=claim_id,
                        source_id=self.random.choice(source_ids),
                        origin_id=self.random.choice(source_ids) if index % 2 else None,
                        stance=self.random.choice(stances),
                        title=f"Item {index}: {self.sentence(5)}",
                        url=f"https://example.org/evidence/{claim_id}/{index}",
                        archive_url=f"https://archive.example.org/{claim_id}/{index}",
                        excerpt=self.sentence(25),
                        credibility=self.random.randint(1, 6),
                        added_by=editor,
                    )
                )
        Evidence.objects.bulk_create(rows, batch_size=10_000)
        return len(rows)

    def publish_revisions(self, users):
        """
        The first published revision of each published claim, built from its
        rows as the workflow builds one, a few thousand claims at a time: the
        public pages read nothing else. Every other one has a Korean version
        beside it, for Korean searches.
        """
        _, reviewer = users
        published = for_records(Claim.objects.filter(is_published=True).order_by("pk"))
        for start in range(0, published.count(), REVISION_BATCH):
            batch = list(published[start : start + REVISION_BATCH])
            revisions = Revision.objects.bulk_create(
                Revision.following(None, claim, by=reviewer, at=claim.published_at)
                for claim in batch
            )
            RevisionName.objects.bulk_create(
                name for revision in revisions for name in revision.name_rows()
            )
            Revision.objects.bulk_create(
                self.korean_version(revision) for revision in revisions[::2]
            )

    def make_figure(self, source_ids):
        """A figure estimated FIGURE_ESTIMATES times by a dozen origins; its first
        estimates stated by the second claim (the heavy claim's page stays
        comparable with earlier runs)."""
        figure = Figure.objects.create(
            name="Bench soldiers killed or wounded",
            slug=FIGURE_SLUG,
            short_name="the casualty count",
            unit="soldiers",
            definition="Soldiers killed or wounded since the deployment began.",
        )
        origins = self.random.sample(source_ids, 12)
        first = timezone.now().date() - timedelta(days=2 * FIGURE_ESTIMATES)
        estimates = Estimate.objects.bulk_create(
            Estimate(
                figure=figure,
                origin_id=origins[index % len(origins)],
                relayed_by_id=self.random.choice(source_ids) if index % 3 else None,
                stated_on=first + timedelta(days=2 * index),
                low=1_000 + 150 * index,
                url=f"https://example.org/estimates/{index}",
                excerpt=f"about {1_000 + 150 * index:,} soldiers",
            )
            for index in range(FIGURE_ESTIMATES)
        )
        stating = Claim.objects.exclude(slug=HEAVY_CLAIM_SLUG).order_by("pk").first()
        if stating:
            stating.estimates.add(*estimates[:2])
