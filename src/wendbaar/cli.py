"""The `wendbaar` command: Django's management commands plus serve, worker, demo, createadmin, eval.

Two-word commands read naturally (`wendbaar ai doctor`); they map onto management commands whose
names join the words with an underscore (`ai_doctor`).
"""

import os
import sys

TWO_WORD_COMMANDS = {("ai", "doctor"): "ai_doctor", ("privacy", "prepare"): "privacy_prepare"}
# Commands spelled with a hyphen on the command line.
HYPHENATED_COMMANDS = {
    "import-docs": "import_docs",
    "import-calendar": "import_calendar",
    "plan-office": "plan_office",
    "import-tickets": "import_tickets",
    "poll-mailbox": "poll_mailbox",
    "retrain-triage": "retrain_triage",
    "import-catalogue": "import_catalogue",
    "export-catalogue": "export_catalogue",
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wendbaar.config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if tuple(args[:2]) in TWO_WORD_COMMANDS:
        args = [TWO_WORD_COMMANDS[tuple(args[:2])], *args[2:]]
    elif args and args[0] in HYPHENATED_COMMANDS:
        args = [HYPHENATED_COMMANDS[args[0]], *args[1:]]
    execute_from_command_line(["wendbaar", *args])


if __name__ == "__main__":
    main()
