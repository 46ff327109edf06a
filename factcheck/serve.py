"""
Serve the desk with gunicorn, as deployed:

    .venv/bin/python -m factcheck.serve --bind 127.0.0.1:8000

The same as `gunicorn factcheck.wsgi --config python:factcheck.gunicorn_conf`
followed by the options given, except that a WEB_CONCURRENCY gunicorn cannot
read ('', 'abc') stops start-up with one line naming it. gunicorn reads the
variable while importing its own settings, before any configuration file
runs, and stops with a traceback.
"""

import sys

from factcheck.gunicorn_conf import workers_from_environment


def main():
    workers_from_environment()
    # Imported only now: importing gunicorn reads WEB_CONCURRENCY.
    from gunicorn.app.wsgiapp import run

    sys.argv = [
        "gunicorn",
        "factcheck.wsgi",
        *("--config", "python:factcheck.gunicorn_conf"),
        *sys.argv[1:],
    ]
    return run()


if __name__ == "__main__":
    sys.exit(main())
