"""Knowledge fixtures: English messages, a fresh search index and media directory per test, and a
builder that imports a text document and makes it searchable at once."""

import pytest
from django.utils import translation

from wendbaar.accounts.choices import Visibility
from wendbaar.ai.search.backends import reset_backends
from wendbaar.knowledge import services


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (their msgids)."""
    with translation.override("en"):
        yield


@pytest.fixture
def knowledge_storage(settings, tmp_path):
    """Uploaded files and the vector matrix live in this test's own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reset_backends()
    yield tmp_path
    reset_backends()


@pytest.fixture
def import_text(knowledge_storage, django_capture_on_commit_callbacks):
    """Import a text file through `services.document_import` and run what waits for the commit
    (indexing, the personal-data scan), so search sees its passages right away."""

    def make(
        *,
        actor,
        text: str,
        filename: str = "notitie.txt",
        title: str = "",
        team=None,
        visibility: str = Visibility.TEAM,
        shared_with_teams=(),
        shared_with_roles=(),
        valid_until=None,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            result = services.document_import(
                actor=actor,
                filename=filename,
                data=text.encode(),
                title=title,
                team=team,
                visibility=visibility,
                shared_with_teams=shared_with_teams,
                shared_with_roles=shared_with_roles,
                valid_until=valid_until,
            )
        return result.document

    return make
