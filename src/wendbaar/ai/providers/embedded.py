"""The built-in provider: cached sentence embeddings and purely extractive structured output.

`generate` never writes text of its own. It fills the capability's JSON schema with sentences taken
verbatim from the sources (whitespace aside), ranked by how well they match the task and the text
as a whole, and every item it fills cites the source its sentence came from.
"""

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.utils import timezone

from wendbaar.ai import cache
from wendbaar.ai.embeddings import DIMENSIONS, embed_texts, model_name
from wendbaar.ai.text import stopwords
from wendbaar.ai.text.dates import parse_dates
from wendbaar.ai.text.sentences import split_sentences
from wendbaar.ai.types import Source

PROMPT_VERSION = "extractive-1"
# Beyond this many sentences ranking costs more time than it adds quality.
MAX_CANDIDATES = 2000
DEFAULT_ITEMS = 5
DEFAULT_ANSWER_SENTENCES = 3
TITLE_CHARS = 120
# Extractive output is never a finished answer; its confidence says so.
MAX_CONFIDENCE = 0.85

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SPEAKER = re.compile(r"^(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s*)?[\w .'-]{1,40}:\s+")
_QUESTION_WORDS = {
    "wie", "wat", "wanneer", "waar", "waarom", "hoe", "welke", "welk", "hoeveel", "kan", "kunnen",
    "mag", "moet", "is", "zijn", "heeft", "who", "what", "when", "where", "why", "how", "which",
    "can", "could", "does", "do", "did", "are", "should", "will", "would",
}  # fmt: skip
# In an answer, a source sentence that is itself a question or a heading counts this much.
QUESTION_SENTENCE_WEIGHT = 0.4
# A sentence about the text itself ("Deze pagina beschrijft ...", "see below") introduces it;
# it rarely says anything a reader asked for, so it counts this much.
META_SENTENCE_WEIGHT = 0.5
_META = re.compile(
    r"\b(deze (pagina|handleiding|tekst|instructie)|dit (document|hoofdstuk|artikel)|hieronder|"
    r"this (page|document|guide|chapter|article)|see below|as follows)\b",
    re.IGNORECASE,
)
# A sentence within this share of the best score still belongs in an answer or list.
RELATIVE_CUTOFF = 0.8
_GENERIC_FIELDS = {
    "answer", "text", "summary", "claims", "items", "points", "sentences", "quotes", "results",
    "evidence", "content", "body", "samenvatting", "antwoord", "title", "subject", "headline",
    "onderwerp", "titel",
}  # fmt: skip
_TITLE_FIELDS = {"title", "subject", "headline", "onderwerp", "titel"}
_DATE_FIELDS = {"date", "due", "due_date", "deadline", "when", "datum", "wanneer", "by"}
_SCORE_FIELDS = {"confidence", "score", "certainty", "probability", "relevance", "zekerheid"}
_SOURCE_TITLE_FIELDS = {"source_title"}
_LANGUAGE_FIELDS = {"language", "lang", "taal"}


def embedding_model() -> str:
    """The sentence-embedding model in use (the setting AI_EMBEDDING_MODEL_DIR chooses it)."""
    return model_name()


def generation_model() -> str:
    """The extractive generator's name: it ranks sentences with the embedding model in use."""
    return f"extractive-1/{model_name()}"


def embed(texts: list[str]) -> tuple[np.ndarray, int]:
    """Unit vectors for texts, from the cache where possible; also returns how many were cached."""
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    model = embedding_model()
    found = cache.get_many(model, texts)
    for i, vector in found.items():
        out[i] = vector
    todo: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        if i not in found and text and text.strip():
            todo.setdefault(text, []).append(i)
    if todo:
        unique = list(todo)
        vectors = embed_texts(unique)
        cache.put_many(model, unique, vectors)
        for text, vector in zip(unique, vectors, strict=True):
            out[todo[text]] = vector
    return out, len(found)


