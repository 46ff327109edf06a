#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def missing_database(error):
    """
    What to do, when `error` says the PostgreSQL database named by
    DATABASE_URL does not exist; None for any other error.
    """
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or f'database "{name}" does not exist' not in str(error):
        return None
    server = connection.settings_dict
    where = " ".join(
        f"--{option} {server[key]}"
        for option, key in [("host", "HOST"), ("port", "PORT"), ("username", "USER")]
        if server.get(key)
    )
    return (
        f"The PostgreSQL database {name!r} named by DATABASE_URL does not exist.\n"
        f"Create it with:  createdb {where} {name}\n"
        "or point DATABASE_URL at a database that exists."
    )


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(sys.argv)
    except OperationalError as error:
        # A first run against a new server: a message, not a traceback.
        if message := missing_database(error):
            sys.exit(message)
        raise


if __name__ == "__main__":
    main()
