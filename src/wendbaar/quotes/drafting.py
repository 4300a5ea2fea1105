"""Drafting a quote from a customer request: the organisation's catalogue and house rules go into the
draft engine (`quotes.draft`), its lines become drafted quote lines that say why they are there, and
what it could not price becomes an open point. The AI output is also a copilot draft with the
catalogue rows as its sources, and the call is in the AI log.

In a pilot with a control group, a deterministic share of new quotes gets no drafted lines: the team
makes those by hand, so the two groups can be compared.
"""

import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wendbaar.accounts.choices import Visibility
from wendbaar.accounts.selectors import organisation_get, user_team_ids
from wendbaar.audit.models import AiCallOutcome
from wendbaar.audit.services import audit_log, log_ai_call
from wendbaar.common.errors import BusinessRuleError
from wendbaar.copilot.choices import Capability
from wendbaar.copilot.services import SourceIn, draft_propose
from wendbaar.quotes import draft as engine
from wendbaar.quotes import rules as rules_module
from wendbaar.quotes import selectors, services
from wendbaar.quotes.choices import DiscountKind, PilotComparison, PilotGroup, QuoteSource
from wendbaar.quotes.models import CatalogueItem, Quote, QuoteSettings
from wendbaar.service import selectors as service_selectors

ENGINE_NAME = "quote-rules"
PROMPT_VERSION = "quotes-draft-1"
MAX_REQUEST_CHARS = 50_000
MAX_RULES_CHARS = 200_000
CUSTOMER_FIELDS = ("name", "company", "email", "phone", "address")


# ------------------------------------------------------------------------------------ house rules


@dataclass
class RulesCheck:
    """What reading a house-rules text found: the rules, or the error naming section and entry."""

    rules: rules_module.Rules | None = None
    error: str = ""
    empty: bool = False
    missing_skus: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rules is not None


def rules_check(rules_text: str, *, organisation=None) -> RulesCheck:
    """Parse house rules (TOML) and list the SKUs they name that the active catalogue lacks."""
    text = (rules_text or "").strip()
    if not text:
        return RulesCheck(empty=True, error=_("The house rules are empty."))
    if len(text) > MAX_RULES_CHARS:
        return RulesCheck(error=_("The house rules are longer than 200,000 characters."))
    try:
        parsed = rules_module.parse_rules_text(text)
    except rules_module.RulesError as exc:
        return RulesCheck(error=str(exc))
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        # a value of a kind the format does not expect where validation did not look
        return RulesCheck(error=_("The rules do not follow the format: %(error)s") % {"error": exc})
    known = set(
        CatalogueItem.objects.for_organisation(organisation or organisation_get())
        .active()
        .values_list("sku", flat=True)
    )
    return RulesCheck(rules=parsed, missing_skus=sorted(parsed.skus() - known))


@transaction.atomic
def quote_rules_save(*, actor, rules_text: str) -> QuoteSettings:
    """Store the organisation's house rules after checking them; invalid rules are refused."""
    if not selectors.catalogue_can_edit(actor):
        raise BusinessRuleError(
            _("Only managers and finance can change the house rules."),
            code="forbidden",
            status_code=403,
        )
    text = (rules_text or "").replace("\r\n", "\n")
    if text.strip():
        check = rules_check(text)
        if not check.ok:
            raise BusinessRuleError(
                _("The house rules were not saved: %(error)s") % {"error": check.error},
                code="invalid_rules",
                status_code=400,
            )
        missing = check.missing_skus
    else:
        text, missing = "", []
    settings = selectors.quote_settings_get()
    settings = QuoteSettings.objects.select_for_update().get(pk=settings.pk)
    previous = settings.rules_text
    settings.rules_text = text
    settings.rules_updated_at = timezone.now()
    settings.rules_updated_by = actor
    settings.save(update_fields=["rules_text", "rules_updated_at", "rules_updated_by"])
    audit_log(
        actor=actor,
        action="quotes.rules_updated",
        target=settings,
        data={
            "chars_before": len(previous),
            "chars_after": len(text),
            "missing_skus": missing[:50],
        },
    )
    return settings


