"""Writing the logs: `audit_log` for every change that matters, `log_ai_call` for every AI call."""

from decimal import Decimal

from django.db import models, transaction

from wendbaar.audit import context
from wendbaar.audit.models import AiCall, AiCallOutcome, AuditEvent


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


@transaction.atomic
def log_ai_call(
    *,
    actor,
    capability: str,
    operation: str,
    provider: str,
    outcome: str,
    model_name: str = "",
    prompt_version: str = "",
    purpose: str = "",
    input_chars: int = 0,
    masked_counts: dict | None = None,
    source_ids: list[str] | None = None,
    tokens_in: int = 0,
    tokens_out: int = 0,
    cost: Decimal | float = 0,
    duration_ms: int = 0,
    error: str = "",
) -> AiCall:
    """Append one AI call to the log: who asked, for what, where it ran, what was masked and cost."""
    if outcome not in AiCallOutcome.values:
        raise ValueError(f"Unknown AI call outcome {outcome!r}")
    call = AiCall(
        actor_id=getattr(actor, "pk", None),
        actor_label=_label(actor) if actor is not None else "",
        channel=context.get().channel,
        capability=capability[:64],
        operation=operation[:16],
        purpose=purpose[:200],
        provider=provider[:32],
        model_name=model_name[:200],
        prompt_version=prompt_version[:64],
        input_chars=max(0, int(input_chars)),
        masked_counts={str(k): int(v) for k, v in (masked_counts or {}).items() if v},
        source_ids=[str(s)[:200] for s in (source_ids or [])][:1000],
        tokens_in=max(0, int(tokens_in)),
        tokens_out=max(0, int(tokens_out)),
        cost=Decimal(str(cost)).quantize(Decimal("0.000001")),
        duration_ms=max(0, int(duration_ms)),
        outcome=outcome,
        error=error[:2000],
    )
    call.save()
    return call
