"""`wendbaar import-calendar PATH_OR_URL... --person EMAIL`: files, folders and ICS subscriptions."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from wendbaar.planning import services

# Extensions read when walking a folder (a file named on the command line is always read).
CALENDAR_EXTENSIONS = {".ics", ".ical", ".icalendar", ".ifb", ".vcs"}


class Command(BaseCommand):
    help = (
        "Import iCalendar files, folders (walked recursively) and subscription URLs into a "
        "person's planning. Each calendar replaces its earlier import; a broken one is reported "
        "with the reason and the import goes on."
    )

    def add_arguments(self, parser):
        parser.add_argument("targets", nargs="+", help="Files, folders or http(s)/webcal URLs.")
        parser.add_argument("--person", required=True, help="E-mail address of the person.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and report, but store nothing."
        )
        parser.add_argument("--notes", action="store_true", help="Also print what was skipped.")

    def handle(self, *args, **options):
        person = (
            get_user_model()
            .objects.filter(email__iexact=options["person"].strip(), is_active=True)
            .first()
        )
        if person is None:
            raise CommandError(f"No active person with e-mail address {options['person']!r}.")
        window = services.calendar_window()
        results = []
        for target in options["targets"]:
            for kind, item, label in self._expand(target):
                if kind == "missing":
                    self.stderr.write(f"FAILED  {label}: does not exist.")
                    results.append(False)
                    continue
                if kind == "url":
                    result = services.calendar_subscribe(
                        actor=None,
                        person=person,
                        url=item,
                        window=window,
                        dry_run=options["dry_run"],
                    )
                else:
                    result = services.calendar_import_file(
                        actor=None,
                        person=person,
                        name=label,
                        data=item.read_bytes(),
                        window=window,
                        dry_run=options["dry_run"],
                    )
                results.append(result.ok)
                status = "OK     " if result.ok else "FAILED "
                self.stdout.write(f"{status} {label}: {result.message.splitlines()[0]}")
                if options["notes"]:
                    for note in result.notes:
                        self.stdout.write(f"         - {note}")
        ok = sum(results)
        self.stdout.write(f"{ok} calendar(s) read, {len(results) - ok} rejected, 0 crashed.")
        if results and not ok:
            raise CommandError("No calendar could be read.", returncode=1)

    def _expand(self, target: str):
        if "://" in target:
            yield "url", target, target
            return
        path = Path(target)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in CALENDAR_EXTENSIONS:
                    yield "file", child, str(child.relative_to(path.parent))
        elif path.is_file():
            yield "file", path, path.name
        else:
            yield "missing", None, target
