import secrets

from django.core.management.base import BaseCommand

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

    def handle(self, *args, **options):
        password = options["password"] or secrets.token_urlsafe(12)
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
