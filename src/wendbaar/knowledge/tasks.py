"""Background work for knowledge: checking new versions for personal data."""

from collections import Counter

from django.tasks import task

from wendbaar.knowledge.models import DocumentVersion


@task(queue_name="ai")
def version_scan_task(version_id: int) -> dict:
    """Count the personal data in a version's text (for the hygiene view); safe to run twice."""
    from wendbaar.privacy.detection import detect

    version = DocumentVersion.objects.filter(pk=version_id).only("pk", "text").first()
    if version is None:
        return {}
    counts = dict(Counter(span.type for span in detect(version.text)))
    DocumentVersion.objects.filter(pk=version_id).update(personal_data=counts)
    return counts
