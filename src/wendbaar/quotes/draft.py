"""Draft quote lines from a customer request, a catalogue and the house rules.

`draft_lines(request_text, catalogue, rules, language, customer=None) -> Draft`: every line says
why it is there (the request words and the catalogue row), where it comes from (`source`: "rule"
for the house rules, "match" for the catalogue matcher) and how sure the engine is; what cannot be
priced from the catalogue becomes an open point, never a guessed price.

The engine knows the language of requests (numbers, sizes, places, job words in Dutch and
English); everything about one firm's catalogue (SKUs, names, sizes, hours) comes from the rules
(`wendbaar.quotes.rules`).
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from wendbaar.quotes import matching
from wendbaar.quotes.rules import Bundle, Rules

NUMBER_WORDS = {
    "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9,
    "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15,
    "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19, "twintig": 20,
    "vijfentwintig": 25, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60,
    "anderhalf": 1.5, "anderhalve": 1.5, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "beide": 2, "both": 2,
}  # fmt: skip
NUM = r"(\d+(?:[.,]\d+)?)"
FAULT = re.compile(
    r"storing|error|foutcode|\blekt\b|lekkage|lekkend\w*|\bleak|\bdruppelt|\bdrupt|doorlopen|doorloopt|kapot|werkt niet|niet meer warm|"
    r"no hot water|geen warm water|not working|broken|brommend",
    re.I,
)
REPLACE = re.compile(
    r"vervang|replac|nieuw|new\b|plaatsen|install|monteren|aanleggen|ophangen", re.I
)


@dataclass
class Line:
    sku: str
    quantity: Decimal
    unit: str
    why: str
    confidence: float
    source: str = "rule"
    discount_percent: Decimal | None = None
    discount_why: str = ""
    words: str = ""  # the request words the line came from, exactly as written in the request
    spans: list[tuple[int, int]] = field(default_factory=list, repr=False)


@dataclass
class Draft:
    lines: list[Line] = field(default_factory=list)
    open_points: list[str] = field(default_factory=list)


def normalise_text(text: str) -> str:
    return normalise_mapped(text)[0]


def _tracked_sub(pattern: str, repl, text: str, where: list, flags: int = 0):
    """re.sub that also keeps, per character of the result, the (start, end) it came from."""
    out, out_where, last = [], [], 0
    for m in re.finditer(pattern, text, flags):
        out.append(text[last : m.start()])
        out_where.extend(where[last : m.start()])
        new = repl(m) if callable(repl) else repl
        origin = (where[m.start()][0], where[m.end() - 1][1])
        out.append(new)
        out_where.extend([origin] * len(new))
        last = m.end()
    out.append(text[last:])
    out_where.extend(where[last:])
    return "".join(out), out_where


def normalise_mapped(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text as the engine reads it (number words as digits, m2 as m²) and, per character, the
    span of the original text it came from: request words can then be quoted as written."""
    where = [(i, i + 1) for i in range(len(text))]
    text, where = _tracked_sub("m2", "m²", text, where)
    text, where = _tracked_sub("m3", "m³", text, where)
    text, where = _tracked_sub("\u00a0", " ", text, where)
    text, where = _tracked_sub(
        r"(?<=\d)\s*(?:vierkante meter|square met(?:re|er)s?|sq\.? ?m)\b", " m²", text, where, re.I
    )
    words = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    text, where = _tracked_sub(r"\ba dozen\b", "12", text, where, re.I)
    text, where = _tracked_sub(
        rf"\b({words})\b", lambda m: str(NUMBER_WORDS[m.group(1).lower()]), text, where, re.I
    )
    # "een meter of 15", "een uurtje of 3": Dutch for about that number
    return _tracked_sub(
        r"\been (meter|m²|uur|uurtje|stuk\w*|paneel\w*) of (\d+(?:[.,]\d+)?)",
        lambda m: f"{m.group(2)} {'uur' if m.group(1).startswith('uur') else m.group(1)}",
        text,
        where,
        re.I,
    )


def _dec(value: str) -> Decimal:
    return Decimal(value.replace(",", "."))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])|\n+", text) if s.strip()]


def clauses(text: str) -> list[str]:
    return [c.strip() for c in re.split(r"[.!?;,\n]|\s(?:en|and|maar|but)\s", text) if c.strip()]


def any_cue(patterns, text: str) -> re.Match | None:
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            return match
    return None


def number_before(text: str, start: int, window: int = 30) -> Decimal | None:
    before = text[max(0, start - window) : start]
    found = re.findall(
        NUM
        + r"\s*(?:st\.?|stuks?|x|nieuwe|extra|grote|kleine|losse|dubbele|\w+e)?\s*(?:extra|dubbele|\w+e)?\s*$",
        before,
    )
    if found and re.search(NUM + r"\s*" + UNIT + r"\s*\w*\s*$", before, re.I):
        found = []
    if not found:
        found = re.findall(NUM + r"\s+(?!" + UNIT + r")\w+\s*$", before)
    return _dec(found[-1]) if found else None


# a number followed by one of these is a size or a rate, never a count of items
UNIT = r"(?:kwh?|kw|wp|w|m²|m³|m|cm|mm|meters?|metres?|l|liter|litres?|jaar|years?|uur|hours?|%)\b"


class Catalogue:
    def __init__(self, rows: list[dict]):
        self.rows = {row["sku"]: row for row in rows}
        self._index = None

    def index(self) -> "matching.CatalogueIndex":
        """The matcher's view of this catalogue (vectors cached per catalogue)."""
        if self._index is None:
            self._index = matching.CatalogueIndex(list(self.rows.values()))
        return self._index

    def __contains__(self, sku: str) -> bool:
        return sku in self.rows

    def unit(self, sku: str) -> str:
        return self.rows[sku].get("unit", "stuk")

    def name(self, sku: str) -> str:
        return self.rows[sku].get("name", sku)

    def radiators(self, job: dict):
        """(sku, type, height mm, length mm) of the panel radiators the rules describe."""
        out = []
        pattern, scale = job["panel_name_pattern"], 10 if job["panel_size_unit"] == "cm" else 1
        if pattern is not None:
            for sku, row in self.rows.items():
                match = pattern.search(row.get("name", ""))
                if match:
                    out.append(
                        (
                            sku,
                            match.group("type"),
                            int(match.group("height")) * scale,
                            int(match.group("length")) * scale,
                        )
                    )
        for panel in job["panels"]:
            if panel["sku"] in self.rows and panel["sku"] not in {r[0] for r in out}:
                out.append(
                    (panel["sku"], panel["type"], int(panel["height"]), int(panel["length"]))
                )
        return out


class Builder:
    def __init__(self, catalogue: Catalogue, rules: Rules, language: str, text: str = ""):
        self.catalogue, self.rules, self.language = catalogue, rules, language
        self.text = text
        self.request, self.where = text, [(i, i + 1) for i in range(len(text))]
        self.lines: dict[str, Line] = {}
        self.open_points: list[str] = []
        self.hours: dict[str, Decimal] = {}
        self.hour_spans: dict[str, list[tuple[int, int]]] = {}
        self.onsite = False
        self.labour_needed = False
        self.spans: list[tuple[int, int]] = []  # request text the rules explained
        self.cue: list[tuple[int, int]] = []  # the request words the next lines come from

    def _counted(self, start: int, end: int) -> tuple[int, int]:
        """The span with the count written just before it ("12 zonnepanelen")."""
        before = re.search(
            r"(?<![\w.,])\d+(?:[.,]\d+)?\s*(?:x\s*|st\.?\s*|stuks\s*)?(?:[a-zà-ÿ]+e\s+){0,2}$",
            self.text[max(0, start - 40) : start],
            re.I,
        )
        if before:
            start -= len(before.group(0))
        return start, end

    def explained(self, match: re.Match | None) -> None:
        """The rules explain these request words; the lines that follow come from them."""
        if match is not None and match.end() > match.start():
            span = self._counted(*match.span())
            self.spans.append(span)
            self.cue = [span]

    def seen(self, fragment: str) -> None:
        """Request words a job read (a size, an option) without making them the lines' cue."""
        fragment = (fragment or "").strip()
        found = re.search(re.escape(fragment), self.text, re.I) if fragment else None
        if found:
            self.spans.append(found.span())

    def at(self, fragment: str) -> None:
        """As `explained`, for a cue found in a rewritten copy of the request: its first place as
        a word of its own, else its first place."""
        fragment = (fragment or "").strip()
        if not fragment:
            return
        self.explained(
            re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", self.text, re.I)
            or re.search(re.escape(fragment), self.text, re.I)
        )

    def point(self, nl: str, en: str) -> None:
        text = en if self.language == "en" else nl
        if text not in self.open_points:
            self.open_points.append(text)

    def add(
        self, sku: str | None, quantity, why: str, confidence: float = 0.9, offsite: bool = False
    ) -> None:
        quantity = Decimal(quantity)
        if not sku:
            self.point(f"{why}: geen catalogusartikel", f"{why}: no catalogue item")
            return
        if sku not in self.catalogue or quantity <= 0:
            self.point(f"{why}: geen catalogusartikel {sku}", f"{why}: no catalogue item {sku}")
            return
        line = self.lines.get(sku)
        if line:
            line.quantity += quantity
            line.why += f"; {why}"
            line.confidence = min(line.confidence, confidence)
        else:
            name = self.catalogue.name(sku)
            line = self.lines[sku] = Line(
                sku, quantity, self.catalogue.unit(sku), f"{why} -> {name}", confidence
            )
        line.spans.extend(span for span in self.cue if span not in line.spans)
        if not offsite:
            self.onsite = True

    def add_lines(self, lines, n, why: str, offsite: bool = False) -> None:
        for sku, qty in lines:
            self.add(sku, qty * n, why, offsite=offsite)

    def labours(self, hours: dict, n, why: str) -> None:
        for kind, value in hours.items():
            self.labour(kind, value * n, why)

    def labour(self, kind: str, hours, why: str) -> None:
        hours = Decimal(hours)
        if hours > 0:
            self.hours[kind] = self.hours.get(kind, Decimal(0)) + hours
            self.labour_needed = True
            spans = self.hour_spans.setdefault(kind, [])
            spans.extend(span for span in self.cue if span not in spans)


def _find_place(text: str, rules: Rules):
    """(zone sku, place) or (None, place outside) or (None, None)."""
    for name, town in rules.neighbourhoods.items():
        if re.search(rf"\b{re.escape(name)}\b", text, re.I):
            text = text + f" {town}"
    hits = []
    for sku, places in rules.zones:
        for place in places:
            for match in re.finditer(rf"(?<![\w-]){re.escape(place)}(?![\w-])", text, re.I):
                if re.search(
                    r"\b(?:km|kilometer|minuten|minutes)\s+(?:van|vanaf|from|of)\s+$",
                    text[max(0, match.start() - 25) : match.start()],
                    re.I,
                ):
                    continue  # "ongeveer 45 km van Amersfoort": the reference, not the address
                hits.append((len(place), match.start(), sku, place))
    if hits:
        hits.sort(key=lambda h: (-h[0], h[1]))
        return hits[0][2], hits[0][3]
    match = re.search(
        r"(?:wonen|woon|woonachtig|woonplaats|plaats|adres|live|living|located|based)\s*(?:in|te|:)?\s*:?\s*"
        r"(?:[\w.]+straat \d+,?\s*|[\w.]+laan \d+,?\s*)?([A-Z][a-z]+|[a-z]{4,})",
        text,
    )
    if match and match.group(1).lower() not in {
        "een",
        "het",
        "the",
        "a",
        "ons",
        "our",
        "de",
        "huis",
        "house",
    }:
        return None, match.group(1).capitalize()
    # "Assendorperstraat 120, Zwolle", "Dalweg 41, 3762 DT Soest": the town after the address
    match = re.search(
        r"\b[A-Z][\w.-]*(?:straat|laan|weg|plein|kade|gracht|singel|dijk|hof|park|dreef|pad|steeg|"
        r"veld|erf|allee|markt|ring|baan|dam)\s+\d+\s*[a-zA-Z]?(?:-\d+)?\s*,?\s*(?:\d{4}\s?[A-Z]{2},?\s+)?"
        r"([A-Z][a-z]{2,}(?:[- ][A-Z][a-z]+)?)\b",
        text,
    )
    if match and match.group(1).lower() not in NOT_PLACES:
        return None, match.group(1)
    # "vervangen in Zwolle", "a job in Groningen": a capitalised name after in/te/bij
    for match in re.finditer(r"\b(?:in|te|near)\s+([A-Z][a-z]{2,}(?:[- ][A-Z][a-z]+)?)\b", text):
        if match.group(1).lower() not in NOT_PLACES:
            return None, match.group(1)
    return None, None


NOT_PLACES = {
    "de", "het", "een", "the", "our", "ons", "onze", "mijn", "my", "overleg", "principe",
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december", "january", "february", "march", "may", "june", "july",
    "august", "october", "week", "nederland", "holland", "netherlands", "ikea",
}  # fmt: skip


RADIATOR_MAX_MM = 10_000  # a panel radiator of more than 10 m is a misread size


def _radiators(b: Builder, text: str) -> None:
    job = b.rules.job("radiators")
    if job is None:
        return
    panel_sentences = []
    for sentence in sentences(text):
        if re.search(r"radiator|radiatoren|radiators", sentence, re.I):
            stripped = re.sub(
                r"\w*(handdoek|design|badkamer|towel|elektrische)\w*radiator\w*|radiator(en)?(kra\w+|kno\w+|thermost\w+)|"
                r"(thermostatic |smart )radiator\w*|radiator (valves?|knobs?|thermostats?|heads?)|"
                r"(?:kra\w+|kno\w+|valves?|knobs?) (?:op|voor|aan|on|for) (?:de |alle |all |the |our )?(?:\d+ )?radiator\w*|"
                r"radiator\w* (?:\w+ )?vervangen door|replace the radiator with|"
                r"radiator\w*\s+(?:[\w-]+\s+){0,3}(?:thermostaatkra\w*|thermostatische kra\w*|"
                r"thermostatic (?:radiator )?valves?)",
                "",
                sentence,
                flags=re.I,
            )
            if (
                re.search(r"\bradiator(en|s)?\b", stripped, re.I)
                and not re.search(r"(slimme|smart) radiator", stripped, re.I)
                and not (FAULT.search(stripped) and not REPLACE.search(stripped))
            ):
                panel_sentences.append(stripped)
        elif panel_sentences and re.search(r"\b(cm|meter|breed|hoog|lang)\b", sentence, re.I):
            panel_sentences.append(sentence)
    if panel_sentences:
        joined = " ".join(panel_sentences)
        match = re.search(r"\bradiator(en|s)?\b", joined, re.I)
        count = number_before(joined, match.start()) or Decimal(1)
        rtype = job["default_type"]
        if re.search(r"enkele plaat|enkel paneel|type 11|single panel", joined, re.I):
            rtype = "11"
        elif re.search(r"type 33|drie panelen|triple", joined, re.I):
            rtype = "33"
        height = int(job["default_height"])
        lengths: list[tuple[Decimal, int]] = []
        grid = re.search(r"(\d{2,3})\s*x\s*(\d{2,3})", joined)
        if grid:
            b.seen(grid.group(0))
            h, length = int(grid.group(1)), int(grid.group(2))
            height, lengths = (
                (h * 10 if h < 100 else h),
                [(count, length * 10 if length < 300 else length)],
            )
        else:
            h = re.search(r"(\d{2,3})\s*(?:cm|mm)?\s*(?:hoog|high|tall)", joined, re.I)
            if h:
                value = int(h.group(1))
                height = value * 10 if value < 100 else value
            body = re.sub(r"(\d{2,3})\s*(?:cm|mm)?\s*(?:hoog|high|tall)", " ", joined, flags=re.I)
            for m in re.finditer(
                r"(?:(\d+)\s+(?:zijn|is|van|of|at|stuks?)\s+)?(?:ongeveer\s+|about\s+|ca\.?\s+)?"
                r"(?:(\d+)\s*meter\s*(\d{2})?|(\d+(?:[.,]\d+)?)\s*(?:m|meter|metre)\b|(\d{2,4})\s*(?:cm|mm)\b)",
                body,
                re.I,
            ):
                if m.group(2):
                    mm = int(m.group(2)) * 1000 + (int(m.group(3)) * 10 if m.group(3) else 0)
                elif m.group(4):
                    mm = int(_dec(m.group(4)) * 1000)
                else:
                    value = int(m.group(5))
                    mm = value * 10 if value < 300 else value
                after = re.match(r"\s*([a-zà-ÿ][\w-]*)", body[m.end() :], re.I)
                if (
                    after
                    and not re.match(
                        r"(?:breed|lang|hoog|wide|long|high|tall|radiator\w*|paneel\w*|panels?)$",
                        after.group(1),
                        re.I,
                    )
                    and after.group(1).lower() not in matching.STOP | matching.FILLER
                ):
                    continue  # "88888888 meter leiding": the size of something else
                n = Decimal(m.group(1)) if m.group(1) else None
                if (
                    n is None
                    and not lengths
                    and re.search(
                        r"radiator\w*\s+(?:van\s+|of\s+)?(?:ongeveer\s+|about\s+|ca\.?\s+)?$",
                        body[: m.start()],
                        re.I,
                    )
                ):
                    n = count  # "4 radiatoren van 1 meter 20 en 2 van 60 cm"
                b.seen(m.group(0))
                lengths.append((n, mm))
        if not lengths:
            lengths = [(count, None)]
        elif len(lengths) == 1 or any(n is None for n, _ in lengths):
            lengths = (
                [(count, lengths[0][1])]
                if len(lengths) == 1
                else [(n or 1, mm) for n, mm in lengths]
            )
        b.explained(
            re.search(
                r"\bradiator(?:en|s)?\b(?!\s+(?:valves?|knobs?|thermostats?|heads?))", text, re.I
            )
        )
        panels = b.catalogue.radiators(job)
        options = [r for r in panels if r[1] == rtype] or panels
        for n, mm in lengths:
            pool = [r for r in options if r[2] == height] or options
            if n > MAX_QUANTITY or (mm is not None and mm > RADIATOR_MAX_MM):
                size = f" x {mm} mm" if mm is not None else ""
                b.point(
                    f"{n} radiator(en){size} onwaarschijnlijk; niet geprijsd, controleren",
                    f"{n} radiator(s){size} implausible; not priced, please check",
                )
                continue
            if mm is None:
                b.point("radiatormaat onbekend; opmeten", "radiator size unknown; to be measured")
                continue
            if not pool:
                b.point(
                    "paneelradiator: geen passend catalogusartikel",
                    "panel radiator: no matching catalogue item",
                )
                continue
            sku = min(pool, key=lambda r: abs(r[3] - mm))[0]
            b.add(sku, n, f"radiator type {rtype}, {height} x {mm} mm")
            b.add_lines(job["with_each_panel"], n, "per radiator")
            new_spot = re.search(
                r"geen leidingen|nieuwe (plek|leidingen)|new (spot|pipes|location)|no pipes",
                text,
                re.I,
            )
            hours = job["hours_new_spot"] if new_spot else job["hours_existing"]
            b.labour("standard", hours * n, "radiator")
        if re.search(r"\b(zwart|black|antraciet|anthracite|grijs|grey|gray)\b", joined, re.I):
            b.point(
                "gevraagde kleur niet in catalogus (standaard wit)",
                "requested colour not in catalogue (white used)",
            )
    towel = re.search(
        r"handdoekradiator|badkamerradiator|towel (radiator|rail)|towel warmer", text, re.I
    )
    if towel:
        around = next((s for s in sentences(text) if towel.group(0) in s), text)
        around = next((c for c in around.split("\n") if towel.group(0) in c), around)
        b.explained(towel)
        if re.search(r"elektri\w* (handdoek|badkamer)|stekker|plug|electric towel", around, re.I):
            b.add(job["towel_electric"], 1, f"'{towel.group(0)}' elektrisch")
        else:
            n = number_before(text, towel.start()) or Decimal(1)
            b.add(job["towel"], n, f"'{towel.group(0)}' op cv")
            b.labour("standard", job["hours_existing"] * n, "badkamerradiator")
            if re.search(r"\b(zwart|black|antraciet|anthracite)\b", around, re.I):
                b.point(
                    "kleur zwart voor de handdoekradiator niet in catalogus (standaard wit)",
                    "black towel radiator not in catalogue (white used)",
                )
    design = re.search(r"designradiator|design radiator", text, re.I)
    if design:
        b.explained(design)
        n = number_before(text, design.start()) or Decimal(1)
        b.add(job["design"], n, "designradiator")
        b.labour("standard", job["hours_existing"] * n, "designradiator")
    valve = re.search(
        r"thermost\w*\s*(radiator)?kra\w*|radiatorkra\w*|thermostatic (radiator )?valves?",
        text,
        re.I,
    )
    fitted_with_panels = panel_sentences and any(
        sku == job["valve"] for sku, _ in job["with_each_panel"]
    )
    if valve and fitted_with_panels:
        b.explained(valve)  # every new radiator already gets its valve
    elif valve:
        n = number_before(text, valve.start())
        if n is None:  # "5 radiatoren moeten nieuwe thermostaatkranen krijgen"
            on = re.search(
                r"(\d+)\s+radiator\w*\s+(?:[\w-]+\s+){0,3}$",
                text[max(0, valve.start() - 50) : valve.start()],
            )
            n = Decimal(on.group(1)) if on else None
        if n is None:  # "thermostaatkraan op 5 radiatoren"
            on = re.match(
                r"\s*(?:op|voor|aan|on|for)\s+(?:de\s+|the\s+)?(\d+)\s+radiator",
                text[valve.end() :],
                re.I,
            )
            n = Decimal(on.group(1)) if on else Decimal(1)
        b.explained(valve)
        b.add(job["valve"], n, f"'{valve.group(0)}'")
        if not panel_sentences:
            b.labour("standard", job["hours_valve"] * n, "radiatorkraan")
    knob = re.search(
        r"slimme radiatorkno\w*|smart (radiator )?(knob|valve|thermostat head)s?|radiatorknop\w*",
        text,
        re.I,
    )
    if knob:
        n = number_before(text, knob.start()) or Decimal(1)
        b.explained(knob)
        b.add(job["smart_knob"], n, f"'{knob.group(0)}'")
        if re.search(r"monteren|plaatsen|installeren|fit|install", text, re.I) and not re.search(
            r"zelf|myself", text, re.I
        ):
            b.labour("standard", job["hours_smart_knob"] * n, "slimme knoppen monteren")


def _pick(variants: list[dict], text: str) -> str | None:
    """The first variant whose cues match, else the first without cues."""
    for variant in variants:
        if variant["cues"] and any_cue(variant["cues"], text):
            return variant["sku"]
    return next((v["sku"] for v in variants if not v["cues"]), None)


HOME_CUES = {
    "large": r"2 badkamers|2 bathrooms|twee badkamers",
    "small": r"appartement|apartment|flat\b|alleen (een )?douche|one shower|only a shower",
    "medium": r"\bbad\b|bath\b|2 douches|eengezinswoning|gezinswoning|family home|tussenwoning|"
    r"rijtjeshuis|hoekwoning|twee-onder-een-kap|2-onder-1-kap|terraced house",
}


def _ketel(b: Builder, text: str) -> None:
    job = b.rules.job("central_heating_boiler")
    if job is None:
        return
    for sentence in sentences(text):
        ketel = re.search(
            r"combiketel|cv-?ketel|\bketel(?:\b|vervang)|combi ?boiler|soloketel|gas boiler|\bboiler\b",
            sentence,
            re.I,
        )
        if not ketel or not re.search(r"vervang|replac|nieuwe|new |similar", sentence, re.I):
            continue
        if re.search(
            r"(bestaande|huidige|existing|current)\s+(?:cv-?)?(ketel|boiler)", sentence, re.I
        ) and not re.search(r"vervang|replac", sentence, re.I):
            continue  # "een thermostaat die met de bestaande ketel werkt"
        if re.search(
            r"boiler (van )?\d+ ?l|\d+ ?liter|verwijder|remov|close-?in|"
            r"keukenboiler|elektrische boiler|electric (water )?(heater|boiler)",
            sentence,
            re.I,
        ):
            continue
        # A heat pump in the same sentence: no new boiler when the heat pump takes its place
        # ("de ketel vervangen door een warmtepomp"), one when it comes beside it ("a new combi
        # boiler, and a heat pump in the garage").
        if re.search(r"warmtepomp|heat ?pump", sentence, re.I) and not re.search(
            r"(nieuwe|new)\s+(?:hr[- ]?)?(?:combi ?|cv-?)?(ketel|boiler)|combiketel|combi ?boiler",
            sentence,
            re.I,
        ):
            continue
        low = text.lower()
        classes = job["classes"]
        by_home = {c["home"]: c for c in classes if c["home"]}

        def with_kw(entry, low=low) -> bool:
            return bool(entry and entry["kw"] is not None) and bool(
                re.search(rf"\b{entry['kw'].normalize():f} ?kw", low)
            )

        cw = re.search(r"cw ?(\d)", low)
        sku, missing = None, None
        if re.search(r"\bsolo|aparte boiler|separate (hot water )?(tank|cylinder)", low):
            sku = job["solo"]
            missing = "soloketel" if not sku else None
        elif cw:
            entry = next((c for c in classes if c["class"].lower() == f"cw{cw.group(1)}"), None)
            sku, missing = (entry["sku"], None) if entry else (None, f"CW{cw.group(1)}")
        elif re.search(HOME_CUES["large"], low):
            entry = by_home.get("large")
            sku, missing = (entry["sku"], None) if entry else (None, "large")
        else:
            for home in ("small", "medium"):
                entry = by_home.get(home)
                if re.search(HOME_CUES[home], low) or with_kw(entry):
                    sku, missing = (entry["sku"], None) if entry else (None, home)
                    break
            else:
                entry = next((c for c in classes if with_kw(c)), None)
                sku = entry["sku"] if entry else None
        b.at(ketel.group(0))
        if missing:
            b.point(
                f"cv-ketel: gevraagde uitvoering ({missing}) niet in catalogus",
                f"boiler: requested type ({missing}) not in catalogue",
            )
        elif not sku:
            b.point(
                "cv-ketel: warmwaterklasse/woningtype onbekend", "boiler: hot-water class unknown"
            )
        else:
            b.add(sku, 1, f"'{ketel.group(0)}' vervangen")
        b.add_lines(job["lines"], 1, "ketelvervanging")
        b.labours(job["labour"], 1, "cv-ketel vervangen")
        return


def _thermostat(b: Builder, text: str) -> None:
    job = b.rules.job("thermostat")
    if job is None:
        return
    cleaned = re.sub(
        r"douchethermostaat|thermostaatkra\w*|thermostatische \w+|radiatorthermostaat|shower thermostat|"
        r"thermostatic \w+|thermostaatkraan|ruimtethermostaat vloer\w*",
        "",
        text,
        flags=re.I,
    )
    match = re.search(r"(kamer)?thermostaat|thermostat\b", cleaned, re.I)
    if not match:
        return
    around = cleaned[max(0, match.start() - 60) : match.end() + 60]
    slim = re.search(
        r"slim|smart|\bapp\b|opentherm|modulerend|\b(nest|tado|toon|netatmo|honeywell|evohome)\b",
        around,
        re.I,
    )
    b.at(match.group(0))
    b.add((job["smart"] or job["basic"]) if slim else job["basic"], 1, f"'{match.group(0)}'")
    b.labours(job["labour"], 1, "thermostaat")


def _floor(b: Builder, text: str) -> None:
    job = b.rules.job("floor_heating")
    if job is None:
        return
    low = text.lower()
    area = re.search(
        NUM + r"\s*(?:-|tot|to)?\s*(\d+)?\s*(?:m²|vierkante meter|square met)", text, re.I
    )
    electric = re.search(
        r"elektrische vloerverwarming|vloerverwarmingsmat|verwarmingsmat|electric (underfloor|floor) heating|heating mat",
        low,
    )
    water = re.search(r"vloerverwarming|underfloor heating|floor heating", low)
    if not (electric or water) or not area:
        return
    b.explained(area)
    b.cue = [(electric or water).span(), *b.cue]
    size = _dec(area.group(2) or area.group(1))
    if area.group(2):
        b.point("oppervlakte is een bereik; opmeten", "area given as a range; to be measured")
    if electric:
        b.add(job["electric_mat"], size, f"'{electric.group(0)}' {size} m²")
        if job["electric_thermostat"]:
            b.add(job["electric_thermostat"], 1, "thermostaat per ruimte")
        b.labours(job["electric_labour"], 1, "elektrische vloerverwarming")
        return
    screed = re.search(r"noppen|nopjes|dekvloer|new screed", low)
    sku = (job["screed"] or job["milled"]) if screed else job["milled"]
    b.add(sku, size, f"'{water.group(0)}' {size} m²")
    if job["manifolds"]:
        for step in job["manifolds"]:
            if size <= step["max_m2"]:
                b.add(step["sku"], 1, f"verdeler bij {size} m²")
                break
        else:
            b.point(
                "verdeler: oppervlakte te groot voor standaardverdeler",
                "manifold: area too large for a standard manifold",
            )
    b.labours(job["labour"], 1, "vloerverwarming")


def _heat_pumps(b: Builder, text: str) -> None:
    job = b.rules.job("heat_pump")
    if job is None:
        return
    low = text.lower()
    if re.search(r"zwembad|swimming pool|warmtepompboiler", low):
        return
    airco = re.search(r"\bairco|air ?con\w*|split ?unit", low)
    if airco and not re.search(r"onderhoud|service|maintenance", low):
        if not job["airco"]:
            b.point("airco niet in catalogus", "air conditioning not in catalogue")
            return
        units = re.search(
            r"(\d+)\s*(?:binnendel\w*|units?|airco'?s|indoor units?|slaapkamers|kamers|rooms|bedrooms)",
            low,
        )
        n = Decimal(units.group(1)) if units else Decimal(1)
        b.explained(units or re.search(r"\bairco|air ?con\w*|split ?unit", text, re.I))
        b.add_lines(job["airco"]["lines"], n, "airco single-split")
        b.labours(job["airco"]["labour"], n, "airco")
        return
    low = " ".join(
        x for x in sentences(low) if not re.search(r"\blater\b|toekomst|future|eventually|ooit", x)
    )
    if not re.search(r"warmtepomp|heat ?pump", low) or re.search(
        r"onderhoud|service|maintenance", low
    ):
        return
    b.explained(
        re.search(r"(?:hybride |hybrid |all[- ]?electric )?(?:warmtepomp|heat ?pump)", text, re.I)
    )
    if re.search(r"hybride|hybrid", low):
        if not job["hybrid"]:
            b.point("hybride warmtepomp niet in catalogus", "hybrid heat pump not in catalogue")
            return
        b.add_lines(job["hybrid"]["lines"], 1, "hybride warmtepomp")
        b.labours(job["hybrid"]["labour"], 1, "hybride warmtepomp")
        return
    if re.search(
        r"all[- ]?electric|lucht[-/ ]?water|air[-/ ]?to[-/ ]?water|air[-/]water|volledig elektrisch|off gas|van het gas",
        low,
    ):
        full = job["all_electric"]
        if not full:
            b.point(
                "all-electric warmtepomp niet in catalogus",
                "all-electric heat pump not in catalogue",
            )
            return
        unit = next(
            (
                u
                for u in full["units"]
                if re.search(rf"\b{u['kw'].normalize():f}\s*kw", low.replace(",", "."))
            ),
            None,
        )
        if not unit:
            b.point(
                "vermogen warmtepomp onbekend; warmteverliesberekening nodig",
                "heat pump capacity unknown; heat-loss calculation needed",
            )
            return
        kw = f"{unit['kw'].normalize():f}"
        b.add(unit["sku"], 1, f"all-electric warmtepomp {kw} kW")
        people = re.search(
            r"(\d+)\s*(?:personen|people|persons)|family of (\d+)|gezin (?:van|met) (\d+)", low
        )
        n_people = int(next(g for g in people.groups() if g)) if people else 0
        litres = f"{full['tank_large_litres'].normalize():f}"
        large = (
            litres in low and re.search(rf"{litres}\s*(l|liter|litre)", low)
        ) or n_people >= full["tank_large_from_people"]
        tank = (full["tank_large"] or full["tank"]) if large else full["tank"]
        if tank:
            b.add(tank, 1, "boilervat")
        b.add_lines(full["lines"], 1, "all-electric warmtepomp")
        if full["removal"] and re.search(r"verwijder|remov|eruit|weg\b|demont|afvoeren", low):
            b.explained(
                re.search(r"verwijder\w*|remov\w*|eruit|weg\b|demont\w*|afvoeren", text, re.I)
            )
            b.add(full["removal"], 1, "oude cv-ketel verwijderen")
        b.labours(full["labour"], 1, "all-electric warmtepomp")
        return
    b.point(
        "type warmtepomp (hybride of all-electric) niet opgegeven",
        "heat pump type (hybrid or all-electric) not stated",
    )
    b.point(
        "vermogen onbekend; warmteverliesberekening/opname nodig",
        "capacity unknown; heat-loss calculation needed",
    )


def _solar(b: Builder, text: str) -> bool:
    job = b.rules.job("solar")
    if job is None:
        return False
    low = text.lower()
    match = re.search(r"zonnepane\w*|solar panels?|\bpv[- ]panel\w*|panelen", low)
    if not match or re.search(
        r"reinig|schoonma|clean|hebben (al )?(sinds|zonnepanelen)|since \d{4}|sinds \d{4}|already have",
        low,
    ):
        return False
    b.explained(match)
    n = number_before(low, match.start(), 40)
    if n is None:
        m = re.search(r"(\d+)\s*(?:stuks|panelen|panels)|passen er .{0,20}?(\d+)|(\d+) op\b", low)
        n = Decimal(next(g for g in m.groups() if g)) if m else None
    if n is None:
        b.point("aantal zonnepanelen onbekend", "number of solar panels unknown")
        return True
    if re.search(r"bedrijf|kantoor|loods|business|office building|warehouse", low):
        b.point(
            "zonnepanelen op bedrijfspand (0%-tarief n.v.t.; niet in catalogus)",
            "solar on a business building (not in catalogue)",
        )
    offsite = job["includes_travel"]
    why = f"{n} zonnepanelen"
    b.add(_pick(job["panels"], low), n, why, offsite=offsite)
    if job["mounts"]:
        b.add(_pick(job["mounts"], low), n, why, offsite=offsite)
    if job["install"]:
        b.add(job["install"], n, why, offsite=offsite)
    if job["inverters"]:
        for step in job["inverters"]:
            if n <= step["max_panels"]:
                b.add(step["sku"], 1, f"omvormer bij {n} panelen", offsite=offsite)
                break
        else:
            b.point(
                "omvormer: meer panelen dan standaard; maatwerk",
                "inverter: more panels than standard; custom",
            )
    b.add_lines(job["lines"], 1, "aansluiting omvormer", offsite=offsite)
    return True


def _battery(b: Builder, text: str) -> None:
    job = b.rules.job("battery")
    if job is None:
        return
    low = text.lower()
    match = re.search(r"thuisbatterij|home battery|batterij|thuisaccu|battery", low)
    if not match or re.search(r"uitbreid|extension|extra module", low):
        return
    kwh = re.search(NUM + r"\s*kwh", low)
    size = _dec(kwh.group(1)) if kwh else None
    if size is None:
        b.point("capaciteit thuisbatterij onbekend", "battery capacity unknown")
        return
    b.explained(kwh)
    b.cue = [match.span(), *b.cue]
    choice = min(job["sizes"], key=lambda s: (abs(s["kwh"] - size), -s["kwh"]))
    b.add(choice["sku"], 1, f"thuisbatterij {size} kWh")
    b.add_lines(choice["lines"], 1, "thuisbatterij")
    b.add_lines(job["lines"], 1, "thuisbatterij")
    b.labours(job["labour"], 1, "thuisbatterij")


def _kw_cue(option: dict | None) -> str | None:
    if not option or option["kw"] is None:
        return None
    return r"\b" + re.escape(f"{option['kw'].normalize():f}").replace(r"\.", "[.,]") + r"\s*kw"


def _charger(b: Builder, text: str) -> None:
    job = b.rules.job("charger")
    if job is None:
        return
    low = text.lower()
    match = re.search(
        r"laadpa\w+|laadpunt|laadstation|wallbox|(ev |home ev |car )?charger|charging (point|station)",
        low,
    )
    if not match:
        return
    b.explained(match)
    n = number_before(low, match.start()) or Decimal(1)
    one_kw, three_kw = _kw_cue(job["one_phase"]), _kw_cue(job["three_phase"])
    three = re.search(
        "|".join(
            filter(None, [three_kw, r"krachtstroom|3[- ]?fase|drie fase|three[- ]phase|3[- ]phase"])
        ),
        low,
    )
    one = re.search(
        "|".join(filter(None, [one_kw, r"1[- ]?fase|single[- ]phase|één fase|enkele fase"])), low
    )
    if not three and not one:
        b.point(
            "aansluiting (1- of 3-fase) onbekend voor laadpaal",
            "connection (1- or 3-phase) unknown for the charger",
        )
        return
    big = bool(three) and not (one_kw and re.search(one_kw, low))
    option = (
        (job["three_phase"] or job["one_phase"])
        if big
        else (job["one_phase"] or job["three_phase"])
    )
    b.add(option["sku"], n, "laadpaal")
    b.add_lines(option["lines"], n, "groep voor laadpaal")
    free = re.search(
        r"vrijstaand|staander|free-?standing|op de oprit|in de tuin|on the driveway", low
    )
    b.labours(
        job["free_standing_labour"] if free and job["free_standing_labour"] else job["labour"],
        n,
        "laadpaal",
    )
    if free and job["post"]:
        b.add(job["post"], n, "vrijstaande laadpaal")
    metres = [
        (m.start(), _dec(m.group(1)))
        for m in re.finditer(NUM + r"\s*(?:m|meter|metres|meters)\b(?!²)", low)
    ]
    if not job["cable"]:
        pass
    elif metres:
        b.add(job["cable"], metres[0][1] * n, f"kabel {metres[0][1]} m")
        b.spans.append(_phrase_at(low, metres[0][0]))
        for start, value in metres[1:]:
            if re.search(
                r"bestrating|graaf|sleuf|trench|onder de|under the|tuin|garden",
                low[start : start + 60],
            ):
                b.add(job["trench"], value, f"sleuf {value} m")
                b.spans.append(_phrase_at(low, start))
                break
        else:
            if free:
                b.point("lengte sleuf onbekend", "trench length unknown")
    else:
        b.point(
            "kabellengte laadpaal onbekend; opmeten", "charger cable length unknown; to be measured"
        )
    if re.search(r"load ?balanc", low):
        b.add(job["load_balancing"], 1, "load balancing")


def _phrase_at(text: str, start: int) -> tuple[int, int]:
    """The span of the measure at `start` with the words after it up to the clause's end."""
    end = re.compile(r"[.,;:!?\n]|\s(?:en|and)\s").search(text, start)
    return start, end.start() if end else len(text)


def _groepenkast(b: Builder, text: str) -> None:
    job = b.rules.job("fuse_box")
    if job is None:
        return
    low = text.lower()
    match = re.search(r"groepenkast|zekeringkast|fuse ?box|consumer unit|meterkast", low)
    if not match or not re.search(r"vervang|replac|nieuwe|moderne|new ", low):
        return
    if "meterkast" in match.group(0) and not re.search(r"draadzekering|oude kast|groepen", low):
        return
    b.explained(match)
    three = re.search(r"3[- ]?fase|krachtstroom|three[- ]phase|3[- ]phase", low)
    if three and job["three_phase"]:
        groups = re.search(r"(\d+) (?:groepen|groups)", low)
        wanted = Decimal(groups.group(1)) if groups else None
        option = next(
            (o for o in job["three_phase"] if wanted is not None and o["groups"] == wanted),
            job["three_phase"][0],
        )
        why = "groepenkast 3-fase"
    elif job["one_phase"] and not three:
        option, why = job["one_phase"], "groepenkast 1-fase"
    else:
        b.point("gevraagde groepenkast niet in catalogus", "requested fuse box not in catalogue")
        return
    b.add(option["sku"], 1, why)
    b.labours(option["labour"], 1, why)


def _boiler(b: Builder, text: str) -> None:
    job = b.rules.job("electric_boiler")
    if job is None:
        return
    sizes = {f"{s['litres'].normalize():f}": s["sku"] for s in job["sizes"]}
    litres = "|".join(re.escape(size) for size in sizes)
    match = re.search(
        rf"(elektrische )?boiler\w*\s*(?:van\s*)?({litres})\s*(?:l|liter|litre)|({litres})\s*(?:l|liter|litre)\w*\s*(?:elektrische )?boiler",
        text,
        re.I,
    )
    if match:
        b.explained(match)
        size = match.group(2) or match.group(3)
        # "de boiler van 80 liter ... vervangen door een 120 liter": the new size counts
        wanted = re.search(
            r"(?:vervang\w* door|door een|in plaats daarvan|replace\w* (?:it |him )?with|nieuwe?|new)\s+"
            rf"(?:\w+\s+){{0,3}}?({litres})\s*(?:l|liter|litre)\b",
            text[match.start() :],
            re.I,
        )
        if wanted:
            size = wanted.group(1)
        b.add(sizes[size], 1, f"boiler {size} liter")
        b.labours(job["labour"], 1, "elektrische boiler")


def _bundle(b: Builder, bundle: Bundle, text: str) -> bool:
    if bundle.skip_if and any_cue(bundle.skip_if, text):
        return False
    match = any_cue(bundle.cues, text)
    if not match:
        return False
    b.explained(match)
    n = Decimal(1)
    if bundle.count == "number":
        n = number_before(text, match.start()) or Decimal(1)
        for near in bundle.count_near:
            m = re.search(rf"(\d+)\s*{near}", text, re.I)
            if m:
                n = Decimal(m.group(1))
    offsite = not bundle.onsite
    for sku, qty in bundle.lines:
        b.add(sku, qty * n, f"'{match.group(0)}' ({bundle.name})", offsite=offsite)
    for cues, sku, qty in bundle.extras:
        extra = any_cue(cues, text)
        if extra:
            b.explained(extra)
            b.add(sku, qty, f"'{extra.group(0)}' ({bundle.name})", offsite=offsite)
    for kind, hours in bundle.labour.items():
        b.labour(kind, hours * n, bundle.name)
    return True


JOBS = (_ketel, _thermostat, _radiators, _floor, _heat_pumps, _solar, _battery, _charger,
        _groepenkast, _boiler)  # fmt: skip


