"""
The durable queue of edge purges.

A change that retires pages (claims.caching.public_content_changed) writes
their keys into PendingPurge in its own transaction, and, once it commits,
enqueues deliver_purges on Django's task framework (settings.TASKS, run by
`manage.py db_worker`). The task sends every pending key to the edge and
deletes the rows it delivered. When the edge fails, the rows stay, the admin
shows them, and the task enqueues itself again with a growing delay: no purge
is lost to an edge outage, a crash or a task lost before it ran, since the
next delivery, of any change, sends every key still pending.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from claims.edge import PurgeFailed, purge_backend
from claims.models import PendingPurge

# Retries wait 2, 4, 8... seconds, at most five minutes.
RETRY_MAX_SECONDS = 300
# A fetch the edge began before a change committed (a reader's, to an origin
# that read the database before the change) brings the old page in after the
# purge, which cannot drop what the edge does not hold yet: every purge is
# sent again once such a fetch has ended.
PURGE_AGAIN_AFTER_SECONDS = 5


def edge_enabled():
    return settings.EDGE_PURGE_BACKEND != "none"


def queue_purges(keys, using=DEFAULT_DB_ALIAS, *, soft=False):
    """
    Keep `keys` for the edge to purge, in this transaction; deliver them once
    it commits. `soft`: the pages changed but may be served while the edge
    fetches them again; a key also queued hard is purged hard.
    """
    keys = sorted(set(keys))
    if not keys or not edge_enabled():
        return
    table = PendingPurge._meta.db_table
    token = secrets.token_hex(8)
    now = timezone.now()
    # One statement; a key already pending takes this change's token, so that
    # a delivery started before this change commits does not delete it.
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, token, queued_at, attempts, last_error, hard) VALUES "  # noqa: S608
            + ", ".join(["(%s, %s, %s, 0, '', %s)"] * len(keys))
            + " ON CONFLICT (key) DO UPDATE SET token = EXCLUDED.token,"
            + f" hard = {table}.hard OR EXCLUDED.hard",
            [value for key in keys for value in (key, token, now, not soft)],
        )
    transaction.on_commit(enqueue_delivery, using=using)


def enqueue_delivery(delay=0, attempt=1):
    runner = deliver_purges
    if delay:
        if not deliver_purges.get_backend().supports_defer:
            # A backend that runs tasks at once cannot wait: the keys stay
            # pending for the next delivery (any change's, or deliver_purges).
            return None
        runner = deliver_purges.using(run_after=timezone.now() + timedelta(seconds=delay))
    return runner.enqueue(attempt=attempt)


def retry_delay(attempt, asked=None):
    return min(max(asked or 0, 2**attempt), RETRY_MAX_SECONDS)


def deliver_pending():
    """
    Send every pending key to the edge; delete the rows delivered. Returns the
    number of keys purged; raises PurgeFailed (the rows stay) when the edge fails.
    """
    pending = list(PendingPurge.objects.values_list("key", "token", "hard"))
    if not pending:
        return 0
    keys = [key for key, _, _ in pending]
    hard = [key for key, _, is_hard in pending if is_hard]
    soft = [key for key, _, is_hard in pending if not is_hard]
    try:
        send_purges(hard, soft)
    except PurgeFailed as error:
        PendingPurge.objects.filter(key__in=keys).update(
            attempts=F("attempts") + 1, last_error=str(error)[:500]
        )
        raise
    # Rows a change re-queued meanwhile carry a token this delivery never read.
    tokens = {token for _, token, _ in pending}
    PendingPurge.objects.filter(key__in=keys, token__in=tokens).delete()
    if purge_again.get_backend().supports_defer:
        run_after = timezone.now() + timedelta(seconds=PURGE_AGAIN_AFTER_SECONDS)
        purge_again.using(run_after=run_after).enqueue(hard=hard, soft=soft)
    return len(keys)


def send_purges(hard, soft):
    """Purge the keys `hard` and `soft` at the edge, each their way; raises PurgeFailed."""
    backend = purge_backend()
    if hard:
        backend.purge(hard)
    if soft:
        backend.purge(soft, soft=True)


@task()
def purge_again(hard, soft):
    """
    The second sending of a delivered purge (PURGE_AGAIN_AFTER_SECONDS). When
    the edge fails, its keys join the queue, which delivers them (and sends
    them again) like any change's.
    """
    try:
        send_purges(hard, soft)
    except PurgeFailed:
        with transaction.atomic():
            queue_purges(hard)
            queue_purges(soft, soft=True)
        return 0
    return len(hard) + len(soft)


@task()
def deliver_purges(attempt=1):
    """Deliver the pending purges; when the edge fails, try again later, and later."""
    try:
        return deliver_pending()
    except PurgeFailed as error:
        enqueue_delivery(retry_delay(attempt, error.retry_after), attempt + 1)
        return 0


def purge_everything():
    """Drop every page at the edge now (pending purges are still delivered by the queue)."""
    purge_backend().purge_all()
