"""Minutes on the embedded engine: decisions, actions with owners and Dutch dates, withdrawals, chatter."""

import json
import subprocess
import sys
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wendbaar.meetings.minutes import find_dates, make_minutes

MONDAY = date(2026, 1, 12)
PEOPLE = ["Anna de Vries", "Pieter Bakker", "Sanne Jansen", "Youssef Amrani"]

DUTCH = [
    ("Anna de Vries", "Goedemorgen allemaal. Hoor je me, Pieter?"),
    ("Pieter Bakker", "Ja, ik hoor je. Goedemorgen."),
    ("Sanne Jansen", "Eh, ja, hier ook."),
    ("Anna de Vries", "Mooi. Eerste punt: de offerte voor de school in Zwolle moet de deur uit."),
    ("Pieter Bakker", "De calculatie van de warmtepompen is klaar, alleen de voorwaarden nog niet."),
    ("Anna de Vries", "Pieter, kun jij de offerte voor vrijdag naar de school sturen?"),
    ("Pieter Bakker", "Ja, doe ik. Ik stuur hem voor vrijdag."),
    ("Sanne Jansen", "Dan het tweede punt, de planning van de monteurs in februari."),
    ("Sanne Jansen", "Ik maak volgende week een nieuwe planning voor de monteurs in februari."),
    ("Anna de Vries", "Goed. We besluiten dat de monteurs bij code oranje niet voor half acht vertrekken."),
    ("Youssef Amrani", "Zal ik de leverancier van de ladders bellen om een keuring te plannen?"),
    ("Anna de Vries", "Nee, laat maar, de keuring van de ladders doen we niet meer via die leverancier."),
    ("Youssef Amrani", "Oké. Dan regel ik eind van de maand de nieuwe werkkleding voor de monteurs."),
    ("Anna de Vries", "Prima. Oké, bedankt allemaal, tot volgende week."),
]  # fmt: skip

ENGLISH = [
    ("Anna de Vries", "Hi everyone, can you hear me?"),
    ("Pieter Bakker", "Yes. Um, yes, we can hear you."),
    ("Anna de Vries", "Good. The customer portal launch is slipping because the payment provider is late."),
    ("Pieter Bakker", "We decided to launch the customer portal without online payments in March."),
    ("Anna de Vries", "Sanne, can you update the launch plan for the customer portal by Friday?"),
    ("Sanne Jansen", "Sure, I'll update the launch plan by Friday."),
    ("Pieter Bakker", "I'll write the announcement for the customers next week."),
    ("Youssef Amrani", "I'll book the training room for the support team tomorrow."),
    ("Anna de Vries", "Actually, never mind the training room, we'll do the support training online."),
    ("Anna de Vries", "Okay, thanks all, bye."),
]  # fmt: skip


def by_owner(minutes):
    return {a.owner: a for a in minutes.action_items}


def test_dutch_meeting_has_actions_with_owners_and_dates():
    minutes = make_minutes(
        DUTCH, title="Weekstart", meeting_date=MONDAY, language="nl", participants=PEOPLE
    )
    actions = by_owner(minutes)
    assert actions["Pieter Bakker"].due == date(2026, 1, 16)
    assert "offerte" in actions["Pieter Bakker"].task.lower()
    assert actions["Sanne Jansen"].due == date(2026, 1, 23)  # volgende week: Friday of next week
    assert "planning" in actions["Sanne Jansen"].task.lower()
    assert actions["Youssef Amrani"].due == date(2026, 1, 31)  # eind van de maand
    assert "werkkleding" in actions["Youssef Amrani"].task.lower()
    # One action per request and its answer, not two.
    assert sum(1 for a in minutes.action_items if a.owner == "Pieter Bakker") == 1
    assert all(a.turns for a in minutes.action_items)


def test_withdrawn_action_is_not_kept():
    minutes = make_minutes(DUTCH, meeting_date=MONDAY, language="nl", participants=PEOPLE)
    assert not any("ladders" in a.task.lower() for a in minutes.action_items)
    minutes = make_minutes(ENGLISH, meeting_date=MONDAY, language="en", participants=PEOPLE)
    assert not any("training room" in a.task.lower() for a in minutes.action_items)


