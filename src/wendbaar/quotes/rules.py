"""Quote rules: the admin-maintained house rules the draft engine applies.

One TOML (or JSON) file with these sections (see `bench/quotes_rules.toml` for a full example):

- `[labour]` the labour SKUs: `standard`, `evening`, `electrical`, `apprentice`, plus
  `evening_cues` (customer asks for evening/Saturday work: `evening` replaces `standard`).
- `[travel]` `distance_sku` (per km outside the zones), `delivery_sku`, `delivery_cues`,
  `pickup_cues`, `self_install_cues`; `[[travel.zones]]` with `sku` and `places`;
  `[travel.neighbourhoods]` mapping a neighbourhood to its town.
- `[defaults]` estimator defaults: `radiator_type`, `radiator_height`, `boiler_tank_litres`,
  `boiler_tank_large_from_people`, `max_quantity` per unit (larger is flagged, not priced),
  `verdeler` (`max_m2` -> sku) and `omvormer` (`max_panels` -> sku) steps.
- `[[bundles]]` job bundles: `name`, `cues` (regular expressions), optional `skip_if`, `count`
  ("one" or "number"), `count_near`, `lines` [{sku, qty}], `labour` {kind: hours per unit},
  `extras` [{cues, sku, qty}], `onsite` (default true: voorrijkosten apply).
- `[[not_offered]]` work outside the catalogue: `cues`, `nl`, `en` (the open point's text).

Cues are case-insensitive regular expressions. `load_rules` validates everything and raises
`RulesError` naming the section and entry at fault.
"""

import json
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path


class RulesError(ValueError):
    """The rules file is missing, unreadable or does not follow the format."""


@dataclass(frozen=True)
class Bundle:
    name: str
    cues: list[re.Pattern]
    lines: list[tuple[str, Decimal]]
    labour: dict[str, Decimal] = field(default_factory=dict)
    skip_if: list[re.Pattern] = field(default_factory=list)
    count: str = "one"
    count_near: list[str] = field(default_factory=list)
    extras: list[tuple[list[re.Pattern], str, Decimal]] = field(default_factory=list)
    onsite: bool = True


@dataclass(frozen=True)
class NotOffered:
    cues: list[re.Pattern]
    text: dict[str, str]


@dataclass
class Rules:
    labour: dict[str, str]
    evening_cues: list[re.Pattern]
    distance_sku: str
    delivery_sku: str
    delivery_cues: list[re.Pattern]
    pickup_cues: list[re.Pattern]
    self_install_cues: list[re.Pattern]
    zones: list[tuple[str, list[str]]]
    neighbourhoods: dict[str, str]
    defaults: dict
    bundles: list[Bundle]
    not_offered: list[NotOffered]

    def skus(self) -> set[str]:
        """Every SKU the rules refer to, to check against a catalogue."""
        found = set(self.labour.values()) | {self.distance_sku, self.delivery_sku}
        found |= {sku for sku, _ in self.zones}
        for bundle in self.bundles:
            found |= {sku for sku, _ in bundle.lines} | {sku for _, sku, _ in bundle.extras}
        for key in ("verdeler", "omvormer"):
            found |= {step["sku"] for step in self.defaults.get(key, [])}
        return found


LABOUR_KINDS = ("standard", "evening", "electrical", "apprentice")


def _patterns(value, where: str) -> list[re.Pattern]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RulesError(f"{where}: expected a list of non-empty strings.")
    out = []
    for cue in value:
        try:
            out.append(re.compile(cue, re.IGNORECASE))
        except re.error as exc:
            raise RulesError(f"{where}: invalid cue {cue!r} ({exc}).") from None
    return out


