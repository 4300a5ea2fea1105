"""Writing to the audit log. Every service that changes something that matters calls `audit_log`."""

from django.db import models

from wendbaar.audit import context
from wendbaar.audit.models import AuditEvent


def _label(obj) -> str:
    return str(obj)[:250]


def audit_log(
    *, actor, action: str, target: models.Model | None = None, data: dict | None = None
) -> AuditEvent:
    """Append one event; the client address and API token come from the current request, if any."""
    ctx = context.get()
    event = AuditEvent(
        actor_id=getattr(actor, "pk", None),
        actor_label=_label(actor) if actor is not None else "",
        token_id=ctx.token_id,
        token_label=ctx.token_label,
        ip=ctx.ip,
        channel=ctx.channel,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None and target.pk is not None else "",
        object_label=_label(target) if target is not None else "",
        data=data or {},
    )
    event.save()
    return event