def test_decisions_are_found_and_cite_turns():
    minutes = make_minutes(DUTCH, meeting_date=MONDAY, language="nl", participants=PEOPLE)
    assert any("code oranje" in d.text for d in minutes.decisions)
    assert all(d.turns and 0 < d.confidence <= 1 for d in minutes.decisions)
    minutes = make_minutes(ENGLISH, meeting_date=MONDAY, language="en", participants=PEOPLE)
    assert any("without online payments" in d.text for d in minutes.decisions)


def test_english_meeting_resolves_owners_and_dates():
    minutes = make_minutes(ENGLISH, meeting_date=MONDAY, language="en", participants=PEOPLE)
    actions = by_owner(minutes)
    assert actions["Sanne Jansen"].due == date(2026, 1, 16)
    assert actions["Pieter Bakker"].due == date(2026, 1, 23)
    assert "announcement" in actions["Pieter Bakker"].task.lower()


def test_minutes_text_is_in_the_meeting_language_without_chatter():
    minutes = make_minutes(
        DUTCH, title="Weekstart", meeting_date=MONDAY, language="nl", participants=PEOPLE
    )
    assert minutes.language == "nl"
    assert "Besluiten" in minutes.minutes_text and "Actiepunten" in minutes.minutes_text
    assert "Pieter Bakker" in minutes.minutes_text and "2026-01-16" in minutes.minutes_text
    assert "Hoor je me" not in minutes.minutes_text
    points = [p.text for t in minutes.topics for p in t.points]
    assert points and not any("Goedemorgen" in p for p in points)
    english = make_minutes(ENGLISH, meeting_date=MONDAY, participants=PEOPLE)
    assert english.language == "en" and "Action items" in english.minutes_text


def test_unknown_owner_is_flagged_not_guessed():
    turns = [
        ("Anna de Vries", "De keuring van de ladders moet voor eind van de maand gebeuren."),
        ("Anna de Vries", "Kun je de keuring van de ladders voor eind van de maand regelen?"),
        ("Pieter Bakker", "Ik weet niet bij welk bedrijf we dat doen."),
    ]
    minutes = make_minutes(turns, meeting_date=MONDAY, language="nl", participants=PEOPLE)
    ladders = [a for a in minutes.action_items if "ladders" in a.task.lower()]
    assert ladders and ladders[0].owner is None and ladders[0].owner_flagged


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("voor vrijdag", date(2026, 1, 16)),
        ("donderdag", date(2026, 1, 15)),
        ("volgende week dinsdag", date(2026, 1, 20)),
        ("begin volgende week", date(2026, 1, 19)),
        ("over twee weken", date(2026, 1, 26)),
        ("eind volgende maand", date(2026, 2, 28)),
        ("voor één juni", date(2026, 6, 1)),
        ("voor het MT van de achttiende", date(2026, 1, 18)),
        ("vandaag nog", date(2026, 1, 12)),
    ],
)
def test_dutch_due_dates_resolve_relative_to_the_meeting(phrase, expected):
    dates = find_dates(f"Ik regel dat {phrase}.", MONDAY, "nl")
    assert dates and dates[0][1] == expected


def test_empty_transcript_gives_empty_minutes():
    minutes = make_minutes([], meeting_date=MONDAY)
    assert minutes.action_items == [] and minutes.decisions == [] and minutes.topics == []


def _write_fixture(folder):
    transcripts = folder / "transcripts"
    transcripts.mkdir()
    transcripts.joinpath("w1.txt").write_text(
        "\n".join(f"{speaker}: {text}" for speaker, text in DUTCH), encoding="utf-8"
    )
    meta = folder / "meta.jsonl"
    meta.write_text(
        json.dumps(
            {
                "meeting_id": "w1",
                "title": "Weekstart",
                "date": "2026-01-12",
                "language": "nl",
                "participants": PEOPLE,
            }
        )
        + "\n",
        encoding="utf-8",
    )
    return transcripts, meta


@pytest.mark.django_db
def test_eval_minutes_writes_predictions(tmp_path):
    transcripts, meta = _write_fixture(tmp_path)
    out = tmp_path / "preds.jsonl"
    call_command(
        "eval", "minutes", "--transcripts", str(transcripts), "--meta", str(meta), "--out", str(out)
    )
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["meeting_id"] == "w1"
    assert record["minutes_text"] and record["summary"]
    assert isinstance(record["decisions"], list)
    owners = {a["owner"] for a in record["action_items"]}
    assert "Pieter Bakker" in owners
    assert all(a["due"] is None or len(a["due"]) == 10 for a in record["action_items"])


