"""
What holds off abuse of the forms readers write in with, in layers (after
Meedan Check's and Cofacts'):

- a time trap: each form carries the moment it was served, signed
  (ServedAt); one posted sooner than TIP_MIN_SECONDS after, or more than
  TIP_FORM_MAX_AGE after, is refused;
- limits: TIP_LIMIT_PER_ADDRESS_HOUR submissions from one client address
  an hour, and TIP_LIMIT_PER_MINUTE from everyone a minute, counted
  atomically in Redis (INCR and EXPIRE in one transaction) in fixed windows.
  While Redis cannot be reached (or where none is configured) each process
  counts on its own instead, trying Redis again every REDIS_PAUSE seconds:
  the limits still hold, per process, so a deployment of N processes lets
  through at most N times them;
- the client's address (factcheck.proxies.client_ip, behind
  TRUSTED_PROXY_COUNT proxies) is kept only as a keyed hash whose salt is
  replaced every TIP_SALT_ROTATION_DAYS, the old salts deleted by the
  worker (forget_old_salts), after which no hash can be traced to an address.

The honeypot field and the text rules are the forms' (claims.tips).
"""

import hashlib
import hmac
import logging
import secrets
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction

from claims.models import SubmitterSalt
from factcheck.proxies import client_ip

logger = logging.getLogger(__name__)

DAY = 24 * 60 * 60


def clock():
    """Now, in seconds since the epoch: the time the trap and the limits read."""
    return time.time()


class ServedAt(signing.TimestampSigner):
    """Signs the moment a form was served; `served_at` (seconds) stands in for now."""

    def __init__(self, served_at=None):
        super().__init__(salt="claims.abuse.served-at")
        self.served_at = served_at

    def timestamp(self):
        moment = clock() if self.served_at is None else self.served_at
        return signing.b62_encode(int(moment))

    def token(self):
        return self.sign(str(int(clock() if self.served_at is None else self.served_at)))


def form_token(served_at=None):
    """The signed moment a form is served, for its hidden field."""
    return ServedAt(served_at).token()


def too_fast_or_stale(token, now=None):
    """Whether a form carrying `token` is refused by the time trap (or its token is forged)."""
    now = clock() if now is None else now
    try:
        served = int(ServedAt().unsign(token or "", max_age=settings.TIP_FORM_MAX_AGE))
    except (signing.BadSignature, ValueError):
        return True
    return now - served < settings.TIP_MIN_SECONDS


# Submitters: a keyed hash of the client's address, salted per period.


_salts = {}


def salt_period(now=None):
    now = clock() if now is None else now
    return int(now // (settings.TIP_SALT_ROTATION_DAYS * DAY))


def salt_for(period):
    """The salt of `period`, made the first time any process needs it."""
    if period not in _salts:
        salt = SubmitterSalt.objects.filter(period=period).values_list("salt", flat=True).first()
        if salt is None:
            try:
                with transaction.atomic():
                    salt = SubmitterSalt.objects.create(
                        period=period, salt=secrets.token_hex(32)
                    ).salt
            except IntegrityError:
                salt = SubmitterSalt.objects.get(period=period).salt
        _salts.clear()
        _salts[period] = salt
    return _salts[period]


def submitter_of(request):
    """The hash the desk knows the client by this period: never the address itself."""
    address = client_ip(request) or ""
    salt = salt_for(salt_period())
    return hmac.new(salt.encode(), address.encode(), hashlib.sha256).hexdigest()


def forget_old_salts(now=None):
    """Delete the salts of every period before the current one: their hashes become anonymous."""
    _salts.clear()
    return SubmitterSalt.objects.filter(period__lt=salt_period(now)).delete()[0]


# Limits.


@dataclass(frozen=True)
class Refusal:
    """Why a submission was refused, and how long until the reader may try again."""

    reason: str  # "address" or "busy"
    retry_after: int


class LocalCounter:
    """Fixed-window counts in this process, for while Redis cannot be reached."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}

    def incr(self, key, window, now):
        with self.lock:
            # Windows end; their counts go with them.
            for old in [name for name, ends in self.counts.items() if ends[1] <= now]:
                del self.counts[old]
            count, ends = self.counts.get(key, (0, now + window))
            self.counts[key] = (count + 1, ends)
            return count + 1

    def clear(self):
        with self.lock:
            self.counts.clear()
        _redis_failed_at["moment"] = None


local_counter = LocalCounter()
_clients = {}
# After Redis fails, each process counts alone for this many seconds before
# trying it again: a Redis that hangs would otherwise cost every reader its
# timeouts.
REDIS_PAUSE = 5
_redis_failed_at = {"moment": None}


def redis_client():
    url = settings.TIP_LIMITS_REDIS_URL
    if not url:
        return None
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(
            url, socket_connect_timeout=0.5, socket_timeout=0.5, health_check_interval=30
        )
    return _clients[url]


def counted(key, window, now):
    """
    Add one to `key`'s count in the current window of `window` seconds and
    return it: atomically in Redis, or in this process while Redis fails.
    """
    bucket = f"{settings.TIP_LIMITS_PREFIX}:{key}:{int(now // window)}"
    client = redis_client()
    failed_at = _redis_failed_at["moment"]
    paused = failed_at is not None and time.monotonic() - failed_at < REDIS_PAUSE
    if client is not None and not paused:
        try:
            with client.pipeline(transaction=True) as pipe:
                pipe.incr(bucket)
                pipe.expire(bucket, window, nx=True)
                count, _ = pipe.execute()
            _redis_failed_at["moment"] = None
            return count
        except redis.RedisError as error:
            _redis_failed_at["moment"] = time.monotonic()
            logger.warning("Submission limits counted in this process: Redis failed (%s)", error)
    return local_counter.incr(bucket, window, now)


def refusal(submitter, now=None):
    """
    Count a submission from `submitter` against the limits; a Refusal when it
    is over one of them, else None. An address over its own limit does not
    use up everyone's: the global count is taken only for one within it.
    """
    now = clock() if now is None else now
    if counted(f"address:{submitter}", 3600, now) > settings.TIP_LIMIT_PER_ADDRESS_HOUR:
        return Refusal("address", 3600 - int(now % 3600))
    if counted("everyone", 60, now) > settings.TIP_LIMIT_PER_MINUTE:
        return Refusal("busy", 60 - int(now % 60))
    return None
