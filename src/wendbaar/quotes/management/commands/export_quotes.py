from datetime import date
from pathlib import Path

from django.core.management.base import CommandError

from wendbaar.common.commands import ActorCommand
from wendbaar.quotes import export, selectors
from wendbaar.quotes.choices import QuoteStatus


class Command(ActorCommand):
    help = (
        "Export the quotes a person may see: CSV (one row per line, plus a summary file with one "
        "row per quote) or UBL 2.1 Quotation XML (one file per quote in a folder)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--format", choices=["csv", "ubl"], required=True)
        parser.add_argument("--status", choices=QuoteStatus.values, default="")
        parser.add_argument("--since", default="", help="Quotes made on or after YYYY-MM-DD.")
        parser.add_argument(
            "--out",
            required=True,
            help="CSV: the lines file (the summary goes next to it as <name>-summary.csv). "
            "UBL: a folder.",
        )

    def handle(self, *args, **options):
        actor = self.get_actor(options)
        if not selectors.quote_can_work(actor):
            raise CommandError(f"{actor.email} does not work on quotes.")
        since = None
        if options["since"]:
            try:
                since = date.fromisoformat(options["since"])
            except ValueError as exc:
                raise CommandError(
                    f"--since {options['since']!r} is not a date (YYYY-MM-DD)."
                ) from exc
        quotes = list(export.quotes_for_export(user=actor, status=options["status"], since=since))
        out = Path(options["out"])
        if options["format"] == "csv":
            if out.is_dir():
                raise CommandError(f"{out} is a folder; give a file name for the CSV.")
            out.parent.mkdir(parents=True, exist_ok=True)
            summary = out.with_name(f"{out.stem}-summary{out.suffix or '.csv'}")
            # The BOM makes Excel read the files as UTF-8.
            out.write_text(export.lines_csv(quotes), encoding="utf-8-sig", newline="")
            summary.write_text(export.summary_csv(quotes), encoding="utf-8-sig", newline="")
            self.stdout.write(f"{len(quotes)} quote(s) written to {out} and {summary}.")
            return
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} is a file; give a folder for UBL files.")
        out.mkdir(parents=True, exist_ok=True)
        for quote in quotes:
            (out / f"{quote.number}.xml").write_bytes(export.quote_ubl(quote))
        self.stdout.write(f"{len(quotes)} quote(s) written to {out} as UBL.")
