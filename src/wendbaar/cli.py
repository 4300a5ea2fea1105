"""The `wendbaar` command: Django's management commands plus serve, worker, demo, createadmin, eval."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wendbaar.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["wendbaar", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
