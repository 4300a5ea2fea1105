"""Quotes fixtures: messages of services and imports are asserted in English, whatever the Dutch
catalogue says (pages keep the person's own language)."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield
