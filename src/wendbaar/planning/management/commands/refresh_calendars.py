"""`wendbaar refresh_calendars`: fetch every calendar subscription again (run it on a schedule)."""

from django.core.management.base import BaseCommand

from wendbaar.planning.choices import SourceKind
from wendbaar.planning.models import CalendarSource


class Command(BaseCommand):
    help = (
        "Fetch every ICS subscription again. With --queue the fetches go to the background "
        "workers; otherwise they run here, one by one. A failing feed keeps its old events."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="store_true", help="Enqueue instead of fetching.")

    def handle(self, *args, **options):
        from wendbaar.planning import services
        from wendbaar.planning.tasks import calendar_refresh_task

        sources = CalendarSource.objects.filter(kind=SourceKind.URL, person__is_active=True)
        ok = failed = 0
        for source in sources.select_related("person").order_by("pk"):
            if options["queue"]:
                calendar_refresh_task.enqueue(source_id=source.pk)
                continue
            result = services.calendar_refresh(actor=None, source=source)
            ok, failed = ok + result.ok, failed + (not result.ok)
            # The name, never the address: subscription URLs often hold a secret key.
            self.stdout.write(
                f"{'OK    ' if result.ok else 'FAILED'} {source.pk} {source.name}: "
                f"{result.message.splitlines()[0] if result.message else ''}"
            )
        if options["queue"]:
            self.stdout.write(f"{sources.count()} subscription(s) queued.")
        else:
            self.stdout.write(f"{ok} refreshed, {failed} failed.")
