from pathlib import Path

from django.core.management.base import BaseCommand

from wendbaar.quotes import catalogue


class Command(BaseCommand):
    help = "Write the catalogue as CSV (semicolons, decimal commas) to a file or standard output."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="", help="Output file (default: stdout).")

    def handle(self, *args, **options):
        text = catalogue.catalogue_export_csv()
        if options["file"]:
            # The BOM makes Excel read the file as UTF-8.
            Path(options["file"]).write_text(text, encoding="utf-8-sig", newline="")
            self.stdout.write(f"Catalogue written to {options['file']}.")
        else:
            self.stdout.write(text, ending="")