# ------------------------------------------------------------------------- reading the request


NL_MARKERS = {
    "de", "het", "een", "en", "ik", "wij", "we", "graag", "voor", "met", "van", "onze", "mijn",
    "is", "niet", "wil", "willen", "offerte", "groet", "vriendelijke", "bedankt", "hoi", "beste",
    "ook", "nog", "maar", "zijn", "kunnen", "jullie", "u", "uw", "op", "aan", "bij", "wat",
}  # fmt: skip
EN_MARKERS = {
    "the", "a", "an", "and", "i", "we", "please", "for", "with", "of", "our", "my", "is", "not",
    "would", "like", "quote", "regards", "thanks", "hello", "dear", "also", "but", "are", "can",
    "you", "your", "on", "to", "at", "what", "could", "need",
}  # fmt: skip
_WORD = re.compile(r"[a-zà-ÿ']+")


def language_detect(text: str) -> str:
    """nl or en, by counting common words of each language (Dutch when in doubt)."""
    words = _WORD.findall((text or "").lower()[:20_000])
    nl = sum(1 for w in words if w in NL_MARKERS)
    en = sum(1 for w in words if w in EN_MARKERS)
    return "en" if en > nl else "nl"


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)31[\s-]?(?:\(0\))?[\s-]?|0)(?:[1-9](?:[\s-]?\d){8})(?!\d)"
)
POSTCODE_PLACE = re.compile(
    r"\b([1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2})\b[ \t,]*([A-Z][\w'-]+(?:[ -][A-Z][\w'-]+)?)?"
)
STREET = re.compile(
    r"^[ \t]*((?:[A-Z][\w'.-]*[ \t]){0,3}[A-Z]?[\w'.-]*"
    r"(?:straat|laan|weg|plein|gracht|kade|singel|dijk|pad|hof|dreef|steeg|park|markt|street|road|lane|avenue)"
    r"[ \t]+\d+[ \t]?[a-zA-Z]?(?:-\d+)?)\b",
    re.M | re.I,
)
HEADER = re.compile(
    r"^(?:from|van|to|aan|cc|bcc|subject|onderwerp|date|datum|sent|verzonden|reply-to)\s*:\s*(.*)$",
    re.I,
)
SUBJECT = re.compile(r"^(?:subject|onderwerp)\s*:\s*(.*)$", re.I)
SHORT_BODY_WORDS = 12
FROM_HEADER = re.compile(r"^(?:from|van)\s*:\s*(.+)$", re.I | re.M)
CLOSINGS = re.compile(
    r"^\s*(?:met\s+)?(?:vriendelijke|hartelijke|beste|warme)?\s*(?:groet(?:en|jes)?|gr\.?)\s*,?\s*$|"
    r"^\s*(?:mvg|m\.v\.g\.?|groetjes)\s*,?\s*$|"
    r"^\s*(?:kind|best|warm)?\s*regards\s*,?\s*$|^\s*(?:thanks|thank you|cheers|sincerely|yours sincerely)\s*,?\s*$",
    re.I,
)
# "Regards, Bob" / "... in Amersfoort. Groet, Ahmed": the closing and the name on one line
SIGNED = re.compile(
    r"(?:^|[.!?]\s+)(?:(?:met\s+)?(?:vriendelijke|hartelijke|beste|warme)\s+)?"
    r"(?:groet(?:en|jes)?|gr\.?|mvg|m\.v\.g\.?|(?:kind\s+|best\s+|warm\s+)?regards|thanks|"
    r"thank you|cheers|sincerely)\s*,?\s+([A-Z][\w'.-]+(?:\s+[A-Z][\w'.-]+){0,3})\s*\.?\s*$",
    re.I,
)
NAME = re.compile(r"^[A-Z][\w'.-]+(?:\s+(?:van|de|der|den|het|ter|ten|te|'t|[A-Z][\w'.-]+)){0,4}$")


