"""Numpy-only pieces of the triage learner: hashed text features and a softmax regression.

scikit-learn and scipy are not dependencies, so the sparse algebra the learner needs (a hashed
bag of words times a weight matrix, and its transpose for the gradient) is done here with
`np.bincount`, which is fast enough for tens of thousands of tickets on two cores.
"""

import itertools
import re
import zlib
from dataclasses import dataclass

import numpy as np

HASH_BUCKETS = 1 << 20
# Long mails are cut: the first part of a ticket says what it is about, and a mail bomb must not
# cost more than a normal ticket.
MAX_FEATURE_CHARS = 20_000
TOKEN = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits, any script)."""
    return TOKEN.findall(text[:MAX_FEATURE_CHARS].lower())


def feature_names(subject: str, body: str) -> list[str]:
    """Named features of one ticket: words, word pairs and subject words.

    Subject words get their own features because a subject ("Storing", "Factuur") is a stronger
    topic signal than the same word deep in a polite body.
    """
    words = tokens(f"{subject} {body}")
    names = [f"w:{w}" for w in words]
    names += [f"b:{a} {b}" for a, b in itertools.pairwise(words)]
    names += [f"s:{w}" for w in tokens(subject)]
    return names


def hash_feature(name: str) -> int:
    return zlib.crc32(name.encode("utf-8", "surrogatepass")) % HASH_BUCKETS


def hashed_counts(names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(bucket ids, values): log-scaled counts, L2-normalised so long tickets do not dominate."""
    if not names:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    ids = np.fromiter((hash_feature(n) for n in names), np.int64, len(names))
    buckets, counts = np.unique(ids, return_counts=True)
    values = np.log1p(counts.astype(np.float32))
    values /= np.linalg.norm(values)
    return buckets, values.astype(np.float32)


@dataclass
class SparseRows:
    """A batch of hashed rows in CSR form, plus a dense block (the sentence embeddings)."""

    indices: np.ndarray  # column per stored value (vocabulary positions, or -1 = unknown)
    values: np.ndarray
    rows: np.ndarray  # row per stored value
    n_rows: int
    dense: np.ndarray

    @classmethod
    def build(cls, hashed: list[tuple[np.ndarray, np.ndarray]], dense: np.ndarray, vocab):
        """Map hashed buckets onto `vocab` (sorted bucket ids); unknown buckets are dropped."""
        lengths = [len(ids) for ids, _ in hashed]
        ids = np.concatenate([ids for ids, _ in hashed]) if hashed else np.zeros(0, np.int64)
        values = np.concatenate([v for _, v in hashed]) if hashed else np.zeros(0, np.float32)
        rows = np.repeat(np.arange(len(hashed)), lengths)
        if len(vocab):
            pos = np.clip(np.searchsorted(vocab, ids), 0, len(vocab) - 1)
            keep = vocab[pos] == ids
        else:
            pos, keep = ids, np.zeros(len(ids), bool)
        return cls(pos[keep], values[keep], rows[keep], len(hashed), dense.astype(np.float32))

    def dot(self, sparse_w: np.ndarray, dense_w: np.ndarray) -> np.ndarray:
        out = self.dense @ dense_w
        for k in range(sparse_w.shape[1]):
            out[:, k] += np.bincount(
                self.rows, weights=self.values * sparse_w[self.indices, k], minlength=self.n_rows
            )
        return out

    def tdot(self, grad: np.ndarray, n_vocab: int) -> tuple[np.ndarray, np.ndarray]:
        sparse_g = np.empty((n_vocab, grad.shape[1]), np.float32)
        for k in range(grad.shape[1]):
            sparse_g[:, k] = np.bincount(
                self.indices, weights=self.values * grad[self.rows, k], minlength=n_vocab
            )
        return sparse_g, self.dense.T @ grad


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass
class LinearModel:
    """Multinomial logistic regression over hashed words + embedding; weights kept in float16.

    Weights are rounded to float16 right after training so that the model in memory and the one
    read back from storage predict bit-for-bit the same.
    """

    vocab: np.ndarray  # sorted hashed bucket ids seen in training
    sparse_w: np.ndarray  # (len(vocab), K)
    dense_w: np.ndarray  # (512, K)
    bias: np.ndarray  # (K,)

    def logits(self, batch: SparseRows) -> np.ndarray:
        return batch.dot(
            self.sparse_w.astype(np.float32), self.dense_w.astype(np.float32)
        ) + self.bias.astype(np.float32)

    @classmethod
    def train(
        cls,
        hashed: list[tuple[np.ndarray, np.ndarray]],
        dense: np.ndarray,
        y: np.ndarray,
        n_classes: int,
        *,
        iterations: int = 150,
        learning_rate: float = 0.05,
        l2_sparse: float = 1e-5,
        l2_dense: float = 1e-4,
    ) -> "LinearModel":
        """Full-batch Adam on the class-balanced cross-entropy.

        Class balancing (each class weighs the same in total) trades a little accuracy for the
        rare queues and priorities, which is what macro-F1 and an agent's trust both ask for.
        """
        vocab = np.unique(np.concatenate([ids for ids, _ in hashed])) if hashed else np.zeros(0)
        vocab = vocab.astype(np.int64)
        batch = SparseRows.build(hashed, dense, vocab)
        counts = np.bincount(y, minlength=n_classes)
        present = max(1, int((counts > 0).sum()))
        weights = (len(y) / (present * np.maximum(counts, 1)))[y].astype(np.float32) / len(y)
        target = np.eye(n_classes, dtype=np.float32)[y]
        params = [
            np.zeros((len(vocab), n_classes), np.float32),
            np.zeros((dense.shape[1], n_classes), np.float32),
            np.zeros(n_classes, np.float32),
        ]
        first = [np.zeros_like(p) for p in params]
        second = [np.zeros_like(p) for p in params]
        for step in range(1, iterations + 1):
            probs = softmax(batch.dot(params[0], params[1]) + params[2])
            grad = (probs - target) * weights[:, None]
            sparse_g, dense_g = batch.tdot(grad, len(vocab))
            grads = [
                sparse_g + l2_sparse * params[0],
                dense_g + l2_dense * params[1],
                grad.sum(axis=0),
            ]
            for p, g, m, v in zip(params, grads, first, second, strict=True):
                m *= 0.9
                m += 0.1 * g
                v *= 0.999
                v += 0.001 * g * g
                p -= learning_rate * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
        return cls(vocab, *(p.astype(np.float16) for p in params))
