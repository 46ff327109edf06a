from django.core.management.base import BaseCommand
from django.db import transaction

from claims.analysis import search_text
from claims.caching import public_content_changed
from claims.models import Revision
from claims.page_versions import LIST

BATCH = 1_000


class Command(BaseCommand):
    help = (
        "Analyse every published revision's document for search again (claims.analysis), "
        "after a deploy that changed how words are read: revisions keep the analysis of "
        "the code that published them until this runs."
    )

    def handle(self, *args, **options):
        changed = 0
        with transaction.atomic():
            revisions = Revision.objects.order_by("pk").values_list("pk", "document", "search_text")
            for pk, document, stored in revisions.iterator(chunk_size=BATCH):
                fresh = search_text(document)
                if fresh != stored:
                    # update(): the document, and so the published record, is untouched.
                    Revision.objects.filter(pk=pk).update(search_text=fresh)
                    changed += 1
            if changed:
                public_content_changed([LIST])
        self.stdout.write(f"Analysed every revision again; {changed:,} read differently now.")
