"""Registry of API token scopes. Each app registers the scopes its endpoints check."""

from django.utils.functional import Promise

_SCOPES: dict[str, str | Promise] = {}


def register(code: str, label: str | Promise) -> None:
    _SCOPES[code] = label


def all_scopes() -> dict[str, str | Promise]:
    return dict(sorted(_SCOPES.items()))


def is_known(code: str) -> bool:
    return code in _SCOPES