@pytest.mark.django_db
def test_eval_minutes_refuses_bad_input(tmp_path):
    with pytest.raises(CommandError, match="not found"):
        call_command(
            "eval", "minutes", "--transcripts", str(tmp_path / "none"), "--out", str(tmp_path / "p")
        )
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CommandError, match=r"No \.txt"):
        call_command("eval", "minutes", "--transcripts", str(empty), "--out", str(tmp_path / "p"))
    transcripts, _ = _write_fixture(tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"meeting_id": "w1", "date": "12-01-2026"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command(
            "eval",
            "minutes",
            "--transcripts",
            str(transcripts),
            "--meta",
            str(bad),
            "--out",
            str(tmp_path / "p"),
        )


def test_eval_minutes_cli_exit_status_2_on_missing_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "wendbaar", "eval", "minutes", "--transcripts", str(tmp_path / "x"),
         "--out", str(tmp_path / "p.jsonl")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2 and "not found" in result.stderr


RECAP_MEETING = [
    ("Anna de Vries", "Goedemorgen. Eerste punt: de voorraad in het magazijn klopt niet meer."),
    ("Pieter Bakker", "Ik ben donderdag trouwens op kantoor in Zwolle, voor wie me zoekt."),
    ("Anna de Vries", "Sanne, kun jij de voorraadlijst naast de boekhouding leggen?"),
    ("Sanne Jansen", "Ja, doe ik. Dan zie ik meteen welke artikelen afwijken."),
    ("Youssef Amrani", "Zal ik anders ook de leverancier van de stellingen bellen?"),
    ("Anna de Vries", "Nee, laat maar, de stellingen doen we niet meer."),
    ("Pieter Bakker", "En de nieuwe heftruck, die bestel ik wel als de offerte binnen is."),
    ("Anna de Vries", "Goed, dan even op een rij. Sanne vergelijkt morgen de voorraadlijst met de "
     "boekhouding. Pieter bestelt voor vrijdag de heftruck en plant volgende week de training "
     "voor de chauffeurs. Youssef ruimt deze week het magazijn op, en ik bel donderdag de "
     "accountant. En de verzekering van het pand staat nog open. Geen nieuwe stellingen."),
    ("Sanne Jansen", "Helder."),
]  # fmt: skip


def test_recap_gives_the_actions_and_leaves_out_passing_remarks():
    minutes = make_minutes(RECAP_MEETING, meeting_date=MONDAY, language="nl", participants=PEOPLE)
    items = [(a.owner, a.task, a.due) for a in minutes.action_items]
    assert (
        "Sanne Jansen",
        "De voorraadlijst met de boekhouding vergelijken",
        date(2026, 1, 13),
    ) in items
    assert ("Pieter Bakker", "De heftruck bestellen", date(2026, 1, 16)) in items
    # a clause with its own verb and object is its own task, with its own date
    assert ("Pieter Bakker", "De training voor de chauffeurs plannen", date(2026, 1, 23)) in items
    assert ("Youssef Amrani", "Het magazijn opruimen", date(2026, 1, 16)) in items
    # "… en ik bel donderdag": the speaker's own task
    assert ("Anna de Vries", "De accountant bellen", date(2026, 1, 15)) in items
    # open work named in the recap has no owner; passing remarks and withdrawn offers are gone
    assert (None, "De verzekering van het pand", None) in items
    assert len(items) == 6
    assert not any(
        "kantoor" in task.lower() or "stellingen" in task.lower() for _o, task, _d in items
    )


def test_recap_rules_out_as_a_decision():
    minutes = make_minutes(RECAP_MEETING, meeting_date=MONDAY, language="nl", participants=PEOPLE)
    assert any(d.text == "Geen nieuwe stellingen." for d in minutes.decisions)


def test_english_recap_uses_base_verbs_and_no_deadline_is_no_date():
    turns = [
        ("Anna de Vries", "We need the new pricing page before the campaign starts."),
        ("Pieter Bakker", "I'm in the office on Thursday if anyone wants to pair."),
        ("Anna de Vries", "Let me summarise. Sanne writes the pricing page copy by Friday. "
         "Pieter updates the style guide, no deadline. No paid ads."),
    ]  # fmt: skip
    minutes = make_minutes(turns, meeting_date=MONDAY, language="en", participants=PEOPLE)
    items = [(a.owner, a.task, a.due) for a in minutes.action_items]
    assert items == [
        ("Sanne Jansen", "Write the pricing page copy", date(2026, 1, 16)),
        ("Pieter Bakker", "Update the style guide", None),
    ]
    assert any(d.text == "No paid ads." for d in minutes.decisions)


def test_recap_asked_of_someone_is_read_from_their_answer():
    turns = [
        ("Anna de Vries", "Pieter, wil jij de actiepunten even samenvatten?"),
        ("Pieter Bakker", "Ja. Sanne schrijft de nieuwsbrief, eind van de maand. Ik bel de "
         "drukker over de monsters, morgen."),
    ]  # fmt: skip
    minutes = make_minutes(turns, meeting_date=MONDAY, language="nl", participants=PEOPLE)
    items = [(a.owner, a.task, a.due) for a in minutes.action_items]
    assert items == [
        ("Sanne Jansen", "De nieuwsbrief schrijven", date(2026, 1, 31)),
        ("Pieter Bakker", "De drukker over de monsters bellen", date(2026, 1, 13)),
    ]


PROPOSALS = [
    ("Anna de Vries", "Dan de kerstborrel voor het personeel en de klanten."),
    ("Pieter Bakker", "Zullen we de kerstborrel dit jaar in het magazijn in Deventer houden?"),
    ("Sanne Jansen", "Ja, prima, dat scheelt een hoop huur."),
    ("Anna de Vries", "Dan de nieuwe bestelbussen voor de monteurs."),
    ("Youssef Amrani", "Ik heb drie offertes voor elektrische bestelbussen opgevraagd."),
    ("Anna de Vries", "Dus: we leasen vanaf april twee elektrische bestelbussen bij de dealer in Zwolle."),
    ("Pieter Bakker", "Oké. Ik stuur de offertes morgen naar de boekhouder."),
    ("Anna de Vries", "Dan even op een rij. Pieter stuurt morgen de offertes naar de boekhouder. "
                      "Sanne reserveert deze week het magazijn voor de borrel. "
                      "De oude bussen gaan in mei naar de veiling."),
    ("Anna de Vries", "Bedankt allemaal."),
]  # fmt: skip


def test_decisions_without_cue_words_come_from_agreement_chair_and_recap():
    minutes = make_minutes(PROPOSALS, meeting_date=MONDAY, language="nl", participants=PEOPLE)
    texts = [d.text for d in minutes.decisions]
    # A proposal another participant agrees to, phrased as the decided content.
    assert any("kerstborrel" in t and "magazijn" in t and not t.startswith("Zullen") for t in texts)
    # The chair's "Dus: X" gives X, without the lead-in.
    assert any(t.startswith("We leasen vanaf april") for t in texts)
    # An ownerless statement in the closing recap is a decision.
    assert any("veiling" in t for t in texts)
    # Actions are not counted as decisions.
    assert not any("offertes" in t or "reserveert" in t for t in texts)


def test_personal_commitment_and_old_agreement_are_not_decisions():
    turns = [
        (
            "Anna de Vries",
            "We hadden vorig jaar afgesproken dat de werkplaats op vrijdag dicht is.",
        ),
        ("Pieter Bakker", "I propose that the new client portal opens in two steps."),
        ("Sanne Jansen", "Agreed."),
        ("Pieter Bakker", "Then I'll have it agreed with the client by Tuesday."),
        ("Anna de Vries", "We decided that the helpdesk stays open on Saturday mornings."),
    ]
    texts = [d.text for d in make_minutes(turns, meeting_date=MONDAY, language="en").decisions]
    assert any("client portal opens in two steps" in t for t in texts)
    assert any("helpdesk stays open" in t for t in texts)
    assert not any("werkplaats" in t or "Tuesday" in t for t in texts)


def test_proposal_that_nobody_agrees_to_is_no_decision():
    turns = [
        ("Anna de Vries", "Zullen we de vergadering voortaan op maandagmiddag in Zwolle houden?"),
        ("Pieter Bakker", "Dat weet ik nog niet, daar moet ik over nadenken."),
    ]
    minutes = make_minutes(turns, meeting_date=MONDAY, language="nl")
    assert not any("maandagmiddag" in d.text for d in minutes.decisions)


def _long_meeting(n_turns):
    subjects = [
        "de planning",
        "de offerte",
        "het onderhoud",
        "de klant",
        "de begroting",
        "het rooster",
    ]
    places = ["Zwolle", "Deventer", "Apeldoorn", "Kampen", "Twello", "Utrecht", "Houten"]
    turns = []
    for i in range(n_turns):
        speaker = PEOPLE[i % len(PEOPLE)]
        text = (
            f"Over {subjects[i % 6]} in {places[i % 7]}: de stand is punt {i}, "
            f"met {i % 11} meldingen en {i % 13} open vragen van de monteurs in week {i % 52}."
        )
        turns.append((speaker, text))
    return turns


def test_minutes_text_length_follows_the_meeting():
    short = make_minutes(DUTCH, meeting_date=MONDAY, language="nl", participants=PEOPLE)
    long = make_minutes(_long_meeting(900), meeting_date=MONDAY, language="nl", participants=PEOPLE)
    short_words = len(short.minutes_text.split())
    long_words = len(long.minutes_text.split())
    long_transcript = sum(len(t.split()) for _, t in _long_meeting(900))
    assert short_words < 120  # a short stand-up gets a short document
    assert long_words > short_words
    assert long_words <= 0.03 * long_transcript + 40
    # Decisions and actions are always in the document, in full.
    assert "Besluiten" in short.minutes_text and "Actiepunten" in short.minutes_text
    for action in short.action_items:
        if action.confidence >= 0.7:
            assert action.task.split()[0] in short.minutes_text


CHATTY = [
    ("Anna de Vries", "Hoi allemaal, ik zie je Pieter, Sanne zit nog in de auto volgens mij."),
    ("Pieter Bakker", "Ja, ik zie je. Goedemorgen."),
    ("Anna de Vries", "De nieuwe website voor de webwinkel gaat op vijftien maart live."),
    ("Sanne Jansen", "De betaalmodule van de website is getest met drie banken en werkt goed."),
    ("Pieter Bakker", "Ja. Nou ja. Oké."),
    ("Youssef Amrani", "De productfoto's voor de webwinkel zijn voor de helft klaar, de rest volgt."),
    ("Anna de Vries", "Oké, bedankt allemaal, tot volgende week."),
]  # fmt: skip


def test_key_points_carry_content_and_say_who_made_them():
    minutes = make_minutes(CHATTY, meeting_date=MONDAY, language="nl", participants=PEOPLE)
    points = [p.text for t in minutes.topics for p in t.points]
    assert points and not any("zie je" in p or "bedankt" in p for p in points)
    assert any("website" in p for p in points)
    assert "Onderwerpen" in minutes.minutes_text
    line = next(x for x in minutes.minutes_text.splitlines() if "betaalmodule" in x)
    assert line.startswith("- ") and line.endswith("(Sanne Jansen)")


def test_minutes_text_lists_actions_that_read_as_minutes():
    turns = [
        ("Anna de Vries", "Okay so I'll show you what I mean on the screen in a second."),
        ("Pieter Bakker", "Maybe I will try to look at it or something, I guess."),
        ("Sanne Jansen", "I'll send the signed contract to the supplier by Friday."),
    ]
    minutes = make_minutes(turns, meeting_date=MONDAY, language="en", participants=PEOPLE)
    text = minutes.minutes_text.split("Action items")[-1]
    assert "Sanne Jansen: Send the signed contract to the supplier" in text
    assert "show you" not in text and "Maybe" not in text


def test_key_points_stay_short_for_a_long_meeting():
    minutes = make_minutes(
        _long_meeting(900), meeting_date=MONDAY, language="nl", participants=PEOPLE
    )
    words = sum(len(p.text.split()) for t in minutes.topics for p in t.points)
    assert 60 <= words <= 200


def test_topic_titles_name_themes_not_days_names_or_verbs():
    minutes = make_minutes(CHATTY, meeting_date=MONDAY, language="nl", participants=PEOPLE)
    for topic in minutes.topics:
        words = {w.strip(",").lower() for w in topic.title.split()}
        assert not words & {"anna", "pieter", "sanne", "youssef", "maandag", "zit", "gaat"}
    assert any(
        "website" in t.title.lower() or "webwinkel" in t.title.lower() for t in minutes.topics
    )


def test_terse_recap_item_keeps_the_wording_of_the_request():
    turns = [
        ("Anna de Vries", "Pieter, kun jij de offerte voor de nieuwe vloer in de kantine maken?"),
        ("Pieter Bakker", "Ja, doe ik."),
        ("Sanne Jansen", "Ik bel morgen de schilder over de planning van de gevel."),
        ("Anna de Vries", "Dan even op een rij. Pieter doet vrijdag de offerte. Sanne belt morgen "
         "de schilder."),
    ]  # fmt: skip
    minutes = make_minutes(turns, meeting_date=MONDAY, language="nl", participants=PEOPLE)
    actions = by_owner(minutes)
    assert "vloer" in actions["Pieter Bakker"].task and "kantine" in actions["Pieter Bakker"].task
    assert actions["Pieter Bakker"].due == date(2026, 1, 16)
    assert actions["Sanne Jansen"].due == date(2026, 1, 13)


LATE_JOINER = [
    ("Anna de Vries", "Goedemorgen. We beginnen met de verhuizing van het magazijn naar Deventer."),
    ("Pieter Bakker", "De huur in Deventer is lager en er is plek voor twee extra stellingen."),
    ("Anna de Vries", "Dan gaan we in april over, na de inventarisatie."),
    ("Pieter Bakker", "En de oude locatie houden we nog tot de zomer aan als opslag."),
    ("Sanne Jansen", "Ik heb de offertes van drie verhuizers opgevraagd."),
    ("Youssef Amrani", "Hallo, sorry, de trein had vertraging."),
    ("Anna de Vries", "Hoi Youssef. Kort: de verhuizing naar Deventer gaat in april door, de oude "
     "locatie blijft tot de zomer als opslag. Sanne regelt de verhuizers."),
    ("Youssef Amrani", "Duidelijk, dank je."),
]  # fmt: skip


def test_what_a_late_joiner_is_told_gives_the_decisions_so_far():
    minutes = make_minutes(LATE_JOINER, meeting_date=MONDAY, language="nl", participants=PEOPLE)
    texts = [d.text.lower() for d in minutes.decisions]
    assert any("verhuizing naar deventer" in t and "april" in t for t in texts)
    assert any("oude locatie" in t and "opslag" in t for t in texts)
    # who does what in the catch-up is an action, not a decision
    assert not any("verhuizers" in t for t in texts)


def test_inverted_commitment_reads_as_a_task():
    turns = [
        ("Anna de Vries", "We hebben in maart een tijdelijke kracht nodig voor de administratie."),
        ("Sanne Jansen", "Dan bel ik morgen het uitzendbureau."),
        ("Anna de Vries", "Prima."),
    ]
    minutes = make_minutes(turns, meeting_date=MONDAY, language="nl", participants=PEOPLE)
    actions = by_owner(minutes)
    assert actions["Sanne Jansen"].task == "Het uitzendbureau bellen"
    assert actions["Sanne Jansen"].due == date(2026, 1, 13)


@pytest.mark.parametrize(
    ("clause", "task"),
    [
        # a separable verb joins its particle at the end, past "en" inside the object
        ("bestelt de tegels en de lijm bij", "De tegels en de lijm bijbestellen"),
        # a particle before an extraposed phrase: "zet … klaar voor de monteurs"
        ("legt de afspraak vast met de klant", "De afspraak vastleggen met de klant"),
        ("meldt zich aan voor de beurs", "Zich aanmelden voor de beurs"),
        # "in" before "de" is a preposition, not a particle
        ("zet de vacature in de nieuwsbrief", "De vacature in de nieuwsbrief zetten"),
        # a modal drops, "laten" stays with the infinitive
        ("gaat de kozijnen opmeten", "De kozijnen opmeten"),
        ("laat de huurovereenkomst ondertekenen", "De huurovereenkomst laten ondertekenen"),
        # a stem ending in -en is no infinitive; a plural is
        ("dien de aanvraag in", "De aanvraag indienen"),
        ("doen de inspectie", "De inspectie doen"),
        # the verb goes before a subordinate clause
        ("zoekt uit of de garantie nog loopt", "Uitzoeken of de garantie nog loopt"),
        # two verbs, two clauses; an aside with a preposition stays with its clause
        ("belt de huurders en plant de bezoeken in", "De huurders bellen en de bezoeken inplannen"),
        (
            "stuurt de tekening, met de maten van de hal",
            "De tekening sturen, met de maten van de hal",
        ),
        # what is left of an aside after its date, or a clause with its own subject, goes
        ("past het schema aan, klaar", "Het schema aanpassen"),
        ("mailt de verhuurder, dan horen we meer", "De verhuurder mailen"),
    ],
)
def test_recap_clause_reads_as_an_infinitive_task(clause, task):
    from wendbaar.meetings.minutes import _as_task

    assert _as_task(clause, "nl") == task


def test_recap_names_the_partner_and_the_chair_and_drops_softeners():
    turns = [
        ("Anna de Vries", "De showroom in Hengelo moet opnieuw ingericht worden."),
        ("Pieter Bakker", "Sanne, wil jij even de nieuwe folders gewoon bij de drukker ophalen?"),
        ("Sanne Jansen", "Ja, dat doe ik."),
        ("Anna de Vries", "Dan even op een rij. Youssef en Pieter richten donderdag de showroom "
         "in. Sanne haalt morgen de folders op. Pieter stuurt de prijslijst voor vrijdag naar "
         "de drukker, via mij."),
    ]  # fmt: skip
    minutes = make_minutes(turns, meeting_date=MONDAY, language="nl", participants=PEOPLE)
    items = {(a.owner, a.task, a.due) for a in minutes.action_items}
    # one task for the first of the pair, done with the other, as minutes write it
    assert ("Youssef Amrani", "De showroom inrichten met Pieter", date(2026, 1, 15)) in items
    # "via mij" in the chair's recap is the chair
    assert (
        "Pieter Bakker",
        "De prijslijst naar de drukker sturen, via Anna",
        date(2026, 1, 16),
    ) in items
    # the request's wording may say more, but never "even" or "gewoon"
    sanne = by_owner(minutes)["Sanne Jansen"]
    assert "folders" in sanne.task and sanne.due == date(2026, 1, 13)
    assert not any(w in sanne.task.split() for w in ("even", "gewoon", "wel"))


def test_answer_names_what_the_request_points_at():
    turns = [
        ("Anna de Vries", "De klanten klagen dat de factuur niet duidelijk is."),
        ("Pieter Bakker", "Maak er iets van, Sanne."),
        ("Sanne Jansen", "Ja, ik maak een nieuw factuursjabloon en dat stuur ik rond. Vrijdag?"),
        ("Pieter Bakker", "Vrijdag is prima."),
    ]
    minutes = make_minutes(turns, meeting_date=MONDAY, language="nl", participants=PEOPLE)
    sanne = by_owner(minutes)["Sanne Jansen"]
    assert sanne.task == "Een nieuw factuursjabloon maken en rondsturen"
    assert sanne.due == date(2026, 1, 16)
    assert len(minutes.action_items) == 1


def test_request_that_names_its_thing_needs_no_borrowed_context():
    turns = [
        ("Anna de Vries", "Hoeveel huurders hebben de meterstanden al doorgegeven?"),
        ("Pieter Bakker", "Geen idee, ik gok de helft, maar dat is een schatting."),
        ("Anna de Vries", "Pieter, kun je daar een overzicht van maken?"),
        ("Pieter Bakker", "Ja, dat kan."),
    ]
    minutes = make_minutes(turns, meeting_date=MONDAY, language="nl", participants=PEOPLE)
    task = by_owner(minutes)["Pieter Bakker"].task
    assert "overzicht" in task and "schatting" not in task and " — " not in task


@pytest.mark.parametrize(
    ("said", "task"),
    [
        ("Ja, ik maak een begroting en die stuur ik rond.", "Een begroting maken en rondsturen"),
        ("Dan neem ik de sleutels mee en we lopen samen het pand door.",
         "De sleutels meenemen en samen het pand doorlopen"),
        ("Ik zoek het zelf uit, ik heb toch contact met de makelaar.", "Het zelf uitzoeken"),
        ("Ik bel gewoon de verhuurder.", "De verhuurder bellen"),
        ("Ik denk het wel.", None),
        ("Zal ik de verhuurder bellen?", None),
    ],
)  # fmt: skip
def test_first_person_commitment_as_a_task(said, task):
    from wendbaar.meetings.minutes import _nl_first_person_task

    assert _nl_first_person_task(said) == task
