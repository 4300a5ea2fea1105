"""Knowledge over the API: documents (list, read, upload, change, remove), search and ask.

Every endpoint answers from what the caller may see, exactly as the web app does.
"""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from wendbaar.accounts.auth import api_auth
from wendbaar.accounts.choices import Visibility
from wendbaar.accounts.models import Team
from wendbaar.common.errors import BusinessRuleError
from wendbaar.knowledge import parsing, selectors, services

router = Router(tags=["knowledge"], auth=api_auth("knowledge:read", "knowledge:write"))


class DocumentOut(Schema):
    id: int
    title: str
    visibility: str
    team_id: int | None
    owner_id: int | None
    tags: list[str]
    valid_until: date | None
    language: str
    version: int | None
    filename: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_tags(obj):
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_version(obj):
        return obj.current_version.number if obj.current_version else None

    @staticmethod
    def resolve_filename(obj):
        return obj.current_version.filename if obj.current_version else ""


class DocumentIn(Schema):
    title: str | None = None
    visibility: Visibility | None = None
    team_id: int | None = None
    tags: list[str] | None = None
    valid_until: date | None = None


class ImportOut(Schema):
    status: str
    document: DocumentOut
    version: int
    note: str


class PassageOut(Schema):
    ref: str
    document_id: int
    document_title: str
    position: int
    text: str
    score: float
    highlights: list[tuple[int, int]]


class SearchHitOut(Schema):
    document: DocumentOut
    score: float
    passages: list[PassageOut]


class AskIn(Schema):
    question: str


class CitationOut(Schema):
    n: int
    ref: str
    document_id: int
    position: int
    title: str
    quote: str


class SentenceOut(Schema):
    text: str
    citations: list[int]


class AnswerOut(Schema):
    found: bool
    text: str
    sentences: list[SentenceOut]
    citations: list[CitationOut]
    draft_id: int | None
    confidence: float | None


def _passage(p) -> dict:
    return {
        "ref": p.ref,
        "document_id": p.document.pk,
        "document_title": p.document.title,
        "position": p.position,
        "text": p.text,
        "score": p.score,
        "highlights": p.highlights,
    }


@router.get("/documents", response=list[DocumentOut])
@paginate(LimitOffsetPagination)
def document_list(request, q: str = "", tag: str = "", expired: bool = False):
    """Documents the caller may see."""
    return selectors.document_list(user=request.user, query=q, tag=tag, expired=expired)


@router.get("/documents/{int:document_id}", response=DocumentOut)
def document_detail(request, document_id: int):
    return selectors.document_get(user=request.user, pk=document_id)


@router.post("/documents", response={201: ImportOut, 200: ImportOut})
def document_upload(
    request,
    file: File[UploadedFile],
    visibility: Form[Visibility] = Visibility.TEAM,
    team_id: Form[int | None] = None,
    title: Form[str] = "",
    tags: Form[str] = "",
    valid_until: Form[date | None] = None,
    document_id: Form[int | None] = None,
):
    """Upload a file as a new document, or as a new version of `document_id`."""
    parsing.check_size(file.name or "document", file.size)
    team = get_object_or_404(Team, pk=team_id) if team_id is not None else None
    document = selectors.document_get(user=request.user, pk=document_id) if document_id else None
    result = services.document_import(
        actor=request.user,
        filename=file.name or "document",
        data=file.read(),
        title=title,
        team=team,
        visibility=visibility,
        tags=[t for t in tags.split(",") if t.strip()],
        valid_until=valid_until,
        document=document,
    )
    code = 201 if result.status != services.ImportStatus.UNCHANGED else 200
    return Status(
        code,
        {
            "status": result.status,
            "document": result.document,
            "version": result.version.number,
            "note": result.message,
        },
    )


@router.patch("/documents/{int:document_id}", response=DocumentOut)
def document_update(request, document_id: int, payload: DocumentIn):
    document = selectors.document_get(user=request.user, pk=document_id)
    team = get_object_or_404(Team, pk=payload.team_id) if payload.team_id is not None else None
    return services.document_update(
        actor=request.user,
        document=document,
        title=payload.title,
        team=team,
        visibility=payload.visibility,
        tags=payload.tags,
        valid_until=payload.valid_until,
    )


@router.delete("/documents/{int:document_id}", response={204: None})
def document_delete(request, document_id: int):
    document = selectors.document_get(user=request.user, pk=document_id)
    services.document_delete(actor=request.user, document=document)
    return Status(204, None)


class SearchFilter(Schema):
    q: str
    k: int = 10
    tag: str = ""


@router.get("/search", response=list[SearchHitOut])
def search(request, filters: Query[SearchFilter]):
    """Documents for a query, best first, with their matching passages."""
    if not filters.q.strip():
        raise BusinessRuleError(_("Give a search query (q)."), code="empty_query", status_code=400)
    hits = selectors.document_search(
        user=request.user, query=filters.q, k=max(1, min(filters.k, 50)), tag=filters.tag
    )
    return [
        {"document": h.document, "score": h.score, "passages": [_passage(p) for p in h.passages]}
        for h in hits
    ]


# Asking reads: a token with the read scope may ask (the answer draft is the asker's own).
@router.post("/ask", response=AnswerOut, auth=api_auth("knowledge:read", "knowledge:read"))
def ask(request, payload: AskIn):
    """Answer a question from the caller's documents, with numbered citations (a draft)."""
    outcome = services.question_ask(actor=request.user, question=payload.question)
    return {
        "found": outcome.found,
        "text": outcome.text,
        "sentences": outcome.sentences,
        "citations": outcome.citations,
        "draft_id": outcome.draft.pk if outcome.draft else None,
        "confidence": outcome.draft.confidence if outcome.draft else None,
    }
