"""
How gunicorn serves the desk: in deployment (README), and in `make bench`,
`make soak` and the multiprocess tests, which measure it as deployed.

    gunicorn factcheck.wsgi --config python:factcheck.gunicorn_conf

WEB_CONCURRENCY sets the number of workers (gunicorn's own variable;
default two a core). Measured with `make soak` (docs/soak.md).
"""

import gc
import os


def workers_from_environment():
    value = os.environ.get("WEB_CONCURRENCY", "").strip()
    if not value:
        return 2 * (os.cpu_count() or 1)
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"WEB_CONCURRENCY must be a number of workers, 1 or more, not {value!r}.")
    return int(value)


workers = workers_from_environment()
# Threads let a worker answer its other kept-alive connections while one
# request waits on the database; more than two only contend for the GIL.
worker_class = "gthread"
threads = 2
# Each worker listens on its own socket and the kernel spreads new
# connections across them. With one shared socket, whichever worker wakes
# first accepts a burst of connections: under 64 of them, one worker held 50
# and its readers waited on two threads while the other workers sat idle.
reuse_port = True


def post_worker_init(worker):
    """
    Move everything loaded at start-up (Django, the app, the URL patterns) out
    of the garbage collector's sight: a full collection then walks only what
    requests left behind. Before this, a full collection stopped a worker for
    20-180 ms under load, with every reader on its connections waiting.
    """
    gc.freeze()
