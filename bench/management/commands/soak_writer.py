import json
import random
import threading
import time
from collections import Counter

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.db.models import Count, Max

from claims.choices import CaveatKind, ClaimStatus, Stance
from claims.models import Affiliation, Caveat, Claim, Evidence, ReviewEvent, Source
from claims.workflow import StaleClaim, WorkflowError

SLUG_PREFIX = "soak-claim-"


class Command(BaseCommand):
    help = (
        "The writer side of the soak test: prepare published claims, then walk them "
        "through the workflow from several threads for a while (reopening a published "
        "verdict writes a public correction), and check that no update was lost."
    )

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, default=40)
        parser.add_argument("--duration", type=float, default=60.0)
        parser.add_argument("--writers", type=int, default=2)
        parser.add_argument(
            "--pause", type=float, default=0.05, help="seconds between one writer's steps"
        )
        parser.add_argument(
            "--rate",
            type=float,
            default=0,
            help="workflow steps a second, all writers together, kept to a schedule "
            "(instead of --pause)",
        )
        parser.add_argument("--prepare-only", action="store_true")

    def handle(self, *args, claims, duration, writers, pause, rate, prepare_only, **options):
        people = self.people()
        if not Claim.objects.filter(slug__startswith=SLUG_PREFIX).exists():
            self.prepare(claims, people)
        if prepare_only:
            self.stdout.write(f"Prepared {claims} soak claims.")
            return
        tally = self.write_for(duration, writers, pause, rate, people)
        lost = self.lost_updates()
        summary = {
            **tally,
            "transitions_per_second": round(tally["transitions"] / duration, 1),
            "lost_updates": lost,
        }
        self.stdout.write(json.dumps(summary))
        if lost:
            raise CommandError(f"Lost updates: {lost}")

    def people(self):
        User = get_user_model()
        people = {}
        for username, role in [
            ("soak-editor", "Editors"),
            ("soak-reviewer-1", "Publishers"),
            ("soak-reviewer-2", "Publishers"),
        ]:
            user, _ = User.objects.get_or_create(username=username, defaults={"is_staff": True})
            user.groups.set([Group.objects.get(name=role)])
            people[username] = User.objects.get(pk=user.pk)  # fresh permission cache
        return people

    def prepare(self, count, people):
        editor = people["soak-editor"]
        reviewer = people["soak-reviewer-1"]
        first_hand = []
        for index in range(2):
            affiliation, _ = Affiliation.objects.get_or_create(
                slug=f"soak-affiliation-{index}", defaults={"name": f"Soak affiliation {index}"}
            )
            source, _ = Source.objects.get_or_create(
                slug=f"soak-source-{index}",
                defaults={"name": f"Soak source {index}", "affiliation": affiliation},
            )
            first_hand.append(source)
        # Corroboration counts origins besides the claimant: it has its own.
        claimant, _ = Source.objects.get_or_create(
            slug="soak-claimant", defaults={"name": "Soak claimant"}
        )
        for index in range(count):
            claim = Claim.objects.create(
                slug=f"{SLUG_PREFIX}{index}",
                headline=f"Soak claim {index}",
                wording="A claim the soak test walks through the workflow.",
                claimant=claimant,
                verdict_summary="Two independent origins.",
                created_by=editor,
            )
            claim.record_entry(by=editor)
            for source in first_hand:
                Evidence.objects.create(
                    claim=claim,
                    source=source,
                    stance=Stance.SUPPORTS,
                    title=f"Statement by {source.name}",
                    credibility=2,
                )
            Caveat.objects.create(claim=claim, kind=CaveatKind.OTHER, text="A soak test claim.")
            claim.start_review(by=editor)
            claim.corroborate(by=reviewer)
            claim.publish(by=reviewer)

    def write_for(self, duration, writers, pause, rate, people):
        reviewers = [people["soak-reviewer-1"], people["soak-reviewer-2"]]
        claim_ids = list(
            Claim.objects.filter(slug__startswith=SLUG_PREFIX).values_list("pk", flat=True)
        )
        tally = Counter()
        lock = threading.Lock()
        deadline = time.monotonic() + duration

        # With a rate, each writer starts a step every `interval` seconds,
        # whatever the last one took (unless it took longer).
        interval = writers / rate if rate else None

        def write(seed):
            chooser = random.Random(seed)
            next_start = time.monotonic() + (interval or 0) * seed / writers
            try:
                while time.monotonic() < deadline:
                    if interval:
                        time.sleep(max(0.0, next_start - time.monotonic()))
                        next_start += interval
                        if time.monotonic() >= deadline:
                            break
                    claim = Claim.objects.get(pk=chooser.choice(claim_ids))
                    reviewer = chooser.choice(reviewers)
                    try:
                        if claim.status == ClaimStatus.IN_REVIEW:
                            claim.corroborate(
                                by=reviewer, note="Still two origins.", public_note="Confirmed."
                            )
                        else:
                            claim.reopen(
                                by=reviewer,
                                note="Soak test: checking again.",
                                public_note="We are checking this verdict again.",
                            )
                        outcome = "transitions"
                    except StaleClaim:
                        outcome = "conflicts_refused"
                    except WorkflowError:
                        outcome = "other_refusals"
                    with lock:
                        tally[outcome] += 1
                    if not interval:
                        time.sleep(pause)
            finally:
                close_old_connections()
                connection.close()

        threads = [threading.Thread(target=write, args=(seed,)) for seed in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return {"transitions": 0, "conflicts_refused": 0, "other_refusals": 0, **tally}

    def lost_updates(self):
        """Claims whose version and audit trail disagree: an update that went missing."""
        lost = []
        claims = Claim.objects.filter(slug__startswith=SLUG_PREFIX).annotate(
            event_count=Count("events"), last_version=Max("events__version")
        )
        for claim in claims:
            last = ReviewEvent.objects.filter(claim=claim).order_by("-version").first()
            if (
                claim.event_count != claim.version
                or claim.last_version != claim.version
                or last.to_status != claim.status
            ):
                lost.append(claim.slug)
        return lost