def _name_from_header(value: str) -> tuple[str, str]:
    """('Jan de Vries', 'jan@x.nl') from 'Jan de Vries <jan@x.nl>'."""
    email = EMAIL.search(value)
    name = EMAIL.sub("", value).strip(" <>\"'\t")
    return (name if NAME.match(name or "") else "", email.group(0) if email else "")


def customer_extract(text: str) -> dict:
    """Name, e-mail address, phone and address of the customer as written in the request.

    The name comes from a From: header or the line after the closing greeting; nothing is
    guessed where the text does not say it."""
    text = text or ""
    found = dict.fromkeys(CUSTOMER_FIELDS, "")
    header = FROM_HEADER.search(text)
    if header:
        found["name"], found["email"] = _name_from_header(header.group(1))
    if not found["name"]:
        lines = text.splitlines()
        for number, line in enumerate(lines):
            if CLOSINGS.match(line):
                following = [ln.strip() for ln in lines[number + 1 : number + 4] if ln.strip()]
                if following and NAME.match(following[0]) and len(following[0]) <= 80:
                    found["name"] = following[0]
                    break
            signed = SIGNED.search(line)
            if signed and NAME.match(signed.group(1)) and len(signed.group(1)) <= 80:
                found["name"] = signed.group(1)
                break
    if not found["email"]:
        email = EMAIL.search(text)
        found["email"] = email.group(0) if email else ""
    phone = PHONE.search(text)
    if phone:
        found["phone"] = re.sub(r"\s+", " ", phone.group(0)).strip()
    parts = []
    street = STREET.search(text)
    if street:
        parts.append(street.group(1).strip())
    postcode = POSTCODE_PLACE.search(text)
    if postcode:
        code = postcode.group(1).replace(" ", "")
        place = postcode.group(2) or ""
        parts.append(f"{code[:4]} {code[4:]} {place}".strip())
    found["address"] = "\n".join(parts)
    return found


def engine_text(text: str) -> str:
    """The request as the engine reads it: mail headers at the top removed. The subject counts only
    when the body says little ("see subject"): otherwise a bare "schutting" in the subject would
    be read before "10 tuinschermen" in the body."""
    lines = (text or "").split("\n")
    subject = ""
    start = 0
    while start < len(lines) and HEADER.match(lines[start].strip()):
        found = SUBJECT.match(lines[start].strip())
        if found:
            subject = found.group(1).strip()
        start += 1
    if start == 0:
        return text or ""
    body = "\n".join(lines[start:]).strip()
    if subject and len(body.split()) < SHORT_BODY_WORDS:
        return f"{body}\n\n{subject}".strip()
    return body


def ticket_request(ticket) -> tuple[str, dict]:
    """The customer's first message of a ticket, and the customer data the ticket knows."""
    messages = [
        m
        for m in service_selectors.ticket_messages(ticket=ticket)
        if m.direction == "in" and m.text.strip()
    ]
    text = messages[0].text if messages else ""
    if ticket.subject and ticket.subject not in text and len(text.split()) < SHORT_BODY_WORDS:
        text = f"{text}\n\n{ticket.subject}".strip()  # "see subject": the subject is the request
    customer = ticket.customer
    return text, {
        "name": customer.name,
        "company": customer.company,
        "email": customer.email,
        "phone": customer.phone,
        "address": "",
    }


# ---------------------------------------------------------------------------------- the engine


@dataclass
class PreviewLine:
    sku: str
    name: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    why: dict
    confidence: float
    discount_percent: Decimal | None = None
    discount_why: str = ""


@dataclass
class Preview:
    """The engine's answer before anything is saved."""

    language: str
    lines: list[PreviewLine]
    open_points: list[str]
    confidence: float
    rules_error: str = ""
    engine_error: str = ""
    missing_skus: list[str] = field(default_factory=list)
    items: dict = field(default_factory=dict)  # sku -> CatalogueItem
    duration_ms: int = 0


def _catalogue(organisation) -> dict[str, CatalogueItem]:
    items = CatalogueItem.objects.for_organisation(organisation).active().order_by("sku")
    return {item.sku: item for item in items}