def draft_lines(
    request_text: str,
    catalogue,
    rules: Rules,
    language: str = "nl",
    *,
    customer: dict | None = None,
) -> Draft:
    """Lines and open points for one request.

    `catalogue` is a list of row dicts (sku, name, unit, and for pricing price/price_excl_vat,
    cost_price, category) or a `Catalogue`. `customer` is optional: {"email": ..., "company": ...}
    selects the customer discounts of `[pricing]`.
    """
    cat = catalogue if isinstance(catalogue, Catalogue) else Catalogue(list(catalogue))
    language = "en" if (language or "").lower().startswith("en") else "nl"
    text, where = normalise_mapped(request_text or "")
    b = Builder(cat, rules, language, text)
    b.request, b.where = request_text or "", where
    for job in JOBS:
        b.cue = []
        job(b, text)
    for bundle in rules.bundles:
        b.cue = []
        _bundle(b, bundle, text)
    b.cue = []
    if b.hours:
        b.onsite = True
    # a fault whose cause is unknown: diagnosis hour, parts as an open point
    for clause in clauses(text):
        if (
            FAULT.search(clause)
            and not REPLACE.search(clause)
            and not re.search(r"verstopt|ontstop|blocked|clogged|kapot.*vervang", clause, re.I)
        ):
            touched = [
                line
                for line in b.lines.values()
                if any(w in clause.lower() for w in _words(line.why))
            ]
            if not touched:
                b.at(clause)
                b.labour("standard", 1, "diagnose storing")
                b.onsite = True
                b.point(
                    "oorzaak storing en benodigde onderdelen onbekend (diagnose ter plaatse)",
                    "cause of the fault and any parts needed are unknown until diagnosed on site",
                )
                break
    if rules.matching.get("enabled", True):
        _match_the_rest(b, text)
    for item in rules.not_offered:
        for sentence in sentences(text):
            if any_cue(item.cues, sentence) and not re.search(
                r"\bzelf\b|\beigen\b|door (de|onze|een) |doet de|ourselves|our own|\bal\b|geïsoleerd|goed ge",
                sentence,
                re.I,
            ):
                b.point(item.text["nl"], item.text["en"])
                break
    # "het tegelwerk doen we zelf" is about work we do not do, not about fitting our material
    own_work = [
        s for s in sentences(text) if not any(any_cue(i.cues, s) for i in rules.not_offered)
    ]
    material_only = any(
        any_cue(rules.self_install_cues, s) or any_cue(rules.pickup_cues, s) for s in own_work
    )
    if material_only:
        b.hours.clear()
        b.onsite = False
        if any_cue(rules.delivery_cues, text) and b.lines and rules.delivery_sku:
            b.explained(any_cue(rules.delivery_cues, text))
            b.add(rules.delivery_sku, 1, "bezorging materiaal", offsite=True)
    evening = any_cue(rules.evening_cues, text)
    for kind, hours in b.hours.items():
        sku = rules.labour.get(kind)
        if kind == "electrical" and not sku:
            sku = rules.labour["standard"]
        if not sku:
            continue  # e.g. no apprentice rate: the firm does not charge those hours
        if sku == rules.labour["standard"] and evening and rules.labour.get("evening"):
            sku = rules.labour["evening"]
        b.cue = b.hour_spans.get(kind, [])
        b.add(sku, hours, f"arbeid ({kind})", 0.8, offsite=True)
    if b.onsite and b.lines:
        zone, place = _find_place(text, rules)
        b.cue = _place_spans(text, rules, place)
        if zone:
            b.add(zone, 1, f"plaats {place}", offsite=True)
        else:
            distance = re.search(r"(\d+)\s*km", text, re.I)
            if place and distance and rules.distance_sku:
                b.add(
                    rules.distance_sku,
                    _dec(distance.group(1)),
                    f"{place}, {distance.group(1)} km enkele reis",
                    offsite=True,
                )
            elif place:
                b.point(
                    f"{place} ligt buiten de vaste zones; reiskosten (afstand) nog te bepalen",
                    f"{place} is outside the travel zones; travel cost (distance) to be agreed",
                )
            else:
                b.point("adres/plaats onbekend", "address/place unknown")
    elif (
        not b.lines
        and not material_only
        and not _find_place(text, rules)[0]
        and not _find_place(text, rules)[1]
    ):
        b.point("adres/plaats onbekend", "address/place unknown")
    limits = rules.defaults.get("max_quantity", {})
    lines = []
    # an absurd count ("50000 zonnepanelen") prices nothing that came from its words; labour and
    # travel gather the words of every job, so their size says nothing about another job's words
    shared = {sku for sku in rules.labour.values() if sku}
    shared |= {rules.distance_sku, *(sku for sku, _ in rules.zones)}
    absurd = {
        span
        for line in b.lines.values()
        if line.quantity > MAX_QUANTITY and line.sku not in shared
        for span in line.spans
    }
    for line in b.lines.values():
        line.words = _line_words(b, line, request_text or "", where)
        if line.sku in shared and line.quantity > MAX_QUANTITY:
            b.point(
                f"hoeveelheid {line.quantity} {line.unit} voor {line.sku} onwaarschijnlijk; controleren",
                f"quantity {line.quantity} {line.unit} for {line.sku} implausible; please check",
            )
            continue
        if line.quantity > MAX_QUANTITY or (line.spans and set(line.spans) <= absurd):
            said = line.words or line.sku
            b.point(
                f"'{said}': hoeveelheid onwaarschijnlijk; niet geprijsd, controleren",
                f"'{said}': implausible quantity; not priced, please check",
            )
            continue
        limit = limits.get(line.unit)
        if limit is not None and line.quantity > Decimal(str(limit)):
            b.point(
                f"hoeveelheid {line.quantity} {line.unit} voor {line.sku} onwaarschijnlijk; controleren",
                f"quantity {line.quantity} {line.unit} for {line.sku} implausible; please check",
            )
            continue
        lines.append(line)
    travel = {rules.distance_sku, *(sku for sku, _ in rules.zones)}
    if lines and all(line.sku in travel for line in lines):
        lines = []  # travel alone is no quote (the job itself was not priced)
    _unasked(b, text, request_text or "", where, lines)
    if not lines and not b.open_points:
        b.point(
            "niets in de aanvraag staat in de catalogus",
            "nothing in the request is in the catalogue",
        )
    _apply_pricing(b, lines, customer or {})
    return Draft(lines=lines, open_points=b.open_points)


LEGAL_FORMS = re.compile(
    r"\b(b\.?v\.?|n\.?v\.?|v\.?o\.?f\.?|c\.?v\.?|bv|vof|ltd|inc)(?=\s|$)", re.I
)


def _company_key(name: str) -> str:
    return " ".join(LEGAL_FORMS.sub(" ", name or "").casefold().replace(".", " ").split())


def _money(row: dict, *keys: str) -> Decimal | None:
    for key in keys:
        value = row.get(key)
        if value not in (None, ""):
            try:
                number = Decimal(str(value).replace(",", "."))
            except ArithmeticError:
                return None
            return number if number.is_finite() else None
    return None


def _customer_discounts(rules: Rules, customer: dict, say) -> list[tuple[Decimal, str]]:
    email = str(customer.get("email") or "").strip().lower()
    domain = email.rsplit("@", 1)[-1] if "@" in email else ""
    company = _company_key(str(customer.get("company") or ""))
    out = []
    for rule in rules.pricing.customers:
        if (
            rule.email_domain
            and domain
            and (domain == rule.email_domain or domain.endswith("." + rule.email_domain))
        ):
            who = f"@{rule.email_domain}"
        elif rule.company and company and _company_key(rule.company) == company:
            who = rule.company
        else:
            continue
        out.append(
            (
                rule.percent,
                say(
                    f"klantkorting {rule.percent}% ({who})",
                    f"customer discount {rule.percent}% ({who})",
                ),
            )
        )
    return out


def _apply_pricing(b: Builder, lines: list[Line], customer: dict) -> None:
    """Discounts per line (the largest that applies) and the minimum-margin check.

    Volume discounts apply to their SKU or category from a quantity on; customer discounts to every
    line but travel. A discount is capped so the line keeps the minimum margin; a list price that
    is already below the minimum margin is flagged as an open point. Lines without a cost price
    cannot be checked against the margin. Open points and `discount_why` never name a margin or
    the cap's figures: they reach every quote worker, and margins are for catalogue editors only.
    """
    pricing = b.rules.pricing
    if not (pricing.volume or pricing.customers or pricing.minimum_margin is not None):
        return
    travel = {b.rules.distance_sku, b.rules.delivery_sku, *(sku for sku, _ in b.rules.zones)}

    def say(nl: str, en: str) -> str:
        return en if b.language == "en" else nl

    for_customer = _customer_discounts(b.rules, customer, say)
    hundred = Decimal(100)
    for line in lines:
        row = b.catalogue.rows.get(line.sku, {})
        category = str(row.get("category") or "").casefold()
        offers = [] if line.sku in travel else list(for_customer)
        for rule in pricing.volume:
            applies = rule.sku == line.sku or (
                rule.category and rule.category.casefold() == category
            )
            if applies and line.quantity >= rule.from_quantity:
                offers.append(
                    (
                        rule.percent,
                        say(
                            f"volumekorting {rule.percent}% vanaf "
                            f"{rule.from_quantity.normalize():f} {line.unit}",
                            f"volume discount {rule.percent}% from "
                            f"{rule.from_quantity.normalize():f} {line.unit}",
                        ),
                    )
                )
        percent, why = max(offers, key=lambda o: o[0]) if offers else (Decimal(0), "")
        price = _money(row, "price", "price_excl_vat")
        cost = _money(row, "cost_price", "cost")
        minimum = pricing.minimum_margin
        if minimum is not None and price and price > 0 and cost is not None:
            margin = (price - cost) / price * hundred
            if margin < minimum:
                # no figures: cost prices and margins are for catalogue editors only, and open
                # points are shown to every quote worker
                b.point(
                    f"{line.sku}: catalogusprijs ligt onder de minimummarge; overleg met financiën",
                    f"{line.sku}: list price is below the minimum margin; check with finance",
                )
                percent = Decimal(0)
                why = (
                    say(
                        "geen korting: catalogusprijs onder de minimummarge",
                        "no discount: list price below the minimum margin",
                    )
                    if offers
                    else ""
                )
            elif percent:
                # price x (1 - d) must keep (price' - cost) / price' >= minimum
                ceiling = (hundred - cost / (price * (1 - minimum / hundred)) * hundred).quantize(
                    Decimal("0.01"), rounding="ROUND_FLOOR"
                )
                if percent > ceiling:
                    percent = max(ceiling, Decimal(0))
                    why += say(
                        "; korting begrensd door de minimummarge",
                        "; discount limited by the minimum margin",
                    )
        if percent > 0:
            line.discount_percent = percent.quantize(Decimal("0.01"))
            line.discount_why = why
        elif why:
            line.discount_why = why


