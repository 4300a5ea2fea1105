"""Ticket triage: priority, queue, type, language and sentiment, each with confidence and signals.

Why this shape:

- **Cold start.** A new organisation has no labelled tickets, so every label starts from a text the
  admin writes (`labels`: field -> {label: description}). A ticket's sentence embedding is compared
  with the embedded descriptions, and built-in cue words ("spoed", "lekkage", "werkt niet",
  "down", ...) push priority; the matched cue words are the signals shown to the agent.
- **Learning.** `fit()` trains, per field, a class-balanced softmax regression on hashed words and
  word pairs plus the embedding (numpy only), and keeps the embeddings of the labelled tickets as a
  memory for a nearest-neighbour vote. `learn()` adds one correction to that memory, so an agent's
  correction changes the next similar prediction at once; the full retrain runs in the background.
- **Honest confidence.** One temperature per field is fitted on a held-out slice, so that "80 %"
  means about 80 % right; `fit()` reports accuracy before and after on that slice.
- **Storable.** `to_bytes()` / `Triage.from_bytes()` round-trip the whole learned state (weights in
  float16, memory embeddings in float16) and predict identically afterwards.

Language is the hint when it is given, else a function-word count; sentiment is lexicon based.
"""

import functools
import io
import json
import math
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from wendbaar.service import triage_cues as cues
from wendbaar.service.triage_linear import (
    LinearModel,
    SparseRows,
    feature_names,
    hash_feature,
    hashed_counts,
    softmax,
    tokens,
)

FIELDS = ("priority", "queue", "type")
FORMAT_VERSION = 1
# The embedding model's cost grows with length; the first part of a mail says what it is about.
EMBED_CHARS = 1_000
# Beyond this a ticket is a mail bomb, not a question; it is cut, not refused.
MAX_TEXT_CHARS = 200_000
MEMORY_LIMIT = 20_000
NEIGHBOURS = 10
NEIGHBOUR_TAU = 0.05  # similarity 1.0 votes 1, similarity 0.9 votes e^-2
NEIGHBOUR_SMOOTHING = 0.05
# The descriptions' weight fades as labelled tickets come in: equal weight at PRIOR_STRENGTH.
PRIOR_STRENGTH = 30
# Urgency cues are general knowledge about how customers write, worth more than a description:
# they keep equal weight with the learned part until this many labelled tickets.
PRIOR_STRENGTH_BY_FIELD = {"priority": 100}
PRIOR_TAU = 0.04
# Priority descriptions say little about how a customer phrases urgency, so before any labelled
# ticket the urgency cues decide and the description similarity only tips the balance.
PRIORITY_DESCRIPTION_WEIGHT = 0.15
MIN_TRAIN = 8  # labelled tickets per field before a linear model is worth training

Embedder = Callable[[list[str]], np.ndarray]


class TriageError(ValueError):
    """Input triage cannot use (e.g. a label that is not configured); the message says why."""


@dataclass(frozen=True)
class Ticket:
    subject: str = ""
    body: str = ""
    language: str | None = None

    def text(self) -> str:
        return f"{self.subject}\n{self.body}"


@dataclass(frozen=True)
class Example:
    """A labelled ticket: history or an agent's correction. Missing fields are simply not learned."""

    ticket: Ticket
    labels: dict[str, str]


@dataclass
class FieldPrediction:
    label: str
    confidence: float
    signals: list[str]
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class TriageResult:
    priority: FieldPrediction
    queue: FieldPrediction
    type: FieldPrediction
    language: FieldPrediction
    sentiment: FieldPrediction

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class FieldReport:
    field: str
    train: int
    held_out: int
    accuracy_before: float | None
    accuracy_after: float | None
    macro_f1_before: float | None
    macro_f1_after: float | None
    temperature: float


@dataclass
class FitReport:
    examples: int
    seconds: float
    fields: list[FieldReport]

    def as_dict(self) -> dict:
        return asdict(self)


