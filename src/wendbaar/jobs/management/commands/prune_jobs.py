"""`wendbaar prune_jobs`: delete finished background jobs after a while (run it daily)."""

from django.core.management.base import BaseCommand, CommandError

from wendbaar.common.errors import BusinessRuleError
from wendbaar.jobs import services


class Command(BaseCommand):
    help = "Delete background jobs that finished (successfully or not) more than --days days ago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=30,
            help="Keep jobs that finished within this many days (default 30).",
        )

    def handle(self, *args, **options):
        try:
            deleted = services.job_prune(older_than_days=options["days"])
        except BusinessRuleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Deleted {deleted} finished job(s) older than {options['days']} days.")
