from django.db import models
from django.utils.translation import gettext_lazy as _


class EntityType(models.TextChoices):
    """Kinds of personal data the guard finds; the value is also the placeholder's stem."""

    PERSON = "PERSON", _("Person name")
    LOCATION = "LOCATION", _("Place")
    ORGANIZATION = "ORGANIZATION", _("Organisation")
    EMAIL = "EMAIL", _("E-mail address")
    PHONE = "PHONE", _("Phone number")
    IBAN = "IBAN", _("Bank account (IBAN)")
    BSN = "BSN", _("Citizen service number (BSN)")
    POSTCODE = "POSTCODE", _("Postcode")
    ADDRESS = "ADDRESS", _("Street address")


class AiProvider(models.TextChoices):
    """Where an AI step runs: on this machine, or at an external model server."""

    EMBEDDED = "embedded", _("Built-in (on this machine)")
    OPENAI = "openai", _("External model server (OpenAI-compatible)")


# Identifiers first: when spans overlap, the more certain kind wins (a checksum beats a name list).
TYPE_PRIORITY = {
    EntityType.BSN: 9,
    EntityType.IBAN: 9,
    EntityType.EMAIL: 8,
    EntityType.PHONE: 7,
    EntityType.POSTCODE: 6,
    EntityType.ADDRESS: 5,
    EntityType.PERSON: 3,
    EntityType.ORGANIZATION: 2,
    EntityType.LOCATION: 2,
}
