"""The AI engine's one interface: embed, generate, extract, parse dates, transcribe.

Capabilities call these functions and never a provider directly. The provider for a capability comes
from its EngineChoice (admin) or settings.AI_DEFAULT_PROVIDER, and every result says which provider,
model and prompt version made it, so drafts can show it. Text bound for an external provider is
masked by the privacy app first and unmasked in the answer. Every call to embed, generate and
transcribe is written to the AI-call log.

These functions are deliberately not atomic: a model server may take a minute, and holding a write
transaction that long would block every other writer (on SQLite, the whole database). The log row
is written in its own short transaction at the end.
"""

import hashlib
import json
import time
from datetime import date
from pathlib import Path

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _

from wendbaar.ai import claims, inputs, selectors
from wendbaar.ai.choices import Operation, Provider
from wendbaar.ai.providers import audio, embedded, openai
from wendbaar.ai.text.dates import parse_dates as _parse_dates
from wendbaar.ai.text.keywords import extract_keywords as _extract_keywords
from wendbaar.ai.text.sentences import split_sentences
from wendbaar.ai.types import (
    Claim,
    DateMatch,
    EmbeddingResult,
    GenerationResult,
    Keyword,
    Segment,
    Sentence,
    Source,
    Usage,
)
from wendbaar.audit.models import AiCallOutcome
from wendbaar.audit.services import log_ai_call
from wendbaar.common.errors import BusinessRuleError

__all__ = [
    "Claim",
    "DateMatch",
    "EmbeddingResult",
    "GenerationResult",
    "Keyword",
    "Segment",
    "Sentence",
    "Source",
    "Usage",
    "embed",
    "extract_keywords",
    "extract_sentences",
    "generate",
    "parse_dates",
    "transcribe",
]

# Claims are checked against at most this many sentences of the sources they cite.
MAX_SUPPORT_SENTENCES = 400


# Text tools (local, deterministic, nothing leaves the machine, nothing to log) -----------------


def extract_sentences(text: str, *, language: str = "") -> list[Sentence]:
    """The sentences, list items and speaker turns of a Dutch or English text, with offsets."""
    del language  # The rules cover Dutch and English at once; notes mix them.
    return split_sentences(text or "")


def extract_keywords(text: str, *, language: str = "", k: int = 10) -> list[Keyword]:
    """Up to `k` keywords (words or short phrases) of a text, best first."""
    return _extract_keywords(text or "", language=language, k=k)


def parse_dates(
    text: str, *, reference_date: date | None = None, language: str = ""
) -> list[DateMatch]:
    """Dates in a text ("volgende week vrijdag", "15-03", "in two weeks"), resolved to real dates.

    Without a reference date, today is used.
    """
    from django.utils import timezone

    return _parse_dates(
        text or "", reference_date=reference_date or timezone.localdate(), language=language
    )


# Embeddings -----------------------------------------------------------------------------------


def embed(texts: list[str], *, capability: str, actor, purpose: str = "") -> EmbeddingResult:
    """Unit vectors (N, dims) for texts; each result says which model made them.

    Vectors of different models cannot be compared, so an external embedding model that fails is
    an error, never a silent switch to the built-in model.
    """
    started = time.monotonic()
    provider, model = selectors.engine_choice_resolve(
        capability=capability, operation=Operation.EMBED
    )
    limit = settings.AI_MAX_INPUT_CHARS
    notes: list[str] = []
    cleaned = []
    was_cut = False
    try:
        for text in texts:
            text, text_notes = inputs.clean(text)
            text, cut = inputs.cut(text, limit)
            was_cut |= cut
            cleaned.append(text)
            notes += [n for n in text_notes if n not in notes]
    except BusinessRuleError as exc:
        log_ai_call(
            actor=actor,
            capability=capability,
            operation=Operation.EMBED,
            purpose=purpose,
            provider=provider,
            model_name=model,
            outcome=AiCallOutcome.ERROR,
            error=exc.code,
            duration_ms=_ms(started),
        )
        raise
    if was_cut:
        notes.append(inputs.cut_note(limit))
    usage = Usage()
    log = {
        "actor": actor,
        "capability": capability,
        "operation": Operation.EMBED,
        "purpose": purpose,
        "input_chars": sum(len(t) for t in cleaned),
    }
    if provider == Provider.OPENAI:
        model = model or settings.AI_OPENAI_EMBEDDING_MODEL
        try:
            vectors, masked_counts = _embed_external(cleaned, capability, model, usage)
        except (openai.ProviderError, BusinessRuleError) as exc:
            usage.duration_ms = _ms(started)
            log_ai_call(
                **log,
                provider=provider,
                model_name=model,
                outcome=AiCallOutcome.ERROR,
                error=_scrub(str(exc)),
                duration_ms=usage.duration_ms,
            )
            raise BusinessRuleError(
                _(
                    "The external embedding model could not be used. Ask an administrator to "
                    "check the AI settings (wendbaar ai doctor)."
                ),
                code="embedding_provider_failed",
                status_code=503,
            ) from exc
        openai.cost(usage)
        cached = 0
    else:
        model = embedded.embedding_model()
        masked_counts = {}
        vectors, cached = embedded.embed(cleaned)
    usage.duration_ms = _ms(started)
    call = log_ai_call(
        **log,
        provider=provider,
        model_name=model,
        masked_counts=masked_counts,
        tokens_in=usage.tokens_in,
        cost=usage.cost,
        duration_ms=usage.duration_ms,
        outcome=AiCallOutcome.OK,
    )
    return EmbeddingResult(
        vectors=vectors,
        provider=provider,
        model=model,
        usage=usage,
        notes=notes,
        cached=cached,
        call_id=call.pk,
    )


def _embed_external(texts, capability, model, usage) -> tuple[np.ndarray, dict]:
    if not model or not openai.is_configured():
        raise openai.ProviderError("not_configured", "no server or embedding model configured")
    masked, _mapping, counts = _mask(capability, texts, settings.LANGUAGE_CODE)
    vectors = np.zeros((len(texts), 0), dtype=np.float32)
    todo = [i for i, text in enumerate(texts) if text.strip()]
    if todo:
        found, tokens = openai.Client().embeddings(model=model, texts=[masked[i] for i in todo])
        usage.add(tokens, 0)
        vectors = np.zeros((len(texts), found.shape[1]), dtype=np.float32)
        vectors[todo] = found
    return vectors, counts


# Generation -----------------------------------------------------------------------------------


class _Fallback(Exception):
    """The external provider cannot give this answer; the built-in engine will."""

    def __init__(self, kind: str, detail: str, masked_counts: dict | None = None):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.masked_counts = masked_counts or {}


def fallback_note(kind: str) -> str:
    """Why the built-in engine made a draft instead of the external model, for the reviewer."""
    reasons = {
        "not_configured": _("No external AI model is configured."),
        "policy": _("The AI-use policy does not allow sending this text to the external AI model."),
        "unreachable": _("The external AI model could not be reached."),
        "timeout": _("The external AI model did not answer in time."),
        "http": _("The external AI model returned an error."),
        "failed": _("The external AI model could not be used."),
        "invalid": _(
            "The external AI model did not give a valid answer, not even on a second try."
        ),
    }
    reason = reasons.get(kind, reasons["http"])
    return f"{reason} " + _(
        "This draft was made by the built-in engine, from sentences taken from the sources."
    )


def generate(
    *,
    capability: str,
    actor,
    task: str,
    sources: list[Source],
    schema: dict,
    instructions: str = "",
    language: str = "",
    purpose: str = "",
    reference_date: date | None = None,
) -> GenerationResult:
    """Structured output for `schema` from `sources`, every claim citing a source that was given.

    The schema is the capability's JSON schema. Objects with a `source_id` (or `source_ids`) field,
    and items of arrays whose items declare one, are claims: a claim citing no given source is
    dropped. `reference_date` resolves relative dates in extractive output (default: today).
    """
    started = time.monotonic()
    validator = claims.validator_for(schema)
    language = language or settings.LANGUAGE_CODE
    ids = [s.id for s in sources]
    if any(not str(i).strip() for i in ids) or len(set(ids)) != len(ids):
        raise ValueError("Every source needs its own, non-empty id.")
    provider, model = selectors.engine_choice_resolve(
        capability=capability, operation=Operation.GENERATE
    )
    notes: list[str] = []
    try:
        task, instructions, sources = _prepare(task, instructions, sources, notes)
    except BusinessRuleError as exc:
        log_ai_call(
            actor=actor,
            capability=capability,
            operation=Operation.GENERATE,
            purpose=purpose,
            provider=provider,
            model_name=model,
            source_ids=ids,
            outcome=AiCallOutcome.ERROR,
            error=exc.code,
            duration_ms=_ms(started),
        )
        raise
    prompt_hash = hashlib.sha256(
        (instructions + json.dumps(schema, sort_keys=True)).encode()
    ).hexdigest()[:8]
    usage = Usage()
    log = {
        "actor": actor,
        "capability": capability,
        "operation": Operation.GENERATE,
        "purpose": purpose,
        "input_chars": len(task)
        + len(instructions)
        + sum(len(s.text) + len(s.title) for s in sources),
        "source_ids": [s.id for s in sources],
    }
    result = None
    outcome, error, masked_counts, note = AiCallOutcome.OK, "", {}, ""
    external_prompt_version = f"{openai.PROMPT_VERSION}+{prompt_hash}"
    has_text = any(s.text.strip() for s in sources)
    if not has_text:
        notes.append(_("There was no text to work from."))
    if provider == Provider.OPENAI and has_text:
        model = model or settings.AI_OPENAI_MODEL
        # Filled as soon as the text is masked, so the log tells what left the machine even when
        # something fails afterwards.
        sent: dict = {}
        try:
            result, masked_counts = _generate_external(
                sent=sent,
                capability=capability,
                model=model,
                task=task,
                instructions=instructions,
                sources=sources,
                schema=schema,
                validator=validator,
                language=language,
                usage=usage,
            )
            result.prompt_version = external_prompt_version
        except _Fallback as exc:
            outcome, error, masked_counts = (
                AiCallOutcome.FALLBACK,
                exc.detail,
                sent.get("counts", {}),
            )
            note = fallback_note(exc.kind)
        except Exception as exc:
            # Whatever breaks on the way out (a provider answering nonsense, a bug in masking), the
            # person still gets a draft from the built-in engine, and the log says what broke.
            outcome, error = AiCallOutcome.FALLBACK, f"unexpected: {type(exc).__name__}: {exc}"
            masked_counts = sent.get("counts", {})
            note = fallback_note("failed")
        # The log is append-only: an error text (a provider's reply, a validation message) must
        # not carry personal data into it.
        error = _scrub(error)
        openai.cost(usage)
    if result is None:
        result = _generate_embedded(
            task=task,
            instructions=instructions,
            sources=sources,
            schema=schema,
            validator=validator,
            language=language,
            reference_date=reference_date,
            notes=notes,
        )
        result.prompt_version = f"{embedded.PROMPT_VERSION}+{prompt_hash}"
        result.fallback_note = note
    usage.duration_ms = _ms(started)
    result.usage = usage
    result.notes = notes + result.notes
    call = log_ai_call(
        **log,
        provider=provider if outcome == AiCallOutcome.FALLBACK else result.provider,
        model_name=model if outcome == AiCallOutcome.FALLBACK else result.model,
        prompt_version=(
            external_prompt_version if outcome == AiCallOutcome.FALLBACK else result.prompt_version
        ),
        masked_counts=masked_counts,
        tokens_in=usage.tokens_in,
        tokens_out=usage.tokens_out,
        cost=usage.cost,
        duration_ms=usage.duration_ms,
        outcome=outcome,
        error=error,
    )
    result.call_id = call.pk
    return result


def _prepare(task, instructions, sources, notes) -> tuple[str, str, list[Source]]:
    """Clean every text, then keep the total within AI_MAX_INPUT_CHARS (sources in given order)."""

    def clean(value):
        text, text_notes = inputs.clean(value)
        notes.extend(n for n in text_notes if n not in notes)
        return text

    limit = settings.AI_MAX_INPUT_CHARS
    task, instructions = clean(task), clean(instructions)
    budget = limit
    task, cut_task = inputs.cut(task, budget)
    budget -= len(task)
    instructions, cut_instructions = inputs.cut(instructions, max(budget, 0))
    budget -= len(instructions)
    was_cut = cut_task or cut_instructions
    kept = []
    for source in sources:
        title, text = clean(source.title)[:250], clean(source.text)
        if budget <= 0:
            was_cut = True
            break
        text, cut_text = inputs.cut(text, budget)
        was_cut |= cut_text
        budget -= len(text) + len(title)
        kept.append(Source(id=str(source.id), text=text, title=title))
    if was_cut:
        notes.append(inputs.cut_note(limit))
    return task, instructions, kept


def _generate_embedded(
    *, task, instructions, sources, schema, validator, language, reference_date, notes
) -> GenerationResult:
    out = embedded.generate(
        task=task,
        instructions=instructions,
        sources=sources,
        schema=schema,
        language=language,
        reference_date=reference_date,
    )
    checked = claims.check_claims(out.data, schema=schema, source_ids={s.id: s.id for s in sources})
    for claim in checked.kept:
        claim.support = 1.0  # The claim is the source's own sentence.
    if out.candidates_cut:
        notes.append(
            _("Only the first %(count)s sentences of the sources were considered.")
            % {"count": embedded.MAX_CANDIDATES}
        )
    if out.unfilled_required:
        notes.append(
            _(
                "The sources do not give every required number or yes/no answer; those fields "
                "hold placeholders, not answers."
            )
        )
    return GenerationResult(
        data=checked.data,
        claims_kept=checked.kept,
        claims_dropped=checked.dropped,
        provider=Provider.EMBEDDED,
        model=embedded.generation_model(),
        prompt_version=embedded.PROMPT_VERSION,
        confidence=out.confidence,
        sources_used=list(dict.fromkeys([*checked.sources_used, *out.sources_used])),
        # Placeholders in required fields make the result incomplete, whatever the schema says.
        valid=not out.unfilled_required and not claims.schema_errors(validator, checked.data),
    )


