"""Service settings from the environment (a Django setting of the same name wins, for tests)."""

import os

from django.conf import settings


def setting(name: str, default: str = "") -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value) if value is not None else default


def customer_tags() -> list[str]:
    """Knowledge documents with one of these tags may be quoted to customers."""
    raw = setting("SERVICE_CUSTOMER_TAGS", "klant,customer")
    return [t.strip() for t in raw.split(",") if t.strip()]


def from_address() -> str:
    return setting("SERVICE_FROM_EMAIL") or settings.DEFAULT_FROM_EMAIL


def own_addresses() -> set[str]:
    """Addresses of this installation: mail from them is a loop and is never taken in."""
    from email.utils import getaddresses

    raw = [from_address(), settings.DEFAULT_FROM_EMAIL, setting("SERVICE_OWN_ADDRESSES")]
    return {addr.lower() for _name, addr in getaddresses(raw) if addr}