def _row(item: CatalogueItem) -> dict:
    return {
        "sku": item.sku,
        "name": item.name,
        "unit": item.unit,
        "description": item.description,
        "category": item.category,
        "price": item.price,
        "cost_price": item.cost_price,
    }


QUOTED = re.compile(r"'([^']{1,120})'")


def _words(why: str, request_text: str, engine_words: str = "") -> str:
    """The request words that made the line, exactly as the request writes them: those the engine
    names for the line; otherwise the first words it quotes in its reason ('mv-box') or the first
    word of the reason ("plaats Leusden" -> "Leusden") that the request itself contains; "" when
    the request has none of them."""
    if engine_words and engine_words in request_text:
        return engine_words
    reason = (why or "").split(" -> ", 1)[0]
    for word in [*QUOTED.findall(why or ""), *re.findall(r"[^\W\d_][\w-]{3,}", reason)]:
        found = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", request_text, re.I)
        if found:
            return found.group(0)
    return ""


def _why(line, *, item: CatalogueItem, rule_skus: set[str], request_text: str) -> dict:
    source = getattr(line, "source", None)
    if source not in ("rule", "match"):
        source = "rule" if line.sku in rule_skus else "match"
    return {
        "text": str(line.why),
        "words": _words(str(line.why), request_text, str(getattr(line, "words", "") or "")),
        "sku": line.sku,
        "catalogue_name": item.name,
        "source": source,
    }


def draft_confidence(lines: list, open_points: list) -> float:
    """Mean of the line confidences, a tenth lower per open point (at most half); 0 without lines."""
    if not lines:
        return 0.0
    mean = sum(float(line.confidence) for line in lines) / len(lines)
    penalty = max(0.5, 1 - 0.1 * len(open_points))
    return round(min(max(mean * penalty, 0.0), 1.0), 3)


def _rules_points(check: RulesCheck, language: str) -> list[str]:
    with translation.override(language):
        if check.empty:
            return [
                _(
                    "The house rules are not set up, so nothing was drafted: a manager can "
                    "fill them in under Quotes, House rules. Price this request by hand."
                )
            ]
        return [
            _(
                "The house rules are invalid, so nothing was drafted (%(error)s). A manager can "
                "fix them under Quotes, House rules. Price this request by hand."
            )
            % {"error": check.error}
        ]


