"""The search index: passages (chunks) of any record, their embeddings and who may see them."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Chunk(models.Model):
    """A passage of a record as the search index holds it; its words and meaning are searchable.

    A chunk's title and text never change in place: new content is a new row (a new id), so the
    vector matrix, which is keyed by chunk id, can never hold a stale vector for a live id.
    """

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(_("record id"), max_length=64)
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=250, blank=True)
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    locator = models.CharField(_("location in record"), max_length=120, blank=True)
    content_hash = models.CharField(
        _("content hash"),
        max_length=64,
        db_index=True,
        help_text=_("SHA-256 of the embedding model and the embedded text."),
    )
    embedding = models.BinaryField(_("embedding"), editable=False)
    # The embedding of the passage's first sentence (`chunking.lead_sentence`); empty for passages
    # indexed before it existed until `search_rebuild --records` fills it.
    lead_embedding = models.BinaryField(
        _("lead sentence embedding"), editable=False, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("search chunk")
        verbose_name_plural = _("search chunks")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "position"], name="unique_chunk_position"
            )
        ]

    def __str__(self):
        return f"{self.title or self.object_id} #{self.position}"


class ChunkPrincipal(models.Model):
    """One permission key ("user:7", "team:3", "role:2", "org") that may see a chunk.

    A row per key rather than a delimited column: the key lookup is an exact match on an index, so
    the search query can restrict itself to the asking person's keys without LIKE scans or partial
    matches ("team:1" inside "team:12").
    """

    chunk = models.ForeignKey(
        Chunk, verbose_name=_("chunk"), on_delete=models.CASCADE, related_name="principals"
    )
    key = models.CharField(_("permission key"), max_length=80)

    class Meta:
        verbose_name = _("chunk permission")
        verbose_name_plural = _("chunk permissions")
        constraints = [
            models.UniqueConstraint(fields=["chunk", "key"], name="unique_chunk_principal")
        ]
        # Key first: "which chunks may these keys see" is answered from this index alone.
        indexes = [models.Index(fields=["key", "chunk"], name="search_principal_key_idx")]

    def __str__(self):
        return self.key
