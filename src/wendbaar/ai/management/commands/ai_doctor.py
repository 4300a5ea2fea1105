"""`wendbaar ai doctor`: which AI providers work here, with which models, and how fast."""

import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand
from django.db import DatabaseError

from wendbaar.ai import embeddings
from wendbaar.ai.choices import Operation, Provider
from wendbaar.ai.embeddings import DIMENSIONS, embed_texts
from wendbaar.ai.models import EngineChoice
from wendbaar.ai.providers import audio, openai
from wendbaar.ai.selectors import engine_choice_resolve

SAMPLE = [
    "De monteur komt volgende week dinsdag langs om de ketel te vervangen.",
    "Can you send the quote for the maintenance contract before Friday?",
    "Het overleg over de planning van de kantoordagen is verplaatst naar donderdag.",
    "The customer asked whether the invoice can be split over two months.",
] * 8


class Command(BaseCommand):
    help = (
        "Check the AI engine: the built-in provider, the OpenAI-compatible server (if configured), "
        "audio transcription and which provider each capability uses. Always exits 0; missing "
        "optional parts are reported, not fatal."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout",
            type=float,
            default=20.0,
            help="Seconds to wait for the model server's test answer (default 20).",
        )

    def handle(self, *args, **options):
        self._section("Built-in engine (embedded)")
        self._embedded()
        self._section("OpenAI-compatible server")
        self._openai(options["timeout"])
        self._section("Audio transcription")
        available, reason = audio.status()
        self._line(available, reason)
        self._section("Privacy masking for external providers")
        self._masking()
        self._section("Providers per capability")
        self._choices()

    def _section(self, title):
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(title))

    def _line(self, ok: bool | None, text: str):
        mark = {True: self.style.SUCCESS("ok  "), False: self.style.WARNING("--  ")}.get(ok, "    ")
        self.stdout.write(f"  {mark}{text}")

    def _embedded(self):
        try:
            embed_texts(SAMPLE[:1])
            started = time.perf_counter()
            embed_texts(SAMPLE)
            seconds = time.perf_counter() - started
            name, dimensions = embeddings.model_name(), embeddings.model_dimensions()
        except ImproperlyConfigured as exc:
            self._line(False, f"embeddings do not work: {exc}")
            return
        except Exception as exc:
            self._line(False, f"embeddings do not work: {exc!r}")
            return
        rate = len(SAMPLE) / seconds if seconds else float("inf")
        source = embeddings.model_dir() or "built in"
        self._line(
            True,
            f"embeddings: {name} ({source}), {dimensions} of {DIMENSIONS} dimensions, "
            f"{settings.AI_EMBEDDED_THREADS} thread(s), {rate:.0f} texts/s "
            f"(batch of {len(SAMPLE)})",
        )
        self._index_model()
        self._line(True, "generation: extractive (sentences from the sources, never invented)")

    def _index_model(self):
        """Warn when the newest indexed passage was embedded by another model than the one in use."""
        from wendbaar.ai.search.models import Chunk
        from wendbaar.ai.search.services import content_hash

        try:
            chunk = Chunk.objects.order_by("-pk").only("title", "text", "content_hash").first()
        except DatabaseError:
            return  # the search tables are not there yet; `migrate` is reported elsewhere
        if chunk is not None and chunk.content_hash != content_hash(
            title=chunk.title, text=chunk.text
        ):
            self._line(
                False,
                "search index: passages were embedded by another model; run "
                "`wendbaar search_rebuild --records` to embed them with this one",
            )
        without_lead = Chunk.objects.filter(lead_embedding__isnull=True).count()
        if without_lead:
            self._line(
                False,
                f"search index: {without_lead} passage(s) indexed before lead sentences were kept; "
                "run `wendbaar search_rebuild --records` so knowledge ranking can use them",
            )

    def _openai(self, timeout: float):
        if not openai.is_configured():
            self._line(
                None,
                "not configured (set AI_OPENAI_BASE_URL, AI_OPENAI_MODEL and optionally "
                "AI_OPENAI_EMBEDDING_MODEL and AI_OPENAI_API_KEY)",
            )
            return
        self._line(None, f"server: {settings.AI_OPENAI_BASE_URL}")
        self._line(None, f"chat model: {settings.AI_OPENAI_MODEL or '(not set)'}")
        self._line(None, f"embedding model: {settings.AI_OPENAI_EMBEDDING_MODEL or '(not set)'}")
        self._line(
            None,
            f"timeout {settings.AI_OPENAI_TIMEOUT} s, {settings.AI_OPENAI_MAX_RETRIES} retries, "
            f"price per million tokens {settings.AI_OPENAI_PRICE_INPUT} in / "
            f"{settings.AI_OPENAI_PRICE_OUTPUT} out",
        )
        # A fixed test sentence, so no personal data is sent and nothing needs masking.
        client = openai.Client(timeout=min(timeout, settings.AI_OPENAI_TIMEOUT), max_retries=0)
        if settings.AI_OPENAI_MODEL:
            started = time.perf_counter()
            try:
                reply = client.chat(
                    model=settings.AI_OPENAI_MODEL,
                    messages=[{"role": "user", "content": 'Reply with the JSON {"ok": true}.'}],
                )
            except openai.ProviderError as exc:
                self._line(False, f"chat: {exc.kind}: {exc.detail}")
            else:
                self._line(
                    True,
                    f"chat: answered in {time.perf_counter() - started:.2f} s "
                    f"({reply.tokens_in} tokens in, {reply.tokens_out} out, model {reply.model})",
                )
        if settings.AI_OPENAI_EMBEDDING_MODEL:
            started = time.perf_counter()
            try:
                vectors, _tokens = client.embeddings(
                    model=settings.AI_OPENAI_EMBEDDING_MODEL, texts=SAMPLE[:4]
                )
            except openai.ProviderError as exc:
                self._line(False, f"embeddings: {exc.kind}: {exc.detail}")
            else:
                seconds = time.perf_counter() - started
                self._line(
                    True,
                    f"embeddings: {vectors.shape[1]} dimensions, {4 / seconds:.0f} texts/s",
                )

    def _masking(self):
        try:
            from wendbaar.privacy import services as privacy

            privacy.prepare_for_provider  # noqa: B018 - only checks that it exists
        except (ImportError, AttributeError):
            self._line(False, "not available: nothing will be sent to an external provider")
            return
        self._line(True, "personal data is masked before text leaves this machine")

    def _choices(self):
        self._line(None, f"default provider: {settings.AI_DEFAULT_PROVIDER}")
        try:
            rows = list(EngineChoice.objects.all())
        except DatabaseError:
            self._line(False, "engine choices cannot be read (run `wendbaar migrate`)")
            return
        if not rows:
            self._line(None, "no capability has its own choice (change this in the admin site)")
        for row in rows:
            provider, model = engine_choice_resolve(
                capability=row.capability, operation=row.operation
            )
            unusable = provider == Provider.OPENAI and not openai.is_configured()
            consequence = (
                "embeddings will fail" if row.operation == Operation.EMBED else "drafts fall back"
            )
            self._line(
                not unusable,
                f"{row.capability} ({row.operation}): {provider}"
                + (f", model {model}" if model else "")
                + (f" (server not configured: {consequence})" if unusable else ""),
            )