def _covered(b: Builder, mention: "matching.Mention", text: str) -> bool:
    """Whether the house rules already explain a mention (its words, a drafted line, a cue)."""
    if any(start < mention.end and mention.start < end for start, end in b.spans):
        return True
    drafted = set()
    for line in b.lines.values():
        drafted |= {matching.stem(w) for w in matching.words(line.why) if len(w) > 2}
    phrase = [matching.stem(w) for w in matching.words(mention.phrase)]
    if any(matching.word_score(w, d) > 0 for w in phrase for d in drafted):
        return True
    sentence = next((s for s in sentences(text) if mention.text in s), mention.text)
    if any(any_cue(item.cues, sentence) for item in b.rules.not_offered):
        return True
    return any(any_cue(bundle.cues, mention.text) for bundle in b.rules.bundles)


def _match_the_rest(b: Builder, text: str) -> None:
    """Counted item mentions no rule explained: a matched line, or an open point, never a guess."""
    mentions = []
    for mention in matching.find_mentions(text):
        if _covered(b, mention, text):
            continue
        if mention.quantity > MAX_QUANTITY:  # "88888888 meter leiding": no count, never a line
            b.spans.append((mention.start, mention.end))
            said = _quote(b, mention.start, mention.end)
            b.point(
                f"'{said}': hoeveelheid onwaarschijnlijk; niet geprijsd, controleren",
                f"'{said}': implausible quantity; not priced, please check",
            )
            continue
        mentions.append(mention)
    if not mentions:
        return
    accept = b.rules.matching.get("accept", matching.ACCEPT)
    margin = b.rules.matching.get("margin", matching.MARGIN)
    install = bool(REPLACE.search(text))
    for found in b.catalogue.index().match_many(mentions, accept, margin):
        mention, best = found.mention, found.best
        said = f"'{mention.text}'"
        if found.decision != "none":
            b.cue = [(mention.start, mention.end)]
            b.spans.append((mention.start, mention.end))
        if found.decision == "line":
            confidence = round(0.4 + 0.3 * min(1.0, (best.score - accept) / (1 - accept)), 2)
            before = b.lines.get(best.sku)
            b.add(
                best.sku,
                mention.quantity,
                f"{said} lijkt op catalogusregel '{best.name}' (score {best.score:.2f})",
                confidence,
                offsite=not install,
            )
            if best.sku in b.lines and b.lines[best.sku] is not before:
                b.lines[best.sku].source = "match"
            if install:
                b.point(
                    f"{said}: montage-uren nog in te schatten",
                    f"{said}: fitting hours still to be estimated",
                )
        elif found.decision == "ambiguous":
            names = ", ".join(f"{c.name} ({c.sku})" for c in found.candidates[:3])
            b.point(
                f"{said}: welk artikel? mogelijk {names}",
                f"{said}: which item? possibly {names}",
            )
        elif found.decision == "unknown":
            b.point(
                f"{said}: niet zeker in catalogus (lijkt op {best.name}, {best.sku}); controleren",
                f"{said}: not clearly in the catalogue (resembles {best.name}, {best.sku}); check",
            )
        # "none": nothing in the catalogue resembles it; most such numbers are not items at all
        # ("12 jaar oud", "2 binnendelen"), so the draft stays quiet about them


def _words(why: str) -> set[str]:
    return set(re.findall(r"[a-zà-ÿ]{4,}", why.lower())) - {"arbeid", "standard"}


# ------------------------------------------------------------------ request words and open points

MAX_QUANTITY = Decimal(10_000)  # no request asks for more of anything: a misread number

# words that ask for work or an item ("de dakgoot moet geschilderd worden", "replace the fence")
ASKS = re.compile(
    r"\b(?:vervang\w*|plaats(?:en|t)|geplaatst|installe\w*|geïnstalleerd|monte\w*|gemonteerd|"
    r"schilder\w*|geschilderd|verven|geverfd|repar\w*|gerepareerd|herstel\w*|hersteld|aanleg\w*|"
    r"aangelegd|leveren|geleverd|vernieuw\w*|ophang\w*|opgehangen|aansluit\w*|aangesloten|"
    r"verplaats\w*|verwijder\w*|bouwen|gebouwd|maken|gemaakt|nieuwe?|replac\w*|install\w*|"
    r"paint\w*|repair\w*|fix\w*|fit|fitted|fitting|mount\w*|deliver\w*|supply|renew\w*|build|"
    r"remov\w*|new|"
    # work asked of a person: "iemand die de heg snoeit", "someone to clean the windows"
    r"iemand\s+(?:die|om)|(?:someone|somebody)\s+(?:to|who))\b",
    re.I,
)
# Words that add a new item to the request ("en ook 10 meter leiding", "plus a valve").
ADDS = re.compile(r"\b(?:en|ook|and|also|plus|verder|daarnaast|tevens)\b", re.I)
CLAUSE_SEPARATORS = re.compile(
    r"(?<!\d)[.,](?!\d)|[!?;:()\n]|\s(?:en|and|maar|but|plus)\s|\s[-\u2013]\s", re.I
)
SMALL_TALK = re.compile(
    r"^\s*(?:beste|hallo|hoi|hi|hey|hello|dear|geachte|goede(?:morgen|middag|navond)|"
    r"good (?:morning|afternoon|evening))\b|groet|regards|bedankt|\bthanks?\b|thank you|"
    r"\bdank\b|cheers|sincerely|alvast",
    re.I,
)
NOT_ASKED = re.compile(
    r"\b(?:zelf|ourselves|myself|yourself|our own|eigen|already|bestaande|existing|huidige|"
    r"current|afgelopen|vorig\w*|last year|geleden|ago)\b|"
    # what the customer has, had done or is doing: the setting of the request, not the request
    r"\b(?:we|wij|ik|i)\s+(?:hebben|heb|hadden|had|have|krijgen|krijg|get|are getting|gaan|"
    r"ga|are going|am going)\b|"
    # an elaboration of what was just asked ("dus 2 binnendelen", "i.e. two indoor units")
    r"^\s*(?:dus|so|namelijk|oftewel|i\.?e\.?|e\.?g\.?|bijv\w*|bijvoorbeeld|zoals|such as)\b",
    re.I,
)
OFFER = re.compile(
    r"\b\w*offerte\w*|\bprijsopgave\b|\bquot(?:e|ation)s?\b|\bestimate\b|\bprices?\b|"
    r"\bprijs\b|\bkosten\b",
    re.I,
)
# words around what is asked for, not what is asked for ("ook moet ... worden", "we would like")
EDGE = {
    "graag", "ook", "also", "moet", "moeten", "wil", "willen", "would", "like", "we", "wij", "ik",
    "i", "please", "verder", "further", "daarnaast", "besides", "tevens", "dan", "then", "en",
    "and", "plus", "nog", "zou", "zouden", "jullie", "u", "you", "kunnen", "kunt", "can", "could",
    "worden", "wordt", "laten", "be", "need", "needs", "needed", "nodig", "want", "wants",
    "to", "too", "as", "well", "have", "get", "hebben", "krijgen", "is", "are",
    "er", "there", "het", "it", "misschien", "maybe", "perhaps", "eventueel", "possibly",
    "mogelijk", "svp", "aub", "a.u.b.", "zoeken", "zoek", "zoekt", "looking",
}  # fmt: skip
GENERIC = EDGE | {
    "huis", "woning", "house", "home", "werk", "work", "klus", "job", "vraag", "question", "dit",
    "this", "deze", "these", "those", "die", "dat", "that", "hoe", "how", "wat", "what",
    "wanneer", "when", "snel", "soon", "asap", "week", "maand", "month", "dag", "day", "tijd",
    "time", "binnenkort", "volgende", "next", "komen", "come", "langs", "doen", "done",
    "gedaan", "onze", "ons", "our", "mijn", "my", "your", "uw", "thing", "things", "iets",
    "something", "alles", "everything", "all", "alle", "meteen", "tegelijk", "same", "zelfde",
    "mee", "meenemen", "along", "bedrijf", "company", "jaar", "year", "years", "oud", "old",
    # words that point back at what was already named ("een nieuwe van dezelfde maat")
    "dezelfde", "hetzelfde", "gewoon", "just", "simply", "plek", "place", "spot",
    "location", "locatie", "maat", "size", "grotere", "groter", "kleinere", "kleiner", "bigger",
    "larger", "smaller", "andere", "other", "another", "one", "ones", "exemplaar", "stuk",
    "stuks", "zoeken", "looking", "search", "installateur", "installer", "vakman", "monteur",
    "following", "meter", "meters", "metre", "metres", "incl", "excl", "inclusief",
    "including", "etc", "bijv", "volledig", "helemaal", "completely", "fully",
}  # fmt: skip
GENERIC |= matching.SIZE_WORDS


