from pathlib import Path

from django.core.management.base import CommandError

from wendbaar.common.commands import ActorCommand
from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import catalogue


class Command(ActorCommand):
    help = (
        "Preview a catalogue file (CSV or XLSX) against the catalogue; with --apply, import it "
        "(all rows or none)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX: artikelcode, omschrijving, prijs, btw …")
        parser.add_argument("--apply", action="store_true", help="Save the changes.")
        parser.add_argument("--encoding", default="", help="Character encoding of a CSV file.")
        parser.add_argument("--user", default="", help="E-mail address of the person importing.")

    def handle(self, *args, **options):
        actor = self.get_actor(options) if options["user"] else None
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            preview = catalogue.catalogue_import(
                actor=actor,
                data=path.read_bytes(),
                filename=path.name,
                encoding=options["encoding"],
                apply=options["apply"],
            )
        except BusinessRuleError as exc:
            if exc.code == "import_errors":
                preview = catalogue.catalogue_preview(
                    data=path.read_bytes(), filename=path.name, encoding=options["encoding"]
                )
                self._report(preview)
            raise CommandError(f"{path}: {exc.message}") from exc
        self._report(preview)
        counts = preview.counts
        summary = (
            f"{counts['new']} new, {counts['changed']} changed "
            f"({preview.price_changes} prices), {counts['unchanged']} unchanged, "
            f"{counts['error']} with errors."
        )
        if preview.applied:
            self.stdout.write(f"Imported: {summary}")
        else:
            self.stdout.write(f"Preview: {summary}")
            if preview.count("error"):
                raise CommandError("Fix the rows with errors; nothing can be imported yet.")
            if preview.can_apply:
                self.stdout.write("Nothing saved yet; run again with --apply to import.")

    def _report(self, preview):
        for row in preview.rows:
            if row.status == "error":
                self.stderr.write(f"row {row.line} {row.sku}: " + " ".join(row.errors))
            elif row.status == "new":
                self.stdout.write(f"new      {row.sku} {row.name} {row.price}")
            elif row.status == "changed":
                changes = ", ".join(f"{k}: {a} -> {b}" for k, (a, b) in row.changes.items())
                self.stdout.write(f"changed  {row.sku} {changes}")
            for note in row.notes:
                self.stdout.write(f"row {row.line} {row.sku}: {note}")
