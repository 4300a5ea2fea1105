"""Benchmark of the knowledge base: import throughput (PDF, DOCX) and question-to-answer latency.

`run()` measures in a child process with a throwaway SQLite database, media and vector directory
(see `wendbaar.bench.child`); the embedded engine (no external AI service) and the real embedding
model are used throughout. Two lines are printed:

- import: PDF and DOCX files written here (a small hand-built PDF writer with Helvetica text
  streams, python-docx with a page break per page; about 330 words of Dutch business text per page)
  go through `parsing.parse` alone (parse-only pages/s) and through `services.document_import`
  (parse, store the file and version, chunk, embed, index, scan for personal data: full pages/s).
  Tasks run in-process ("immediate"), so the full figure includes indexing and embedding. The files
  are imported into the knowledge base of the second line (about 10k documents already in it).
- questions: p50/p95 of `services.question_ask` (ranking, the embedded answer engine, the draft
  with citations) and of `selectors.document_search`, for a person in 2 of 20 teams, over 10k
  documents (about 56k passages), after a warm-up; questions are template sentences over the
  corpus's topic words. Embedding 56k passages with the real model would take about 14 minutes
  (about 65 passages/s on 2 cores), so all but the imported documents are bulk-created: their text comes
  from the same generator and is chunked by the real chunker and word-indexed by the database, but
  their vectors are borrowed: the real embedding of a generated passage of the same topic, plus a
  little noise. The output says how many documents are which.

Set KNOWLEDGE_BENCH_PROFILE=<file> when running this module directly to write a cProfile of the
question measurements there (the latencies are then inflated by the profiler).
"""

import json
import os
import random
import time
import zlib

import numpy as np

from wendbaar.bench.child import run_in_child

DOCUMENTS = int(os.environ.get("KNOWLEDGE_BENCH_DOCUMENTS", "10000"))  # smaller for a smoke test
TEAMS = 20
IMPORT_FILES = 30  # per format
PAGES = (4, 8)  # pages per imported file, inclusive
WORDS_PER_PAGE = 330
POOL_PER_TOPIC = 40  # really embedded passages per topic, lent to the bulk-created passages
WARMUP = 15
QUESTIONS = 200


def run() -> list[dict]:
    """Measure in a child process; returns the import line and the question line."""
    result = run_in_child(
        "wendbaar.knowledge.bench", extra_env={"SEARCH_INDEX_DIR": "{folder}/index"}
    )
    return result["lines"]


# -- text: Dutch business documents by topic ------------------------------------------------------

# Each topic: title, the things it is about, who acts, (infinitive, participle) pairs, channels,
# units and the people to ask. Sentences combine them, so questions built from the same words have
# answers somewhere in the corpus.
_TOPICS = [
    (
        "Verlofregeling",
        ["verlofaanvraag", "vakantiedagen", "bijzonder verlof", "ouderschapsverlof", "snipperdag"],
        ["medewerker", "leidinggevende", "afdeling personeelszaken"],
        [("aanvragen", "aangevraagd"), ("goedkeuren", "goedgekeurd"), ("opnemen", "opgenomen")],
        ["in het roosterprogramma", "via het personeelsportaal", "bij de leidinggevende"],
        "dagen",
    ),
    (
        "Onkostenvergoeding",
        ["declaratie", "reiskosten", "kilometervergoeding", "parkeerkosten", "lunchbonnetje"],
        ["medewerker", "controller", "financiële administratie"],
        [("indienen", "ingediend"), ("uitbetalen", "uitbetaald"), ("controleren", "gecontroleerd")],
        ["in de declaratie-app", "met de bonnetjes erbij", "voor het einde van de maand"],
        "euro",
    ),
    (
        "Facturatie en bewaarplicht",
        ["factuur", "creditnota", "betalingstermijn", "herinnering", "administratie"],
        ["boekhouder", "klant", "debiteurenbeheer"],
        [("versturen", "verstuurd"), ("bewaren", "bewaard"), ("betalen", "betaald")],
        ["in het boekhoudpakket", "per e-mail als pdf", "in het digitale archief"],
        "jaar",
    ),
    (
        "Storingsprocedure cv-ketels",
        ["storing", "cv-ketel", "foutcode", "waterdruk", "noodreparatie"],
        ["monteur", "planner", "klantenservice"],
        [("melden", "gemeld"), ("verhelpen", "verholpen"), ("inplannen", "ingepland")],
        ["via het storingsnummer", "in de planningsapp", "bij de binnendienst"],
        "uur",
    ),
    (
        "Onderhoudscontracten",
        ["onderhoudscontract", "onderhoudsbeurt", "garantie", "servicebezoek", "contractprijs"],
        ["accountmanager", "monteur", "klant"],
        [("verlengen", "verlengd"), ("opzeggen", "opgezegd"), ("afsluiten", "afgesloten")],
        ["met een getekende offerte", "in het klantdossier", "schriftelijk per brief"],
        "maanden",
    ),
    (
        "Thuiswerkbeleid",
        ["thuiswerkdag", "thuiswerkvergoeding", "werkplek", "bureaustoel", "internetvergoeding"],
        ["medewerker", "teamleider", "facilitaire dienst"],
        [("afspreken", "afgesproken"), ("vergoeden", "vergoed"), ("aanschaffen", "aangeschaft")],
        ["in het teamrooster", "via de facilitaire dienst", "met toestemming van de teamleider"],
        "dagen",
    ),
    (
        "Informatiebeveiliging",
        ["wachtwoord", "datalek", "phishingmail", "laptop", "tweestapsverificatie"],
        ["medewerker", "security officer", "servicedesk"],
        [("melden", "gemeld"), ("wijzigen", "gewijzigd"), ("vergrendelen", "vergrendeld")],
        ["bij de servicedesk", "via het meldformulier", "binnen het beveiligde netwerk"],
        "uur",
    ),
    (
        "Inkoop en offertes",
        ["offerte", "inkooporder", "leverancier", "raamcontract", "budget"],
        ["inkoper", "projectleider", "directie"],
        [("aanvragen", "aangevraagd"), ("goedkeuren", "goedgekeurd"), ("bestellen", "besteld")],
        ["via het inkoopsysteem", "met drie offertes", "bij de afdeling inkoop"],
        "euro",
    ),
    (
        "Ziekmelding en verzuim",
        ["ziekmelding", "verzuim", "bedrijfsarts", "herstelmelding", "re-integratie"],
        ["medewerker", "leidinggevende", "arbodienst"],
        [
            ("doorgeven", "doorgegeven"),
            ("registreren", "geregistreerd"),
            ("bespreken", "besproken"),
        ],
        ["voor negen uur telefonisch", "in het verzuimsysteem", "in een gesprek"],
        "weken",
    ),
    (
        "Wagenpark en leaseauto",
        ["leaseauto", "tankpas", "schademelding", "bijtelling", "bedrijfsbus"],
        ["berijder", "wagenparkbeheerder", "leasemaatschappij"],
        [("reserveren", "gereserveerd"), ("melden", "gemeld"), ("inleveren", "ingeleverd")],
        ["via het wagenparkportaal", "bij de wagenparkbeheerder", "met het schadeformulier"],
        "kilometer",
    ),
    (
        "Klachtenafhandeling",
        ["klacht", "klachtformulier", "compensatie", "terugbelverzoek", "klanttevredenheid"],
        ["klantenservice", "teamleider", "klant"],
        [
            ("registreren", "geregistreerd"),
            ("afhandelen", "afgehandeld"),
            ("beantwoorden", "beantwoord"),
        ],
        ["in het klantsysteem", "binnen de afgesproken termijn", "per telefoon of e-mail"],
        "werkdagen",
    ),
    (
        "Veiligheid op de werkplaats",
        [
            "veiligheidsschoenen",
            "ladder",
            "persoonlijke beschermingsmiddelen",
            "incident",
            "VCA-certificaat",
        ],
        ["monteur", "preventiemedewerker", "werkvoorbereider"],
        [("dragen", "gedragen"), ("keuren", "gekeurd"), ("rapporteren", "gerapporteerd")],
        ["op elke werkplek", "in het incidentenregister", "tijdens de toolboxmeeting"],
        "maanden",
    ),
]
_GENERIC_NOUNS = (  # noqa: SIM905 - a word list reads best as words
    "planning overleg besluit actiepunt werkinstructie kwartaal jaarplan afdeling vestiging "
    "kantoor rapportage evaluatie proces formulier handtekening archief systeem"
).split()
_MONTHS = (  # noqa: SIM905 - a word list reads best as words
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()
_SYLLABLES = [
    a + b for a in "bdfghklmnprstvwz" for b in ("a", "e", "i", "o", "u", "aa", "ee", "oo")
]

_TEMPLATES = [
    "De {actor} moet de {noun} {channel} {inf}.",
    "Een {noun} wordt binnen {n} werkdagen door de {actor2} {part}.",
    "Voor {noun} geldt een maximum van {n} {unit} per jaar, tenzij de {actor2} anders beslist.",
    "Als de {noun} niet op tijd is {part}, neemt de {actor} contact op met de {actor2}.",
    "Let op: een {noun} die na {day} {month} wordt {part}, valt onder de regeling van volgend jaar.",
    "Vragen over de {noun} stelt u aan de {actor2}, bereikbaar op toestel {ext}.",
    "Sinds {month} {year} is afgesproken dat de {actor} de {noun} {channel} laat {inf}.",
    "Het budget voor {noun} bedraagt {amount} euro per {period} en wordt elk kwartaal bekeken.",
    "De {actor2} controleert of de {noun} volledig is voordat deze wordt {part}.",
    "Bij twijfel over {noun} raadpleegt de {actor} eerst de werkinstructie van de {actor2}.",
]
_GENERIC_TEMPLATES = [
    "Project {name} van klant {name2} loopt volgens de planning en wordt in {month} opgeleverd.",
    "In het overleg van {day} {month} is het {gnoun} over {name} vastgesteld.",
    "De vestiging {name} levert de {gnoun} voor het {gnoun2} uiterlijk in week {week} aan.",
    "Dit {gnoun} vervangt de versie van {month} {year}; wijzigingen zijn geel gemarkeerd.",
]
_QUESTION_TEMPLATES = [
    "Hoe moet ik de {noun} {channel} {inf}?",
    "Binnen hoeveel werkdagen wordt een {noun} {part}?",
    "Wat is het maximum aantal {unit} voor {noun} per jaar?",
    "Wie neemt contact op als de {noun} niet op tijd is {part}?",
    "Bij wie kan ik terecht met vragen over de {noun}?",
    "Hoeveel bedraagt het budget voor {noun}?",
    "Wat gebeurt er met een {noun} die na {month} wordt {part}?",
    "Wie controleert of de {noun} volledig is?",
]


class _Writer:
    """Sentence-like Dutch text about one of the topics; reproducible from its seed."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)  # noqa: S311 - reproducible test text, not a secret
        self.names = sorted(
            {
                "".join(self.rng.choice(_SYLLABLES) for _ in range(self.rng.randint(2, 3))).title()
                for _ in range(4000)
            }
        )
        self.rng.shuffle(self.names)

    def _name(self) -> str:
        # Zipf-like: a few names (clients, projects) are everywhere, most are rare.
        return self.names[min(int(self.rng.paretovariate(0.8)) - 1, len(self.names) - 1)]

    def slots(self, topic: int) -> dict:
        _title, nouns, actors, verbs, channels, unit = _TOPICS[topic]
        rng = self.rng
        inf, part = rng.choice(verbs)
        actor, actor2 = rng.sample(actors, 2)
        return {
            "noun": rng.choice(nouns),
            "actor": actor,
            "actor2": actor2,
            "inf": inf,
            "part": part,
            "channel": rng.choice(channels),
            "unit": unit,
            "n": rng.choice([2, 3, 5, 10, 14, 20, 25, 30]),
            "day": rng.randint(1, 28),
            "month": rng.choice(_MONTHS),
            "year": rng.randint(2019, 2026),
            "ext": rng.randint(200, 899),
            "amount": rng.choice([50, 75, 150, 250, 400, 1200, 2500]),
            "period": rng.choice(["maand", "kwartaal", "jaar", "medewerker"]),
            "name": self._name(),
            "name2": self._name(),
            "gnoun": rng.choice(_GENERIC_NOUNS),
            "gnoun2": rng.choice(_GENERIC_NOUNS),
            "week": rng.randint(1, 52),
        }

    def sentence(self, topic: int) -> str:
        rng = self.rng
        if rng.random() < 0.1:  # now and then another topic, as real documents wander
            topic = rng.randrange(len(_TOPICS))
        template = rng.choice(_GENERIC_TEMPLATES if rng.random() < 0.2 else _TEMPLATES)
        return template.format(**self.slots(topic))

    def paragraphs(self, topic: int, words: int) -> list[str]:
        """Paragraphs of 2 to 6 sentences, about `words` words in all."""
        out, count = [], 0
        while count < words:
            paragraph = " ".join(self.sentence(topic) for _ in range(self.rng.randint(2, 6)))
            out.append(paragraph)
            count += len(paragraph.split())
        return out

    def title(self, topic: int) -> str:
        return f"{_TOPICS[topic][0]} {self._name()} {self.rng.randint(2019, 2026)}"

    def question(self, topic: int) -> str:
        return self.rng.choice(_QUESTION_TEMPLATES).format(**self.slots(topic))


# -- files --------------------------------------------------------------------------------------


def _wrap(text: str, width: int = 95) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def _pdf_string(line: str) -> bytes:
    raw = line.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf_bytes(title: str, pages: list[list[str]]) -> bytes:
    """A PDF with one A4 page per list of paragraphs: Helvetica (WinAnsi), compressed streams."""
    objects: list[bytes] = []  # object n is objects[n - 1]

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in when the page tree's number is known
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    info = add(b"<< /Title " + _pdf_string(title) + b" /Producer (wendbaar bench) >>")
    kids = []
    for number, paragraphs in enumerate(pages, start=1):
        ops = []
        if number == 1:
            ops.append(b"BT /F1 16 Tf 56 790 Td " + _pdf_string(title) + b" Tj ET")
        ops.append(b"BT /F1 10 Tf 12 TL 56 %d Td" % (760 if number == 1 else 790))
        for paragraph in paragraphs:
            ops.extend(_pdf_string(line) + b" Tj T*" for line in _wrap(paragraph))
            ops.append(b"T*")
        ops.append(b"ET 0 g BT /F1 8 Tf 290 30 Td " + _pdf_string(f"{number}") + b" Tj ET")
        stream = zlib.compress(b"\n".join(ops))
        content = add(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream"
        )
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] " % tree
                + b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font, content)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        info,
        xref,
    )
    return bytes(out)


def docx_bytes(title: str, pages: list[list[str]]) -> bytes:
    """A DOCX with a title, a heading per page, the paragraphs and a page break between pages."""
    import io

    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(title, level=0)
    for number, paragraphs in enumerate(pages, start=1):
        document.add_heading(f"Deel {number}", level=1)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        if number < len(pages):
            document.add_page_break()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _files(writer: _Writer, kind: str, count: int) -> list[tuple[str, bytes, int, int]]:
    """(file name, bytes, pages, topic) for `count` generated files."""
    files = []
    for n in range(count):
        topic = n % len(_TOPICS)
        title = writer.title(topic)
        pages = [
            writer.paragraphs(topic, WORDS_PER_PAGE) for _ in range(writer.rng.randint(*PAGES))
        ]
        make = pdf_bytes if kind == "pdf" else docx_bytes
        name = f"{title.lower().replace(' ', '-')}-{n}.{kind}"
        files.append((name, make(title, pages), len(pages), topic))
    return files


# -- the child process --------------------------------------------------------------------------


def _percentiles(samples: list[float]) -> dict:
    values = np.asarray(samples) * 1000
    return {
        "p50_ms": round(float(np.percentile(values, 50)), 1),
        "p95_ms": round(float(np.percentile(values, 95)), 1),
        "max_ms": round(float(values.max()), 1),
    }


class _Timer:
    """Adds up the time spent in a module function while installed (for the import breakdown)."""

    def __init__(self, module, name: str):
        self.module, self.name, self.seconds, self.calls = module, name, 0.0, 0
        self.original = getattr(module, name)

    def __enter__(self):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self.calls += 1

        setattr(self.module, self.name, timed)
        return self

    def __exit__(self, *exc):
        setattr(self.module, self.name, self.original)


def _measure_import(kind: str, files, *, actor, teams) -> dict:
    from wendbaar.accounts.choices import Visibility
    from wendbaar.ai import embeddings
    from wendbaar.knowledge import parsing, services
    from wendbaar.privacy import detection

    pages = sum(f[2] for f in files)
    megabytes = sum(len(f[1]) for f in files) / 1e6
    rounds = []  # parsing alone takes well under a second: the median of three rounds
    for _ in range(3):
        start = time.perf_counter()
        parsed = [parsing.parse(name, data) for name, data, _pages, _topic in files]
        rounds.append(time.perf_counter() - start)
    parse_seconds = sorted(rounds)[1]
    words = sum(len(p.text.split()) for p in parsed)
    with (
        _Timer(embeddings, "embed_texts") as embed,
        _Timer(detection, "detect") as detect,
    ):
        start = time.perf_counter()
        for n, (name, data, _pages, _topic) in enumerate(files):
            services.document_import(
                actor=actor,
                filename=name,
                data=data,
                team=teams[n % 2],
                visibility=Visibility.ORGANISATION if n % 3 == 0 else Visibility.TEAM,
            )
        seconds = time.perf_counter() - start
    from wendbaar.ai.search.models import Chunk
    from wendbaar.knowledge.models import Document

    chunks = Chunk.objects.filter(
        content_type__model="document",
        object_id__in=[
            str(pk)
            for pk in Document.objects.filter(
                current_version__filename__in=[f[0] for f in files]
            ).values_list("pk", flat=True)
        ],
    ).count()
    return {
        "documents": len(files),
        "pages": pages,
        "words": words,
        "megabytes": round(megabytes, 2),
        "parse_only_pages_per_s": round(pages / parse_seconds, 1),
        "full_import_pages_per_s": round(pages / seconds, 1),
        "full_import_s": round(seconds, 1),
        "passages_indexed": chunks,
        "of_which_embedding_s": round(embed.seconds, 1),
        "of_which_personal_data_scan_s": round(detect.seconds, 1),
    }


def _bulk_corpus(writer: _Writer, count: int, *, owners, teams, pool) -> dict:
    """`count` documents with one version each and their passages, written in bulk."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from wendbaar.accounts.choices import Visibility
    from wendbaar.ai.search.chunking import chunk_text
    from wendbaar.ai.search.models import Chunk, ChunkPrincipal
    from wendbaar.ai.search.services import content_hash
    from wendbaar.knowledge.models import Document, DocumentVersion

    content_type = ContentType.objects.get_for_model(Document)
    rng = np.random.default_rng(20260101)
    start = time.perf_counter()
    chunks_total = 0
    for begin in range(0, count, 1000):
        size = min(1000, count - begin)
        topics = [writer.rng.randrange(len(_TOPICS)) for _ in range(size)]
        texts = ["\n\n".join(writer.paragraphs(t, writer.rng.randint(120, 900))) for t in topics]
        documents = []
        for n in range(size):
            # 40% whole organisation, 50% one team, 10% private to its owner.
            draw = writer.rng.random()
            visibility = (
                Visibility.ORGANISATION
                if draw < 0.4
                else Visibility.TEAM
                if draw < 0.9
                else Visibility.PRIVATE
            )
            documents.append(
                Document(
                    title=writer.title(topics[n]),
                    owner=writer.rng.choice(owners),
                    team=writer.rng.choice(teams),
                    visibility=visibility,
                    language="nl",
                )
            )
        with transaction.atomic():
            documents = Document.objects.bulk_create(documents)
            versions = DocumentVersion.objects.bulk_create(
                [
                    DocumentVersion(
                        document=d,
                        number=1,
                        file=f"knowledge/bench/{d.pk}.txt",
                        filename=f"{d.pk}.txt",
                        media_type="text/plain",
                        size=len(text.encode()),
                        sha256=f"{d.pk:064x}",
                        text=text,
                        pages=0,
                        created_by=d.owner,
                    )
                    for d, text in zip(documents, texts, strict=True)
                ]
            )
            for d, v in zip(documents, versions, strict=True):
                d.current_version = v
            Document.objects.bulk_update(documents, ["current_version"])
            rows, keys = [], []
            for d, text, topic in zip(documents, texts, topics, strict=True):
                for position, chunk in enumerate(chunk_text(text, title=d.title, language="nl")):
                    vector = pool[topic][rng.integers(len(pool[topic]))] + rng.normal(
                        0, 0.02, 512
                    ).astype(np.float32)
                    vector /= np.linalg.norm(vector)
                    # The lead sentence's vector: near the passage's, as a real one would be.
                    lead = vector + rng.normal(0, 0.05, 512).astype(np.float32)
                    lead /= np.linalg.norm(lead)
                    rows.append(
                        Chunk(
                            content_type=content_type,
                            object_id=str(d.pk),
                            position=position,
                            title=chunk.title,
                            text=chunk.text,
                            language="nl",
                            locator=chunk.locator,
                            content_hash=content_hash(title=chunk.title, text=chunk.text),
                            embedding=vector.astype(np.float32).tobytes(),
                            lead_embedding=lead.astype(np.float32).tobytes(),
                        )
                    )
                    keys.append(d.principals())
            rows = Chunk.objects.bulk_create(rows, batch_size=500)
            ChunkPrincipal.objects.bulk_create(
                [
                    ChunkPrincipal(chunk=c, key=key)
                    for c, chunk_keys in zip(rows, keys, strict=True)
                    for key in chunk_keys
                ],
                batch_size=2000,
            )
            chunks_total += len(rows)
    return {"passages": chunks_total, "seconds": time.perf_counter() - start}


def _pool(writer: _Writer) -> list[np.ndarray]:
    """Per topic, the real embeddings of generated passages (about 200 words each)."""
    from wendbaar.ai import embeddings
    from wendbaar.ai.search.services import embedded_text

    pool = []
    for topic in range(len(_TOPICS)):
        texts = [
            embedded_text(title=writer.title(topic), text=" ".join(writer.paragraphs(topic, 190)))
            for _ in range(POOL_PER_TOPIC)
        ]
        pool.append(embeddings.embed_texts(texts))
    return pool


def _measure_questions(user, questions: list[str]) -> dict:
    from wendbaar.knowledge import selectors, services

    asks, found, citations = [], 0, 0
    for question in questions[:WARMUP]:
        services.question_ask(actor=user, question=question)
    for question in questions[WARMUP : WARMUP + QUESTIONS]:
        start = time.perf_counter()
        outcome = services.question_ask(actor=user, question=question)
        asks.append(time.perf_counter() - start)
        found += outcome.found
        citations += len(outcome.citations)
    searches, hits = [], 0
    rest = questions[WARMUP + QUESTIONS :]
    for question in rest[:WARMUP]:
        selectors.document_search(user=user, query=question)
    for question in rest[WARMUP : WARMUP + QUESTIONS]:
        start = time.perf_counter()
        hits += len(selectors.document_search(user=user, query=question))
        searches.append(time.perf_counter() - start)
    return {
        "question_ask": {
            **_percentiles(asks),
            "questions": len(asks),
            "answered_share": round(found / len(asks), 2),
            "mean_citations": round(citations / len(asks), 1),
        },
        "document_search": {
            **_percentiles(searches),
            "queries": len(searches),
            "mean_documents": round(hits / len(searches), 1),
        },
        "target_p95_ms": 1000,
        "question_ask_p95_within_target": bool(np.percentile(asks, 95) <= 1.0),
    }


def _main() -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from wendbaar.accounts.models import Membership, Team, User
    from wendbaar.accounts.selectors import visible_to
    from wendbaar.ai import embeddings
    from wendbaar.ai.search.backends import get_backend
    from wendbaar.ai.search.models import Chunk
    from wendbaar.knowledge.models import Document
    from wendbaar.privacy.engine import get_engine

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    teams = [Team.objects.create(name=f"Team {n}", slug=f"team-{n}") for n in range(1, TEAMS + 1)]
    user = User.objects.create_user("vrager@example.nl", full_name="Vrager")
    for team in teams[:2]:
        Membership.objects.create(user=user, team=team)
    importer = User.objects.create_user("importeur@example.nl", full_name="Importeur")
    for team in teams[:2]:
        Membership.objects.create(user=importer, team=team)
    owners = [importer] + [
        User.objects.create_user(f"collega{n}@example.nl", full_name=f"Collega {n}")
        for n in range(10)
    ]
    writer = _Writer(20260215)
    embeddings.embed_texts(["opwarmen"])  # the model loads once per process, outside the clock
    get_engine()  # so do the personal-data recognition tables

    pool_start = time.perf_counter()
    pool = _pool(writer)
    pool_seconds = time.perf_counter() - pool_start
    bulk = _bulk_corpus(
        writer, DOCUMENTS - 2 * IMPORT_FILES - 2, owners=owners, teams=teams, pool=pool
    )
    start = time.perf_counter()
    get_backend().rebuild()
    matrix_seconds = time.perf_counter() - start

    pdfs, docxs = _files(writer, "pdf", IMPORT_FILES + 1), _files(writer, "docx", IMPORT_FILES + 1)
    from wendbaar.knowledge import services

    load = os.getloadavg()[0]
    for name, data, _pages, _topic in (pdfs[0], docxs[0]):  # first import of each kind: warm-up
        services.document_import(actor=importer, filename=name, data=data, team=teams[0])
    imports = {
        "pdf": _measure_import("pdf", pdfs[1:], actor=importer, teams=teams),
        "docx": _measure_import("docx", docxs[1:], actor=importer, teams=teams),
    }
    total = Document.objects.count()
    import_line = {
        "part": "import",
        **imports,
        "page": f"about {WORDS_PER_PAGE} words of generated Dutch business text (PDF: Helvetica "
        "text streams written by the bench; DOCX: python-docx, a page break per page; DOCX "
        "has no page count of its own, so its pages are the generated ones)",
        "full_import": "services.document_import per file with in-process tasks: parse, store "
        "file and version, chunk, embed (real model), index (words + vector matrix), "
        "personal-data scan",
        "imported_into": f"a knowledge base of {total - 2 * IMPORT_FILES} documents",
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        "cores": os.cpu_count(),
        # Other work on the machine slows every figure; the 1-minute load when the import began.
        "load_average": round(load, 2),
    }

    questions = [
        writer.question(writer.rng.randrange(len(_TOPICS))) for _ in range(2 * (WARMUP + QUESTIONS))
    ]
    setup_seconds = time.perf_counter() - started
    load = os.getloadavg()[0]
    profile_path = os.environ.get("KNOWLEDGE_BENCH_PROFILE")
    if profile_path:
        import cProfile

        with cProfile.Profile() as profile:
            figures = _measure_questions(user, questions)
        profile.dump_stats(profile_path)
    else:
        figures = _measure_questions(user, questions)
    question_line = {
        "part": "questions",
        "documents": total,
        "documents_imported": 2 * IMPORT_FILES + 2,
        "documents_bulk_created": total - 2 * IMPORT_FILES - 2,
        "passages": Chunk.objects.count(),
        "documents_visible_to_asker": visible_to(Document.objects.all(), user).count(),
        "load_average": round(load, 2),  # 1-minute load when the questions began
        "engine": "embedded (extractive answers, no external service), SQLite FTS5 + exact "
        "cosine over the memory-mapped matrix",
        **figures,
        "synthetic": "bulk-created documents: generated text, chunked by the real chunker, "
        "word-indexed by the database; vectors borrowed from real embeddings of "
        f"{POOL_PER_TOPIC} generated passages per topic ({len(_TOPICS)} topics) plus noise; "
        "question embeddings are real",
        "questions_from": f"templates over the corpus's topic words, e.g. {questions[WARMUP]!r}",
        "setup_s": {
            "pool_embedding": round(pool_seconds, 1),
            "bulk_corpus": round(bulk["seconds"], 1),
            "matrix_rebuild": round(matrix_seconds, 1),
            "total_before_questions": round(setup_seconds, 1),
        },
    }
    return {"lines": [import_line, question_line]}


if __name__ == "__main__":
    print(json.dumps(_main()))