def _generate_external(
    *, sent, capability, model, task, instructions, sources, schema, validator, language, usage
) -> tuple[GenerationResult, dict]:
    if not openai.is_configured() or not model:
        raise _Fallback("not_configured", "AI_OPENAI_BASE_URL or the model is not set")
    count = len(sources)
    schema_texts = _schema_strings(schema)
    try:
        masked, mapping, masked_counts = _mask(
            capability,
            [
                task,
                instructions,
                *[s.title for s in sources],
                *[s.text for s in sources],
                *schema_texts,
            ],
            language,
        )
    except BusinessRuleError as exc:
        raise _Fallback("policy", f"policy: {exc}") from exc
    sent["counts"] = masked_counts
    # Descriptions, enums and examples of the schema go out too (an owner enum lists names).
    if schema_texts:
        replacements = dict(zip(schema_texts, masked[2 + 2 * count :], strict=True))
        schema = _map_schema_strings(schema, replacements)
        validator = claims.validator_for(schema)
    # The model sees short aliases (S1, S2 …), not our ids: fewer tokens, and an id can never
    # carry personal data out. Real ids are accepted too; anything else is not a source.
    aliases = {f"S{n}": s.id for n, s in enumerate(sources, start=1)}
    lookup = {s.id: s.id for s in sources} | aliases
    payload_sources = [
        {"id": alias, "title": masked[2 + n], "text": masked[2 + count + n]}
        for n, alias in enumerate(aliases)
    ]
    messages = openai.build_messages(
        task=masked[0],
        instructions=masked[1],
        sources=payload_sources,
        schema=schema,
        language=language,
    )
    checked_holder: dict[str, claims.ClaimCheck] = {}

    def check(data) -> list[str]:
        if not isinstance(data, dict):
            return ["the answer must be one JSON object"]
        checked = claims.check_claims(data, schema=schema, source_ids=lookup)
        checked_holder["result"] = checked
        return checked.errors + claims.schema_errors(validator, checked.data)

    try:
        client = openai.Client()
        client.complete_json(
            model=model, messages=messages, schema=schema, check=check, usage=usage
        )
    except openai.ProviderError as exc:
        raise _Fallback(exc.kind, exc.detail, masked_counts) from exc
    checked = checked_holder["result"]
    unmask = _unmasker(mapping)
    data = _map_strings(checked.data, unmask)
    for claim in [*checked.kept, *checked.dropped]:
        claim.text = unmask(claim.text)
    by_id = {s.id: s for s in sources}
    _support(checked.kept, by_id)
    result = GenerationResult(
        data=data,
        claims_kept=checked.kept,
        claims_dropped=checked.dropped,
        provider=Provider.OPENAI,
        model=model,
        prompt_version=openai.PROMPT_VERSION,
        confidence=_confidence(checked, data, sources),
        sources_used=checked.sources_used,
    )
    return result, masked_counts


def _mask(capability: str, texts: list[str], language: str) -> tuple[list[str], dict, dict]:
    """Mask personal data before text leaves the machine; without the privacy app, nothing leaves.

    The AI-use policy is set per capability ("meetings"), so "meetings.minutes" asks for it.
    """
    try:
        from wendbaar.privacy import services as privacy
    except ImportError as exc:
        raise BusinessRuleError(
            _("Personal data cannot be masked, so nothing is sent to an external AI model."),
            code="masking_unavailable",
        ) from exc
    masked, mapping, counts = privacy.prepare_for_provider(
        capability=capability.split(".")[0],
        provider=Provider.OPENAI,
        texts=list(texts),
        language=language[:2] or "nl",
    )
    return list(masked), dict(mapping), dict(counts)


# Schema keys whose string values are text a person wrote (and may name people in).
_SCHEMA_TEXT_KEYS = {"description", "title", "enum", "const", "default", "examples", "x-cues"}


def _schema_strings(schema, inside_text_key: bool = False) -> list[str]:
    """Every free-text string of a JSON schema, in a stable order (duplicates kept once)."""
    found: list[str] = []

    def walk(value, in_text: bool):
        if isinstance(value, str):
            if in_text and value not in found:
                found.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item, in_text)
        elif isinstance(value, dict):
            for key, item in value.items():
                # Property names are structure, not text; their schemas are walked.
                walk(item, in_text or key in _SCHEMA_TEXT_KEYS)

    walk(schema, inside_text_key)
    return found


def _map_schema_strings(schema, replacements: dict[str, str], in_text: bool = False):
    if isinstance(schema, str):
        return replacements.get(schema, schema) if in_text else schema
    if isinstance(schema, list):
        return [_map_schema_strings(v, replacements, in_text) for v in schema]
    if isinstance(schema, dict):
        return {
            k: _map_schema_strings(v, replacements, in_text or k in _SCHEMA_TEXT_KEYS)
            for k, v in schema.items()
        }
    return schema


