"""Quote rules: the admin-maintained house rules the draft engine applies.

One TOML (or JSON) document; `bench/quotes_rules.toml` and `wendbaar/quotes/demo_rules.toml` are
full examples for two firms with different catalogues. Everything that names a catalogue item lives
here, never in the engine, so another firm expresses the same jobs with its own SKUs.

Sections (all SKUs must exist in the firm's catalogue; `Rules.skus()` lists them to check):

- `[labour]` labour SKUs by kind: `standard` (required), `electrical` (optional, else `standard`),
  `apprentice` (optional, else those hours are left out), `evening` (optional: replaces `standard`
  when the customer asks for evening/Saturday work, recognised by `evening_cues`).
- `[travel]` `distance_sku` (per km outside the zones), `delivery_sku` (material-only delivery),
  `delivery_cues`, `pickup_cues`, `self_install_cues`; `[[travel.zones]]` with `sku` and `places`;
  `[travel.neighbourhoods]` mapping a neighbourhood to its town.
- `[defaults]` `max_quantity` per unit (a larger quantity is flagged, not priced).
- `[jobs.<kind>]` structured jobs whose quantities and sizes the engine reads from the request
  (each optional; a firm without solar simply has no `[jobs.solar]`). Lines are `{sku, qty}`
  tables, labour is `{kind = hours}`:
  - `central_heating_boiler`: `classes` [{class, sku, kw, home = small|medium|large}], `solo`,
    `lines`, `labour`.
  - `thermostat`: `basic`, `smart`, `labour`.
  - `radiators`: panel radiators from `panel_name_pattern` (a regex with named groups `type`,
    `height`, `length`, matched against catalogue names; sizes in `panel_size_unit` mm or cm)
    and/or explicit `panels` [{sku, type, height, length}] in mm; `default_type`,
    `default_height`, `with_each_panel` (lines per radiator), `hours_existing`,
    `hours_new_spot`; `towel`, `towel_electric`, `design`, `valve`, `hours_valve`,
    `smart_knob`, `hours_smart_knob`.
  - `floor_heating`: `milled`, `screed`, `manifolds` [{max_m2, sku}], `labour`; `electric_mat`,
    `electric_thermostat`, `electric_labour`.
  - `heat_pump`: `[jobs.heat_pump.hybrid]` (`lines`, `labour`), `[jobs.heat_pump.all_electric]`
    (`units` [{kw, sku}], `lines`, `labour`, `tank`, `tank_large`, `tank_large_litres`,
    `tank_large_from_people`, `removal`), `[jobs.heat_pump.airco]` (`lines`, `labour`, per unit).
  - `solar`: `panels` and `mounts` (variants: [{sku, cues}], the first without cues is the
    default), `install` (per panel), `inverters` [{max_panels, sku}], `lines`,
    `includes_travel` (default true: no call-out cost for a solar-only job).
  - `battery`: `sizes` [{kwh, sku, lines}] (nearest capacity), `lines`, `labour`.
  - `charger`: `one_phase` / `three_phase` ({sku, kw, lines}), `post`, `cable` (per m),
    `trench` (per m), `load_balancing`, `labour`, `free_standing_labour`.
  - `fuse_box`: `one_phase` ({sku, labour}), `three_phase` [{sku, groups, labour}].
  - `electric_boiler`: `sizes` [{litres, sku}], `labour`.
- `[[bundles]]` job bundles: `name`, `cues` (regular expressions), optional `skip_if`, `count`
  ("one" or "number"), `count_near`, `lines` [{sku, qty}], `labour` {kind: hours per unit},
  `extras` [{cues, sku, qty}], `onsite` (default true: voorrijkosten apply).
- `[[not_offered]]` work outside the catalogue: `cues`, `nl`, `en` (the open point's text).
- `[pricing]` `minimum_margin` (percent of the price; a discount never takes a line below it, a
  list price below it is flagged); `[[pricing.volume]]` (`sku` or `category`, `from_quantity`,
  `percent`); `[[pricing.customers]]` (`email_domain` or `company`, `percent`). The largest
  applicable discount applies to a line; discounts do not add up.
- `[matching]` the catalogue matcher for phrases no rule covers: `enabled` (default true),
  `accept` and `margin` (score thresholds, defaults in `wendbaar.quotes.matching`).

Cues are case-insensitive regular expressions. `parse_rules`, `parse_rules_text` and `load_rules`
validate everything and raise `RulesError` naming the section and entry at fault.
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


@dataclass(frozen=True)
class Discount:
    percent: Decimal
    sku: str = ""
    category: str = ""
    from_quantity: Decimal = Decimal(0)
    email_domain: str = ""
    company: str = ""


@dataclass
class Pricing:
    minimum_margin: Decimal | None = None
    volume: list[Discount] = field(default_factory=list)
    customers: list[Discount] = field(default_factory=list)


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
    jobs: dict[str, dict] = field(default_factory=dict)
    pricing: Pricing = field(default_factory=Pricing)
    matching: dict = field(default_factory=dict)
    job_skus: set[str] = field(default_factory=set)

    def skus(self) -> set[str]:
        """Every SKU the rules refer to, to check against a catalogue."""
        found = set(self.labour.values()) | {self.distance_sku, self.delivery_sku}
        found |= {sku for sku, _ in self.zones}
        for bundle in self.bundles:
            found |= {sku for sku, _ in bundle.lines} | {sku for _, sku, _ in bundle.extras}
        found |= self.job_skus
        found |= {d.sku for d in self.pricing.volume if d.sku}
        return found - {""}

    def job(self, kind: str) -> dict | None:
        return self.jobs.get(kind)


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


def _percent(value, where: str) -> Decimal:
    number = _number(value, where)
    if number > 100:
        raise RulesError(f"{where}: a percentage is at most 100, got {value!r}.")
    return number


def _table(data, key: str, where: str = "") -> dict:
    value = data.get(key)
    if not isinstance(value, dict):
        raise RulesError(f"{where}[{key}]: missing section.")
    return value


class _Job:
    """Validates one `[jobs.<kind>]` table and collects the SKUs it names."""

    def __init__(self, raw, where: str, skus: set[str]):
        if not isinstance(raw, dict):
            raise RulesError(f"{where}: expected a table.")
        self.raw, self.where, self.skus, self.out = raw, where, skus, {}

    def _at(self, key: str) -> str:
        return f"{self.where} {key}"

    def sku(self, key: str, required: bool = False):
        value = self.raw.get(key)
        if value is None and not required:
            self.out[key] = None
            return
        self.out[key] = _text(value, self._at(key))
        self.skus.add(self.out[key])

    def number(self, key: str, default=None):
        value = self.raw.get(key)
        self.out[key] = default if value is None else _number(value, self._at(key))

    def text(self, key: str, default=None):
        value = self.raw.get(key)
        self.out[key] = default if value is None else _text(value, self._at(key))

    def flag(self, key: str, default: bool):
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            raise RulesError(f"{self._at(key)}: expected true or false.")
        self.out[key] = value

    def lines(self, key: str = "lines"):
        self.out[key] = _lines(self.raw.get(key, []), self._at(key))
        self.skus.update(sku for sku, _ in self.out[key])

    def labour(self, key: str = "labour"):
        self.out[key] = _labour(self.raw.get(key, {}), self._at(key))

    def entries(self, key: str, fields: dict[str, str], required: bool = False):
        """A list of tables; `fields` maps a field to sku/number/text/lines/labour/cues (+'?' optional)."""
        value = self.raw.get(key)
        if value is None:
            if required:
                raise RulesError(f"{self._at(key)}: required.")
            self.out[key] = []
            return
        if not isinstance(value, list) or not value:
            raise RulesError(f"{self._at(key)}: expected a non-empty list of tables.")
        out = []
        for number, entry in enumerate(value, start=1):
            where = f"{self.where} {key} #{number}"
            if not isinstance(entry, dict):
                raise RulesError(f"{where}: expected a table.")
            unknown = set(entry) - set(fields)
            if unknown:
                raise RulesError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}.")
            item = {}
            for name, kind in fields.items():
                optional = kind.endswith("?")
                kind = kind.rstrip("?")
                raw = entry.get(name)
                if raw is None:
                    if not optional:
                        raise RulesError(f"{where}: missing {name}.")
                    item[name] = (
                        [] if kind in ("lines", "cues") else {} if kind == "labour" else None
                    )
                    continue
                at = f"{where} {name}"
                if kind == "sku":
                    item[name] = _text(raw, at)
                    self.skus.add(item[name])
                elif kind == "number":
                    item[name] = _number(raw, at)
                elif kind == "text":
                    item[name] = _text(str(raw), at)
                elif kind == "lines":
                    item[name] = _lines(raw, at)
                    self.skus.update(sku for sku, _ in item[name])
                elif kind == "labour":
                    item[name] = _labour(raw, at)
                elif kind == "cues":
                    item[name] = _patterns(raw, at)
            out.append(item)
        self.out[key] = out

    def option(self, key: str, fields: dict[str, str]):
        """One table of `fields` (same kinds as `entries`), or None when absent."""
        value = self.raw.get(key)
        if value is None:
            self.out[key] = None
            return
        saved = self.raw
        self.raw = {key: [value]}
        try:
            self.entries(key, fields)
        finally:
            self.raw = saved
        self.out[key] = self.out[key][0]

    def done(self, allowed: set[str] | None = None) -> dict:
        unknown = set(self.raw) - (allowed if allowed is not None else set(self.out))
        if unknown:
            raise RulesError(f"{self.where}: unknown key(s) {', '.join(sorted(unknown))}.")
        return self.out


def _lines(value, where: str) -> list[tuple[str, Decimal]]:
    if not isinstance(value, list):
        raise RulesError(f"{where}: expected a list of {{sku, qty}} tables.")
    out = []
    for line in value:
        if not isinstance(line, dict):
            raise RulesError(f"{where}: expected {{sku, qty}} tables.")
        out.append((_text(line.get("sku"), f"{where} sku"), _number(line.get("qty", 1), where)))
    return out


def _labour(value, where: str) -> dict[str, Decimal]:
    if not isinstance(value, dict):
        raise RulesError(f"{where}: expected a table of kind = hours.")
    out = {}
    for kind, hours in value.items():
        if kind not in LABOUR_KINDS:
            raise RulesError(f"{where}: unknown labour kind {kind!r} ({', '.join(LABOUR_KINDS)}).")
        out[kind] = _number(hours, f"{where} {kind}")
    return out


def _job_boiler(job: _Job) -> None:
    job.entries("classes", {"class": "text", "sku": "sku", "kw": "number?", "home": "text?"}, True)
    for entry in job.out["classes"]:
        if entry["home"] not in (None, "small", "medium", "large"):
            raise RulesError(f"{job.where} classes: home is small, medium or large.")
    job.sku("solo")
    job.lines()
    job.labour()


def _job_thermostat(job: _Job) -> None:
    job.sku("basic", True)
    job.sku("smart")
    job.labour()


def _job_radiators(job: _Job) -> None:
    pattern = job.raw.get("panel_name_pattern")
    if pattern is not None:
        try:
            compiled = re.compile(_text(pattern, job._at("panel_name_pattern")), re.I)
        except re.error as exc:
            raise RulesError(f"{job._at('panel_name_pattern')}: invalid ({exc}).") from None
        missing = {"type", "height", "length"} - set(compiled.groupindex)
        if missing:
            raise RulesError(
                f"{job._at('panel_name_pattern')}: needs the named groups "
                f"{', '.join(sorted(missing))}."
            )
        job.out["panel_name_pattern"] = compiled
    else:
        job.out["panel_name_pattern"] = None
    unit = job.raw.get("panel_size_unit", "mm")
    if unit not in ("mm", "cm"):
        raise RulesError(f"{job._at('panel_size_unit')}: expected 'mm' or 'cm'.")
    job.out["panel_size_unit"] = unit
    job.entries("panels", {"sku": "sku", "type": "text", "height": "number", "length": "number"})
    job.text("default_type", "22")
    job.number("default_height", Decimal(600))
    job.lines("with_each_panel")
    job.number("hours_existing", Decimal("1.5"))
    job.number("hours_new_spot", Decimal(3))
    for key in ("towel", "towel_electric", "design", "valve", "smart_knob"):
        job.sku(key)
    job.number("hours_valve", Decimal("0.5"))
    job.number("hours_smart_knob", Decimal("0.25"))


def _job_floor(job: _Job) -> None:
    for key in ("milled", "screed", "electric_mat", "electric_thermostat"):
        job.sku(key)
    job.entries("manifolds", {"max_m2": "number", "sku": "sku"})
    job.labour()
    job.labour("electric_labour")
    if not job.out["milled"] and not job.out["electric_mat"]:
        raise RulesError(f"{job.where}: needs milled or electric_mat.")


def _job_heat_pump(job: _Job) -> None:
    for part, keys in (
        ("hybrid", {"lines", "labour"}),
        ("all_electric", None),
        ("airco", {"lines", "labour"}),
    ):
        raw = job.raw.get(part)
        if raw is None:
            job.out[part] = None
            continue
        sub = _Job(raw, f"[jobs.heat_pump.{part}]", job.skus)
        if part == "all_electric":
            sub.entries("units", {"kw": "number", "sku": "sku"}, True)
            sub.sku("tank")
            sub.sku("tank_large")
            sub.number("tank_large_litres", Decimal(300))
            sub.number("tank_large_from_people", Decimal(5))
            sub.sku("removal")
        sub.lines()
        sub.labour()
        if part != "all_electric" and not sub.out["lines"]:
            raise RulesError(f"[jobs.heat_pump.{part}]: needs lines.")
        job.out[part] = sub.done(keys)


def _job_solar(job: _Job) -> None:
    job.entries("panels", {"sku": "sku", "cues": "cues?"}, True)
    job.entries("mounts", {"sku": "sku", "cues": "cues?"})
    job.sku("install")
    job.entries("inverters", {"max_panels": "number", "sku": "sku"})
    job.lines()
    job.flag("includes_travel", True)


def _job_battery(job: _Job) -> None:
    job.entries("sizes", {"kwh": "number", "sku": "sku", "lines": "lines?"}, True)
    job.lines()
    job.labour()


def _job_charger(job: _Job) -> None:
    fields = {"sku": "sku", "kw": "number?", "lines": "lines?"}
    job.option("one_phase", fields)
    job.option("three_phase", fields)
    if not job.out["one_phase"] and not job.out["three_phase"]:
        raise RulesError(f"{job.where}: needs one_phase or three_phase.")
    for key in ("post", "cable", "trench", "load_balancing"):
        job.sku(key)
    job.labour()
    job.labour("free_standing_labour")


def _job_fuse_box(job: _Job) -> None:
    job.option("one_phase", {"sku": "sku", "labour": "labour?"})
    job.entries("three_phase", {"sku": "sku", "groups": "number?", "labour": "labour?"})
    if not job.out["one_phase"] and not job.out["three_phase"]:
        raise RulesError(f"{job.where}: needs one_phase or three_phase.")


def _job_electric_boiler(job: _Job) -> None:
    job.entries("sizes", {"litres": "number", "sku": "sku"}, True)
    job.labour()


JOB_KINDS = {
    "central_heating_boiler": _job_boiler,
    "thermostat": _job_thermostat,
    "radiators": _job_radiators,
    "floor_heating": _job_floor,
    "heat_pump": _job_heat_pump,
    "solar": _job_solar,
    "battery": _job_battery,
    "charger": _job_charger,
    "fuse_box": _job_fuse_box,
    "electric_boiler": _job_electric_boiler,
}


def _parse_jobs(raw, skus: set[str]) -> dict[str, dict]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise RulesError("[jobs]: expected tables [jobs.<kind>].")
    jobs = {}
    for kind, table in raw.items():
        if kind not in JOB_KINDS:
            raise RulesError(f"[jobs.{kind}]: unknown job kind ({', '.join(JOB_KINDS)}).")
        job = _Job(table, f"[jobs.{kind}]", skus)
        JOB_KINDS[kind](job)
        allowed = None
        if kind == "heat_pump":
            allowed = {"hybrid", "all_electric", "airco"}
        jobs[kind] = job.done(allowed)
    return jobs


def _parse_pricing(raw) -> Pricing:
    if raw is None:
        return Pricing()
    if not isinstance(raw, dict):
        raise RulesError("[pricing]: expected a table.")
    unknown = set(raw) - {"minimum_margin", "volume", "customers"}
    if unknown:
        raise RulesError(f"[pricing]: unknown key(s) {', '.join(sorted(unknown))}.")
    pricing = Pricing()
    if raw.get("minimum_margin") is not None:
        pricing.minimum_margin = _percent(raw["minimum_margin"], "[pricing] minimum_margin")
        if pricing.minimum_margin >= 100:
            raise RulesError("[pricing] minimum_margin: must be below 100 percent.")
    for key, allowed in (
        ("volume", {"sku", "category", "from_quantity", "percent"}),
        ("customers", {"email_domain", "company", "percent"}),
    ):
        entries = raw.get(key, [])
        if not isinstance(entries, list):
            raise RulesError(f"[[pricing.{key}]]: expected a list of tables.")
        for number, entry in enumerate(entries, start=1):
            where = f"[[pricing.{key}]] #{number}"
            if not isinstance(entry, dict):
                raise RulesError(f"{where}: expected a table.")
            unknown = set(entry) - allowed
            if unknown:
                raise RulesError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}.")
            if "percent" not in entry:
                raise RulesError(f"{where}: missing percent.")
            percent = _percent(entry["percent"], f"{where} percent")
            if key == "volume":
                sku = entry.get("sku")
                category = entry.get("category")
                if bool(sku) == bool(category):
                    raise RulesError(f"{where}: give either sku or category.")
                pricing.volume.append(
                    Discount(
                        percent=percent,
                        sku=_text(sku, f"{where} sku") if sku else "",
                        category=_text(category, f"{where} category") if category else "",
                        from_quantity=_number(
                            entry.get("from_quantity", 0), f"{where} from_quantity"
                        ),
                    )
                )
            else:
                domain = entry.get("email_domain")
                company = entry.get("company")
                if bool(domain) == bool(company):
                    raise RulesError(f"{where}: give either email_domain or company.")
                pricing.customers.append(
                    Discount(
                        percent=percent,
                        email_domain=_text(domain, f"{where} email_domain").lower().lstrip("@")
                        if domain
                        else "",
                        company=_text(company, f"{where} company") if company else "",
                    )
                )
    return pricing


def _parse_matching(raw) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise RulesError("[matching]: expected a table.")
    out = {}
    for key, value in raw.items():
        if key == "enabled":
            if not isinstance(value, bool):
                raise RulesError("[matching] enabled: expected true or false.")
            out[key] = value
        elif key in ("accept", "margin"):
            number = _number(value, f"[matching] {key}")
            if number > 1:
                raise RulesError(f"[matching] {key}: a score between 0 and 1.")
            out[key] = float(number)
        else:
            raise RulesError(f"[matching]: unknown key {key!r}.")
    return out


def parse_rules(data: dict) -> Rules:
    if not isinstance(data, dict):
        raise RulesError("rules: expected a table at the top level.")
    labour = _table(data, "labour")
    labour_skus = {"standard": _text(labour.get("standard"), "[labour] standard")}
    for kind in LABOUR_KINDS[1:]:
        if labour.get(kind) is not None:
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
        if not isinstance(town, str) or town.lower() not in seen:
            raise RulesError(f"[travel.neighbourhoods] {name}: town {town!r} is in no zone.")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise RulesError("[defaults]: expected a table.")
    limits = defaults.get("max_quantity", {})
    if not isinstance(limits, dict):
        raise RulesError("[defaults] max_quantity: expected a table of unit = limit.")
    for unit, limit in limits.items():
        _number(limit, f"[defaults] max_quantity {unit}")
    bundles = []
    raw_bundles = data.get("bundles", [])
    if not isinstance(raw_bundles, list):
        raise RulesError("[[bundles]]: expected a list of tables.")
    for number, raw in enumerate(raw_bundles, start=1):
        where = f"[[bundles]] #{number}"
        if not isinstance(raw, dict):
            raise RulesError(f"{where}: expected a table.")
        name = _text(raw.get("name"), f"{where} name")
        where = f"[[bundles]] {name!r}"
        lines = _lines(raw.get("lines", []), f"{where} lines")
        labour_hours = _labour(raw.get("labour") or {}, f"{where} labour")
        if not lines and not labour_hours:
            raise RulesError(f"{where}: a bundle needs lines or labour.")
        count = raw.get("count", "one")
        if count not in ("one", "number"):
            raise RulesError(f"{where} count: expected 'one' or 'number', got {count!r}.")
        extras = []
        raw_extras = raw.get("extras", [])
        if not isinstance(raw_extras, list):
            raise RulesError(f"{where} extras: expected a list of {{cues, sku, qty}} tables.")
        for extra in raw_extras:
            if not isinstance(extra, dict):
                raise RulesError(f"{where} extras: expected {{cues, sku, qty}} tables.")
            extras.append(
                (
                    _patterns(extra.get("cues"), f"{where} extras cues"),
                    _text(extra.get("sku"), f"{where} extras sku"),
                    _number(extra.get("qty", 1), f"{where} extras qty"),
                )
            )
        count_near = raw.get("count_near", [])
        if count_near != []:
            _patterns(count_near, f"{where} count_near")
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
                count_near=[str(c) for c in count_near],
                extras=extras,
                onsite=bool(raw.get("onsite", True)),
            )
        )
    not_offered = []
    raw_not_offered = data.get("not_offered", [])
    if not isinstance(raw_not_offered, list):
        raise RulesError("[[not_offered]]: expected a list of tables.")
    for number, raw in enumerate(raw_not_offered, start=1):
        where = f"[[not_offered]] #{number}"
        if not isinstance(raw, dict):
            raise RulesError(f"{where}: expected a table.")
        not_offered.append(
            NotOffered(
                cues=_patterns(raw.get("cues"), f"{where} cues"),
                text={lang: _text(raw.get(lang), f"{where} {lang}") for lang in ("nl", "en")},
            )
        )
    job_skus: set[str] = set()
    jobs = _parse_jobs(data.get("jobs"), job_skus)
    unknown = set(data) - {
        "labour", "travel", "defaults", "bundles", "not_offered", "jobs", "pricing", "matching",
    }  # fmt: skip
    if unknown:
        raise RulesError(f"rules: unknown section(s) {', '.join(sorted(unknown))}.")
    return Rules(
        labour=labour_skus,
        evening_cues=_patterns(
            labour.get("evening_cues", []) or ["zaterdag"], "[labour] evening_cues"
        ),
        distance_sku=_text(travel.get("distance_sku"), "[travel] distance_sku")
        if travel.get("distance_sku") is not None
        else "",
        delivery_sku=_text(travel.get("delivery_sku"), "[travel] delivery_sku")
        if travel.get("delivery_sku") is not None
        else "",
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
        jobs=jobs,
        pricing=_parse_pricing(data.get("pricing")),
        matching=_parse_matching(data.get("matching")),
        job_skus=job_skus,
    )


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def parse_rules_text(text: str) -> Rules:
    """Validate rules given as TOML text (the rules editor's input).

    A syntax error is a `RulesError` that starts with "line N, column M:"; a format error names
    the section at fault.
    """
    if not isinstance(text, str):
        raise RulesError("rules: expected TOML text.")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        if position:
            message = message[: position.start()]
            raise RulesError(
                f"line {position.group(1)}, column {position.group(2)}: not valid TOML ({message})."
            ) from None
        raise RulesError(f"not valid TOML ({message}).") from None
    return parse_rules(data)


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
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RulesError(f"{path}: not UTF-8 text.") from None
    try:
        if path.suffix.lower() == ".json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise RulesError(f"line {exc.lineno}: not valid JSON ({exc.msg}).") from None
            return parse_rules(data)
        return parse_rules_text(text)
    except RulesError as exc:
        raise RulesError(f"{path}: {exc}") from None
