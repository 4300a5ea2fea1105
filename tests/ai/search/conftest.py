"""Search index fixtures: a fresh vector directory per test, and drafts as the indexed record."""

import hashlib

import numpy as np
import pytest

from tests.accounts.factories import RoleFactory, TeamFactory, UserFactory
from tests.copilot.factories import DraftFactory
from wendbaar.accounts.choices import Visibility
from wendbaar.ai.search import registry, services
from wendbaar.ai.search.backends import reset_backends
from wendbaar.ai.search.chunking import chunk_text
from wendbaar.copilot.models import Draft


def draft_chunks(draft: Draft):
    return chunk_text(draft.text, title=draft.title, language=draft.language)


@pytest.fixture(autouse=True)
def search_index(settings, tmp_path):
    """Each test gets its own vector matrix directory and a registered chunk function for drafts."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reset_backends()
    registry.register(Draft, draft_chunks)
    yield settings.SEARCH_INDEX_DIR
    registry.unregister(Draft)
    reset_backends()


def _same_meaning(texts: list[str], *, kind: str = "passage") -> np.ndarray:
    """Embeddings by which every text means nearly the same (cosine ~0.99), with stable noise."""
    out = np.zeros((len(texts), 512), dtype=np.float32)
    for n, text in enumerate(texts):
        if not text.strip():
            continue
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")
        noise = np.random.default_rng(seed).standard_normal(512).astype(np.float32)
        vector = np.ones(512, dtype=np.float32) + 0.1 * noise
        out[n] = vector / np.linalg.norm(vector)
    return out


@pytest.fixture
def same_meaning(monkeypatch):
    """Every passage is a meaning match for every query: the vector side then returns whatever
    the permission filter lets through. Also skips the real model, which keeps tests fast."""
    monkeypatch.setattr("wendbaar.ai.embeddings.embed_texts", _same_meaning)


@pytest.fixture
def embed_calls(monkeypatch):
    """Count the texts sent to the embedding model (the real one still runs)."""
    from wendbaar.ai import embeddings

    calls: list[list[str]] = []
    real = embeddings.embed_texts

    def counting(texts, *, kind="passage"):
        calls.append(list(texts))
        return real(texts, kind=kind)

    monkeypatch.setattr(embeddings, "embed_texts", counting)
    return calls


@pytest.fixture
def make_draft():
    """Create a draft with the given audience and index it at once; returns the draft."""

    def make(
        *,
        text: str,
        owner=None,
        team=None,
        visibility: str = Visibility.TEAM,
        title: str = "",
        shared_with_teams=(),
        shared_with_roles=(),
        language: str = "nl",
        index: bool = True,
    ) -> Draft:
        draft = DraftFactory(
            text=text,
            owner=owner,
            team=team,
            visibility=visibility,
            language=language,
            **({"title": title} if title else {}),
        )
        draft.shared_with_teams.set(shared_with_teams)
        draft.shared_with_roles.set(shared_with_roles)
        if index:
            services.index_record(record=draft, chunks=draft_chunks(draft))
        return draft

    return make


__all__ = ["RoleFactory", "TeamFactory", "UserFactory"]
