import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger("wendbaar.ai.search")

# PostgreSQL with the pgvector extension: a vector(512) column for the chunk embeddings with an HNSW
# index (cosine). Only when the server has pgvector; without it (Debian's PostgreSQL 15, say) the
# backend ranks by exact cosine over its numpy matrix, and `wendbaar search_rebuild --pgvector`
# does these same steps once pgvector is installed. (Migrations do not import app code, so the
# statements are repeated in wendbaar.ai.search.backends.postgresql.enable_pgvector.)
UP = [
    "CREATE EXTENSION IF NOT EXISTS vector",
    "ALTER TABLE search_chunk ADD COLUMN IF NOT EXISTS embedding_vec vector(512)",
    """CREATE INDEX IF NOT EXISTS search_chunk_embedding_hnsw
       ON search_chunk USING hnsw (embedding_vec vector_cosine_ops)""",
]
DOWN = [
    "DROP INDEX IF EXISTS search_chunk_embedding_hnsw",
    "ALTER TABLE search_chunk DROP COLUMN IF EXISTS embedding_vec",
]


def enable_pgvector(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        available = cursor.fetchone() is not None
    if not available:
        logger.warning(
            "pgvector is not available on this PostgreSQL server: search ranks meaning by exact "
            "cosine over a numpy matrix. Install pgvector and run `wendbaar search_rebuild "
            "--pgvector` to use HNSW."
        )
        return
    try:
        with transaction.atomic(using=connection.alias):
            for statement in UP:
                schema_editor.execute(statement)
    except DatabaseError as exc:
        # E.g. the database user may not create extensions; searching still works without it.
        logger.warning("Could not enable pgvector (%s); search uses the numpy matrix.", exc)


def disable_pgvector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_word_index")]

    operations = [migrations.RunPython(enable_pgvector, disable_pgvector)]
