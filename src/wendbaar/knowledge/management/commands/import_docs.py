"""`wendbaar import-docs PATH --user … --team … --visibility …`: import a file or a whole folder."""

import sys
from datetime import date

from django.core.management.base import CommandError

from wendbaar.accounts.choices import Visibility
from wendbaar.accounts.models import Team
from wendbaar.common.commands import ActorCommand
from wendbaar.knowledge import services


class Command(ActorCommand):
    help = (
        "Import documents (PDF, DOCX, Markdown, HTML, text) from a file or folder. Changed files "
        "become new versions, unchanged ones are skipped, and a bad file is reported while the "
        "import goes on."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("path", help="A file or a folder (read recursively).")
        parser.add_argument(
            "--team", default="", help="Name or id of the team the documents belong to."
        )
        parser.add_argument(
            "--visibility",
            default=Visibility.TEAM,
            choices=Visibility.values,
            help="Who may see the documents (default: team).",
        )
        parser.add_argument("--tag", action="append", default=[], help="A tag (repeatable).")
        parser.add_argument("--valid-until", default="", help="YYYY-MM-DD.")

    def handle(self, *args, **options):
        from pathlib import Path

        actor = self.get_actor(options)
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path} does not exist.", returncode=2)
        team = None
        if options["team"]:
            value = options["team"]
            team = (
                Team.objects.filter(pk=int(value)).first()
                if value.isdigit()
                else Team.objects.filter(name__iexact=value).first()
            )
            if team is None:
                raise CommandError(f"No team {value!r}.", returncode=2)
        valid_until = None
        if options["valid_until"]:
            try:
                valid_until = date.fromisoformat(options["valid_until"])
            except ValueError as exc:
                raise CommandError("--valid-until must be YYYY-MM-DD.", returncode=2) from exc
        interactive = sys.stderr.isatty()

        def progress(done: int, total: int, result) -> None:
            width = 30
            filled = int(width * done / total) if total else width
            bar = "#" * filled + "-" * (width - filled)
            line = f"[{bar}] {done}/{total} {result.name[:40]}"
            if interactive:
                self.stderr.write(f"\r{line:<90}", ending="")
            elif done == total or done % 25 == 0:
                self.stderr.write(line)
            if result.status == services.ImportStatus.FAILED:
                self.stderr.write(("\n" if interactive else "") + f"  ! {result.message}")

        try:
            results = services.folder_import(
                actor=actor,
                path=path,
                team=team,
                visibility=options["visibility"],
                tags=options["tag"],
                valid_until=valid_until,
                progress=progress,
            )
        except services.BusinessRuleError as exc:
            raise CommandError(str(exc.message), returncode=2) from exc
        if interactive:
            self.stderr.write("")
        counts = {}
        for result in results:
            counts[result.status] = counts.get(result.status, 0) + 1
        self.stdout.write(
            "Imported: {created} new, {new_version} new version(s), {unchanged} unchanged, "
            "{failed} failed.".format(
                created=counts.get("created", 0),
                new_version=counts.get("new_version", 0),
                unchanged=counts.get("unchanged", 0),
                failed=counts.get("failed", 0),
            )
        )
        if counts.get("failed") and len(results) == counts["failed"]:
            raise CommandError("No file could be imported.", returncode=1)
