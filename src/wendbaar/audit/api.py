from datetime import date, datetime

from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from wendbaar.accounts.auth import api_auth
from wendbaar.audit import selectors

router = Router(tags=["audit"], auth=api_auth("audit:read"))


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor_id: int | None
    actor_label: str
    token_label: str
    ip: str | None
    channel: str
    action: str
    object_type: str
    object_id: str
    object_label: str
    data: dict


class AuditFilter(Schema):
    action: str = ""
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    since: date | None = None
    until: date | None = None


@router.get("/events", response=list[AuditEventOut])
@paginate(LimitOffsetPagination)
def event_list(request, filters: Query[AuditFilter]):
    """The audit log, newest first (administrators only)."""
    return selectors.audit_event_list(user=request.user, **filters.dict())
