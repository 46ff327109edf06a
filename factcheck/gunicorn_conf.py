"""
How gunicorn serves the desk: in deployment (README), and in `make bench`,
`make soak` and the multiprocess tests, which measure it as deployed.

    python -m factcheck.serve --bind 127.0.0.1:8000

(factcheck/serve.py: the same as `gunicorn factcheck.wsgi --config
python:factcheck.gunicorn_conf --bind ...`, with WEB_CONCURRENCY checked
before gunicorn reads it.)

WEB_CONCURRENCY sets the number of workers (gunicorn's own variable;
default two for each core this process may run on, 1 to 64). Set it in
production: each worker's threads hold a database connection each. Measured
with `make soak` (docs/soak.md).
"""

import errno
import gc
import os
import socket

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


MOST_WORKERS = 64
# gunicorn's control socket (for `gunicornc`) defaults to one path per user,
# $HOME/.gunicorn/gunicorn.ctl, which every instance on the machine then takes
# over from the one before. The desk needs none; FACTCHECK_CONTROL_SOCKET
# gives this instance one of its own at that path.
control_socket_disable = not os.environ.get("FACTCHECK_CONTROL_SOCKET", "").strip()
if not control_socket_disable:
    control_socket = os.environ["FACTCHECK_CONTROL_SOCKET"].strip()


def share_address_from_environment():
    """
    Each worker listens on its own socket (above), so a second gunicorn on the
    same port would silently take a share of this one's connections: it is
    refused unless FACTCHECK_SHARE_ADDRESS asks for sharing (a new instance
    started beside the old one, which is stopped after).
    """
    value = os.environ.get("FACTCHECK_SHARE_ADDRESS", "").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"", "0", "false", "no", "off"}:
        return False
    raise SystemExit(f"FACTCHECK_SHARE_ADDRESS={value!r} is not a boolean; use 1/0 or on/off.")


def workers_from_environment():
    """
    The number of workers WEB_CONCURRENCY asks for, 1 to MOST_WORKERS, or two
    a core when it is unset; anything else stops start-up with one line
    naming the variable.
    """
    value = os.environ.get("WEB_CONCURRENCY")
    if value is None:
        return min(2 * (os.process_cpu_count() or 1), MOST_WORKERS)
    number = value.strip()
    if not (number.isascii() and number.isdigit() and 1 <= int(number) <= MOST_WORKERS):
        raise SystemExit(
            f"WEB_CONCURRENCY={value!r} is not a number of workers: give a whole number "
            f"from 1 to {MOST_WORKERS}, or leave it unset for two a core."
        )
    return int(number)


workers = workers_from_environment()
share_address = share_address_from_environment()


def on_starting(server):
    """
    A socket per worker only where every address is TCP: bound to a unix
    socket or handed sockets by systemd, each worker would replace or ignore
    the one gunicorn set up, so they share it as usual. With a socket per
    worker, refuse an address another server already listens on.
    """
    addresses = server.cfg.bind
    if os.environ.get("LISTEN_FDS") or any(
        address.startswith(("unix:", "fd://")) for address in addresses
    ):
        server.cfg.set("reuse_port", False)
    # GUNICORN_PID: this master was started by the one it replaces (USR2),
    # which holds the address until it is told to stop.
    if server.cfg.reuse_port and not share_address and "GUNICORN_PID" not in os.environ:
        for host, port in server.cfg.address:
            if address_in_use(host, port):
                raise SystemExit(
                    f"Another server already listens on {host}:{port}, most likely another "
                    "gunicorn serving this desk: starting would silently share its "
                    "connections. Stop it first (or reload it with kill -HUP), or set "
                    "FACTCHECK_SHARE_ADDRESS=1 to share the address on purpose."
                )


def address_in_use(host, port):
    """Whether a socket listens on host:port already: binding without SO_REUSEPORT fails."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As gunicorn binds: connections left in TIME_WAIT by a server that
        # has stopped do not hold the address.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            # Any other failure (no such address here) is gunicorn's to report.
            return error.errno == errno.EADDRINUSE
    return False


def post_worker_init(worker):
    """
    Move everything loaded at start-up (Django, the app's modules and models)
    out of the garbage collector's sight: a full collection then walks only
    what requests left behind. Before this, a full collection stopped a worker
    for 74-181 ms under load, with every reader on its connections waiting.
    """
    gc.freeze()
