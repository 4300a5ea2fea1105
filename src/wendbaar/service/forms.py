from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

# A person needs a few seconds to fill in the form; a bot posts at once or replays an old page.
MIN_SECONDS = 3
MAX_SECONDS = 24 * 60 * 60
_SALT = "service.contact-form"


def form_stamp() -> str:
    return signing.TimestampSigner(salt=_SALT).sign("contact")


class ContactForm(forms.Form):
    """The public form where customers ask a question."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    text = forms.CharField(label=_("Your question"), widget=forms.Textarea, max_length=10_000)
    # Hidden from people by the stylesheet; bots fill it in.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    stamp = forms.CharField(widget=forms.HiddenInput)

    def is_spam(self) -> bool:
        """Honeypot filled, or the form came back too fast or too late (or was tampered with)."""
        if self.cleaned_data.get("website"):
            return True
        signer = signing.TimestampSigner(salt=_SALT)
        stamp = self.cleaned_data.get("stamp", "")
        try:
            signer.unsign(stamp, max_age=MAX_SECONDS)
        except signing.BadSignature:  # tampered with, or expired
            return True
        try:
            signer.unsign(stamp, max_age=MIN_SECONDS)
        except signing.SignatureExpired:
            return False  # older than the minimum: a person took their time
        return True


class CorrectionForm(forms.Form):
    field = forms.CharField(max_length=16)
    value = forms.CharField(max_length=120)


# -- setup by managers ----------------------------------------------------------------------------


class QueueForm(forms.Form):
    """A queue as a manager describes it; triage reads the description and cue words."""

    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(
        label=_("Code"),
        max_length=60,
        help_text=_("Lower-case letters, digits and hyphens; used in rules and the API."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What belongs in this queue, in a few sentences (Dutch and English). Until triage has "
            "learned from handled tickets, it routes new questions by this description."
        ),
    )
    cue_words = forms.CharField(
        label=_("Cue words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Words that point to this queue, separated by commas."),
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=None,
        required=False,
        empty_label=_("No team (shared with all service agents)"),
        help_text=_("The team that handles the queue and sees its tickets."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, organisation_hours: dict | None = None, **kwargs):
        """`organisation_hours`: the organisation's response time per priority, shown as the
        value an empty response time field stands for."""
        from wendbaar.accounts.models import Team
        from wendbaar.service.choices import TicketPriority

        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.order_by("name")
        for value, label in TicketPriority.choices:
            fallback = (organisation_hours or {}).get(value)
            self.fields[f"response_{value}"] = forms.FloatField(
                label=_("%(priority)s: response time (working hours)") % {"priority": label},
                required=False,
                min_value=0.25,
                max_value=1000,
                widget=forms.NumberInput(
                    attrs={"step": "any", "placeholder": "" if fallback is None else fallback}
                ),
                help_text=(
                    _("Empty: the organisation's response time (%(hours)s working hours).")
                    % {"hours": fallback}
                    if fallback is not None
                    else _("Empty: the organisation's response time.")
                ),
            )

    @staticmethod
    def initial_for(queue) -> dict:
        initial = {
            "name": queue.name,
            "slug": queue.slug,
            "description": queue.description,
            "cue_words": queue.cue_words,
            "team": queue.team_id,
            "is_active": queue.is_active,
        }
        for priority, value in (queue.response_hours or {}).items():
            initial[f"response_{priority}"] = value
        return initial

    def setup_fields(self):
        """The fields that describe the queue, for the template (response times come apart)."""
        return [f for f in self.visible_fields() if not f.name.startswith("response_")]

    def response_fields(self):
        from wendbaar.service.choices import TicketPriority

        return [self[f"response_{p}"] for p in TicketPriority.values]

    def values(self) -> dict:
        """The cleaned data as `services.queue_save` takes it; an empty response time is left out
        so the organisation's counts."""
        from wendbaar.service.choices import TicketPriority

        data = dict(self.cleaned_data)
        response = {}
        for priority in TicketPriority.values:
            value = data.pop(f"response_{priority}", None)
            if value is not None:
                response[priority] = value
        data["response_hours"] = response
        return data


WEEKDAY_FIELDS = range(7)


class BusinessHoursForm(forms.Form):
    """Opening hours per weekday, the holiday calendar and the response time per priority."""

    liberation_day = forms.ChoiceField(label=_("Liberation Day (5 May)"), choices=())
    closed_days = forms.CharField(
        label=_("Other closed days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One date per line as YYYY-MM-DD, e.g. a company day off."),
    )

    def __init__(self, *args, **kwargs):
        from django.utils.dates import WEEKDAYS

        from wendbaar.service.choices import LiberationDay, TicketPriority

        super().__init__(*args, **kwargs)
        self.fields["liberation_day"].choices = LiberationDay.choices
        for day in WEEKDAY_FIELDS:
            self.fields[f"open_{day}"] = forms.BooleanField(label=WEEKDAYS[day], required=False)
            self.fields[f"from_{day}"] = forms.TimeField(
                label=_("Opens"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
            )
            self.fields[f"to_{day}"] = forms.TimeField(
                label=_("Closes"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
            )
        for value, label in TicketPriority.choices:
            self.fields[f"response_{value}"] = forms.FloatField(
                label=label, min_value=0.25, max_value=1000
            )

    @classmethod
    def initial_for(cls, row) -> dict:
        initial = {
            "liberation_day": row.liberation_day,
            "closed_days": "\n".join(row.closed_days or []),
        }
        for day in WEEKDAY_FIELDS:
            span = (row.hours or {}).get(str(day))
            initial[f"open_{day}"] = bool(span)
            initial[f"from_{day}"] = span[0] if span else "08:30"
            initial[f"to_{day}"] = span[1] if span else "17:00"
        for priority, value in (row.response_hours or {}).items():
            initial[f"response_{priority}"] = value
        return initial

    def days(self):
        """The weekday rows, for the template."""
        return [(self[f"open_{d}"], self[f"from_{d}"], self[f"to_{d}"]) for d in WEEKDAY_FIELDS]

    def response_fields(self):
        from wendbaar.service.choices import TicketPriority

        return [self[f"response_{p}"] for p in TicketPriority.values]

    def clean(self):
        data = super().clean()
        for day in WEEKDAY_FIELDS:
            if data.get(f"open_{day}") and not (data.get(f"from_{day}") and data.get(f"to_{day}")):
                self.add_error(f"from_{day}", _("Give the opening and closing time."))
        return data

    def values(self) -> dict:
        """The cleaned data as `services.business_hours_save` takes it."""
        from wendbaar.service.choices import TicketPriority

        data = self.cleaned_data
        hours = {
            str(d): [data[f"from_{d}"].strftime("%H:%M"), data[f"to_{d}"].strftime("%H:%M")]
            for d in WEEKDAY_FIELDS
            if data.get(f"open_{d}")
        }
        return {
            "hours": hours,
            "liberation_day": data["liberation_day"],
            "closed_days": [
                line.strip() for line in data.get("closed_days", "").splitlines() if line.strip()
            ],
            "response_hours": {p: data[f"response_{p}"] for p in TicketPriority.values},
        }


# -- the rule builder: form rows that make the structure `rules.py` evaluates --------------------

_ROW_ID = r"[a-z0-9]{1,12}"
LANGUAGE_CHOICES = [("nl", _("Dutch")), ("en", _("English")), ("de", "Deutsch"), ("fr", "Français")]


def new_row_id() -> str:
    import secrets

    return secrets.token_hex(4)


def condition_kinds(organisation) -> dict[str, dict]:
    """Each condition a rule can have: its label, widget and choices."""
    from django.utils.dates import WEEKDAYS

    from wendbaar.service.choices import Channel, Sentiment, TicketPriority, TicketType
    from wendbaar.service.models import Queue

    queues = Queue.objects.filter(organisation=organisation, is_active=True).order_by("name")
    return {
        "priority": {
            "label": _("Priority is"),
            "widget": "multi",
            "choices": TicketPriority.choices,
        },
        "queue": {
            "label": _("Queue is"),
            "widget": "multi",
            "choices": [(q.slug, q.name) for q in queues],
        },
        "type": {"label": _("Type is"), "widget": "multi", "choices": TicketType.choices},
        "language": {"label": _("Language is"), "widget": "multi", "choices": LANGUAGE_CHOICES},
        "sentiment": {"label": _("Sentiment is"), "widget": "multi", "choices": Sentiment.choices},
        "channel": {"label": _("Came in through"), "widget": "multi", "choices": Channel.choices},
        "words": {
            "label": _("Subject or text contains one of the words"),
            "widget": "text",
            "help": _("Separate words with commas; whole words, any case."),
        },
        "customer": {
            "label": _("Customer e-mail address or domain is"),
            "widget": "text",
            "help": _("E.g. jan@example.nl, @company.nl; separate with commas."),
        },
        "outside_hours": {
            "label": _("Received"),
            "widget": "choice",
            "choices": [("1", _("outside business hours")), ("0", _("during business hours"))],
        },
        "weekdays": {
            "label": _("Received on"),
            "widget": "multi",
            "choices": [(str(d), WEEKDAYS[d]) for d in range(7)],
        },
    }


# Where each action keeps the value its form row holds.
ACTION_VALUE_KEYS = {
    "assign": "email",
    "queue": "queue",
    "tag": "tag",
    "priority": "value",
    "reply": "text",
    "notify": "email",
}


def action_kinds() -> dict[str, dict]:
    """Each action a rule can take: its label, widget and choices."""
    from wendbaar.accounts.models import Team, User
    from wendbaar.service.choices import TicketPriority
    from wendbaar.service.models import Queue

    people = User.objects.filter(is_active=True).exclude(email="").order_by("full_name")
    return {
        "queue": {
            "label": _("Route to queue"),
            "widget": "choice",
            "choices": [(q.slug, q.name) for q in Queue.objects.filter(is_active=True)],
            "help": _("The queue's team takes the ticket over; put this before an assignment."),
        },
        "assign": {
            "label": _("Assign to agent"),
            "widget": "choice",
            "choices": [(p.email, f"{p.full_name or p.email} <{p.email}>") for p in people],
            "help": _("Only when the agent is in the ticket's team."),
        },
        "tag": {"label": _("Add tag"), "widget": "text"},
        "priority": {
            "label": _("Set priority"),
            "widget": "choice",
            "choices": TicketPriority.choices,
        },
        "reply": {
            "label": _("Send template reply"),
            "widget": "textarea",
            "help": _(
                "Sent to the customer once per new ticket; never to automatic replies. "
                "This is the one action that mails a customer without a person reading first."
            ),
        },
        "notify": {
            "label": _("Notify by e-mail"),
            "widget": "email",
            "suggestions": [
                (t.email, t.name) for t in Team.objects.exclude(email="").order_by("name")
            ],
        },
    }


def _split(text: str) -> list[str]:
    return [w.strip() for w in str(text).replace("\n", ",").split(",") if w.strip()]


def condition_row(kinds: dict, row_id: str, kind: str = "", value=None) -> dict:
    spec = kinds.get(kind, {})
    if isinstance(value, bool):
        value = "1" if value else "0"
    values = [str(v) for v in value] if isinstance(value, list) else []
    if spec.get("widget") == "text" and isinstance(value, list):
        value = ", ".join(values)
    return {
        "id": row_id,
        "kind": kind,
        "spec": spec,
        "value": "" if value is None or isinstance(value, list) else str(value),
        "values": values,
    }


def action_row(kinds: dict, row_id: str, kind: str = "", value: str = "") -> dict:
    return {"id": row_id, "kind": kind, "spec": kinds.get(kind, {}), "value": value or ""}


def _action_value(action: dict) -> str:
    return str(action.get(ACTION_VALUE_KEYS.get(action.get("action"), ""), ""))


def rows_for_rule(*, organisation, conditions: dict, actions: list) -> tuple[list, list]:
    """The form rows that show a stored rule."""
    ckinds, akinds = condition_kinds(organisation), action_kinds()
    crows = [condition_row(ckinds, new_row_id(), k, v) for k, v in (conditions or {}).items()]
    arows = [
        action_row(akinds, new_row_id(), a.get("action", ""), _action_value(a))
        for a in actions or []
        if isinstance(a, dict)
    ]
    return crows, arows


class RuleBuilder:
    """Reads the rule form: name and options, condition rows and action rows (added and removed
    with HTMX, or with the plain buttons), into the stored conditions and actions."""

    def __init__(self, data, *, organisation):
        import re

        self.data = data
        self.ckinds = condition_kinds(organisation)
        self.akinds = action_kinds()
        self.errors: list[str] = []
        self.name = data.get("name", "").strip()
        self.position = data.get("position", "100")
        self.is_active = data.get("is_active") == "on"
        self.stop_processing = data.get("stop_processing") == "on"
        remove = data.get("remove", "")
        cond_ids = [m.group(1) for k in data if (m := re.fullmatch(rf"cond-({_ROW_ID})-kind", k))]
        act_ids = [m.group(1) for k in data if (m := re.fullmatch(rf"act-({_ROW_ID})-kind", k))]
        self.condition_rows, self.action_rows = [], []
        for row_id in cond_ids:
            if row_id == remove:
                continue
            kind = data.get(f"cond-{row_id}-kind", "")
            spec = self.ckinds.get(kind, {})
            if spec.get("widget") == "multi":
                value = data.getlist(f"cond-{row_id}-value")
            else:
                value = data.get(f"cond-{row_id}-value", "")
            self.condition_rows.append(condition_row(self.ckinds, row_id, kind, value))
        for row_id in act_ids:
            if row_id == remove:
                continue
            self.action_rows.append(
                action_row(
                    self.akinds,
                    row_id,
                    data.get(f"act-{row_id}-kind", ""),
                    data.get(f"act-{row_id}-value", "").strip(),
                )
            )
        if data.get("add") == "condition":
            self.condition_rows.append(condition_row(self.ckinds, new_row_id()))
        if data.get("add") == "action":
            self.action_rows.append(action_row(self.akinds, new_row_id()))
        self.conditions, self.actions = self._build()

    def _build(self) -> tuple[dict, list]:
        conditions: dict = {}
        for number, row in enumerate(self.condition_rows, start=1):
            kind, spec = row["kind"], row["spec"]
            if not kind:
                continue
            if not spec:
                self.errors.append(_("Condition %(n)s: unknown condition.") % {"n": number})
                continue
            if kind in conditions:
                self.errors.append(
                    _("Condition %(n)s: %(label)s is already used; put several values in one row.")
                    % {"n": number, "label": spec["label"]}
                )
                continue
            if spec["widget"] == "multi":
                allowed = {str(v) for v, _label in spec["choices"]}
                values = [v for v in row["values"] if v in allowed]
                if not values:
                    self.errors.append(
                        _("Condition %(n)s: choose at least one value.") % {"n": number}
                    )
                    continue
                conditions[kind] = [int(v) for v in values] if kind == "weekdays" else values
            elif kind == "outside_hours":
                if row["value"] not in ("0", "1"):
                    self.errors.append(_("Condition %(n)s: choose when.") % {"n": number})
                    continue
                conditions[kind] = row["value"] == "1"
            else:
                values = _split(row["value"])
                if kind == "customer":
                    wrong = [v for v in values if " " in v or "." not in v.rsplit("@", 1)[-1]]
                    values = [v.lower() if "@" in v else "@" + v.lower() for v in values]
                    if wrong:
                        self.errors.append(
                            _("Condition %(n)s: %(value)s is not an e-mail address or domain.")
                            % {"n": number, "value": ", ".join(wrong)}
                        )
                        continue
                if not values:
                    self.errors.append(
                        _("Condition %(n)s: give at least one word or address.") % {"n": number}
                    )
                    continue
                conditions[kind] = values
        actions = []
        for row in self.action_rows:
            kind = row["kind"]
            if not kind:
                continue
            actions.append({"action": kind, ACTION_VALUE_KEYS.get(kind, "email"): row["value"]})
        return conditions, actions

    def checksum(self) -> str:
        """Identifies what the dry run was made for; saving needs a dry run of the same rule."""
        import hashlib
        import json

        payload = json.dumps({"c": self.conditions, "a": self.actions}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def position_value(self) -> int:
        try:
            return max(0, min(int(self.position), 10_000))
        except (TypeError, ValueError):
            return 100
