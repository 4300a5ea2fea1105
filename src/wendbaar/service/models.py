"""Customer questions: customers, tickets with their mail thread, queues, working hours, rules and
what triage learned."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wendbaar.accounts.models import Restricted, VisibilityQuerySet
from wendbaar.service.choices import (
    Channel,
    Direction,
    LiberationDay,
    Sentiment,
    TicketPriority,
    TicketStatus,
)

DEFAULT_HOURS = {str(day): ["08:30", "17:00"] for day in range(5)}  # Monday..Friday
DEFAULT_RESPONSE_HOURS = {"urgent": 4, "high": 8, "medium": 16, "low": 40}


class Customer(models.Model):
    """Someone who asks the organisation a question, recognised by their e-mail address."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "email"], name="unique_customer_email")
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.name else self.email


class Queue(models.Model):
    """A topic tickets are routed to; its description and cue words teach triage from day one."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("code"), max_length=60)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What belongs in this queue, in a few sentences; triage reads it."),
    )
    cue_words = models.TextField(
        _("cue words"),
        blank=True,
        help_text=_("Words that point to this queue, separated by commas (Dutch and English)."),
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The team that handles the queue and sees its tickets."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    response_hours = models.JSONField(
        _("response time per priority (working hours)"),
        default=dict,
        blank=True,
        help_text=_(
            "Per priority, overrides the organisation's response time for tickets in this queue; "
            "a priority not given keeps the organisation's."
        ),
    )

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="unique_queue_slug")
        ]

    def __str__(self):
        return self.name

    @property
    def cue_list(self) -> list[str]:
        return [w.strip() for w in self.cue_words.split(",") if w.strip()]

    @property
    def response_overrides(self) -> list[tuple[str, float]]:
        """The queue's own response times as (priority label, working hours), urgent first."""
        own = self.response_hours or {}
        return [
            (label, own[value])
            for value, label in reversed(TicketPriority.choices)
            if own.get(value) is not None
        ]


