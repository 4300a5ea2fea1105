from django.core.management.base import BaseCommand, CommandError

from wendbaar.privacy import engine


class Command(BaseCommand):
    help = (
        "Build the name-recognition lookup structures ahead of time (about a minute the first "
        "time), so that the first request that checks text for personal data does not wait."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="Rebuild even if a valid cache exists."
        )

    def handle(self, *args, **options):
        cache_dir = engine.default_cache_dir()
        cached = engine.is_cached(cache_dir) and not options["rebuild"]
        self.stdout.write(
            f"Loading the cached lookup structures from {cache_dir} …"
            if cached
            else f"Building the lookup structures in {cache_dir} (about a minute) …"
        )
        try:
            seconds = engine.prepare(rebuild=options["rebuild"], cache_dir=cache_dir)
        except OSError as exc:
            raise CommandError(f"Could not write the cache in {cache_dir}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Privacy guard ready in {seconds:.1f} s."))
