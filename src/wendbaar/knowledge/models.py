"""Documents with versions, the questions asked of them, and what reviewers taught the ranking."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wendbaar.accounts.models import Restricted


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Document(Restricted):
    """A document of the organisation; what is searched is the text of its current version."""

    title = models.CharField(_("title"), max_length=250)
    source_path = models.CharField(
        _("source path"),
        max_length=500,
        blank=True,
        db_index=True,
        help_text=_(
            "Where an imported file came from; a re-import of the same path adds a version."
        ),
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="documents")
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    current_version = models.ForeignKey(
        "DocumentVersion",
        verbose_name=_("current version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    retrieval_count = models.PositiveIntegerField(
        _("times retrieved"),
        default=0,
        help_text=_("How often a passage of this document was shown in a search or cited."),
    )
    last_retrieved_at = models.DateTimeField(_("last retrieved"), null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title


def version_upload_to(instance, filename: str) -> str:
    return f"knowledge/{instance.document_id}/{instance.sha256[:16]}/{filename}"


class DocumentVersion(models.Model):
    """One uploaded file of a document and the text read from it; versions are never changed."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=version_upload_to, max_length=400)
    filename = models.CharField(_("file name"), max_length=255)
    media_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    text = models.TextField(_("text"))
    pages = models.PositiveIntegerField(_("pages"), default=0)
    note = models.CharField(
        _("note"), max_length=500, blank=True, help_text=_("What reading the file noticed.")
    )
    personal_data = models.JSONField(
        _("personal data found"),
        null=True,
        blank=True,
        help_text=_("Count per kind of personal data in the text; empty until checked."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_document_version")
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"


class Question(models.Model):
    """A question someone asked the knowledge base, and whether it found an answer."""

    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    text = models.CharField(_("question"), max_length=1000)
    language = models.CharField(_("language"), max_length=8, blank=True)
    found = models.BooleanField(_("answer found"), default=False)
    draft = models.ForeignKey(
        "copilot.Draft",
        verbose_name=_("answer draft"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    milliseconds = models.PositiveIntegerField(_("time taken (ms)"), default=0)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.text[:80]


class PassageFeedback(models.Model):
    """How reviewers judged answers that cited a passage; ranking boosts passages that helped.

    Keyed by the passage's text hash, not the search chunk id: a re-index keeps what was learned
    as long as the passage reads the same.
    """

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="feedback"
    )
    passage_hash = models.CharField(_("passage hash"), max_length=64)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("passage feedback")
        verbose_name_plural = _("passage feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "passage_hash"], name="unique_passage_feedback"
            )
        ]

    def __str__(self):
        return f"{self.document_id}:{self.passage_hash[:8]} +{self.accepted}/-{self.rejected}"