def draft_preview(
    *,
    request_text: str,
    rules_text: str | None = None,
    language: str | None = None,
    organisation=None,
    customer: dict | None = None,
) -> Preview:
    """What the engine drafts for a request with the organisation's catalogue, without saving.

    `rules_text` tries other house rules than the stored ones (the rules page's dry run);
    `customer` (email, company) lets the pricing rules give customer discounts."""
    organisation = organisation or organisation_get()
    text = (request_text or "")[:MAX_REQUEST_CHARS]
    language = language if language in ("nl", "en") else language_detect(text)
    if rules_text is None:
        rules_text = selectors.quote_settings_get(organisation=organisation).rules_text
    check = rules_check(rules_text, organisation=organisation)
    if not check.ok:
        return Preview(
            language=language,
            lines=[],
            open_points=_rules_points(check, language),
            confidence=0.0,
            rules_error=check.error,
        )
    items = _catalogue(organisation)
    started = time.monotonic()
    try:
        result = engine.draft_lines(
            engine_text(text),
            [_row(i) for i in items.values()],
            check.rules,
            language,
            customer=customer,
        )
    except Exception as exc:  # a failing engine must never lose the request
        with translation.override(language):
            point = _("The draft engine failed on this request; price it by hand.")
        return Preview(
            language=language,
            lines=[],
            open_points=[point],
            confidence=0.0,
            engine_error=f"{type(exc).__name__}: {exc}"[:500],
            missing_skus=check.missing_skus,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
    rule_skus = check.rules.skus()
    lines = []
    open_points = [str(p) for p in result.open_points]
    for line in result.lines:
        item = items.get(line.sku)
        if item is None:  # the engine only proposes catalogue rows; never price a stranger
            open_points.append(f"{line.why} ({line.sku})")
            continue
        percent = getattr(line, "discount_percent", None)
        lines.append(
            PreviewLine(
                sku=item.sku,
                name=item.name,
                quantity=Decimal(line.quantity),
                unit=line.unit or item.unit,
                unit_price=item.price,
                why=_why(line, item=item, rule_skus=rule_skus, request_text=text),
                confidence=min(max(float(line.confidence), 0.0), 1.0),
                discount_percent=Decimal(str(percent)) if percent else None,
                discount_why=str(getattr(line, "discount_why", "") or ""),
            )
        )
    return Preview(
        language=language,
        lines=lines,
        open_points=open_points,
        confidence=draft_confidence(lines, open_points),
        missing_skus=check.missing_skus,
        items=items,
        duration_ms=int((time.monotonic() - started) * 1000),
    )


# ----------------------------------------------------------------------------------- the quote


def pilot_group_for(*, settings: QuoteSettings, number: str, today=None) -> str:
    """The pilot group of a new quote. With a control group, quote n of the year lands in control
    when n * share crosses a hundred: exactly `control_share` % of numbers, no randomness."""
    today = today or timezone.localdate()
    if settings.pilot_started_on is None or today < settings.pilot_started_on:
        return PilotGroup.NONE
    share = min(max(int(settings.control_share or 0), 0), 100)
    if settings.pilot_comparison != PilotComparison.CONTROL or not share:
        return PilotGroup.DRAFT
    match = re.search(r"(\d+)$", number or "")
    n = int(match.group(1)) if match else 0
    if (n * share) // 100 > ((n - 1) * share) // 100:
        return PilotGroup.CONTROL
    return PilotGroup.DRAFT


def quantity_text(value: Decimal) -> str:
    value = Decimal(value)
    text = format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def covering_letter(*, template, customer_name: str, lines: list, language: str) -> str:
    """The letter above the lines: the template's intro, what is quoted, the template's closing.

    A template in another language than the request's is not quoted at all: greeting, summary and
    closing are written in the request's language. An intro or closing with {customer} but no
    known name gives way to a neutral one, never "Dear customer" in the template's words."""
    who = customer_name.strip()
    own_language = template is not None and (
        (template.language or "nl")[:2] == (language or "nl")[:2]
    )
    with translation.override(language):
        greeting = _("Dear %(customer)s,") % {"customer": who} if who else _("Dear Sir or Madam,")
        intro_text = template.intro.strip() if template is not None else ""
        if intro_text and own_language and (who or "{customer}" not in intro_text):
            intro = intro_text.replace("{customer}", who).strip()
        else:
            intro = greeting
        if lines:
            items = "\n".join(
                f"- {quantity_text(line.quantity)} {line.unit} {line.name}" for line in lines
            )
            summary = _("Thank you for your request. This quote covers:") + "\n" + items
        else:
            summary = _(
                "Thank you for your request. We are working out the details and will complete "
                "this quote."
            )
        closing_text = template.closing.strip() if template is not None else ""
        if closing_text and own_language and (who or "{customer}" not in closing_text):
            closing = closing_text.replace("{customer}", who).strip()
        else:
            closing = _("Kind regards,")
    return "\n\n".join(part for part in (intro, summary, closing) if part)


def _draft_text(preview: Preview, number: str) -> str:
    rows = [
        f"{quantity_text(line.quantity)} {line.unit} {line.sku} {line.name} à € {line.unit_price}"
        for line in preview.lines
    ]
    points = [f"- {p}" for p in preview.open_points]
    parts = [_("Quote %(number)s, drafted from the request.") % {"number": number}]
    if rows:
        parts.append("\n".join(rows))
    if points:
        parts.append(_("Not priced, to do:") + "\n" + "\n".join(points))
    return "\n\n".join(parts)


def _customer_data(*, given: dict | None, ticket_data: dict, text: str) -> dict:
    extracted = customer_extract(text)
    given = given or {}
    out = {}
    for key in CUSTOMER_FIELDS:
        value = str(given.get(key) or "").strip()
        out[key] = value or str(ticket_data.get(key) or "").strip() or extracted.get(key, "")
    return out


def quote_url(quote: Quote) -> str:
    """The quote's page once it exists (another part makes it); until then the quotes home."""
    try:
        return reverse("quotes:quote_detail", args=[quote.pk])
    except NoReverseMatch:
        return reverse("quotes:home")


@transaction.atomic
def quote_draft_create(
    *,
    actor,
    request_text: str,
    source: str,
    ticket=None,
    customer: dict | None = None,
    language: str | None = None,
) -> Quote:
    """Make a quote from a customer request: drafted lines with why and confidence, open points,
    covering letter, customer data, pilot group; the AI output is a copilot draft."""
    if not selectors.quote_can_work(actor):
        raise BusinessRuleError(_("You do not work on quotes."), code="forbidden", status_code=403)
    if source not in QuoteSource.values:
        raise BusinessRuleError(_("Unknown request source."), code="bad_source", status_code=400)
    ticket_data: dict = {}
    if ticket is not None:
        ticket = service_selectors.ticket_get(user=actor, pk=ticket.pk)  # 404 when not visible
        ticket_text, ticket_data = ticket_request(ticket)
        request_text = request_text or ticket_text
    text = (request_text or "").replace("\r\n", "\n").strip()
    if not text:
        raise BusinessRuleError(
            _("Paste the customer's request first."), code="empty_request", status_code=400
        )
    if len(text) > MAX_REQUEST_CHARS:
        raise BusinessRuleError(
            _("The request is longer than 50,000 characters."),
            code="request_too_long",
            status_code=400,
        )
    language = language if language in ("nl", "en") else language_detect(text)
    organisation = organisation_get()
    settings = selectors.quote_settings_get(organisation=organisation)
    template = selectors.quote_template_default(organisation=organisation, language=language)
    data = _customer_data(given=customer, ticket_data=ticket_data, text=text)
    today = timezone.localdate()
    valid_until = None
    if template is not None:
        valid_until = today + timedelta(days=template.validity_days)
    quote = services.quote_create(
        actor=actor,
        customer_name=data["name"][:200],
        customer_company=data["company"][:200],
        customer_email=data["email"][:254] if EMAIL.fullmatch(data["email"]) else "",
        customer_address=data["address"],
        request_text=text,
        valid_until=valid_until,
    )
    now = timezone.now()
    quote.customer_phone = data["phone"][:40]
    quote.language = language
    quote.source = source
    quote.ticket = ticket
    quote.template = template
    quote.requested_at = ticket.received_at if ticket is not None else now
    quote.pilot_group = pilot_group_for(settings=settings, number=quote.number, today=today)
    fields = ["customer_phone", "language", "source", "ticket", "template", "requested_at"]
    fields += ["pilot_group"]
    if quote.pilot_group == PilotGroup.CONTROL:
        # made by hand for comparison: the request and the customer, no draft
        quote.save(update_fields=fields)
        audit_log(
            actor=actor,
            action="quotes.quote_requested",
            target=quote,
            data={"source": source, "ticket": getattr(ticket, "pk", None), "pilot": "control"},
        )
        return quote
    quote.save(update_fields=fields)
    preview = draft_preview(
        request_text=text,
        language=language,
        organisation=organisation,
        customer={"email": quote.customer_email, "company": quote.customer_company},
    )
    _log_call(actor=actor, preview=preview, text=text)
    for line in preview.lines:
        services.quote_line_add(
            quote=quote,
            actor=actor,
            item=preview.items[line.sku],
            quantity=line.quantity,
            unit=line.unit,
            why=line.why,
            confidence=line.confidence,
            is_drafted=True,
            discount_kind=DiscountKind.PERCENTAGE if line.discount_percent else "",
            discount_value=line.discount_percent or Decimal("0"),
        )
    quote.refresh_from_db()
    quote.open_points = preview.open_points
    quote.covering_letter = covering_letter(
        template=template, customer_name=data["name"], lines=preview.lines, language=language
    )
    quote.drafted_at = timezone.now()
    quote.draft_confidence = preview.confidence
    quote.draft_snapshot = [
        {
            "sku": line.sku,
            "description": line.name,
            "quantity": str(line.quantity),
            "unit": line.unit,
            "unit_price": str(line.unit_price),
        }
        for line in preview.lines
    ]
    if not preview.rules_error:  # without house rules the engine did not run: no AI output
        quote.copilot_draft = _propose(actor=actor, quote=quote, preview=preview, ticket=ticket)
    fields = ["open_points", "covering_letter", "drafted_at", "draft_confidence"]
    fields += ["draft_snapshot", "copilot_draft"]
    quote.save(update_fields=fields)
    audit_log(
        actor=actor,
        action="quotes.quote_drafted",
        target=quote,
        data={
            "source": source,
            "ticket": getattr(ticket, "pk", None),
            "lines": len(preview.lines),
            "open_points": len(preview.open_points),
            "confidence": preview.confidence,
            "pilot": quote.pilot_group,
            "rules_error": preview.rules_error[:250],
        },
    )
    return quote


def _log_call(*, actor, preview: Preview, text: str) -> None:
    if preview.rules_error:
        return  # without house rules the engine did not run
    log_ai_call(
        actor=actor,
        capability=Capability.QUOTES,
        operation="generate",
        purpose="quotes.draft",
        provider="embedded",
        model_name=ENGINE_NAME,
        prompt_version=PROMPT_VERSION,
        input_chars=len(text),
        source_ids=[f"catalogue:{preview.items[line.sku].pk}" for line in preview.lines],
        duration_ms=preview.duration_ms,
        outcome=AiCallOutcome.ERROR if preview.engine_error else AiCallOutcome.OK,
        error=preview.engine_error[:200],
    )


def _propose(*, actor, quote: Quote, preview: Preview, ticket):
    """The AI output as a copilot draft: lines and open points, one source per catalogue row."""
    sources = []
    for line in preview.lines:
        item = preview.items[line.sku]
        try:
            url = reverse("quotes:catalogue_item", args=[item.pk])
        except NoReverseMatch:
            url = ""
        sources.append(
            SourceIn(
                ref=f"catalogue:{item.pk}",
                kind="catalogue",
                title=f"{item.sku} {item.name}"[:250],
                quote=f"{item.sku}: {item.name}, € {item.price} / {item.unit}. {line.why['text']}",
                url=url,
                locator=item.sku[:120],
                score=line.confidence,
            )
        )
    team = None
    if ticket is not None and ticket.team_id and ticket.team_id in user_team_ids(actor):
        team = ticket.team
    with translation.override(preview.language):
        title = _("Quote %(number)s") % {"number": quote.number}
        text = _draft_text(preview, quote.number)
    return draft_propose(
        actor=actor,
        capability=Capability.QUOTES,
        kind="quote",
        title=title,
        text=text,
        content={
            "quote": quote.pk,
            "url": quote_url(quote),
            "lines": [
                {
                    "sku": line.sku,
                    "quantity": str(line.quantity),
                    "unit": line.unit,
                    "unit_price": str(line.unit_price),
                    "why": line.why,
                    "confidence": line.confidence,
                }
                for line in preview.lines
            ],
            "open_points": preview.open_points,
        },
        input_data={
            "quote": quote.pk,
            "ticket": getattr(ticket, "pk", None),
            "request_chars": len(quote.request_text),
        },
        confidence=preview.confidence,
        engine="embedded",
        model_name=ENGINE_NAME,
        prompt_version=PROMPT_VERSION,
        engine_note=preview.rules_error or preview.engine_error,
        language=preview.language,
        subject=quote,
        assignee=actor,
        team=team,
        visibility=Visibility.TEAM if team else Visibility.PRIVATE,
        sources=sources,
    )
