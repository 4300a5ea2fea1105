"""Drafts over the API: the inbox, one draft, proposing (for integrations) and reviewing."""

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from wendbaar.accounts.auth import api_auth
from wendbaar.accounts.models import Team, User
from wendbaar.copilot import selectors, services
from wendbaar.copilot.schemas import DraftIn, DraftListOut, DraftOut, ReviewIn, ReviewOut

router = Router(tags=["drafts"], auth=api_auth("drafts:read", "drafts:write"))


class InboxFilter(Schema):
    capability: str = ""
    q: str = ""


@router.get("/inbox", response=list[DraftListOut])
@paginate(LimitOffsetPagination)
def inbox(request, filters: Query[InboxFilter]):
    """Drafts waiting for the caller's review ('Mijn drafts')."""
    return selectors.draft_inbox(user=request.user, capability=filters.capability, query=filters.q)


@router.get("/", response=list[DraftListOut])
@paginate(LimitOffsetPagination)
def draft_list(request, status: str = "", capability: str = ""):
    """Every draft the caller may see."""
    return selectors.draft_list(user=request.user, status=status, capability=capability)


@router.get("/{int:draft_id}", response=DraftOut)
def draft_detail(request, draft_id: int):
    return selectors.draft_get(user=request.user, pk=draft_id)


@router.post("/", response={201: DraftOut})
def draft_create(request, payload: DraftIn):
    """Propose a draft made by an outside tool; it waits for review like any other."""
    team = get_object_or_404(Team, pk=payload.team_id) if payload.team_id is not None else None
    assignee = (
        get_object_or_404(User, pk=payload.assignee_id, is_active=True)
        if payload.assignee_id
        else None
    )
    data = payload.dict(exclude={"team_id", "assignee_id"})
    draft = services.draft_propose(actor=request.user, team=team, assignee=assignee, **data)
    return Status(201, draft)


@router.post("/{int:draft_id}/review", response={201: ReviewOut})
def draft_review(request, draft_id: int, payload: ReviewIn):
    """Accept, edit or reject a draft."""
    draft = selectors.draft_get(user=request.user, pk=draft_id)
    review = services.draft_review(actor=request.user, draft=draft, **payload.dict())
    return Status(201, review)