def clean_text(value: object) -> str:
    """Text triage can work with: str, NFC, no NULs or lone surrogates, at most MAX_TEXT_CHARS."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        raise TriageError(f"Ticket text must be a string, not {type(value).__name__}.")
    value = value[:MAX_TEXT_CHARS].encode("utf-8", errors="replace").decode("utf-8")
    value = value.replace("\x00", " ")
    return unicodedata.normalize("NFC", value)


def _cue_pattern(phrase: str) -> re.Pattern:
    return re.compile(rf"(?<![^\W_]){re.escape(phrase)}(?![^\W_])", re.IGNORECASE)


def _phrase_alternation(phrases) -> re.Pattern:
    """One regex for many phrases: longest first, so "werkt niet meer" wins over "werkt niet"."""
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    body = "|".join(re.escape(p) for p in ordered)
    return re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])")


_URGENCY_INDEX = {
    phrase: (kind, weight)
    for kind, phrases in cues.URGENCY_CUES.items()
    for phrase, weight in phrases.items()
}
_URGENCY_RX = _phrase_alternation(_URGENCY_INDEX)


@dataclass
class Urgency:
    """How urgent a ticket reads: a score (0 = nothing either way) and the phrases behind it."""

    score: float
    by_kind: dict[str, float]
    phrases: list[str]
    calm: list[str]


def _negated(text: str, start: int) -> bool:
    before = tokens(text[max(0, start - 40) : start])[-2:]
    return any(w in cues.NEGATIONS for w in before)


def urgency(subject: str, body: str) -> Urgency:
    """Score the urgency cues of a ticket (see `triage_cues.URGENCY_CUES`).

    Within a kind of evidence the strongest phrase counts fully and every further phrase a share,
    up to a cap; a phrase in the subject counts half again. An urgency phrase right after a
    negation ("not urgent", "geen spoed", "kein Datenverlust") counts as calm instead.
    """
    found: dict[str, dict[str, float]] = {kind: {} for kind in cues.URGENCY_KINDS}
    for part, boost in ((subject, 1.5), (body, 1.0)):
        lowered = part[: cues_scan_chars()].lower()
        for match in _URGENCY_RX.finditer(lowered):
            phrase = match.group(0)
            kind, weight = _URGENCY_INDEX[phrase]
            if kind != "calm" and _negated(lowered, match.start()):
                kind, weight = "calm", 1.0
                phrase = f"not {phrase}"
            weight *= boost
            if weight > found[kind].get(phrase, 0.0):
                found[kind][phrase] = weight
    for code in fault_codes(f"{subject}\n{body}"[: cues_scan_chars()])[:1]:
        # A device showing a fault code has stopped doing its job.
        found["blocking"].setdefault(code, cues.FAULT_CODE_WEIGHT)
    by_kind = {}
    for kind, (sign, share, cap) in cues.URGENCY_KINDS.items():
        weights = sorted(found[kind].values(), reverse=True)
        if weights:
            by_kind[kind] = sign * min(cap, weights[0] + share * sum(weights[1:]))
    ranked = lambda kind: sorted(found[kind], key=lambda p: -found[kind][p])  # noqa: E731
    phrases = [p for kind in cues.URGENCY_KINDS if kind != "calm" for p in ranked(kind)]
    return Urgency(round(sum(by_kind.values()), 3), by_kind, phrases, ranked("calm"))


_FAULT_CODE = re.compile(r"(?<![\w.-])[A-Z]{1,2}-?\d{1,3}(?![\w-]|\.\d)")
_FAULT_CONTEXT = _phrase_alternation(cues.FAULT_CODE_CONTEXT)
FAULT_CONTEXT_CHARS = 40


def fault_codes(text: str) -> list[str]:
    """Fault codes a device shows ("F1", "E12", "E-28"): a short letter-digit code with a word
    for a display or an error close by. Invoice and order numbers (digits, or long) are not."""
    codes = []
    for match in _FAULT_CODE.finditer(text):
        window = text[
            max(0, match.start() - FAULT_CONTEXT_CHARS) : match.end() + FAULT_CONTEXT_CHARS
        ].lower()
        if match.group(0) not in codes and _FAULT_CONTEXT.search(window):
            codes.append(match.group(0))
            if len(codes) == 5:
                break
    return codes


@functools.lru_cache(maxsize=64)
def _description_index(labels: tuple[str, ...], descriptions: tuple[str, ...]):
    """Word form -> labels whose name or description has it; plurals and inflections included.

    Words shorter than four letters and function words say nothing about a queue.
    """
    index: dict[str, set[int]] = {}
    heads: dict[str, set[int]] = {}
    for k, (label, description) in enumerate(zip(labels, descriptions, strict=True)):
        for word in set(tokens(f"{label} {description}")):
            if len(word) < 4 or word in cues.STOPWORDS or word.isdigit():
                continue
            forms = {word, word + "s", word + "en", word + "e", word + "es"}
            for ending in ("s", "en", "e", "es"):
                if word.endswith(ending) and len(word) - len(ending) >= 4:
                    forms.add(word[: -len(ending)])
            for form in forms:
                index.setdefault(form, set()).add(k)
            heads.setdefault(word, set()).add(k)
    return index, heads


def _description_hits(words: set[str], index) -> dict[int, list[str]]:
    """Per label, the ticket words its description shares: the same word, another form of it,
    or a compound ending in it ("waterdruk" -> "druk", "Heizungsausfall" -> "ausfall")."""
    forms, heads = index
    hits: dict[int, list[str]] = {}
    for word in words:
        found = forms.get(word)
        if found is None and len(word) >= 7:
            for cut in range(3, len(word) - 3):
                found = heads.get(word[cut:])
                if found:
                    break
        for k in found or ():
            hits.setdefault(k, []).append(word)
    return hits


def urgency_levels(score: float) -> dict[str, float]:
    """Probabilities of the four priority levels for an urgency score (ordinal logistic)."""
    above = [
        1.0 / (1.0 + math.exp(-cues.URGENCY_SLOPE * (score - t))) for t in cues.URGENCY_THRESHOLDS
    ]
    bounds = [1.0, *above, 0.0]
    even = cues.URGENCY_SMOOTHING / len(cues.PRIORITIES)
    return {
        level: (1 - cues.URGENCY_SMOOTHING) * max(bounds[i] - bounds[i + 1], 0.0) + even
        for i, level in enumerate(cues.PRIORITIES)
    }


_SENTIMENT_PATTERNS = {
    label: [(p, w, _cue_pattern(p)) for p, w in phrases.items()]
    for label, phrases in cues.SENTIMENT_CUES.items()
}


def _matched_cues(text: str, patterns) -> dict[str, list[tuple[str, float]]]:
    lowered = text[: cues_scan_chars()].lower()
    return {
        label: [(phrase, weight) for phrase, weight, rx in items if rx.search(lowered)]
        for label, items in patterns.items()
    }


def cues_scan_chars() -> int:
    return 20_000


def detect_language(text: str, hint: str | None = None) -> FieldPrediction:
    """The hint wins when it is a language code; otherwise count function words per language."""
    words = tokens(text[:5_000])
    counts = {
        lang: sum(1 for w in words if w in vocab) for lang, vocab in cues.LANGUAGE_WORDS.items()
    }
    hint = (hint or "").strip().lower()[:8]
    if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)?", hint):
        lang = hint.split("-")[0]
        return FieldPrediction(lang, 0.99, ["language hint"], {lang: 1.0})
    total = sum(counts.values())
    if not total:
        return FieldPrediction("nl", 0.2, [], {})
    best = max(counts, key=lambda k: counts[k])
    scores = {k: v / total for k, v in counts.items()}
    signals = [w for w in dict.fromkeys(words) if w in cues.LANGUAGE_WORDS[best]][:5]
    return FieldPrediction(best, round(scores[best], 3), signals, scores)


def detect_sentiment(text: str) -> FieldPrediction:
    matched = _matched_cues(text, _SENTIMENT_PATTERNS)
    neg = sum(w for _, w in matched["negative"])
    pos = sum(w for _, w in matched["positive"])
    exclaim = min(text.count("!"), 5) * 0.2
    neg += exclaim if neg else 0.0
    scores = {"negative": neg, "neutral": 1.0, "positive": pos}
    probs = softmax(np.array(list(scores.values())))
    label = max(scores, key=lambda k: scores[k])
    signals = [p for p, _ in matched.get(label, [])]
    return FieldPrediction(
        label,
        round(float(probs[list(scores).index(label)]), 3),
        signals,
        {k: round(float(p), 4) for k, p in zip(scores, probs, strict=True)},
    )


def _macro_f1(gold: Sequence[int], pred: Sequence[int]) -> float:
    labels = sorted(set(gold))
    scores = []
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p != lab)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores)) if scores else 0.0


@dataclass
class _FieldState:
    labels: list[str]
    descriptions: list[str]
    prototypes: np.ndarray | None = None  # (K, 512) float16, from the descriptions
    model: LinearModel | None = None
    trained_on: int = 0
    temperature: float = 1.0


class Triage:
    """The triage model of one organisation. Create, `fit` on history, `predict`, `learn`, store.

    `embed` defaults to the product's embedded sentence encoder; tests may pass their own.
    """

    def __init__(
        self, labels: dict[str, dict[str, str]] | None = None, *, embed: Embedder | None = None
    ) -> None:
        labels = labels or cues.DEFAULT_LABELS
        self._embed_fn = embed
        self.fields: dict[str, _FieldState] = {}
        for name in FIELDS:
            described = dict(labels.get(name) or cues.DEFAULT_LABELS[name])
            if not described:
                raise TriageError(f"No labels configured for {name}.")
            self.fields[name] = _FieldState(
                labels=[str(k) for k in described],
                descriptions=[str(v) or str(k) for k, v in described.items()],
            )
        self.memory = np.zeros((0, 512), np.float16)
        self.memory_labels: dict[str, np.ndarray] = {n: np.zeros(0, np.int32) for n in FIELDS}

    # -- embedding ---------------------------------------------------------------------------

    def _embed(self, texts: list[str]) -> np.ndarray:
        fn = self._embed_fn
        if fn is None:
            from wendbaar.ai.embeddings import embed_texts

            fn = embed_texts
        return np.asarray(fn([t[:EMBED_CHARS] for t in texts]), np.float32)

    def _ensure_prototypes(self) -> None:
        todo = [s for s in self.fields.values() if s.prototypes is None]
        if not todo:
            return
        texts = [
            f"{label}. {desc}"
            for s in todo
            for label, desc in zip(s.labels, s.descriptions, strict=True)
        ]
        vectors = self._embed(texts).astype(np.float16)
        start = 0
        for state in todo:
            state.prototypes = vectors[start : start + len(state.labels)]
            start += len(state.labels)

    @staticmethod
    def _ticket(ticket: Ticket | dict) -> Ticket:
        if isinstance(ticket, dict):
            ticket = Ticket(
                subject=ticket.get("subject") or "",
                body=ticket.get("body") or "",
                language=ticket.get("language"),
            )
        if not isinstance(ticket, Ticket):
            raise TriageError("A ticket is a Ticket or a dict with subject, body and language.")
        lang = ticket.language if isinstance(ticket.language, str) else None
        return Ticket(clean_text(ticket.subject), clean_text(ticket.body), lang)

    # -- scoring -----------------------------------------------------------------------------

    def _prior_logits(self, name: str, vectors: np.ndarray, texts: list[str]):
        """Description similarity (+ cue words for priority), with the cues that fired."""
        state = self.fields[name]
        sims = vectors @ state.prototypes.astype(np.float32).T
        logits = (sims - sims.mean(axis=1, keepdims=True)) / PRIOR_TAU
        if name == "priority":
            logits *= PRIORITY_DESCRIPTION_WEIGHT
        signals: list[list[list[str]]] = [[[] for _ in state.labels] for _ in texts]
        index = _description_index(tuple(state.labels), tuple(state.descriptions))
        for i, text in enumerate(texts):
            scanned = text[: cues_scan_chars()]
            words = set(tokens(scanned))
            subject, _, body = text.partition("\n")
            codes = fault_codes(scanned)
            # A fault code stands for the words a description uses for it; shown as the code.
            meaning = (cues.FAULT_CODE_WORDS - words) if codes else frozenset()
            for k, hits in _description_hits(words | meaning, index).items():
                shown = sorted({codes[0] if h in meaning else h for h in hits})
                logits[i, k] += 0.5 * min(len(shown), 4)
                signals[i][k].extend(shown[:4])
            if name == "priority":
                self._priority_cues(state, logits[i], signals[i], subject, body)
        return logits, signals

    @staticmethod
    def _priority_cues(state: _FieldState, logits, signals, subject: str, body: str) -> None:
        """Add the urgency cues' level probabilities (as log-odds) to the priority logits.

        A level the organisation does not use hands its share to the nearest level it does use
        (no "urgent": urgent tickets are high). Labels that are not one of the four levels keep
        their description similarity only.
        """
        found = urgency(subject, body)
        probs = urgency_levels(found.score)
        known = [level for level in cues.PRIORITIES if level in state.labels]
        if not known:
            return
        merged = dict.fromkeys(known, 0.0)
        for level, p in probs.items():
            rank = cues.PRIORITIES.index(level)
            nearest = min(known, key=lambda k: (abs(cues.PRIORITIES.index(k) - rank), k))
            merged[nearest] += p
        for level, p in merged.items():
            k = state.labels.index(level)
            logits[k] += math.log(p)
            if level in ("high", "urgent"):
                signals[k] = found.phrases[:6] + signals[k]
            elif level == "low":
                signals[k] = found.calm[:6] + signals[k]

    def _neighbour_logits(self, name: str, vectors: np.ndarray):
        state = self.fields[name]
        y = self.memory_labels[name]
        known = y >= 0
        if not known.any():
            return None
        memory = self.memory[known].astype(np.float32)
        y = y[known]
        sims = vectors @ memory.T
        k = min(NEIGHBOURS, len(y))
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        votes = np.zeros((len(vectors), len(state.labels)), np.float64)
        rows = np.arange(len(vectors))
        for j in range(k):
            s = sims[rows, top[:, j]]
            np.add.at(votes, (rows, y[top[:, j]]), np.exp((s - 1.0) / NEIGHBOUR_TAU))
        share = votes / np.maximum(votes.sum(axis=1, keepdims=True), 1e-12)
        smooth = NEIGHBOUR_SMOOTHING / len(state.labels)
        return np.log((1 - NEIGHBOUR_SMOOTHING) * share + smooth)

    def _field_logits(self, name, vectors, texts, batch_cache):
        state = self.fields[name]
        prior, signals = self._prior_logits(name, vectors, texts)
        n = max(state.trained_on, int((self.memory_labels[name] >= 0).sum()))
        strength = PRIOR_STRENGTH_BY_FIELD.get(name, PRIOR_STRENGTH)
        logits = prior * (strength / (strength + n))
        contributions = None
        if state.model is not None:
            batch = batch_cache(state.model.vocab)
            logits = logits + state.model.logits(batch)
            contributions = state.model
        neighbours = self._neighbour_logits(name, vectors)
        if neighbours is not None:
            logits = logits + neighbours
        return logits / state.temperature, signals, contributions

    def _explain(self, model: LinearModel, names: list[str], label_index: int) -> list[str]:
        """Words whose weights pushed this label above the others' average, strongest first."""
        weights = model.sparse_w.astype(np.float32)
        ids, values = hashed_counts(names)
        by_id = {}
        for n in names:
            by_id.setdefault(hash_feature(n), n)
        pos = np.clip(np.searchsorted(model.vocab, ids), 0, max(len(model.vocab) - 1, 0))
        scored = []
        for i, v, p in zip(ids, values, pos, strict=True):
            if len(model.vocab) and model.vocab[p] == i:
                row = weights[p]
                gain = float(v * (row[label_index] - row.mean()))
                if gain > 0:
                    scored.append((gain, by_id[int(i)]))
        out = []
        for _, feature in sorted(scored, reverse=True):
            word = feature.split(":", 1)[1]
            if word not in out and not word.isdigit():
                out.append(word)
            if len(out) == 5:
                break
        return out

    def predict_many(self, tickets: Sequence[Ticket | dict]) -> list[TriageResult]:
        tickets = [self._ticket(t) for t in tickets]
        if not tickets:
            return []
        self._ensure_prototypes()
        texts = [t.text() for t in tickets]
        vectors = self._embed(texts)
        names = [feature_names(t.subject, t.body) for t in tickets]
        hashed = [hashed_counts(n) for n in names]
        cache: dict[int, SparseRows] = {}

        def batch_for(vocab: np.ndarray) -> SparseRows:
            key = id(vocab)
            if key not in cache:
                cache[key] = SparseRows.build(hashed, vectors, vocab)
            return cache[key]

        per_field = {}
        for name in FIELDS:
            logits, signals, model = self._field_logits(name, vectors, texts, batch_for)
            probs = softmax(logits.astype(np.float64))
            per_field[name] = (probs, signals, model)
        results = []
        for i, ticket in enumerate(tickets):
            out = {}
            for name in FIELDS:
                probs, signals, model = per_field[name]
                labels = self.fields[name].labels
                k = int(probs[i].argmax())
                sig = list(dict.fromkeys(signals[i][k]))
                if model is not None:
                    sig += [w for w in self._explain(model, names[i], k) if w not in sig]
                out[name] = FieldPrediction(
                    labels[k],
                    round(float(probs[i, k]), 4),
                    sig[:8],
                    {lab: round(float(p), 4) for lab, p in zip(labels, probs[i], strict=True)},
                )
            results.append(
                TriageResult(
                    **out,
                    language=detect_language(texts[i], ticket.language),
                    sentiment=detect_sentiment(texts[i]),
                )
            )
        return results

    def predict(self, ticket: Ticket | dict) -> TriageResult:
        return self.predict_many([ticket])[0]

    # -- learning ----------------------------------------------------------------------------

    def _label_index(self, name: str, label: str, *, grow: bool) -> int:
        state = self.fields[name]
        if label in state.labels:
            return state.labels.index(label)
        if not grow:
            raise TriageError(f"Unknown {name} {label!r}; configured: {', '.join(state.labels)}.")
        # A label only seen in history joins the label set, described by its own name.
        state.labels.append(label)
        state.descriptions.append(label)
        state.prototypes = None
        if state.model is not None:
            k = len(state.labels)
            pad = lambda w: np.pad(w, ((0, 0), (0, k - w.shape[1])))  # noqa: E731
            state.model = LinearModel(
                state.model.vocab,
                pad(state.model.sparse_w),
                pad(state.model.dense_w),
                np.pad(state.model.bias, (0, 1), constant_values=-10),
            )
        return len(state.labels) - 1

    def _encode_labels(self, examples: Sequence[Example], grow: bool) -> dict[str, np.ndarray]:
        out = {}
        for name in FIELDS:
            values = []
            for ex in examples:
                label = (ex.labels or {}).get(name)
                values.append(-1 if not label else self._label_index(name, str(label), grow=grow))
            out[name] = np.array(values, np.int32)
        return out

    def learn(self, example: Example, *, grow: bool = False) -> None:
        """An agent's correction: remembered at once, so the next similar ticket follows it.

        The linear models only change at the next `fit()` (a background task in the app).
        """
        self.learn_many([example], grow=grow)

    def learn_many(self, examples: Sequence[Example], *, grow: bool = False) -> None:
        examples = [Example(self._ticket(e.ticket), dict(e.labels or {})) for e in examples]
        if not examples:
            return
        labels = self._encode_labels(examples, grow)
        vectors = self._embed([e.ticket.text() for e in examples]).astype(np.float16)
        self.memory = np.concatenate([self.memory, vectors])[-MEMORY_LIMIT:]
        for name in FIELDS:
            merged = np.concatenate([self.memory_labels[name], labels[name]])
            self.memory_labels[name] = merged[-MEMORY_LIMIT:]

    def fit(
        self,
        examples: Sequence[Example],
        *,
        held_out: float = 0.2,
        seed: int = 0,
        grow: bool = True,
        progress: Callable[[str], None] | None = None,
    ) -> FitReport:
        """Retrain on all labelled tickets (history + corrections); report before/after accuracy.

        A random `held_out` share is predicted by the current model (before) and by a model
        trained on the rest (after); that slice also fits each field's confidence temperature.
        Then the final model is trained on everything. Note that "before" may have seen the
        held-out tickets in an earlier fit, so it flatters the old model, never the new one.
        """
        started = time.monotonic()
        say = progress or (lambda _m: None)
        examples = [Example(self._ticket(e.ticket), dict(e.labels or {})) for e in examples]
        labels = self._encode_labels(examples, grow)
        self._ensure_prototypes()
        texts = [e.ticket.text() for e in examples]
        vectors = self._embed(texts) if examples else np.zeros((0, 512), np.float32)
        hashed = [hashed_counts(feature_names(e.ticket.subject, e.ticket.body)) for e in examples]
        say(f"embedded {len(examples)} labelled tickets ({time.monotonic() - started:.1f} s)")

        rng = np.random.default_rng(seed)
        order = rng.permutation(len(examples))
        n_out = round(len(examples) * held_out) if len(examples) >= 20 else 0
        test_idx, train_idx = np.sort(order[:n_out]), np.sort(order[n_out:])

        before = None
        if n_out:
            before = self._score_indices(vectors, texts, hashed, test_idx)
        reports = []
        candidate = self._trained_copy(vectors, hashed, labels, train_idx, say)
        after = candidate._score_indices(vectors, texts, hashed, test_idx) if n_out else None
        for name in FIELDS:
            y = labels[name]
            state = self.fields[name]
            temperature = 1.0
            report = FieldReport(
                name, int((y[train_idx] >= 0).sum()), 0, None, None, None, None, 1.0
            )
            if n_out:
                mask = y[test_idx] >= 0
                gold = y[test_idx][mask]
                report.held_out = int(mask.sum())
                if mask.any():
                    logits_after = after[name][mask]
                    temperature = _fit_temperature(logits_after, gold)
                    pred_b = before[name][mask].argmax(1)
                    pred_a = logits_after.argmax(1)
                    report.accuracy_before = round(float((pred_b == gold).mean()), 4)
                    report.accuracy_after = round(float((pred_a == gold).mean()), 4)
                    report.macro_f1_before = round(_macro_f1(gold.tolist(), pred_b.tolist()), 4)
                    report.macro_f1_after = round(_macro_f1(gold.tolist(), pred_a.tolist()), 4)
            report.temperature = round(temperature, 3)
            state.temperature = 1.0
            reports.append(report)
        if n_out:
            say(
                "held-out check: "
                + ", ".join(
                    f"{r.field} accuracy {r.accuracy_before} -> {r.accuracy_after}" for r in reports
                )
            )
        final = self._trained_copy(vectors, hashed, labels, np.arange(len(examples)), say)
        for name, report in zip(FIELDS, reports, strict=True):
            state = self.fields[name]
            state.model = final.fields[name].model
            state.trained_on = final.fields[name].trained_on
            state.temperature = report.temperature
        self.memory = vectors[-MEMORY_LIMIT:].astype(np.float16)
        self.memory_labels = {n: labels[n][-MEMORY_LIMIT:] for n in FIELDS}
        return FitReport(len(examples), round(time.monotonic() - started, 2), reports)

    def _trained_copy(self, vectors, hashed, labels, idx, say) -> "Triage":
        """A copy of this model's label set trained on the examples at `idx` (memory included)."""
        copy = Triage.__new__(Triage)
        copy._embed_fn = self._embed_fn
        copy.fields = {
            n: _FieldState(list(s.labels), list(s.descriptions), s.prototypes)
            for n, s in self.fields.items()
        }
        copy.memory = vectors[idx].astype(np.float16)
        copy.memory_labels = {n: labels[n][idx] for n in FIELDS}
        for name in FIELDS:
            y = labels[name][idx]
            mask = y >= 0
            state = copy.fields[name]
            if mask.sum() >= MIN_TRAIN and len(set(y[mask].tolist())) >= 2:
                t = time.monotonic()
                rows = idx[mask]
                state.model = LinearModel.train(
                    [hashed[i] for i in rows], vectors[rows], y[mask], len(state.labels)
                )
                state.trained_on = int(mask.sum())
                say(f"trained {name} on {int(mask.sum())} tickets ({time.monotonic() - t:.1f} s)")
        return copy

    def _score_indices(self, vectors, texts, hashed, idx) -> dict[str, np.ndarray]:
        sub_vectors = vectors[idx]
        sub_texts = [texts[i] for i in idx]
        sub_hashed = [hashed[i] for i in idx]
        out = {}
        for name in FIELDS:
            state = self.fields[name]
            saved = state.temperature
            state.temperature = 1.0
            logits, _, _ = self._field_logits(
                name,
                sub_vectors,
                sub_texts,
                lambda vocab: SparseRows.build(sub_hashed, sub_vectors, vocab),
            )
            state.temperature = saved
            out[name] = logits
        return out

    # -- storage -----------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The whole state as one compressed numpy archive (a JSON header + arrays)."""
        self._ensure_prototypes()
        meta = {"version": FORMAT_VERSION, "fields": {}}
        arrays: dict[str, np.ndarray] = {"memory": self.memory.astype(np.float16)}
        for name, state in self.fields.items():
            meta["fields"][name] = {
                "labels": state.labels,
                "descriptions": state.descriptions,
                "trained_on": state.trained_on,
                "temperature": state.temperature,
                "model": state.model is not None,
            }
            arrays[f"{name}.prototypes"] = state.prototypes
            arrays[f"{name}.memory_labels"] = self.memory_labels[name]
            if state.model is not None:
                arrays[f"{name}.vocab"] = state.model.vocab
                arrays[f"{name}.sparse_w"] = state.model.sparse_w
                arrays[f"{name}.dense_w"] = state.model.dense_w
                arrays[f"{name}.bias"] = state.model.bias
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, *, embed: Embedder | None = None) -> "Triage":
        try:
            archive = np.load(io.BytesIO(data), allow_pickle=False)
            meta = json.loads(bytes(archive["meta"]).decode())
        except Exception as exc:  # any corruption is the same error to the caller
            raise TriageError(f"Not a stored triage model: {exc}") from exc
        if meta.get("version") != FORMAT_VERSION:
            raise TriageError(f"Stored triage model has version {meta.get('version')}.")
        triage = cls.__new__(cls)
        triage._embed_fn = embed
        triage.fields = {}
        triage.memory = archive["memory"]
        triage.memory_labels = {}
        for name in FIELDS:
            info = meta["fields"][name]
            model = None
            if info["model"]:
                model = LinearModel(
                    archive[f"{name}.vocab"],
                    archive[f"{name}.sparse_w"],
                    archive[f"{name}.dense_w"],
                    archive[f"{name}.bias"],
                )
            triage.fields[name] = _FieldState(
                info["labels"],
                info["descriptions"],
                archive[f"{name}.prototypes"],
                model,
                info["trained_on"],
                info["temperature"],
            )
            triage.memory_labels[name] = archive[f"{name}.memory_labels"]
        return triage


def _fit_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """The temperature that minimises held-out log loss (grid search: robust and cheap)."""
    best, best_t = math.inf, 1.0
    for t in np.exp(np.linspace(math.log(0.25), math.log(8.0), 41)):
        probs = softmax(logits / t)
        loss = -np.log(np.maximum(probs[np.arange(len(gold)), gold], 1e-12)).mean()
        if loss < best:
            best, best_t = loss, float(t)
    return best_t
