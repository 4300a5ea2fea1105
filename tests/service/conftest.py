"""Service fixtures: English messages, files and the search index in the test's own folder, the
organisation's queues (storingen for team A, facturen for team B) and a helper to receive mail."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from wendbaar.accounts.selectors import organisation_get
from wendbaar.ai.search.backends import reset_backends
from wendbaar.service import services
from wendbaar.service.choices import Channel
from wendbaar.service.models import Queue

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"  # pages and API answers too are asserted in English
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.SERVICE_FROM_EMAIL = "Warmtewerk Service <service@warmtewerk.test>"
    reset_backends()
    yield
    reset_backends()


@pytest.fixture
def organisation(db):
    return organisation_get()


@pytest.fixture
def queues(organisation, team_a, team_b):
    storingen = Queue.objects.create(
        organisation=organisation,
        name="Storingen",
        slug="storingen",
        description="Storingen aan cv-ketels en warmtepompen, lekkages, geen warm water.",
        cue_words="storing, lekkage, werkt niet, foutcode, kapot",
        team=team_a,
    )
    facturen = Queue.objects.create(
        organisation=organisation,
        name="Facturen",
        slug="facturen",
        description="Vragen over facturen, betalingen en incasso.",
        cue_words="factuur, betaling, incasso, rekening",
        team=team_b,
    )
    return {"storingen": storingen, "facturen": facturen}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=AMS)


@pytest.fixture
def receive(queues):
    def make(text, *, subject="Vraag", email="klant@example.com", name="Klant", **extra):
        return services.message_receive(
            incoming=services.MessageIn(
                from_address=email, from_name=name, subject=subject, text=text, **extra
            ),
            channel=extra.pop("channel", Channel.EMAIL),
        )

    return make


@pytest.fixture
def alice(alice):
    """Alice works in English here, so pages are asserted by their message ids."""
    alice.language = "en"
    alice.save(update_fields=["language"])
    return alice


@pytest.fixture
def bob(bob):
    bob.language = "en"
    bob.save(update_fields=["language"])
    return bob
