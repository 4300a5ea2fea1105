"""What the search index holds of a document: the passages of its current version's text."""

from wendbaar.ai.search import registry
from wendbaar.ai.search.chunking import ChunkIn, chunk_text
from wendbaar.knowledge.models import Document


@registry.register(Document)
def document_chunks(document: Document) -> list[ChunkIn]:
    version = document.current_version
    if version is None:
        return []
    return chunk_text(version.text, title=document.title, language=document.language)