class BusinessHours(models.Model):
    """When the organisation answers questions: hours per weekday, public holidays, response times.

    SLA deadlines count only these working hours."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    hours = models.JSONField(
        _("opening hours"),
        default=dict,
        help_text=_('Per weekday (0 = Monday): ["08:30", "17:00"]; a missing day is closed.'),
    )
    liberation_day = models.CharField(
        _("Liberation Day (5 May)"),
        max_length=8,
        choices=LiberationDay.choices,
        default=LiberationDay.LUSTRUM,
    )
    closed_days = models.JSONField(
        _("other closed days"),
        default=list,
        blank=True,
        help_text=_("Dates as YYYY-MM-DD, e.g. a company day off."),
    )
    response_hours = models.JSONField(
        _("response time per priority (working hours)"),
        default=dict,
        help_text=_('E.g. {"urgent": 4, "high": 8, "medium": 16, "low": 40}.'),
    )

    class Meta:
        verbose_name = _("business hours")
        verbose_name_plural = _("business hours")

    def __str__(self):
        return str(_("Business hours"))


class TicketQuerySet(VisibilityQuerySet):
    def open(self):
        return self.exclude(status=TicketStatus.CLOSED)

    def for_team(self, team_id):
        return self.filter(team_id=team_id)

    def assigned_to(self, user_id):
        return self.filter(assignee_id=user_id)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("ticket tag")
        verbose_name_plural = _("ticket tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Ticket(Restricted):
    """A customer's question with its thread, the triage outcome and the SLA deadline.

    Seen by the queue's team (its `team`), by whoever it is assigned to, and by its owner."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="tickets"
    )
    subject = models.CharField(_("subject"), max_length=250)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=TicketStatus.choices, default=TicketStatus.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=TicketPriority.choices, default=TicketPriority.MEDIUM
    )
    priority_confidence = models.FloatField(_("priority confidence"), default=0.0)
    queue = models.ForeignKey(
        Queue,
        verbose_name=_("queue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    queue_confidence = models.FloatField(_("queue confidence"), default=0.0)
    ticket_type = models.CharField(_("type"), max_length=16, blank=True)
    type_confidence = models.FloatField(_("type confidence"), default=0.0)
    language = models.CharField(_("language"), max_length=8, blank=True)
    language_confidence = models.FloatField(_("language confidence"), default=0.0)
    sentiment = models.CharField(
        _("sentiment"), max_length=8, choices=Sentiment.choices, blank=True
    )
    sentiment_confidence = models.FloatField(_("sentiment confidence"), default=0.0)
    triage_signals = models.JSONField(
        _("triage signals"),
        default=dict,
        blank=True,
        help_text=_("Per prediction: the words and signals behind it."),
    )
    triage_engine = models.CharField(_("triage engine"), max_length=120, blank=True)
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_tickets",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="tickets")
    received_at = models.DateTimeField(_("received at"), db_index=True)
    sla_due_at = models.DateTimeField(_("answer due by"), null=True, blank=True, db_index=True)
    first_response_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    last_message_at = models.DateTimeField(_("last message at"), null=True, blank=True)
    external_ref = models.CharField(
        _("external reference"),
        max_length=120,
        blank=True,
        db_index=True,
        help_text=_("The ticket's number in the system it was imported from."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["status", "priority"], name="service_ticket_status_prio")]

    def __str__(self):
        return f"#{self.pk} {self.subject}"

    @property
    def is_closed(self) -> bool:
        return self.status == TicketStatus.CLOSED

    def principals(self) -> list[str]:
        keys = set(super().principals())
        if self.assignee_id:
            keys.add(f"user:{self.assignee_id}")
        return sorted(keys)


def raw_upload_to(instance, filename: str) -> str:
    return f"service/raw/{instance.ticket_id}/{filename}"


class Message(models.Model):
    """One message of a ticket's thread, in or out; threads are kept by Message-ID and references."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    message_id = models.CharField(_("Message-ID"), max_length=500, blank=True, db_index=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=500, blank=True)
    references = models.TextField(_("References"), blank=True)
    from_address = models.EmailField(_("from"), blank=True)
    from_name = models.CharField(_("sender name"), max_length=200, blank=True)
    to_addresses = models.TextField(_("to"), blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    text = models.TextField(
        _("text"),
        help_text=_("The message as plain text; HTML mail is converted, never shown raw."),
    )
    raw = models.FileField(_("original message"), upload_to=raw_upload_to, blank=True)
    is_auto_reply = models.BooleanField(_("automatic reply"), default=False)
    notes = models.TextField(_("notes"), blank=True, help_text=_("What reading the mail noticed."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    draft = models.ForeignKey(
        "copilot.Draft",
        verbose_name=_("reply draft"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["ticket", "sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"], condition=~Q(message_id=""), name="unique_message_id"
            )
        ]

    def __str__(self):
        return self.subject or f"#{self.ticket_id}"


def attachment_upload_to(instance, filename: str) -> str:
    return f"service/attachments/{instance.message.ticket_id}/{filename}"


class Attachment(models.Model):
    """A file that came with a message; a file over the size limit is refused with a note."""

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_upload_to, blank=True, max_length=400)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    refused = models.CharField(
        _("refused because"), max_length=250, blank=True, help_text=_("Empty when stored.")
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["message", "pk"]

    def __str__(self):
        return self.filename


class MailboxState(models.Model):
    """Where polling of a mailbox stopped: the last UID seen under a UIDVALIDITY, so an outage
    resumes without duplicates or lost mail."""

    mailbox = models.CharField(_("mailbox"), max_length=300, unique=True)
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), default=0)
    last_uid = models.BigIntegerField(_("last UID"), default=0)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("mailbox state")
        verbose_name_plural = _("mailbox states")

    def __str__(self):
        return f"{self.mailbox} · {self.uidvalidity}/{self.last_uid}"


class Rule(models.Model):
    """Repetitive work the team set up: when the conditions hold, the actions are taken."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    actions = models.JSONField(_("actions"), default=list, blank=True)
    stop_processing = models.BooleanField(_("stop after this rule"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class TriageModel(models.Model):
    """The state triage learned from the organisation's history and corrections."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    engine = models.CharField(_("engine"), max_length=120)
    state = models.BinaryField(_("learned state"))
    examples = models.PositiveIntegerField(_("examples learned from"), default=0)
    corrections = models.PositiveIntegerField(_("corrections learned from"), default=0)
    accuracy_before = models.JSONField(_("accuracy before"), default=dict, blank=True)
    accuracy_after = models.JSONField(_("accuracy after"), default=dict, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("trained at"), auto_now_add=True)

    class Meta:
        verbose_name = _("triage model")
        verbose_name_plural = _("triage models")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.engine} · {self.created_at:%Y-%m-%d %H:%M}"


class TriageCorrection(models.Model):
    """An agent corrected a prediction; retraining learns from it."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="corrections"
    )
    field = models.CharField(_("field"), max_length=16)
    predicted = models.CharField(_("predicted"), max_length=120, blank=True)
    predicted_confidence = models.FloatField(_("predicted confidence"), default=0.0)
    corrected = models.CharField(_("corrected to"), max_length=120)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("corrected at"), auto_now_add=True)
    consumed_at = models.DateTimeField(_("used for learning at"), null=True, blank=True)

    class Meta:
        verbose_name = _("triage correction")
        verbose_name_plural = _("triage corrections")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"#{self.ticket_id} {self.field}: {self.predicted} → {self.corrected}"
