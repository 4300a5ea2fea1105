"""Which provider and model a capability's engine calls go to."""

from django.conf import settings

from wendbaar.ai.choices import Operation, Provider
from wendbaar.ai.models import EngineChoice


def _codes(capability: str) -> list[str]:
    """ "meetings.minutes.short" → ["meetings.minutes.short", "meetings.minutes", "meetings"]."""
    parts = capability.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


def engine_choice_resolve(*, capability: str, operation: str) -> tuple[str, str]:
    """(provider, model name) for a capability: its own row, its parent's, else the default.

    An empty model name means the provider's default model from the settings.
    """
    codes = _codes(capability)
    rows = {
        row.capability: row
        for row in EngineChoice.objects.filter(capability__in=codes, operation=operation)
    }
    for code in codes:
        if code in rows:
            return rows[code].provider, rows[code].model_name
    provider = settings.AI_DEFAULT_PROVIDER
    if provider not in Provider.values:
        provider = Provider.EMBEDDED
    # Without an embedding model on the server, embeddings stay on this machine.
    if (
        provider == Provider.OPENAI
        and operation == Operation.EMBED
        and not settings.AI_OPENAI_EMBEDDING_MODEL
    ):
        provider = Provider.EMBEDDED
    return provider, ""
