"""The search index: permission-aware passages of any record, found by words and by meaning.

Capabilities register a chunk function per model (`registry.register`), schedule indexing from
their services (`services.schedule_index` / `schedule_unindex`) and search through
`selectors.chunk_search`. See `backends` for how the SQLite and PostgreSQL backends rank.
"""
