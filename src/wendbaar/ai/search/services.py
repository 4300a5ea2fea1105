"""Writing the search index: (re)index a record's passages, remove them, rebuild and compact."""

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Min, Model
from django.utils import timezone

from wendbaar.accounts.models import Restricted
from wendbaar.ai import embeddings
from wendbaar.ai.search import registry
from wendbaar.ai.search.backends import get_backend
from wendbaar.ai.search.chunking import ChunkIn, lead_sentence
from wendbaar.ai.search.models import Chunk, ChunkPrincipal

logger = logging.getLogger(__name__)

# "org", or "<kind>:<id>" as `Restricted.principals()` and `user_principals()` make them.
_PRINCIPAL = re.compile(r"^(org|[a-z][a-z_]*:[A-Za-z0-9_.-]+)$")


@dataclass(frozen=True)
class IndexResult:
    """What one (re)index of a record changed; `embedded` counts passages sent to the model."""

    created: int = 0
    kept: int = 0
    removed: int = 0
    embedded: int = 0


def embedded_text(*, title: str, text: str) -> str:
    """What the sentence encoder reads for a passage: its title gives short passages context."""
    return f"{title}\n{text}" if title else text


def content_hash(*, title: str, text: str) -> str:
    """Identifies a passage's embedding: the same model and text give the same vector."""
    source = f"{embeddings.model_name()}\x00{embedded_text(title=title, text=text)}"
    return hashlib.sha256(source.encode()).hexdigest()


def _content_type(value) -> ContentType:
    if isinstance(value, ContentType):
        return value
    if isinstance(value, int):
        return ContentType.objects.get_for_id(value)
    return ContentType.objects.get_for_model(value)


def _principals(record: Model, principals: Iterable[str] | None) -> list[str]:
    if principals is None:
        if not isinstance(record, Restricted):
            raise ValueError(
                f"{type(record).__name__} is not Restricted: pass principals= to say who may "
                "see its passages."
            )
        principals = record.principals()
    keys = sorted({str(key) for key in principals})
    bad = [key for key in keys if len(key) > 80 or not _PRINCIPAL.match(key)]
    if bad:
        raise ValueError(f"Not a permission key: {bad[0]!r}")
    return keys


def _normalised(chunks: Iterable[ChunkIn]) -> list[ChunkIn]:
    result, positions = [], set()
    for n, chunk in enumerate(chunks):
        position = n if chunk.position is None else int(chunk.position)
        if position < 0 or position in positions:
            raise ValueError(f"Chunk positions must be unique and not negative ({position}).")
        positions.add(position)
        text = (chunk.text or "").replace("\x00", "").strip()
        if not text:
            continue  # nothing to find
        result.append(
            ChunkIn(
                text=text,
                title=(chunk.title or "").replace("\x00", "").strip()[:250],
                position=position,
                language=(chunk.language or "")[:8],
                locator=(chunk.locator or "")[:120],
            )
        )
    return result


def _vectors_for(
    wanted: list[tuple[ChunkIn, str]], *, keep_hashes: set[str]
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], int]:
    """Passage and lead-sentence embeddings by content hash for the passages that are new.

    They are reused where the index already holds a passage with the same hash; the rest go
    through the model in one call. Returns (passage vectors, lead vectors, passages embedded).
    """
    needed = {h: c for c, h in wanted if h not in keep_hashes}
    vectors: dict[str, np.ndarray] = {}
    leads: dict[str, np.ndarray] = {}
    if not needed:
        return vectors, leads, 0
    size = embeddings.DIMENSIONS * 4
    # One row per hash: boilerplate (a mail footer) may be in thousands of records.
    one_each = (
        Chunk.objects.filter(content_hash__in=list(needed))
        .order_by()
        .values("content_hash")
        .annotate(first=Min("pk"))
        .values("first")
    )
    for content_hash_, blob, lead_blob in Chunk.objects.filter(pk__in=one_each).values_list(
        "content_hash", "embedding", "lead_embedding"
    ):
        if blob is not None and len(blob) == size:
            vectors[content_hash_] = np.frombuffer(bytes(blob), dtype=np.float32)
        if lead_blob is not None and len(lead_blob) == size:
            leads[content_hash_] = np.frombuffer(bytes(lead_blob), dtype=np.float32)
    todo = [(h, c) for h, c in needed.items() if h not in vectors]
    lead_todo = [(h, lead_sentence(c.text)) for h, c in needed.items() if h not in leads]
    if todo or lead_todo:
        computed = embeddings.embed_texts(
            [embedded_text(title=c.title, text=c.text) for _h, c in todo]
            + [lead for _h, lead in lead_todo]
        )
        for (h, _c), vector in zip(todo, computed[: len(todo)], strict=True):
            vectors[h] = np.asarray(vector, dtype=np.float32)
        for (h, _lead), vector in zip(lead_todo, computed[len(todo) :], strict=True):
            leads[h] = np.asarray(vector, dtype=np.float32)
    return vectors, leads, len(todo)


