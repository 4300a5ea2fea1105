from pathlib import Path

from django.core.management.base import CommandError
from django.http import Http404

from wendbaar.common.commands import ActorCommand
from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import drafting
from wendbaar.quotes.choices import QuoteSource
from wendbaar.service import selectors as service_selectors


class Command(ActorCommand):
    help = (
        "Draft a quote from a customer request (a text file with the e-mail) or a customer "
        "question (--ticket); --dry-run shows the lines and open points without saving."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--file", help="Text file with the customer's request (UTF-8).")
        source.add_argument("--ticket", type=int, help="Id of a customer question.")
        parser.add_argument("--dry-run", action="store_true", help="Show the draft, save nothing.")
        parser.add_argument("--language", choices=["nl", "en"], help="Default: detected.")
        parser.add_argument(
            "--user", default="", help="E-mail address of the person drafting (needed to save)."
        )

    def handle(self, *args, **options):
        actor = self.get_actor(options) if options["user"] else None
        if actor is None and (options["ticket"] or not options["dry_run"]):
            raise CommandError("Give --user EMAIL: a quote or a customer question needs a person.")
        text, ticket = "", None
        if options["file"]:
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"{path}: no such file.")
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                raise CommandError(f"{path}: not UTF-8 text.") from exc
        else:
            try:
                ticket = service_selectors.ticket_get(user=actor, pk=options["ticket"])
            except Http404 as exc:
                raise CommandError(f"No customer question {options['ticket']} for you.") from exc
        if options["dry_run"]:
            if ticket is not None:
                text, _customer = drafting.ticket_request(ticket)
            preview = drafting.draft_preview(request_text=text, language=options["language"])
            self._lines(
                [
                    (line.quantity, line.unit, line.sku, line.name, line.unit_price, line.why)
                    for line in preview.lines
                ]
            )
            self._points(preview.open_points)
            self.stdout.write(f"Confidence: {preview.confidence:.2f}")
            self.stdout.write("Dry run: nothing saved.")
            return
        try:
            quote = drafting.quote_draft_create(
                actor=actor,
                request_text=text,
                source=QuoteSource.TICKET if ticket else QuoteSource.EMAIL,
                ticket=ticket,
                language=options["language"],
            )
        except BusinessRuleError as exc:
            raise CommandError(str(exc.message)) from exc
        self._lines(
            [
                (line.quantity, line.unit, line.sku, line.description, line.unit_price, line.why)
                for line in quote.lines.all()
            ]
        )
        self._points(quote.open_points)
        if quote.draft_confidence is not None:
            self.stdout.write(f"Confidence: {quote.draft_confidence:.2f}")
        if quote.pilot_group:
            self.stdout.write(f"Pilot group: {quote.pilot_group}")
        self.stdout.write(f"Quote {quote.number} saved as a draft ({drafting.quote_url(quote)}).")

    def _lines(self, lines):
        if not lines:
            self.stdout.write("No lines.")
        for quantity, unit, sku, name, price, why in lines:
            self.stdout.write(
                f"{drafting.quantity_text(quantity):>8} {unit:<6} {sku:<14} {name} à {price}"
                f"  [{(why or {}).get('text', '')}]"
            )

    def _points(self, points):
        for point in points:
            self.stdout.write(f"Open point: {point}")
