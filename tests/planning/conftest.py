"""Planning fixtures: messages asserted in English (their msgids)."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(request):
    if request.node.get_closest_marker("dutch"):
        yield
        return
    with translation.override("en"):
        yield