def _scrub(error: str) -> str:
    """An error text fit for the append-only log: personal data masked, length bounded."""
    if not error:
        return error
    try:
        from wendbaar.privacy.masking import mask_text

        # People and identifiers; words like "JSON" in an error are not organisations worth hiding.
        types = ["PERSON", "EMAIL", "PHONE", "IBAN", "BSN", "POSTCODE", "ADDRESS"]
        return mask_text(text=error[:2000], types=types).text[:1000]
    except Exception:
        # Without the privacy guard, keep only the kind of error, never its text.
        return error.split(":", 1)[0][:100]


def _unmasker(mapping: dict):
    if not mapping:
        return lambda text: text
    from wendbaar.privacy import services as privacy

    return lambda text: privacy.unmask_text(text, mapping) if text else text


def _map_strings(value, fn):
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, list):
        return [_map_strings(v, fn) for v in value]
    if isinstance(value, dict):
        return {k: _map_strings(v, fn) for k, v in value.items()}
    return value


def _calibrate(cosine: float) -> float:
    # Multilingual USE: unrelated text scores about 0.1, a paraphrase 0.7 or more.
    return float(min(1.0, max(0.0, (cosine - 0.2) / 0.6)))


def _support(kept: list[Claim], by_id: dict[str, Source]) -> None:
    """How well each claim is backed: its closest sentence in the sources it cites (cosine)."""
    sentences: dict[str, list[str]] = {}
    for claim in kept:
        for source_id in claim.source_ids:
            if source_id not in sentences:
                sentences[source_id] = [s.text for s in split_sentences(by_id[source_id].text)] or [
                    by_id[source_id].text
                ]
    flat = [(sid, text) for sid, texts in sentences.items() for text in texts]
    flat = flat[:MAX_SUPPORT_SENTENCES]
    if not kept or not flat:
        return
    vectors, _cached = embedded.embed([t for _, t in flat] + [c.text for c in kept])
    sentence_vectors, claim_vectors = vectors[: len(flat)], vectors[len(flat) :]
    for claim, vector in zip(kept, claim_vectors, strict=True):
        rows = [i for i, (sid, _) in enumerate(flat) if sid in claim.source_ids]
        if claim.text and rows:
            claim.support = round(float((sentence_vectors[rows] @ vector).max()), 3)
        else:
            claim.support = 0.0


def _confidence(checked: claims.ClaimCheck, data, sources: list[Source]) -> float:
    """How far to trust generated output: how well its claims are backed, less what was dropped."""
    total = len(checked.kept) + len(checked.dropped)
    if total:
        if not checked.kept:
            return 0.0
        backed = np.mean([_calibrate(c.support or 0.0) for c in checked.kept])
        return round(float(backed) * len(checked.kept) / total * 0.95, 2)
    # No claims in this schema: compare the answer's text with the sources as a whole.
    strings = []
    _map_strings(data, lambda s: strings.append(s) or s)
    text = " ".join(strings).strip()
    if not text:
        return 0.0
    vectors, _cached = embedded.embed([text, *[s.text for s in sources if s.text.strip()][:50]])
    return round(_calibrate(float((vectors[1:] @ vectors[0]).max())) * 0.8, 2)


# Transcription --------------------------------------------------------------------------------


def transcribe(
    path: str | Path, *, actor=None, capability: str = "meetings", language: str = ""
) -> list[Segment]:
    """Segments of speech in an audio file, with faster-whisper when it is configured.

    Raises BusinessRuleError saying how to configure it when it is not.
    """
    started = time.monotonic()
    log = {
        "actor": actor,
        "capability": capability,
        "operation": "transcribe",
        "provider": "faster-whisper",
        "model_name": audio.model_name(),
    }
    try:
        segments = audio.transcribe(path, language=language)
    except BusinessRuleError as exc:
        log_ai_call(**log, outcome=AiCallOutcome.ERROR, error=exc.code, duration_ms=_ms(started))
        raise
    log_ai_call(
        **log,
        outcome=AiCallOutcome.OK,
        input_chars=0,
        duration_ms=_ms(started),
    )
    return segments


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