@dataclass
class ExtractiveOutput:
    """What the extractive engine made of the sources."""

    data: dict
    confidence: float
    sources_used: list[str] = field(default_factory=list)
    candidates_cut: bool = False
    # Required numbers and yes/no fields the sources did not fill; their values are placeholders.
    unfilled_required: int = 0


@dataclass
class _Candidate:
    source: Source
    text: str


def generate(
    *,
    task: str,
    instructions: str,
    sources: list[Source],
    schema: dict,
    language: str,
    reference_date: date | None = None,
) -> ExtractiveOutput:
    """Fill `schema` with sentences from `sources` that best match `task`."""
    filler = _Filler(
        task=task or instructions,
        sources=sources,
        language=language,
        reference_date=reference_date or timezone.localdate(),
        root=schema,
    )
    data = filler.fill_root(schema)
    return ExtractiveOutput(
        data=data if isinstance(data, dict) else {"value": data},
        confidence=filler.confidence(),
        sources_used=list(filler.used),
        candidates_cut=filler.candidates_cut,
        unfilled_required=filler.unfilled_required,
    )


class _Filler:
    """Walks a JSON schema and fills it from ranked source sentences."""

    def __init__(self, *, task, sources, language, reference_date, root):
        self.task = task.strip()
        self.language = language
        self.reference_date = reference_date
        self.root = root
        self.candidates: list[_Candidate] = []
        for source in sources:
            for sentence in split_sentences(source.text):
                text = " ".join(sentence.text.split())
                if sum(ch.isalnum() for ch in text) >= 3:
                    self.candidates.append(_Candidate(source, text))
        self.candidates_cut = len(self.candidates) > MAX_CANDIDATES
        self.candidates = self.candidates[:MAX_CANDIDATES]
        self.selected: list[int] = []
        self.unfilled_required = 0
        self.used: dict[str, None] = {}
        self.is_question = False
        if not self.candidates:
            self.vectors = np.zeros((0, DIMENSIONS), dtype=np.float32)
            self.score = self.relevance = self.lexical = np.zeros(0, dtype=np.float32)
            return
        # A speaker's name says nothing about what is said; it stays in the quote, not the vector.
        self.vectors, _ = embed([_SPEAKER.sub("", c.text) for c in self.candidates])
        centroid = self.vectors.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        centrality = self.vectors @ centroid
        # "Jan: Prima." is a sentence, but not one that tells a reader anything.
        information = np.array(
            [
                0.5 + 0.5 * min(1.0, len(_words(_SPEAKER.sub("", c.text))) / 6)
                for c in self.candidates
            ],
            dtype=np.float32,
        )
        information *= np.array(
            [META_SENTENCE_WEIGHT if _META.search(c.text) else 1.0 for c in self.candidates],
            dtype=np.float32,
        )
        self.is_question = _is_question(self.task)
        if self.is_question:
            # A question or a heading repeats what was asked; it does not answer it.
            information *= np.array(
                [
                    QUESTION_SENTENCE_WEIGHT if _asks_or_heads(c.text) else 1.0
                    for c in self.candidates
                ],
                dtype=np.float32,
            )
        if self.task:
            query, _ = embed([self.task])
            self.relevance = self.vectors @ query[0]
            self.lexical = self._lexical(self.task)
            if self.is_question:
                mix = 0.45 * self.relevance + 0.35 * self.lexical + 0.2 * centrality
            else:
                # An instruction ("make minutes") says what to do, not what matters in the text.
                mix = 0.3 * self.relevance + 0.2 * self.lexical + 0.5 * centrality
        else:
            self.relevance = self.lexical = np.zeros(len(self.candidates), dtype=np.float32)
            mix = centrality
        self.score = mix * information

    # Ranking ---------------------------------------------------------------------------------

    def _lexical(self, query: str) -> np.ndarray:
        """Share of the query's content words in each sentence ("vervanging" counts for "vervangen")."""
        words = {w[:5] for w in _words(query) if w not in stopwords.ALL and len(w) > 2}
        if not words:
            return np.zeros(len(self.candidates), dtype=np.float32)
        return np.array(
            [len(words & {w[:5] for w in _words(c.text)}) / len(words) for c in self.candidates],
            dtype=np.float32,
        )

    def _field_scores(self, name: str, schema: dict) -> np.ndarray:
        """How well each sentence suits one field: the task, plus the field's name and description.

        A field may list cue phrases under "x-cues" (e.g. "besloten", "I will"); a sentence that
        contains one fits the field much better.
        """
        label = str(schema.get("title") or name or "").replace("_", " ").strip()
        description = str(schema.get("description") or "").strip()
        scores = self.score
        if description or label.lower() not in _GENERIC_FIELDS | {""}:
            query, _ = embed([f"{label}: {description}" if description else label])
            scores = 0.5 * self.score + 0.5 * (self.vectors @ query[0])
        cues = [str(c).casefold() for c in schema.get("x-cues") or [] if str(c).strip()]
        if cues:
            hits = np.array(
                [any(cue in c.text.casefold() for cue in cues) for c in self.candidates],
                dtype=np.float32,
            )
            scores = scores + 0.3 * hits
        return scores

    def _pick(self, scores: np.ndarray, count: int, allowed: np.ndarray | None = None) -> list[int]:
        """Maximal marginal relevance: good sentences that do not repeat each other, in text order."""
        chosen: list[int] = []
        available = np.ones(len(scores), dtype=bool) if allowed is None else allowed.copy()
        while len(chosen) < count and available.any():
            if chosen:
                redundancy = (self.vectors[available] @ self.vectors[chosen].T).max(axis=1)
                values = 0.7 * scores[available] - 0.3 * redundancy
            else:
                values = scores[available]
            best = int(np.flatnonzero(available)[int(np.argmax(values))])
            chosen.append(best)
            available[best] = False
        if chosen:
            top = float(scores[chosen[0]])
            floor = top * RELATIVE_CUTOFF if top > 0 else top
            chosen = [i for i in chosen if scores[i] >= floor]
        self.selected.extend(i for i in chosen if i not in self.selected)
        return sorted(chosen)

    def confidence(self) -> float:
        """A heuristic, kept honest: for a question, how well the chosen sentences match it."""
        if not self.selected:
            return 0.0
        if self.is_question:
            fit = np.mean([0.6 * self.relevance[i] + 0.4 * self.lexical[i] for i in self.selected])
            value = 0.05 + 1.2 * float(fit)
        else:
            # Picking representative sentences always works, and is never more than a start.
            value = 0.25 + 0.5 * float(np.mean([self.score[i] for i in self.selected]))
        return round(min(MAX_CONFIDENCE, max(0.05, value)), 2)

    # Schema walking --------------------------------------------------------------------------

    def fill_root(self, schema: dict):
        schema = self._resolve(schema)
        if _type(schema) == "object":
            return self._object(schema, item=None)
        return self._value("", schema, item=None, required=True)

    def _resolve(self, schema) -> dict:
        schema = schema if isinstance(schema, dict) else {}
        for _ in range(10):
            ref = schema.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/"):
                target = self.root
                for part in ref[2:].split("/"):
                    target = target.get(part, {}) if isinstance(target, dict) else {}
                schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
                continue
            options = schema.get("anyOf") or schema.get("oneOf")
            if options:
                concrete = [o for o in options if _type(self._resolve(o)) != "null"]
                merged = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}
                schema = {**self._resolve(concrete[0] if concrete else {}), **merged}
                if len(concrete) < len(options):
                    schema["_nullable"] = True
                continue
            break
        return schema

    def _object(self, schema: dict, *, item: int | None) -> dict:
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        claim_arrays = [
            name
            for name, sub in properties.items()
            if _type(self._resolve(sub)) == "array"
            and _type(self._resolve(self._resolve(sub).get("items", {}))) == "object"
        ]
        owners = self._owners(claim_arrays, properties) if item is None else {}
        result = {}
        primary_text = _primary_text_field(properties, required)
        for name, sub in properties.items():
            value = self._value(
                name,
                self._resolve(sub),
                item=item,
                required=name in required,
                owner=owners.get(name),
                primary=name == primary_text,
            )
            if value is not _OMIT:
                result[name] = value
        return result

    def _owners(self, arrays: list[str], properties: dict) -> dict[str, np.ndarray]:
        # With several lists (decisions, action items, risks) each sentence goes to the list whose
        # name and description it matches best, so one sentence does not show up three times.
        if len(arrays) < 2 or not self.candidates:
            return {}
        scores = np.stack([self._field_scores(n, self._resolve(properties[n])) for n in arrays])
        best = scores.argmax(axis=0)
        return {name: best == index for index, name in enumerate(arrays)}

    def _value(self, name, schema, *, item, required, owner=None, primary=False):
        kind = _type(schema)
        key = name.lower()
        nullable = schema.get("_nullable") or "null" in _types(schema)
        if "const" in schema:
            return schema["const"]
        if kind == "object":
            return self._object(schema, item=item)
        if kind == "array":
            return self._array(name, schema, item=item, owner=owner, required=required)
        if kind in ("number", "integer"):
            if key in _SCORE_FIELDS:
                value = float(self.score[item]) if item is not None else self.confidence()
                value = round(min(1.0, max(0.0, value)), 2)
                return int(value) if kind == "integer" else value
            return self._default(schema, required, nullable, 0)
        if kind == "boolean":
            return self._default(schema, required, nullable, False)
        if kind != "string":
            return self._default(schema, required, nullable, None)
        # Strings.
        if key == "source_id" and item is not None:
            self.used.setdefault(self.candidates[item].source.id, None)
            return self.candidates[item].source.id
        if key in _SOURCE_TITLE_FIELDS and item is not None:
            return self.candidates[item].source.title
        if key in _LANGUAGE_FIELDS:
            return self.language
        if "enum" in schema:
            return self._classify(schema["enum"], item)
        if schema.get("format") in ("date", "date-time") or key in _DATE_FIELDS:
            found = self._date(item)
            return found if found else self._default(schema, required, nullable, "")
        if item is not None:
            if primary:
                return self._quote(item, schema)
            if key in _TITLE_FIELDS:
                return _fit(self.candidates[item].source.title, schema)
            # Who owns an action, what it costs: not in a sentence as such, and never guessed.
            return self._default(schema, required, nullable, "")
        if not self.candidates:
            return self._default(schema, required, nullable, "")
        if key in _TITLE_FIELDS:
            best = self._pick(self._field_scores(name, schema), 1)
            return self._quote(best[0], schema, limit=TITLE_CHARS)
        return self._passage(self._field_scores(name, schema), schema)

    def _array(self, name, schema, *, item, owner, required):
        items = self._resolve(schema.get("items", {}))
        if item is not None or not self.candidates:
            # A list inside a single claim (e.g. tags) has nothing extractive to hold.
            return [] if required or item is None else _OMIT
        count = int(schema.get("maxItems") or DEFAULT_ITEMS)
        count = max(count, int(schema.get("minItems") or 0))
        picked = self._pick(self._field_scores(name, schema), count, allowed=owner)
        kind = _type(items)
        if kind == "object":
            return [self._object(items, item=i) for i in picked]
        if kind == "string":
            if "enum" in items:
                return list(dict.fromkeys(self._classify(items["enum"], i) for i in picked))
            if name.lower() in ("source_ids", "sources"):
                return list(dict.fromkeys(self.candidates[i].source.id for i in picked))
            return [self._quote(i, items) for i in picked]
        # Numbers, booleans or untyped items: nothing in a sentence to take them from.
        return [] if required else _OMIT

    def _passage(self, scores: np.ndarray, schema: dict) -> str:
        limit = schema.get("maxLength")
        picked = self._pick(scores, DEFAULT_ANSWER_SENTENCES)
        # Keep the best sentences that fit, and show them in the order of the text.
        by_score = sorted(picked, key=lambda i: -scores[i])
        kept: list[int] = []
        length = 0
        for i in by_score:
            extra = len(self.candidates[i].text) + (1 if kept else 0)
            if limit is None or length + extra <= limit:
                kept.append(i)
                length += extra
        if not kept:
            return self._quote(by_score[0], schema)
        return " ".join(self._quote(i, {}) for i in sorted(kept))

    def _quote(self, index: int, schema: dict, *, limit: int | None = None) -> str:
        """A candidate's sentence as output, remembering which source it came from."""
        self.used.setdefault(self.candidates[index].source.id, None)
        return _fit(self.candidates[index].text, schema, limit=limit)

    def _classify(self, options: list, item: int | None):
        labels = [o for o in options if o is not None]
        if not labels or not self.candidates:
            return labels[0] if labels else None
        vectors, _ = embed([str(o).replace("_", " ") for o in labels])
        if item is not None:
            target = self.vectors[item]
        else:
            top = self.selected or self._pick(self.score, DEFAULT_ANSWER_SENTENCES)
            target = self.vectors[top].mean(axis=0)
        return labels[int(np.argmax(vectors @ target))]

    def _date(self, item: int | None) -> str:
        indices = [item] if item is not None else (self.selected or [])
        for i in indices:
            found = parse_dates(
                self.candidates[i].text,
                reference_date=self.reference_date,
                language=self.language,
            )
            if found:
                return found[0].date.isoformat()
        return ""

    def _default(self, schema, required, nullable, empty):
        if "default" in schema:
            return schema["default"]
        if nullable:
            return None
        if not required:
            return _OMIT
        if isinstance(empty, bool | int | float):
            # A required yes/no or number the sources do not give: the schema forces a value, so
            # one is put in, but the result says it is not an answer (see `unfilled_required`).
            self.unfilled_required += 1
        if isinstance(empty, (int, float)) and not isinstance(empty, bool):
            return schema.get("minimum", empty)
        return empty


