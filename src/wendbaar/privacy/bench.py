"""Benchmark of the privacy guard: masking throughput in characters per second.

Runs in a child process with Django set up against a throwaway database (masking itself touches no
table). The text is synthetic Dutch business mail written here, with names, places and identifiers
in the density of real mail; the name-recognition tables are prepared before the clock starts.
"""

import json
import random
import time

from wendbaar.bench.child import run_in_child

_SENTENCES = [
    "Beste {first}, de monteur komt dinsdag tussen acht en twaalf uur langs voor het onderhoud.",
    "Mevrouw {last} uit {city} belde over een lekkende cv-ketel; graag terugbellen op {phone}.",
    "De factuur van maart staat nog open; wilt u het bedrag overmaken naar {iban}?",
    "Het nieuwe adres is {street} {number}, {postcode} {city}.",
    "Voor de aanvraag van de toeslag hebben we uw BSN {bsn} nodig.",
    "Stuur de offerte voor de warmtepomp naar {email} en zet {first} {last} in de cc.",
    "In het overleg is besloten dat het team vanaf volgende week op donderdag op kantoor werkt.",
    "Dank voor je bericht; we plannen de installatie zodra de onderdelen binnen zijn.",
]
_FIRST = ["Jan", "Fatima", "Pieter", "Sanne", "Mohammed", "Lotte", "Kees", "Priya"]
_LAST = ["de Vries", "Jansen", "El Amrani", "Bakker", "van Dijk", "Visser", "Smit", "Ramdin"]
_CITY = ["Amersfoort", "Zwolle", "Utrecht", "Rotterdam", "Groningen", "Eindhoven"]
_STREET = ["Kerkstraat", "Dorpsweg", "Stationsplein", "Molenlaan", "Nijverheidsweg"]
_BSN = ["111222333", "123456782", "999990019"]
_IBAN = ["NL91ABNA0417164300", "NL20INGB0001234567"]


def _text(rng: random.Random, sentences: int) -> str:
    parts = []
    for _ in range(sentences):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        parts.append(
            rng.choice(_SENTENCES).format(
                first=first,
                last=last,
                city=rng.choice(_CITY),
                phone=f"06-{rng.randint(10000000, 99999999)}",
                iban=rng.choice(_IBAN),
                street=rng.choice(_STREET),
                number=rng.randint(1, 200),
                postcode=f"{rng.randint(1000, 9999)} {rng.choice('ABCDEFGHJK')}{rng.choice('LMNPRSTVWX')}",
                bsn=rng.choice(_BSN),
                email=f"{first.lower()}@voorbeeld.nl",
            )
        )
    return " ".join(parts)


def run() -> dict:
    """Measure in a child process; returns the figures as a dict."""
    return run_in_child("wendbaar.privacy.bench")


def _child() -> dict:
    import django

    django.setup()
    from wendbaar.privacy.engine import get_engine
    from wendbaar.privacy.masking import mask_text

    get_engine()  # the prepared tables load once per process, outside the measurement
    rng = random.Random(7)  # noqa: S311 - reproducible test text, not a secret
    texts = [_text(rng, 8) for _ in range(300)]
    characters = sum(len(t) for t in texts)
    started = time.perf_counter()
    masked = [mask_text(text=t, language="nl") for t in texts]
    seconds = time.perf_counter() - started
    return {
        "masking_chars_per_s": round(characters / seconds),
        "masking_texts": len(texts),
        "masking_chars": characters,
        "masked_items": sum(sum(m.counts.values()) for m in masked),
    }


if __name__ == "__main__":
    print(json.dumps(_child()))
