from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AiConfig(AppConfig):
    """The AI engine: embeddings, generation, extraction, transcription, behind one interface."""

    name = "wendbaar.ai"
    label = "ai"
    verbose_name = _("AI engine")