def _missing_leads(existing, kept_hashes: set[str]) -> dict[int, bytes]:
    """Lead-sentence embeddings for kept passages indexed before the index kept them, by chunk
    id (passages about to be replaced are not embedded for nothing)."""
    rows = list(
        existing.filter(lead_embedding__isnull=True, content_hash__in=kept_hashes).values_list(
            "pk", "text"
        )
    )
    if not rows:
        return {}
    computed = embeddings.embed_texts([lead_sentence(text) for _pk, text in rows])
    return {
        pk: np.asarray(vector, dtype=np.float32).tobytes()
        for (pk, _text), vector in zip(rows, computed, strict=True)
    }


def index_record(
    *, record: Model, chunks: Iterable[ChunkIn], principals: Iterable[str] | None = None
) -> IndexResult:
    """Make a record's passages searchable, replacing what the index held for it.

    `principals` default to `record.principals()` for `Restricted` records and are required for
    others. Passages whose text did not change keep their row and embedding; only new text goes
    through the embedding model, and that happens before the write transaction opens, so the
    database is not locked while the model runs.
    """
    content_type = ContentType.objects.get_for_model(record)
    object_id = str(record.pk)
    keys = _principals(record, principals)
    wanted = [(c, content_hash(title=c.title, text=c.text)) for c in _normalised(chunks)]
    existing = Chunk.objects.filter(content_type=content_type, object_id=object_id)
    unchanged = {(position, h) for position, h in existing.values_list("position", "content_hash")}
    kept_hashes = {h for c, h in wanted if (c.position, h) in unchanged}
    vectors, leads, embedded = _vectors_for(wanted, keep_hashes=kept_hashes)
    old_leads = _missing_leads(existing, kept_hashes)
    backend = get_backend()
    with transaction.atomic():
        current = {chunk.position: chunk for chunk in existing.select_for_update()}
        keep, create, removed = [], [], []
        for chunk_in, h in wanted:
            old = current.pop(chunk_in.position, None)
            if old is not None and old.content_hash == h:
                keep.append((old, chunk_in))
                continue
            if old is not None:
                removed.append(old.pk)  # new text is a new row: chunk ids never change content
            if h not in vectors:  # another process changed the record since the read above
                more_vectors, more_leads, _n = _vectors_for([(chunk_in, h)], keep_hashes=set())
                vectors.update(more_vectors)
                leads.update(more_leads)
                embedded += 1
            create.append((chunk_in, h))
        removed.extend(chunk.pk for chunk in current.values())
        if removed:
            Chunk.objects.filter(pk__in=removed).delete()
            backend.remove_chunks(removed)
        _update_kept(keep, keys, old_leads)
        new_chunks = Chunk.objects.bulk_create(
            [
                Chunk(
                    content_type=content_type,
                    object_id=object_id,
                    position=chunk_in.position,
                    title=chunk_in.title,
                    text=chunk_in.text,
                    language=chunk_in.language,
                    locator=chunk_in.locator,
                    content_hash=h,
                    embedding=vectors[h].tobytes(),
                    lead_embedding=leads[h].tobytes(),
                )
                for chunk_in, h in create
            ]
        )
        ChunkPrincipal.objects.bulk_create(
            [ChunkPrincipal(chunk=chunk, key=key) for chunk in new_chunks for key in keys]
        )
        if new_chunks:
            backend.add_chunks(new_chunks, np.stack([vectors[h] for _c, h in create]))
    return IndexResult(
        created=len(new_chunks), kept=len(keep), removed=len(removed), embedded=embedded
    )


def _update_kept(
    keep: list[tuple[Chunk, ChunkIn]], keys: list[str], leads: dict[int, bytes]
) -> None:
    """Passages with unchanged text: refresh their details, lead embedding and who may see them."""
    if not keep:
        return
    changed = []
    for chunk, chunk_in in keep:
        lead = leads.get(chunk.pk) if chunk.lead_embedding is None else None
        if (chunk.language, chunk.locator) != (chunk_in.language, chunk_in.locator) or lead:
            chunk.language, chunk.locator = chunk_in.language, chunk_in.locator
            if lead:
                chunk.lead_embedding = lead
            chunk.updated_at = timezone.now()  # bulk_update skips auto_now
            changed.append(chunk)
    if changed:
        Chunk.objects.bulk_update(changed, ["language", "locator", "lead_embedding", "updated_at"])
    ids = [chunk.pk for chunk, _c in keep]
    held: dict[int, set[str]] = {pk: set() for pk in ids}
    for chunk_id, key in ChunkPrincipal.objects.filter(chunk_id__in=ids).values_list(
        "chunk_id", "key"
    ):
        held[chunk_id].add(key)
    stale = [pk for pk, held_keys in held.items() if held_keys != set(keys)]
    if stale:
        ChunkPrincipal.objects.filter(chunk_id__in=stale).delete()
        ChunkPrincipal.objects.bulk_create(
            [ChunkPrincipal(chunk_id=pk, key=key) for pk in stale for key in keys]
        )