_OMIT = object()


def _types(schema: dict) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, list):
        return kind
    if kind:
        return [kind]
    if "properties" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    if "enum" in schema:
        return ["string"]
    return []


def _type(schema: dict) -> str:
    concrete = [t for t in _types(schema) if t != "null"]
    return concrete[0] if concrete else ("null" if _types(schema) else "")


def _primary_text_field(properties: dict, required: set) -> str:
    """The string field of a claim that holds its sentence: "text" and the like, else the first."""
    strings = [
        n
        for n, s in properties.items()
        if isinstance(s, dict)
        and "string" in _types(s)
        and "enum" not in s
        and s.get("format") not in ("date", "date-time")
        and n.lower() not in _DATE_FIELDS | _TITLE_FIELDS | _LANGUAGE_FIELDS | {"source_id"}
    ]
    for preferred in ("text", "quote", "claim", "statement", "sentence", "description"):
        if preferred in strings:
            return preferred
    for name in strings:
        if name in required:
            return name
    return strings[0] if strings else ""


def _fit(text: str, schema: dict, *, limit: int | None = None) -> str:
    """Cut a sentence to the schema's maxLength at a word boundary; never add words."""
    limits = [x for x in (schema.get("maxLength"), limit) if x]
    limit = min(limits) if limits else None
    if limit is None or len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut


def _asks_or_heads(sentence: str) -> bool:
    """A question ("Hoe snel komt de monteur?") or a heading (a few words, no full stop)."""
    text = _SPEAKER.sub("", sentence).strip()
    return text.endswith("?") or (len(_words(text)) <= 4 and not text.endswith((".", "!", ";")))


def _is_question(task: str) -> bool:
    # A customer's mail asks its question somewhere in the middle ("..., klopt dat? Groet, Jan").
    words = _words(task)
    return "?" in task or bool(words and words[0] in _QUESTION_WORDS)


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]
