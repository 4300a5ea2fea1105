from django.core.management.base import BaseCommand

from wendbaar.quotes import issuing


class Command(BaseCommand):
    help = (
        "Mark issued quotes whose validity has passed as expired (safe to run any number of "
        "times; run it daily)."
    )

    def handle(self, *args, **options):
        count = issuing.quotes_expire()
        self.stdout.write(f"{count} quote(s) expired.")
