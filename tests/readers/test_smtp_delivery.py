"""
The worker delivers through a real SMTP server on loopback (aiosmtpd), from a
process of its own: a send the server refuses is retried and not lost, and
nobody is mailed twice, even when the delivery is queued again.
"""

import email

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from claims.models import Notification, ReaderAddress, Tip
from claims.tasks import deliver_email, tell_readers_of_tip
from scripts.edge import free_port
from tests.factories import make_published_claim, make_user, run_python

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]


class Inbox:
    """An SMTP server's handler that refuses the first message (451), then keeps each one."""

    def __init__(self):
        self.tries = 0
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.tries += 1
        if self.tries == 1:
            return "451 4.3.0 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def database_url():
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"postgres://{settings['USER']}@{host}:{port}/{settings['NAME']}"


def worker_process(port):
    """`manage.py db_worker --batch` in a process of its own, sending to the server at `port`."""
    result = run_python(
        "manage.py",
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        DATABASE_URL=database_url(),
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(port),
        SMTP_STARTTLS="0",
        NOTIFICATION_RETRY_SECONDS="0",
    )
    assert result.returncode == 0, result.stderr
    return result


def test_a_refused_send_is_retried_by_the_worker_and_nobody_is_mailed_twice(smtp_server):
    inbox, port = smtp_server
    editor = make_user("editor", "Editors")
    claim = make_published_claim(editor, headline="The moon is cheese")
    tip = Tip.objects.create(
        text="Is the moon cheese?",
        text_key="k",
        language="en-gb",
        submitter="s",
        claim=claim,
        state="on_claim",
    )
    ReaderAddress.objects.create(email="reader@example.com", language="en-gb", tip=tip)
    tell_readers_of_tip.enqueue(tip.pk)

    worker_process(port)

    notification = Notification.objects.get()
    assert notification.sent_at is not None
    assert notification.attempts == 2
    assert inbox.tries == 2
    [message] = inbox.messages
    assert message["To"] == "reader@example.com"
    assert message["Subject"] == "Our verdict is out: The moon is cheese"
    assert f"/claims/{claim.slug}/" in message.get_payload()
    assert message["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The same delivery queued again, and the same news asked for again: no second email.
    deliver_email.enqueue(notification.pk)
    tell_readers_of_tip.enqueue(tip.pk)
    worker_process(port)
    assert len(inbox.messages) == 1
    assert Notification.objects.count() == 1
