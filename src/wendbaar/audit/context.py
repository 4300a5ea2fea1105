"""Where the current request came from, so services can audit without being handed the request."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    token_id: int | None = None
    token_label: str = ""
    channel: str = "web"


_current: ContextVar[RequestContext | None] = ContextVar("wendbaar_audit_context", default=None)


def get() -> RequestContext:
    return _current.get() or RequestContext(channel="system")


def set_context(ctx: RequestContext):
    return _current.set(ctx)


def reset(token) -> None:
    _current.reset(token)


def update(**changes) -> None:
    """Refine the context of the running request (e.g. once an API token is known)."""
    from dataclasses import replace

    _current.set(replace(get(), **changes))
