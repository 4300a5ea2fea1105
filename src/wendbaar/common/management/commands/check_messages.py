import shutil
import tempfile
from contextlib import chdir
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

MAKEMESSAGES_OPTIONS = {
    "locale": ["nl"],
    "no_obsolete": True,
    "no_location": True,
    "ignore_patterns": ["migrations/*"],
}


def _key(entry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


class Command(BaseCommand):
    help = (
        "Fail when a translatable text has no Dutch translation: every message in the code must be in "
        "the nl catalogue, translated, not fuzzy, and compiled into the .mo file. Needs GNU gettext."
    )

    def handle(self, *args, **options):
        locale_dir = Path(settings.LOCALE_PATHS[0])
        po_path = locale_dir / "nl" / "LC_MESSAGES" / "django.po"
        mo_path = po_path.with_suffix(".mo")
        if not shutil.which("xgettext"):
            raise CommandError("GNU gettext (xgettext) is needed: apt-get install gettext")
        problems = []
        catalogue = polib.pofile(str(po_path))
        problems += [f"untranslated: {e.msgid!r}" for e in catalogue.untranslated_entries()]
        problems += [f"fuzzy: {e.msgid!r}" for e in catalogue.fuzzy_entries()]

        # Extract the messages the code uses now, without touching the committed catalogue.
        with tempfile.TemporaryDirectory() as tmp:
            saved = Path(tmp) / "django.po"
            shutil.copy2(po_path, saved)
            try:
                with chdir(locale_dir.parent):
                    call_command("makemessages", verbosity=0, **MAKEMESSAGES_OPTIONS)
                extracted = polib.pofile(str(po_path))
            finally:
                shutil.copy2(saved, po_path)
        known = {_key(e) for e in catalogue if e.translated() and not e.obsolete}
        current = {_key(e) for e in extracted if not e.obsolete}
        problems += [
            f"not in the catalogue: {msgid!r}" for _ctx, msgid in sorted(current - known, key=str)
        ]
        problems += [
            f"no longer used: {msgid!r}" for _ctx, msgid in sorted(known - current, key=str)
        ]

        if not mo_path.exists():
            problems.append(f"{mo_path} is missing: run `make messages`")
        else:
            compiled = {_key(e): e.msgstr or e.msgstr_plural for e in polib.mofile(str(mo_path))}
            stale = [
                e.msgid
                for e in catalogue.translated_entries()
                if compiled.get(_key(e)) != (e.msgstr or e.msgstr_plural)
            ]
            problems += [f"not compiled: {msgid!r}" for msgid in stale]
        if problems:
            listing = "\n  ".join(problems[:50])
            raise CommandError(
                f"The Dutch catalogue is incomplete ({len(problems)} problems; `make messages` "
                f"updates it):\n  {listing}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Dutch catalogue complete: {len(catalogue)} messages.")
        )
