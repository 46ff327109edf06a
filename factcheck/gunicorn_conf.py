"""
How gunicorn serves the desk: in deployment (README), and in `make bench`,
`make soak` and the multiprocess tests, which measure it as deployed.

    gunicorn factcheck.wsgi --config python:factcheck.gunicorn_conf --bind 127.0.0.1:8000

WEB_CONCURRENCY sets the number of workers (gunicorn's own variable;
default two for each core this process may run on). Set it in production:
each worker's threads hold a database connection each. Measured with
`make soak` (docs/soak.md).
"""

import gc
import os

# Threads let a worker answer its other kept-alive connections while one
# request waits on the database; more than two only contend for the GIL.
worker_class = "gthread"
threads = 2
# Each worker listens on its own socket and the kernel spreads new
# connections across them. With one shared socket, whichever worker wakes
# first accepts a burst of connections: under 64 of them, one worker held 50
# and its readers waited on two threads while the other workers sat idle.
# For TCP addresses only: see on_starting().
reuse_port = True


def workers_from_environment():
    value = os.environ.get("WEB_CONCURRENCY", "").strip()
    if not value:
        return 2 * (os.process_cpu_count() or 1)
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"WEB_CONCURRENCY must be a number of workers, 1 or more, not {value!r}.")
    return int(value)


workers = workers_from_environment()


def on_starting(server):
    """
    A socket per worker only where every address is TCP: bound to a unix
    socket or handed sockets by systemd, each worker would replace or ignore
    the one gunicorn set up, so they share it as usual.
    """
    addresses = server.cfg.bind
    if os.environ.get("LISTEN_FDS") or any(
        address.startswith(("unix:", "fd://")) for address in addresses
    ):
        server.cfg.set("reuse_port", False)


def post_worker_init(worker):
    """
    Move everything loaded at start-up (Django, the app's modules and models)
    out of the garbage collector's sight: a full collection then walks only
    what requests left behind. Before this, a full collection stopped a worker
    for 74-181 ms under load, with every reader on its connections waiting.
    """
    gc.freeze()