def _text(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RulesError(f"{where}: expected a non-empty string.")
    return value.strip()


def _number(value, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RulesError(f"{where}: expected a number.")
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise RulesError(f"{where}: expected a number, got {value!r}.") from None
    if not number.is_finite() or number < 0:
        raise RulesError(f"{where}: expected a number of zero or more, got {value!r}.")
    return number


def _table(data, key: str, where: str = "") -> dict:
    value = data.get(key)
    if not isinstance(value, dict):
        raise RulesError(f"{where}[{key}]: missing section.")
    return value


def parse_rules(data: dict) -> Rules:
    if not isinstance(data, dict):
        raise RulesError("rules: expected a table at the top level.")
    labour = _table(data, "labour")
    labour_skus = {}
    for kind in LABOUR_KINDS:
        labour_skus[kind] = _text(labour.get(kind), f"[labour] {kind}")
    travel = _table(data, "travel")
    zones = []
    raw_zones = travel.get("zones")
    if not isinstance(raw_zones, list) or not raw_zones:
        raise RulesError("[travel] zones: expected at least one [[travel.zones]] entry.")
    for number, zone in enumerate(raw_zones, start=1):
        where = f"[[travel.zones]] #{number}"
        if not isinstance(zone, dict):
            raise RulesError(f"{where}: expected a table.")
        places = zone.get("places")
        if not isinstance(places, list) or not places:
            raise RulesError(f"{where}: places must be a non-empty list.")
        zones.append((_text(zone.get("sku"), f"{where} sku"), [_text(p, where) for p in places]))
    seen: dict[str, str] = {}
    for sku, places in zones:
        for place in places:
            if place.lower() in seen and seen[place.lower()] != sku:
                raise RulesError(
                    f"[travel.zones]: {place} is in both {seen[place.lower()]} and {sku}."
                )
            seen[place.lower()] = sku
    neighbourhoods = travel.get("neighbourhoods", {})
    if not isinstance(neighbourhoods, dict):
        raise RulesError("[travel.neighbourhoods]: expected a table of name = town.")
    for name, town in neighbourhoods.items():
        if town.lower() not in seen:
            raise RulesError(f"[travel.neighbourhoods] {name}: town {town!r} is in no zone.")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise RulesError("[defaults]: expected a table.")
    for key, limit in (("verdeler", "max_m2"), ("omvormer", "max_panels")):
        steps = defaults.get(key, [])
        if not isinstance(steps, list) or not all(
            isinstance(s, dict) and limit in s and "sku" in s for s in steps
        ):
            raise RulesError(f"[defaults] {key}: expected a list of {{{limit}, sku}}.")
    bundles = []
    for number, raw in enumerate(data.get("bundles", []), start=1):
        where = f"[[bundles]] #{number}"
        if not isinstance(raw, dict):
            raise RulesError(f"{where}: expected a table.")
        name = _text(raw.get("name"), f"{where} name")
        where = f"[[bundles]] {name!r}"
        lines = []
        for line in raw.get("lines", []):
            if not isinstance(line, dict):
                raise RulesError(f"{where} lines: expected {{sku, qty}} tables.")
            lines.append(
                (_text(line.get("sku"), f"{where} sku"), _number(line.get("qty", 1), where))
            )
        labour_hours = {}
        for kind, hours in (raw.get("labour") or {}).items():
            if kind not in LABOUR_KINDS:
                raise RulesError(
                    f"{where} labour: unknown kind {kind!r} ({', '.join(LABOUR_KINDS)})."
                )
            labour_hours[kind] = _number(hours, f"{where} labour {kind}")
        if not lines and not labour_hours:
            raise RulesError(f"{where}: a bundle needs lines or labour.")
        count = raw.get("count", "one")
        if count not in ("one", "number"):
            raise RulesError(f"{where} count: expected 'one' or 'number', got {count!r}.")
        extras = []
        for extra in raw.get("extras", []):
            extras.append(
                (
                    _patterns(extra.get("cues"), f"{where} extras cues"),
                    _text(extra.get("sku"), f"{where} extras sku"),
                    _number(extra.get("qty", 1), f"{where} extras qty"),
                )
            )
        bundles.append(
            Bundle(
                name=name,
                cues=_patterns(raw.get("cues"), f"{where} cues"),
                lines=lines,
                labour=labour_hours,
                skip_if=_patterns(raw.get("skip_if", []), f"{where} skip_if")
                if raw.get("skip_if")
                else [],
                count=count,
                count_near=[str(c) for c in raw.get("count_near", [])],
                extras=extras,
                onsite=bool(raw.get("onsite", True)),
            )
        )
    not_offered = []
    for number, raw in enumerate(data.get("not_offered", []), start=1):
        where = f"[[not_offered]] #{number}"
        not_offered.append(
            NotOffered(
                cues=_patterns(raw.get("cues"), f"{where} cues"),
                text={lang: _text(raw.get(lang), f"{where} {lang}") for lang in ("nl", "en")},
            )
        )
    return Rules(
        labour=labour_skus,
        evening_cues=_patterns(
            labour.get("evening_cues", []) or ["zaterdag"], "[labour] evening_cues"
        ),
        distance_sku=_text(travel.get("distance_sku"), "[travel] distance_sku"),
        delivery_sku=_text(travel.get("delivery_sku"), "[travel] delivery_sku"),
        delivery_cues=_patterns(travel.get("delivery_cues", ["bezorg"]), "[travel] delivery_cues"),
        pickup_cues=_patterns(travel.get("pickup_cues", ["ophalen"]), "[travel] pickup_cues"),
        self_install_cues=_patterns(
            travel.get("self_install_cues", ["zelf monteren"]), "[travel] self_install_cues"
        ),
        zones=zones,
        neighbourhoods=dict(neighbourhoods),
        defaults=defaults,
        bundles=bundles,
        not_offered=not_offered,
    )


def load_rules(path: str | Path) -> Rules:
    """Read and validate a rules file (.toml or .json)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RulesError(f"Rules file not found: {path}") from None
    except OSError as exc:
        raise RulesError(f"Cannot read {path}: {exc}") from None
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(raw.decode("utf-8"))
        else:
            data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise RulesError(f"{path}: not UTF-8 text.") from None
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise RulesError(
            f"{path}: not valid {path.suffix.lstrip('.').upper() or 'TOML'} ({exc})."
        ) from None
    try:
        return parse_rules(data)
    except RulesError as exc:
        raise RulesError(f"{path}: {exc}") from None