def unindex(*, content_type, object_id) -> int:
    """Remove every passage of a record (given by type and id) from the index."""
    try:
        content_type = _content_type(content_type)
    except ContentType.DoesNotExist:
        return 0  # the model is gone, and its chunks went with its content type
    with transaction.atomic():
        ids = list(
            Chunk.objects.filter(content_type=content_type, object_id=str(object_id)).values_list(
                "pk", flat=True
            )
        )
        if ids:
            Chunk.objects.filter(pk__in=ids).delete()
            get_backend().remove_chunks(ids)
    return len(ids)


def unindex_record(*, record: Model) -> int:
    """Remove every passage of `record` from the index."""
    return unindex(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)


def record_sync(*, content_type_id: int, object_id: str) -> IndexResult:
    """Bring the index in line with a record: index it with its chunk function, or unindex it."""
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist:
        return IndexResult()  # the model is gone, and its chunks went with its content type
    model = content_type.model_class()
    registration = registry.registration_for(model) if model is not None else None
    if registration is None:
        logger.warning(
            "Search: %s is not registered for indexing; removing its passages.", content_type
        )
        return IndexResult(removed=unindex(content_type=content_type, object_id=object_id))
    record = model._default_manager.filter(pk=object_id).first()
    if record is None:
        return IndexResult(removed=unindex(content_type=content_type, object_id=object_id))
    principals = registration.principals(record) if registration.principals else None
    return index_record(record=record, chunks=registration.chunks(record), principals=principals)


def index_permissions_update(*, record: Model) -> int:
    """Give the passages already indexed for `record` its current permission keys, right now.

    Cheap (no embedding), so it runs in the caller's transaction: a record made private is hidden
    from search the moment that change commits, not when a background job gets to it.
    """
    registration = registry.registration_for(type(record))
    principals = (
        registration.principals(record) if registration and registration.principals else None
    )
    keys = _principals(record, principals)
    ids = list(
        Chunk.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
        ).values_list("pk", flat=True)
    )
    if ids:
        ChunkPrincipal.objects.filter(chunk_id__in=ids).delete()
        ChunkPrincipal.objects.bulk_create(
            [ChunkPrincipal(chunk_id=pk, key=key) for pk in ids for key in keys]
        )
    return len(ids)


def schedule_index(record: Model) -> None:
    """Update who may find `record` now, and (re)index its text in the background after commit."""
    from wendbaar.ai.search.tasks import index_record_task

    index_permissions_update(record=record)
    content_type_id = ContentType.objects.get_for_model(record).pk
    object_id = str(record.pk)
    transaction.on_commit(lambda: index_record_task.enqueue(content_type_id, object_id))


def schedule_unindex(content_type, object_id) -> None:
    """Remove a record's passages in the background once the current transaction has committed."""
    from wendbaar.ai.search.tasks import unindex_record_task

    content_type_id = _content_type(content_type).pk
    object_id = str(object_id)
    transaction.on_commit(lambda: unindex_record_task.enqueue(content_type_id, object_id))


def index_rebuild(*, records: bool = False, pgvector: bool = False) -> dict:
    """Rebuild the derived indexes (word index, vectors) from the chunk table.

    `records` first re-chunks every record of every registered model (unchanged text is not
    embedded again) and drops passages of records that no longer exist. `pgvector` switches a
    PostgreSQL database to pgvector if the server has it.
    """
    backend = get_backend()
    report: dict = {}
    if pgvector:
        if backend.vendor != "postgresql":
            raise ValueError("pgvector is for PostgreSQL databases.")
        report["pgvector_enabled"] = backend.enable_pgvector()
    if records:
        report.update(_reindex_records())
    report.update(backend.rebuild())
    return report


def _reindex_records() -> dict:
    indexed = removed = embedded = 0
    for registration in registry.registrations():
        content_type = ContentType.objects.get_for_model(registration.model)
        manager = registration.model._default_manager
        for record in manager.iterator(chunk_size=500):
            principals = registration.principals(record) if registration.principals else None
            result = index_record(
                record=record, chunks=registration.chunks(record), principals=principals
            )
            indexed += 1
            embedded += result.embedded
        indexed_ids = set(
            Chunk.objects.filter(content_type=content_type)
            .values_list("object_id", flat=True)
            .distinct()
        )
        existing = {str(pk) for pk in manager.values_list("pk", flat=True)}
        for object_id in indexed_ids - existing:
            removed += unindex(content_type=content_type, object_id=object_id)
    return {"records_indexed": indexed, "chunks_removed": removed, "passages_embedded": embedded}


def index_compact() -> dict:
    """Reclaim the space of deleted vectors and tidy the word index."""
    return get_backend().compact()
