"""`wendbaar search_rebuild`: rebuild the search index's word index and vectors from the database."""

from django.core.management.base import BaseCommand, CommandError

from wendbaar.ai.search import services


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the chunks in the database: the word index and the vector "
        "matrix (or the pgvector column). Run it after restoring a backup, on a new machine, or "
        "when the vector files were lost; searches keep working meanwhile."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--records",
            action="store_true",
            help="First re-chunk every record of every registered model (unchanged text is not "
            "embedded again) and drop passages of records that no longer exist. Needed after "
            "changing AI_EMBEDDING_MODEL_DIR: every passage is then embedded by the new model.",
        )
        parser.add_argument(
            "--pgvector",
            action="store_true",
            help="PostgreSQL: switch to pgvector (HNSW) now that the server has the extension.",
        )
        parser.add_argument(
            "--compact",
            action="store_true",
            help="Only reclaim the space of deleted vectors and tidy the word index.",
        )

    def handle(self, *args, **options):
        try:
            if options["compact"]:
                report = services.index_compact()
            else:
                report = services.index_rebuild(
                    records=options["records"], pgvector=options["pgvector"]
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["pgvector"] and not report.get("pgvector_enabled"):
            raise CommandError("This PostgreSQL server does not have the pgvector extension.")
        for key, value in report.items():
            self.stdout.write(f"{key}: {value}")
