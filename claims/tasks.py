"""
Work the task worker (`manage.py db_worker`) does outside the request:
writing and delivering the desk's emails (claims.notifications), and the
daily round (the overdue digest, forgetting old addresses and salts,
queuing again any email left unsent).

Tasks are queued when the transaction that asked for them commits, so a
rolled-back step sends nothing. The daily round queues its own next run
(at DAILY_TASKS_HOUR UTC); `manage.py schedule_daily_tasks` starts it, and
does nothing when a run is queued already.
"""

from datetime import UTC, datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from claims.abuse import forget_old_salts
from claims.models import CorrectionRequest, Notification, ReviewEvent, Tip
from claims.notifications import (
    deliver,
    forget_reader_addresses,
    overdue_digest,
    readers_told_of_answer,
    readers_told_of_step,
    readers_told_of_tip,
    retry_delay,
    step_notifications,
    unsent,
)

# An email unsent this long after it was queued has had its tries fail or
# its task lost: the daily round queues it again.
STALE_UNSENT = timedelta(hours=1)


def send_each(notifications):
    for notification in notifications:
        deliver_email.enqueue(notification.pk)


@task
def deliver_email(notification_id):
    """Send one email; when the send fails, try again later (claims.notifications.deliver)."""
    if deliver(notification_id) is False:
        attempts = Notification.objects.get(pk=notification_id).attempts
        deliver_email.using(run_after=timezone.now() + retry_delay(attempts)).enqueue(
            notification_id
        )


@task
def tell_of_step(event_id, corrected):
    """The emails a workflow step calls for: to the staff whose step is next, and to readers."""
    event = ReviewEvent.objects.select_related("claim", "actor").filter(pk=event_id).first()
    if event is None:
        return
    send_each(step_notifications(event) + readers_told_of_step(event, corrected))


@task
def tell_readers_of_tip(tip_id):
    """A tip put on a published claim: its readers hear of the verdict."""
    tip = Tip.objects.select_related("claim").filter(pk=tip_id).first()
    if tip is not None:
        send_each(readers_told_of_tip(tip))


@task
def tell_reader_of_answer(request_id):
    """A correction request answered: the reader who sent it hears the answer."""
    found = CorrectionRequest.objects.select_related("claim").filter(pk=request_id).first()
    if found is not None:
        send_each(readers_told_of_answer(found))


def next_daily_run(now):
    """The next DAILY_TASKS_HOUR o'clock, UTC, after `now`."""
    moment = datetime.combine(now.astimezone(UTC).date(), time(settings.DAILY_TASKS_HOUR), UTC)
    return moment if moment > now else moment + timedelta(days=1)


@task
def daily_round():
    """
    The digest of claims past their review-by date, old addresses and salts
    forgotten, stale unsent emails queued again; then the next round queued.
    """
    now = timezone.now()
    send_each(overdue_digest(timezone.localdate(now)))
    forget_reader_addresses(now)
    forget_old_salts()
    for notification_id in unsent(STALE_UNSENT):
        deliver_email.enqueue(notification_id)
    schedule_daily_round(now)


def schedule_daily_round(now=None):
    """Queue the next daily round unless one is queued already; True when queued."""
    now = now or timezone.now()
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=daily_round.module_path
    )
    if waiting.exists():
        return False
    daily_round.using(run_after=next_daily_run(now)).enqueue()
    return True


def queue_after_commit(sender, *, event, corrected, **kwargs):
    """claims.workflow.step_taken receiver: tell people of the step once it is committed."""
    transaction.on_commit(partial(tell_of_step.enqueue, event.pk, corrected))
