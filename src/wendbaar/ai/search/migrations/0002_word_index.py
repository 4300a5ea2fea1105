from django.db import migrations

# The word index lives next to the chunk table and is written in the same transaction.
# SQLite: an FTS5 table over search_chunk (external content, so the text is stored once), kept in
# step by triggers; unicode61 with remove_diacritics folds "café"/"cafe" and "ingeniëur"/"ingenieur".
# Django rebuilds a SQLite table for some schema changes and drops its triggers with it: a later
# migration that alters search_chunk must create them again (tests check they exist).
# PostgreSQL: a generated tsvector of the title (weight A) and text (B) analysed with both the
# Dutch and the English configuration, with one GIN index.
UP = {
    "sqlite": [
        """CREATE VIRTUAL TABLE IF NOT EXISTS search_chunk_fts USING fts5(
               title, text, content='search_chunk', content_rowid='id',
               tokenize='unicode61 remove_diacritics 2')""",
        """CREATE TRIGGER IF NOT EXISTS search_chunk_fts_insert AFTER INSERT ON search_chunk BEGIN
               INSERT INTO search_chunk_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
           END""",
        """CREATE TRIGGER IF NOT EXISTS search_chunk_fts_delete AFTER DELETE ON search_chunk BEGIN
               INSERT INTO search_chunk_fts(search_chunk_fts, rowid, title, text)
               VALUES ('delete', old.id, old.title, old.text);
           END""",
        """CREATE TRIGGER IF NOT EXISTS search_chunk_fts_update AFTER UPDATE OF title, text
           ON search_chunk BEGIN
               INSERT INTO search_chunk_fts(search_chunk_fts, rowid, title, text)
               VALUES ('delete', old.id, old.title, old.text);
               INSERT INTO search_chunk_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
           END""",
        # Per word: in how many passages it occurs (to leave out words that are everywhere).
        """CREATE VIRTUAL TABLE IF NOT EXISTS search_chunk_fts_vocab
           USING fts5vocab(search_chunk_fts, 'row')""",
        "INSERT INTO search_chunk_fts(search_chunk_fts) VALUES ('rebuild')",
    ],
    "postgresql": [
        """ALTER TABLE search_chunk ADD COLUMN IF NOT EXISTS search_vector tsvector
           GENERATED ALWAYS AS (
               setweight(to_tsvector('dutch'::regconfig, coalesce(title, '')), 'A')
               || setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
               || setweight(to_tsvector('dutch'::regconfig, coalesce("text", '')), 'B')
               || setweight(to_tsvector('english'::regconfig, coalesce("text", '')), 'B')
           ) STORED""",
        """CREATE INDEX IF NOT EXISTS search_chunk_search_vector_gin
           ON search_chunk USING gin (search_vector)""",
    ],
}
DOWN = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS search_chunk_fts_update",
        "DROP TRIGGER IF EXISTS search_chunk_fts_delete",
        "DROP TRIGGER IF EXISTS search_chunk_fts_insert",
        "DROP TABLE IF EXISTS search_chunk_fts_vocab",
        "DROP TABLE IF EXISTS search_chunk_fts",
    ],
    "postgresql": [
        "DROP INDEX IF EXISTS search_chunk_search_vector_gin",
        "ALTER TABLE search_chunk DROP COLUMN IF EXISTS search_vector",
    ],
}


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(_run(UP), _run(DOWN))]
