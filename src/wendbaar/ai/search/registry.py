"""Which records are searchable, and how: a capability registers a chunk function per model.

    from wendbaar.ai.search import registry

    @registry.register(Document)
    def document_chunks(document) -> list[ChunkIn]:
        return chunk_text(document.body, title=document.title, language=document.language)

Register in the capability's `AppConfig.ready()`. A model that is not `Restricted` must also pass
`principals=` (record → permission keys), e.g. the keys of the parent record it belongs to.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model

from wendbaar.ai.search.chunking import ChunkIn

ChunkFunction = Callable[[Model], list[ChunkIn]]
PrincipalsFunction = Callable[[Model], list[str]]


@dataclass(frozen=True)
class Registration:
    model: type[Model]
    chunks: ChunkFunction
    principals: PrincipalsFunction | None = None


_registry: dict[str, Registration] = {}


def _label(model: type[Model]) -> str:
    return model._meta.concrete_model._meta.label_lower


def register(
    model: type[Model],
    chunks: ChunkFunction | None = None,
    *,
    principals: PrincipalsFunction | None = None,
):
    """Make records of `model` indexable with `chunks` (usable as a decorator)."""

    def decorator(function: ChunkFunction) -> ChunkFunction:
        _registry[_label(model)] = Registration(
            model=model._meta.concrete_model, chunks=function, principals=principals
        )
        return function

    return decorator(chunks) if chunks is not None else decorator


def unregister(model: type[Model]) -> None:
    _registry.pop(_label(model), None)


def registration_for(model: type[Model]) -> Registration | None:
    return _registry.get(_label(model))


def registrations() -> list[Registration]:
    return list(_registry.values())
