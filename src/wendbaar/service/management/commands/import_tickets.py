from pathlib import Path

from django.core.management.base import CommandError

from wendbaar.common.commands import ActorCommand
from wendbaar.common.errors import BusinessRuleError
from wendbaar.service import importer


class Command(ActorCommand):
    help = "Import historic tickets from a CSV file (one row per ticket, with its labels)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file: email, received_at, subject/text, labels…")
        parser.add_argument("--user", default="", help="E-mail address of the person importing.")

    def handle(self, *args, **options):
        actor = self.get_actor(options) if options["user"] else None
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            report = importer.tickets_import(actor=actor, data=path.read_bytes())
        except BusinessRuleError as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        for message in report.messages:
            self.stderr.write(message)
        self.stdout.write(f"{report.imported} tickets imported, {report.skipped} rows skipped.")
        if report.skipped and not report.imported:
            raise CommandError("No row could be imported.")
