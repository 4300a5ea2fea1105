"""Benchmark of meetings: time to minutes for a one-hour Dutch meeting (about 9,000 words) on the
embedded engine, and the memory it takes.

`run()` measures in a child process with a throwaway SQLite database (see `wendbaar.bench.child`).
The transcript is generated here: six people of an installation company in a hybrid meeting
(planning, a customer complaint, hiring, the budget, IT), turns built from varied Dutch meeting
sentences with proposals, agreements, withdrawn ideas, actions with owners and relative due
dates, open questions and chatter, timestamped over an hour. Figures:

- engine: `minutes.make_minutes` alone, p50/p95 over RUNS runs after one warm-up run (the
  embedding model loaded), and the first (cold) run including loading the model;
- service: `services.minutes_propose` for the stored meeting (reading the lines, the engine, the
  AI-call log and the copilot draft with its sources), p50/p95 over RUNS runs;
- memory: the peak resident set size of the process (model included) and the peak of Python
  allocations during one engine run (tracemalloc, in a separate run so that it does not slow the
  timed ones).
"""

import json
import os
import random
import statistics
import time

from wendbaar.bench.child import run_in_child

RUNS = int(os.environ.get("MEETINGS_BENCH_RUNS", "5"))
TARGET_WORDS = 9_000
SECONDS = 3_600
SEED = 20261206


def run() -> dict:
    return run_in_child("wendbaar.meetings.bench")


# -- the transcript --------------------------------------------------------------------------------

PEOPLE = [
    "Anouk de Vries",
    "Bram Jansen",
    "Fatima El Amrani",
    "Jeroen Bakker",
    "Sanne Visser",
    "Youssef Benali",
]
TOPICS = {
    "planning": (
        ["de planning van de monteurs", "het rooster voor december", "de storingsdienst"],
        ["de nieuwe planningstool", "de weekplanning", "de inzet van de invalkrachten"],
    ),
    "klacht": (
        ["de klacht van de school in Zwolle", "de lekkage bij de klant in Deventer"],
        ["de warmtepomp die te veel lawaai maakt", "de vertraagde oplevering"],
    ),
    "werving": (
        ["de vacature voor een servicemonteur", "de stageplekken", "de onboarding"],
        ["het introductieprogramma", "de sollicitatiegesprekken"],
    ),
    "budget": (
        ["het budget voor volgend jaar", "de kosten van de bedrijfsbussen"],
        ["de offerte voor de nieuwe bussen", "de investering in gereedschap"],
    ),
    "it": (
        ["de overstap naar het nieuwe ticketsysteem", "de laptops van de binnendienst"],
        ["de koppeling met de boekhouding", "de wachtwoordmanager"],
    ),
}
DUES = [
    "voor vrijdag",
    "volgende week",
    "voor het eind van de maand",
    "morgen",
    "voor dinsdag",
    "over twee weken",
]
CHATTER = [
    "Ja.",
    "Oké, helder.",
    "Goed punt.",
    "Precies.",
    "Mm-hm, ja.",
    "Even kijken.",
    "Sorry, je viel even weg.",
    "Kun je je scherm delen?",
    "Ik hoor je weer.",
    "Dat klopt.",
]
DISCUSS = [
    "Als ik kijk naar {a}, dan zie ik dat we vorige maand al achterliepen.",
    "Bij {a} merken we dat de klanten steeds vaker bellen over de voortgang.",
    "Volgens mij hangt {a} samen met {b}, dus we moeten ze samen bekijken.",
    "Het lastige aan {a} is dat niemand er echt eigenaar van is.",
    "Ik heb met de binnendienst gesproken over {a} en zij zien vooral problemen met {b}.",
    "We hebben {a} in het vorige overleg ook al besproken, maar er is weinig veranderd.",
    "De cijfers over {a} laten zien dat het vooral op maandag en vrijdag misgaat.",
    "Wat mij opvalt bij {a} is dat de monteurs er veel tijd aan kwijt zijn.",
    "Ik denk dat {b} een deel van de oplossing is voor {a}.",
    "Voor {a} hebben we eigenlijk twee opties, en {b} is daar één van.",
]
PROPOSE = [
    "Mijn voorstel is dat we {b} vanaf volgende maand invoeren.",
    "Zullen we afspreken dat {b} voortaan bij het team van {p} ligt?",
    "Laten we {b} eerst een maand proberen in regio Oost.",
    "Ik stel voor om {b} te koppelen aan {a}.",
]
AGREE = [
    "Akkoord, dan doen we dat zo.",
    "Prima, daar kan ik mee leven.",
    "Ja, eens. Dan is dat besloten.",
    "Goed, dan spreken we dat af.",
]
DECIDE = [
    "We besluiten dat {b} per januari ingaat.",
    "Dan is het besluit dat we {a} voorlopig niet uitbreiden.",
    "We hebben afgesproken dat {b} vanaf nu centraal wordt geregeld.",
]
ACTION = [
    "Ik zorg dat {b} {due} klaar is.",
    "Ik stuur {due} een overzicht van {a} naar iedereen.",
    "{p}, kun jij {due} {b} uitzoeken?",
    "Ik neem contact op met de leverancier over {b}, {due}.",
    "Dan pak ik {a} op en kom ik er {due} op terug.",
]
WITHDRAW = [
    "Ik zou {b} kunnen regelen.",
    "Nee, laat maar, dat hoeft toch niet meer, dat loopt al via de binnendienst.",
]
QUESTION = [
    "Weten we eigenlijk al wat {b} gaat kosten?",
    "Is er iemand die weet hoe het zit met {a}?",
    "Moeten we de klant informeren over {b}, of wachten we daarmee?",
]


