"""Claims in structured output: every one must cite a source that was given, or it is dropped.

A claim is any object with a `source_id` (or `source_ids`) field, or any item of an array whose item
schema declares one. Claims in arrays that cite nothing valid are removed; a claim outside an array
that does is an error, so the model is asked again.
"""

from dataclasses import dataclass, field
from typing import Any

import jsonschema

from wendbaar.ai.types import Claim

SOURCE_KEYS = ("source_id", "source_ids")
_TEXT_KEYS = ("text", "claim", "statement", "quote", "sentence", "summary", "answer")


@dataclass
class ClaimCheck:
    """Output with invalid claims removed, what was kept and dropped, and errors to report back."""

    data: Any
    kept: list[Claim] = field(default_factory=list)
    dropped: list[Claim] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def sources_used(self) -> list[str]:
        seen: dict[str, None] = {}
        for claim in self.kept:
            for source_id in claim.source_ids:
                seen.setdefault(source_id, None)
        return list(seen)


def check_claims(data: Any, *, schema: dict, source_ids: dict[str, str]) -> ClaimCheck:
    """Resolve cited ids through `source_ids` (cited id → real id) and drop unsupported claims."""
    check = ClaimCheck(data=None)
    check.data = _walk(data, schema, source_ids, check, path="")
    return check


def _walk(value, schema, source_ids, check: ClaimCheck, *, path: str, resolved=False):
    schema = schema if isinstance(schema, dict) else {}
    if isinstance(value, list):
        item_schema = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        declares = any(k in item_schema.get("properties", {}) for k in SOURCE_KEYS)
        kept_items = []
        for index, item in enumerate(value):
            is_claim = isinstance(item, dict) and (declares or any(k in item for k in SOURCE_KEYS))
            if not is_claim:
                kept_items.append(
                    _walk(item, item_schema, source_ids, check, path=f"{path}/{index}")
                )
                continue
            cited, claim = _resolve(item, source_ids)
            if claim.source_ids:
                check.kept.append(claim)
                kept_items.append(
                    _walk(
                        cited,
                        item_schema,
                        source_ids,
                        check,
                        path=f"{path}/{index}",
                        resolved=True,
                    )
                )
            else:
                check.dropped.append(claim)
        return kept_items
    if isinstance(value, dict):
        if not resolved and any(k in value for k in SOURCE_KEYS):
            value, claim = _resolve(value, source_ids)
            if claim.source_ids:
                check.kept.append(claim)
            else:
                check.dropped.append(claim)
                # Said to the model, not to a person: English, not translated.
                cited = ", ".join(_cited(value)) or "nothing"
                check.errors.append(f"{path or '/'}: cites {cited}, which is not a given source id")
        properties = schema.get("properties", {})
        return {
            key: (
                item
                if key in SOURCE_KEYS
                else _walk(item, properties.get(key), source_ids, check, path=f"{path}/{key}")
            )
            for key, item in value.items()
        }
    return value


def _cited(item: dict) -> list[str]:
    cited = []
    for key in SOURCE_KEYS:
        value = item.get(key)
        values = value if isinstance(value, list) else [value]
        cited += [str(v).strip() for v in values if v is not None and str(v).strip()]
    return cited


def _resolve(item: dict, source_ids: dict[str, str]) -> tuple[dict, Claim]:
    cited = _cited(item)
    valid = list(dict.fromkeys(source_ids[c] for c in cited if c in source_ids))
    resolved = dict(item)
    if "source_id" in item:
        resolved["source_id"] = valid[0] if valid else item.get("source_id")
    if "source_ids" in item:
        resolved["source_ids"] = valid
    claim = Claim(text=claim_text(item), source_ids=valid)
    if not valid:
        claim.reason = "no_source" if not cited else "unknown_source"
        claim.text = claim.text or ", ".join(cited)
    return resolved, claim


def claim_text(item: dict) -> str:
    """The statement a claim makes: its text field, or else its first string field."""
    for key in _TEXT_KEYS:
        if isinstance(item.get(key), str) and item[key].strip():
            return item[key].strip()
    for key, value in item.items():
        if key not in SOURCE_KEYS and isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def validator_for(schema: dict) -> jsonschema.protocols.Validator:
    """A validator for a capability's schema; a schema that is itself invalid is a programming error."""
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def schema_errors(validator, data: Any) -> list[str]:
    """Readable validation errors, worst first, at most five."""
    errors = sorted(validator.iter_errors(data), key=jsonschema.exceptions.relevance)
    return [
        f"{'/' + '/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in errors[:5]
    ]
