from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wendbaar.quotes import catalogue


class Command(BaseCommand):
    help = (
        "Write the catalogue as CSV (semicolons, decimal commas) or XLSX to a file or standard "
        "output; both import back unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="", help="Output file (default: stdout).")
        parser.add_argument(
            "--format",
            choices=catalogue.EXPORT_FORMATS,
            default=None,
            help="csv or xlsx (default: from the file's extension, else csv).",
        )

    def handle(self, *args, **options):
        path = options["file"]
        file_format = options["format"] or (
            "xlsx" if path.lower().endswith((".xlsx", ".xlsm")) else "csv"
        )
        if file_format == "csv":
            text = catalogue.catalogue_export_csv()
            if path:
                # The BOM makes Excel read the file as UTF-8.
                Path(path).write_text(text, encoding="utf-8-sig", newline="")
                self.stdout.write(f"Catalogue written to {path}.")
            else:
                self.stdout.write(text, ending="")
            return
        data = catalogue.catalogue_export_xlsx()
        if path:
            Path(path).write_bytes(data)
            self.stdout.write(f"Catalogue written to {path}.")
            return
        buffer = getattr(self.stdout, "buffer", None)
        if buffer is None or self.stdout.isatty():
            raise CommandError("Give a file to write the XLSX export to, or redirect the output.")
        self.stdout.flush()
        buffer.write(data)
        buffer.flush()
