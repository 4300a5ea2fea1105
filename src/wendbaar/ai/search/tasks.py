"""Background indexing: keep a record's passages in the index in step with the record."""

from django.tasks import task

from wendbaar.ai.search import services


@task(queue_name="ai")
def index_record_task(content_type_id: int, object_id: str) -> dict:
    """(Re)index one record from its registered chunk function; a record that is gone is removed.

    Safe to run twice: unchanged passages are kept as they are and not embedded again.
    """
    result = services.record_sync(content_type_id=content_type_id, object_id=object_id)
    return {
        "created": result.created,
        "kept": result.kept,
        "removed": result.removed,
        "embedded": result.embedded,
    }


@task(queue_name="ai")
def unindex_record_task(content_type_id: int, object_id: str) -> int:
    """Remove a record's passages from the index; running it again removes nothing more."""
    return services.unindex(content_type=content_type_id, object_id=object_id)
