"""Benchmark of ticket triage: the learning curve from corrections, and the latency of one ticket.

`run()` measures in a child process (see `wendbaar.bench.child`) on tickets generated here: Dutch
and English mails to an installation firm (storingen, lekkages, onderhoud, offertes, facturen,
klachten, planning), each built from a scenario with its usual priority, then varied with
openings, details, urgency or patience phrases, typos, emoji and 8 % label noise (agents disagree
too). The queues are the firm's own, described in a few words as an admin would.

Figures (one JSON line each):

- `learning_curve`: priority (and queue) macro-F1 on 400 held-out tickets after 0, 50, 200 and
  1,000 corrections, both right after the corrections (the nearest-neighbour memory only, what an
  agent sees at once) and after the background retrain (`Triage.fit`);
- `latency`: `Triage.predict` for one ticket, embedding included, p50/p95 over RUNS tickets with
  the model retrained on 1,000 tickets, and the size of its stored state.
"""

import json
import os
import random
import statistics
import time

from wendbaar.bench.child import run_in_child

RUNS = int(os.environ.get("TRIAGE_BENCH_RUNS", "200"))
SEED = 20261206
STEPS = (0, 50, 200, 1000)
TEST_SIZE = 400
LABEL_NOISE = 0.08

QUEUES = {
    "Storingen": "Storing, iets werkt niet of is kapot: ketel, warmtepomp, elektra. Breakdowns.",
    "Onderhoud": "Onderhoudsbeurt, jaarlijkse controle, service-abonnement. Maintenance visits.",
    "Offertes": "Offerteaanvraag, prijs, advies voor aankoop of installatie. Quotes and prices.",
    "Facturen": "Factuur, betaling, incasso, creditnota. Invoices and payments.",
    "Klachten": "Klacht over werk, monteur, schade of communicatie. Complaints.",
    "Planning": "Afspraak maken, verzetten of bevestigen. Appointments and scheduling.",
}
PRIORITIES = {
    "low": "Vraag zonder haast: informatie, offerte, planning ver vooruit. No rush.",
    "medium": "Gewone vraag die binnen een paar dagen moet: factuur, afspraak, klein gebrek.",
    "high": "Storing of defect, klant zit zonder iets: werkt niet, kapot, lekkage.",
    "urgent": "Spoed: gevaar of grote schade nu, water loopt, gaslucht, geen verwarming in de winter.",
}

