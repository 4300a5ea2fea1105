import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wendbaar.accounts.services import validate_new_password
from wendbaar.common.errors import BusinessRuleError
from wendbaar.web.demo import demo_load


class Command(BaseCommand):
    help = "Load (or refresh) the demo organisation Warmtewerk Installatietechniek B.V. and print a login."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", help="Password for every demo person (default: a new random one)."
        )
        parser.add_argument(
            "--print-login", action="store_true", help="Print the administrator's login."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even with DEBUG off (it renames the organisation and adds demo people).",
        )

    def handle(self, *args, **options):
        if not (settings.DEBUG or options["force"]):
            raise CommandError(
                "The demo renames the organisation and adds 30 demo people with a known password. "
                "It runs only with DEBUG=true (as `make run` does) or with --force."
            )
        password = options["password"] or secrets.token_urlsafe(12)
        try:
            validate_new_password(password)
        except BusinessRuleError as exc:
            raise CommandError(f"Demo password refused: {exc}") from exc
        result = demo_load(password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo organisation loaded: {result['organisation']} ({len(result['people'])} people, "
                f"{len(result['teams'])} teams)."
            )
        )
        if options["print_login"] or not options["password"]:
            line = "=" * 64
            self.stdout.write(
                f"\n{line}\n  Wendbaar demo: http://127.0.0.1:8000\n"
                f"  Administrator: {result['admin_email']}\n"
                f"  Password:      {password}\n"
                f"  (every demo person, e.g. fatima.elamrani@warmtewerk.example, has this password)\n{line}\n"
            )