def transcript(seed: int = SEED) -> list[tuple[str, str, float]]:
    """About TARGET_WORDS words of a one-hour meeting as (speaker, text, start seconds)."""
    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not security
    turns: list[tuple[str, str]] = [
        (PEOPLE[0], "Goedemorgen allemaal, fijn dat jullie er zijn, ook de mensen online."),
        (PEOPLE[0], "We hebben vijf punten: planning, de klacht, werving, budget en IT."),
    ]

    def fill(template: str, topic: str, speaker: str) -> str:
        first, second = TOPICS[topic]
        other = rng.choice([p for p in PEOPLE if p != speaker]).split()[0]
        return template.format(
            a=rng.choice(first), b=rng.choice(second), p=other, due=rng.choice(DUES)
        )

    words = sum(len(t.split()) for _, t in turns)
    topics = list(TOPICS)
    while words < TARGET_WORDS:
        topic = topics[min(len(topics) - 1, int(words / TARGET_WORDS * len(topics)))]
        speaker = rng.choice(PEOPLE)
        roll = rng.random()
        if roll < 0.12:
            text = rng.choice(CHATTER)
        elif roll < 0.55:
            text = " ".join(
                fill(rng.choice(DISCUSS), topic, speaker) for _ in range(rng.randint(1, 3))
            )
        elif roll < 0.66:
            turns.append((speaker, fill(rng.choice(PROPOSE), topic, speaker)))
            speaker = rng.choice([p for p in PEOPLE if p != speaker])
            text = rng.choice(AGREE)
        elif roll < 0.72:
            text = fill(rng.choice(DECIDE), topic, speaker)
        elif roll < 0.84:
            text = fill(rng.choice(ACTION), topic, speaker)
        elif roll < 0.88:
            turns.append((speaker, fill(WITHDRAW[0], topic, speaker)))
            text = WITHDRAW[1]
        else:
            text = fill(rng.choice(QUESTION), topic, speaker)
        turns.append((speaker, text))
        words = sum(len(t.split()) for _, t in turns)
    turns.append((PEOPLE[0], "Dank jullie wel, dan sluit ik het overleg af. Tot volgende week."))
    step = SECONDS / len(turns)
    return [(speaker, text, round(n * step, 1)) for n, (speaker, text) in enumerate(turns)]


def as_text(turns) -> str:
    """The transcript as a '[hh:mm:ss] Naam: tekst' file, as the importer reads it."""

    def stamp(seconds: float) -> str:
        s = int(seconds)
        return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"

    return "\n".join(f"[{stamp(start)}] {speaker}: {text}" for speaker, text, start in turns)


# -- the child process -----------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _main() -> dict:
    import resource
    import tracemalloc
    from datetime import date

    import django

    django.setup()
    from django.core.management import call_command

    from wendbaar.accounts.models import User
    from wendbaar.meetings import minutes, services

    call_command("migrate", verbosity=0)
    turns = transcript()
    words = sum(len(text.split()) for _, text, _ in turns)
    kwargs = {"title": "Teamoverleg", "meeting_date": date(2026, 12, 7), "language": "nl"}

    started = time.perf_counter()
    result = minutes.make_minutes(turns, participants=PEOPLE, **kwargs)
    cold = time.perf_counter() - started
    engine = []
    for _ in range(RUNS):
        started = time.perf_counter()
        minutes.make_minutes(turns, participants=PEOPLE, **kwargs)
        engine.append(time.perf_counter() - started)

    tracemalloc.start()
    minutes.make_minutes(turns, participants=PEOPLE, **kwargs)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    owner = User.objects.create_user("notulist@example.nl", full_name=PEOPLE[0])
    people = [owner] + [
        User.objects.create_user(f"collega{n}@example.nl", full_name=name)
        for n, name in enumerate(PEOPLE[1:])
    ]
    meeting = services.meeting_create(
        actor=owner,
        title="Teamoverleg",
        meeting_date=date(2026, 12, 7),
        filename="teamoverleg.txt",
        data=as_text(turns).encode(),
        participants=people,
    )
    service = []
    for _ in range(RUNS):
        started = time.perf_counter()
        services.minutes_propose(actor=owner, meeting=meeting)
        service.append(time.perf_counter() - started)

    return {
        "transcript_words": words,
        "transcript_turns": len(turns),
        "runs": RUNS,
        "engine_p50_s": round(statistics.median(engine), 3),
        "engine_p95_s": round(_percentile(engine, 0.95), 3),
        "engine_cold_s": round(cold, 3),
        "service_p50_s": round(statistics.median(service), 3),
        "service_p95_s": round(_percentile(service, 0.95), 3),
        "target_s": 3.0,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "engine_traced_peak_mb": round(traced_peak / 1024 / 1024, 1),
        "decisions": len(result.decisions),
        "action_items": len(result.action_items),
        "cores": os.cpu_count(),
    }


if __name__ == "__main__":
    print(json.dumps(_main()))