# (queue, type, usual priority, Dutch texts, English texts); {x} is filled from DETAILS.
SCENARIOS = [
    (
        "Storingen",
        "Incident",
        "high",
        [
            "De cv-ketel geeft foutcode {code} en slaat steeds af.",
            "Onze warmtepomp doet het niet meer sinds vanochtend.",
            "De thermostaat reageert niet, het huis wordt niet warm.",
        ],
        [
            "The boiler shows error {code} and keeps shutting down.",
            "Our heat pump stopped working this morning.",
        ],
    ),
    (
        "Storingen",
        "Incident",
        "urgent",
        [
            "Er loopt water door het plafond van de {room}, de lekkage wordt erger.",
            "We ruiken gas in de {room}, wat moeten we doen?",
            "Geen verwarming en geen warm water, er is een baby in huis.",
        ],
        [
            "Water is coming through the ceiling of the {room}.",
            "There is a gas smell in the {room}.",
        ],
    ),
    (
        "Storingen",
        "Incident",
        "high",
        [
            "De groep van de {room} valt steeds uit, de aardlekschakelaar slaat door.",
            "De laadpaal laadt niet meer, lampje knippert rood.",
        ],
        [
            "The breaker for the {room} keeps tripping.",
            "The charging station stopped charging, red light blinking.",
        ],
    ),
    (
        "Storingen",
        "Problem",
        "medium",
        [
            "De radiator in de {room} blijft koud, al een paar weken.",
            "De warmtepomp maakt 's nachts een brommend geluid.",
        ],
        [
            "The radiator in the {room} stays cold, for weeks now.",
            "The heat pump hums loudly at night.",
        ],
    ),
    (
        "Onderhoud",
        "Request",
        "low",
        [
            "Wanneer is de jaarlijkse onderhoudsbeurt van de ketel?",
            "Graag een afspraak voor het onderhoud van de warmtepomp, geen haast.",
        ],
        [
            "When is the yearly service of the boiler due?",
            "Please book the heat pump maintenance, no rush.",
        ],
    ),
    (
        "Onderhoud",
        "Request",
        "medium",
        ["Het onderhoud is al twee maanden over tijd, kunnen jullie inplannen?"],
        ["The service is two months overdue, can you schedule it?"],
    ),
    (
        "Offertes",
        "Request",
        "low",
        [
            "Graag een offerte voor {n} zonnepanelen op ons dak.",
            "Wat kost een nieuwe badkamer met inloopdouche?",
            "Wij overwegen een warmtepomp, kunt u ons adviseren?",
        ],
        [
            "Could you send a quote for {n} solar panels?",
            "What would a new bathroom with a walk-in shower cost?",
        ],
    ),
    (
        "Offertes",
        "Change",
        "medium",
        ["Kunnen jullie de offerte aanpassen: {n} panelen in plaats van 8?"],
        ["Can you change the quote to {n} panels instead of 8?"],
    ),
    (
        "Facturen",
        "Request",
        "medium",
        [
            "Op factuur {code} staat een bedrag dat niet klopt.",
            "De factuur noemt uren die niet zijn gewerkt.",
        ],
        ["Invoice {code} shows an amount that is wrong.", "The invoice lists hours nobody worked."],
    ),
    (
        "Facturen",
        "Incident",
        "high",
        ["Het bedrag van factuur {code} is twee keer afgeschreven!"],
        ["Invoice {code} was charged twice!"],
    ),
    (
        "Facturen",
        "Request",
        "low",
        ["Mag ik een kopie van factuur {code}?", "Kan ik in termijnen betalen?"],
        ["May I have a copy of invoice {code}?"],
    ),
    (
        "Klachten",
        "Problem",
        "medium",
        [
            "De monteur kwam te laat en liet rommel achter in de {room}.",
            "Ik heb al drie keer gebeld en nog steeds geen antwoord.",
        ],
        [
            "The engineer was late and left a mess in the {room}.",
            "I called three times and still no answer.",
        ],
    ),
    (
        "Klachten",
        "Problem",
        "high",
        ["Bij de installatie is de vloer in de {room} beschadigd, ik ben zeer ontevreden."],
        ["During the installation the floor of the {room} was damaged, unacceptable."],
    ),
    (
        "Planning",
        "Change",
        "medium",
        [
            "Kunnen we de afspraak van {day} verzetten?",
            "Ik ben {day} niet thuis, kan de monteur later komen?",
        ],
        ["Can we move the appointment on {day}?"],
    ),
    (
        "Planning",
        "Request",
        "low",
        ["Graag een afspraak in {day} over twee weken voor een adviesgesprek."],
        ["We would like an advice visit on a {day} in two weeks."],
    ),
]
DETAILS = {
    "code": ["F28", "E133", "2026-0412", "A7", "99-113", "E01"],
    "room": ["badkamer", "keuken", "zolder", "meterkast", "woonkamer", "bathroom", "kitchen"],
    "n": ["6", "10", "12", "16", "20"],
    "day": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "Monday", "Friday"],
}
OPENINGS_NL = [
    "",
    "Goedemorgen,",
    "Beste Wendbaar Installaties,",
    "Hallo,",
    "Geachte heer/mevrouw,",
]
OPENINGS_EN = ["", "Hello,", "Dear team,", "Hi,"]
CLOSINGS_NL = ["", "Met vriendelijke groet, Petra de Boer", "Groet, Ahmed", "Alvast bedankt!"]
CLOSINGS_EN = ["", "Kind regards, John", "Thanks in advance!"]
UP_NL, UP_EN = (
    ["Spoed graag!", "Het is dringend.", "Graag vandaag nog."],
    ["Urgent please!", "ASAP."],
)
DOWN_NL, DOWN_EN = (
    ["Er is geen haast.", "Het mag ook volgende maand."],
    ["No rush.", "Whenever suits you."],
)
ORDER = ["low", "medium", "high", "urgent"]


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 20 or rng.random() > 0.2:
        return text
    i = rng.randrange(5, len(text) - 5)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def generate(n: int, seed: int) -> list[dict]:
    """`n` tickets with subject, body, language and labels (priority, queue, type)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    tickets = []
    for _ in range(n):
        queue, kind, priority, dutch, english = rng.choice(SCENARIOS)
        language = "nl" if rng.random() < 0.75 else "en"
        text = rng.choice(dutch if language == "nl" else english)
        text = text.format(**{k: rng.choice(v) for k, v in DETAILS.items()})
        level = ORDER.index(priority)
        extra = ""
        roll = rng.random()
        if roll < 0.15 and level < 3:
            extra, level = rng.choice(UP_NL if language == "nl" else UP_EN), level + 1
        elif roll < 0.27 and level > 0:
            extra, level = rng.choice(DOWN_NL if language == "nl" else DOWN_EN), level - 1
        if rng.random() < LABEL_NOISE:
            level = max(0, min(3, level + rng.choice((-1, 1))))
        opening = rng.choice(OPENINGS_NL if language == "nl" else OPENINGS_EN)
        closing = rng.choice(CLOSINGS_NL if language == "nl" else CLOSINGS_EN)
        body = " ".join(p for p in (opening, _typo(text, rng), extra, closing) if p)
        if rng.random() < 0.05:
            body += " 🙏"
        words = text.split()
        subject = " ".join(words[: rng.randint(2, 5)]).rstrip(",.")
        tickets.append(
            {
                "subject": subject,
                "body": body,
                "language": language,
                "priority": ORDER[level],
                "queue": queue,
                "type": kind,
            }
        )
    return tickets


def run() -> list[dict]:
    return run_in_child("wendbaar.service.bench")


def _measure() -> list[dict]:
    from wendbaar.service.triage import Example, Ticket, Triage, _macro_f1

    labels = {"priority": PRIORITIES, "queue": QUEUES}
    test = generate(TEST_SIZE, SEED + 1)
    pool = generate(max(STEPS), SEED)
    ticket = lambda t: Ticket(t["subject"], t["body"], t["language"])  # noqa: E731

    def score(triage: Triage) -> dict:
        results = triage.predict_many([ticket(t) for t in test])
        out = {}
        for field in ("priority", "queue"):
            gold = [t[field] for t in test]
            pred = [getattr(r, field).label for r in results]
            out[f"{field}_macro_f1"] = round(_macro_f1(gold, pred), 4)
        return out

    curve = []
    for step in STEPS:
        corrections = [
            Example(ticket(t), {f: t[f] for f in ("priority", "queue", "type")})
            for t in pool[:step]
        ]
        at_once = Triage(labels)
        at_once.learn_many(corrections, grow=True)
        figures = {"corrections": step, "memory_only": score(at_once)}
        if step:
            retrained = Triage(labels)
            started = time.monotonic()
            report = retrained.fit(corrections)
            figures["retrained"] = score(retrained)
            figures["retrain_s"] = round(time.monotonic() - started, 2)
            figures["held_out_priority_accuracy"] = next(
                (r.accuracy_before, r.accuracy_after)
                for r in report.fields
                if r.field == "priority"
            )
        curve.append(figures)
        model = retrained if step else at_once

    # Latency of one ticket, model retrained on the largest step; warm up the encoder first.
    fresh = generate(RUNS + 5, SEED + 2)
    for t in fresh[:5]:
        model.predict(ticket(t))
    times = []
    for t in fresh[5:]:
        started = time.perf_counter()
        model.predict(ticket(t))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    latency = {
        "name": "latency",
        "runs": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "stored_state_kb": round(len(model.to_bytes()) / 1024, 1),
        "trained_on": max(STEPS),
    }
    return [
        {"name": "learning_curve", "test_tickets": TEST_SIZE, "steps": curve},
        latency,
    ]


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(_measure()))
