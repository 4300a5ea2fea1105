from django.db import models
from django.utils.translation import gettext_lazy as _


class Provider(models.TextChoices):
    """Where an AI step runs: on this machine, or on a model server that speaks the OpenAI API."""

    EMBEDDED = "embedded", _("Built-in (offline)")
    OPENAI = "openai", _("OpenAI-compatible server")


class Operation(models.TextChoices):
    """The kinds of engine call a provider can be chosen for."""

    GENERATE = "generate", _("Generate text")
    EMBED = "embed", _("Embeddings")