def _where_span(where: list, start: int, end: int) -> tuple[int, int] | None:
    if not where or start >= end or start >= len(where):
        return None
    return where[start][0], where[min(end, len(where)) - 1][1]


def _quote(b: Builder, start: int, end: int) -> str:
    """The request words behind the engine's text span, as the customer wrote them."""
    span = _where_span(b.where, start, end)
    if span is None:
        return b.text[start:end].strip()
    return b.request[span[0] : span[1]].strip()


def _line_words(b: Builder, line: Line, request: str, where: list) -> str:
    """One stretch of the request the line came from: its first cue, with the cues close to it in
    the same sentence ("vloerverwarming, ongeveer 25 m²"); a quoted cue of the reason otherwise."""
    spans = list(line.spans)
    if not spans:
        for word in re.findall(r"'([^']{1,120})'", line.why):
            found = re.search(re.escape(word), b.text, re.I)
            if found:
                spans.append(found.span())
                break
    if not spans:
        return ""
    start, end = spans[0]
    for other_start, other_end in sorted(spans[1:]):
        gap = b.text[min(end, other_start) : max(start, other_end)]
        if other_end < start:
            gap = b.text[other_end:start]
        elif other_start > end:
            gap = b.text[end:other_start]
        else:
            gap = ""
        if len(gap) <= 40 and not re.search(r"[.!?\n]", gap):
            start, end = min(start, other_start), max(end, other_end)
    return _quote(b, start, end)


def _place_spans(text: str, rules: Rules, place: str | None) -> list[tuple[int, int]]:
    """Where the request names the place of the work (or a neighbourhood of it)."""
    if not place:
        return []
    found = re.search(rf"(?<![\w-]){re.escape(place)}(?![\w-])", text, re.I)
    if found:
        return [found.span()]
    for name, town in rules.neighbourhoods.items():
        if str(town).lower() == place.lower():
            found = re.search(rf"\b{re.escape(name)}\b", text, re.I)
            if found:
                return [found.span()]
    return []


def _clause_spans(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for sep in CLAUSE_SEPARATORS.finditer(text):
        out.append((start, sep.start()))
        start = sep.end()
    out.append((start, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _content(b: Builder, text: str, start: int, end: int, places: set[str]) -> list[str]:
    """The words of a clause that could name work or an item."""
    out = []
    for token in re.finditer(r"[A-Za-zÀ-ÿ][\wÀ-ÿ'-]*", text[start:end]):
        word, low = token.group(0), token.group(0).lower()
        if len(low) < 3 or low in GENERIC or low in matching.STOP or low in matching.FILLER:
            continue
        if ASKS.fullmatch(word) or OFFER.fullmatch(word) or low in places:
            continue
        if word[0].isupper() and text[start : start + token.start()].strip():
            continue  # a name or a place in the middle of a clause
        out.append(word)
    return out


def _trim(b: Builder, text: str, start: int, end: int, places: set[str]) -> tuple[int, int]:
    """The clause without the words around the request ("ook moet … worden", "in Zwolle")."""
    while True:
        clause = text[start:end]
        lead = re.match(r"\s*([\w'.-]+)\s*", clause)
        if lead and lead.group(1).lower() in EDGE and lead.end() < len(clause):
            start += lead.end()
            continue
        offer = re.match(
            rf"\s*(?:(?:een|an?|the|de)\s+)?(?:{OFFER.pattern})\s*(?:voor|for|van|of|on)?\s*",
            clause,
            re.I,
        )
        if offer and offer.end() < len(clause) and offer.group(0).strip():
            start += offer.end()
            continue
        place = re.search(
            r"\s+(?:in|te|at|near|bij|op)\s+([A-Z][\w-]+(?:[ -][A-Z][\w-]+)?)\s*$", clause
        )
        if (
            place
            and (place.group(1).lower() in places or place.group(1).lower() not in NOT_PLACES)
            and clause[: place.start()].strip()
        ):
            end = start + place.start()
            continue
        tail = re.search(r"\s+([\w'.-]+)\s*$", clause)
        if tail and tail.group(1).lower() in EDGE and clause[: tail.start()].strip():
            end = start + tail.start()
            continue
        stripped = clause.strip()
        start += len(clause) - len(clause.lstrip())
        end = start + len(stripped)
        return start, end


def _unasked(b: Builder, text: str, request: str, where: list, lines: list[Line]) -> None:
    """Every clause that asks for work or an item and made no line becomes an open point quoting
    its words ("Niet gevonden in de catalogus: 'de dakgoot geschilderd'"); never a price. A close
    catalogue row is named as a candidate. Greetings, addresses, dates and closing lines ask for
    nothing; a clause whose words made a line or an open point is already answered."""
    rules = b.rules
    travel = {rules.distance_sku, rules.delivery_sku, *(sku for sku, _ in rules.zones)}
    labour = set(rules.labour.values())
    drafted = set()
    for line in lines:
        if line.sku in travel or line.sku in labour:
            continue
        drafted |= {matching.stem(w) for w in matching.words(line.why) if len(w) > 3}
    pointed = set()
    for point in b.open_points:
        pointed |= {matching.stem(w) for w in matching.words(point) if len(w) > 3}
    places = {p.lower() for _, zone in rules.zones for p in zone}
    places |= {str(n).lower() for n in rules.neighbourhoods}
    found_place = _find_place(text, rules)[1]
    if found_place:
        places.add(found_place.lower())
    mentions = matching.find_mentions(text)
    asked: list[tuple[int, int, list[str], Decimal]] = []
    clause_spans = _clause_spans(text)
    for index, (start, end) in enumerate(clause_spans):
        clause = text[start:end]
        if any(s < end and start < e for s, e in b.spans):
            continue  # its words made a line or an open point
        if index and not ASKS.search(clause):
            # "ventilatie laten reinigen, 7 ventielen.": a count added after a comma at the end
            # of a sentence tells more about the job just asked for, it is no item of its own.
            # Not so after "en ook" ("…, en ook 10 meter leiding") or in a list of counted
            # items ("3 radiatoren, 10 meter leiding"): each of those is asked for.
            previous = clause_spans[index - 1]
            between = text[previous[1] : start]
            last = re.match(r"\s*(?:[.!?\n]|$)", text[end:])
            if (
                "," in between
                and last
                and not ADDS.search(between + " " + clause[:12])
                and not any(previous[0] <= m.start < previous[1] for m in mentions)
                and any(s < previous[1] and previous[0] < e for s, e in b.spans)
            ):
                continue
        sentence_end = re.compile(r"[.!?\n]").search(text, end)
        if text[end : sentence_end.start() if sentence_end else len(text)].rstrip().endswith(":"):
            continue  # "… voor het volgende:": the list that follows is the request
        opened = text.rfind("(", 0, start)
        if opened >= 0 and text.rfind(")", 0, start) < opened:
            before = re.compile(r"[.!?\n]").search(text[:opened][::-1])
            first = opened - before.start() if before else 0
            if any(s < opened and first < e for s, e in b.spans):
                continue  # "(er zitten nu nog geen leidingen)": about what was just asked
        if SMALL_TALK.search(clause) or NOT_ASKED.search(clause):
            continue
        if FAULT.search(clause) and not REPLACE.search(clause):
            continue  # a fault: diagnosed on site (its own open point)
        if any(any_cue(item.cues, clause) for item in rules.not_offered):
            continue
        if any_cue(rules.self_install_cues, clause) or any_cue(rules.pickup_cues, clause):
            continue
        counted = [m for m in mentions if start <= m.start < end]
        if not (ASKS.search(clause) or counted):
            continue
        content = _content(b, text, start, end, places)
        if not content:
            continue
        stems = [matching.stem(w) for w in content]
        if any(matching.word_score(s, d) >= 0.85 for s in stems for d in drafted | pointed):
            continue  # already a line or an open point
        start, end = _trim(b, text, start, end, places)
        quantity = counted[0].quantity if counted else Decimal(1)
        asked.append((start, end, content, quantity))
    if not asked:
        return
    found = []
    if rules.matching.get("enabled", True) and b.catalogue.rows:
        accept = rules.matching.get("accept", matching.ACCEPT)
        margin = rules.matching.get("margin", matching.MARGIN)
        probes = [
            matching.Mention(
                text=text[s:e], phrase=" ".join(c[:3]), quantity=q, unit=None, start=s, end=e
            )
            for s, e, c, q in asked
        ]
        found = b.catalogue.index().match_many(probes, accept, margin)
    for i, (start, end, _content_words, _quantity) in enumerate(asked):
        said = _quote(b, start, end)
        if not said:
            continue
        b.spans.append((start, end))
        nl, en = f"Niet gevonden in de catalogus: '{said}'", f"Not found in the catalogue: '{said}'"
        match = found[i] if i < len(found) else None
        if match is not None and match.decision != "none" and match.best is not None:
            names = ", ".join(f"{c.name} ({c.sku})" for c in match.candidates[:2])
            nl += f"; mogelijk {names}, controleren"
            en += f"; possibly {names}, please check"
        b.point(nl, en)
