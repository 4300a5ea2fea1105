"""Cold-start priority: urgency cues in six languages, calm cues, negation and level mapping."""

import pytest

from wendbaar.service.triage import Ticket, Triage, urgency, urgency_levels


@pytest.fixture(scope="module")
def cold() -> Triage:
    return Triage()


@pytest.mark.parametrize(
    ("subject", "body", "lang"),
    [
        ("Server down", "Our whole webshop is down since 9:00, all users are affected.", "en"),
        ("Ausfall", "Das System ist ausgefallen und funktioniert nicht mehr, bitte sofort.", "de"),
        ("Panne", "Le serveur est en panne, tous les utilisateurs sont bloqués.", "fr"),
        ("Caída", "El sistema no funciona desde esta mañana, es urgente.", "es"),
        ("Falha", "O sistema parou de funcionar e está fora do ar.", "pt"),
        ("Storing", "De kassa werkt niet meer en alle medewerkers kunnen niets.", "nl"),
    ],
)
def test_blocking_tickets_are_high_or_urgent_in_every_language(cold, subject, body, lang):
    result = cold.predict(Ticket(subject, body, lang))
    assert result.priority.label in {"high", "urgent"}
    assert result.priority.signals  # the phrases that made it urgent are shown


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Idee", "Een suggestie: geen haast, maar een donkere modus zou fijn zijn."),
        ("Question", "No rush, I was wondering whether you have documentation on exports."),
        ("Anfrage", "Keine Eile, ich bin interessiert an Informationen zu Ihren Preisen."),
        ("Consulta", "Sin prisa, me gustaría recibir información sobre precios."),
    ],
)
def test_calm_tickets_are_low(cold, subject, body):
    assert cold.predict(Ticket(subject, body)).priority.label == "low"


def test_a_ticket_without_cues_is_medium(cold):
    result = cold.predict(Ticket("Adres", "Wij zijn verhuisd naar de Dorpsstraat 4."))
    assert result.priority.label == "medium"


def test_an_emergency_with_impact_is_urgent(cold):
    result = cold.predict(
        Ticket(
            "URGENT: ransomware",
            "Emergency: we have been hacked, ransomware encrypted all servers and all users are "
            "locked out. Please help immediately.",
        )
    )
    assert result.priority.label == "urgent"
    assert "ransomware" in result.priority.signals


def test_negation_turns_urgency_into_calm():
    assert urgency("", "Het is niet dringend.").score < 0
    assert urgency("", "This is not urgent, no data loss.").score < 0
    assert urgency("", "Das ist nicht dringend.").score < 0
    assert urgency("", "Dit is dringend.").score > 0
    assert "not dringend" in urgency("", "geen dringend probleem").calm


def test_repeating_a_word_does_not_make_it_more_urgent():
    once = urgency("", "urgent").score
    many = urgency("", "urgent urgent urgent urgent urgent").score
    assert many == once


def test_subject_counts_more_than_body():
    assert urgency("Storing", "").score > urgency("", "storing").score


def test_levels_are_ordered_and_sum_to_one():
    for score in (-3, -1, 0, 1, 2, 4, 6):
        probs = urgency_levels(score)
        assert abs(sum(probs.values()) - 1) < 1e-3
    low, high = urgency_levels(-3), urgency_levels(6)
    assert max(low, key=low.get) == "low" and max(high, key=high.get) == "urgent"
    assert max(urgency_levels(0), key=urgency_levels(0).get) == "medium"
    assert max(urgency_levels(2), key=urgency_levels(2).get) == "high"


def test_every_level_is_used_on_a_varied_set(cold):
    """Macro-F1 punishes a level that is never predicted: a varied set uses all four."""
    tickets = [
        Ticket("Feedback", "Just wanted to say thanks, no rush to reply."),
        Ticket("Adreswijziging", "Ons nieuwe adres is Kerkstraat 1."),
        Ticket("Login werkt niet", "Ik kan niet inloggen, de app werkt niet."),
        Ticket("SPOED gaslucht", "Noodgeval: gaslucht in de meterkast, direct iemand sturen."),
    ]
    labels = [r.priority.label for r in cold.predict_many(tickets)]
    assert labels == ["low", "medium", "high", "urgent"]


def test_an_organisation_without_urgent_gets_high_for_emergencies():
    triage = Triage({"priority": {"low": "Low.", "medium": "Normal.", "high": "High."}})
    result = triage.predict(Ticket("SPOED gaslucht", "Noodgeval: gaslucht, direct komen."))
    assert result.priority.label == "high"
    assert set(result.priority.scores) == {"low", "medium", "high"}


def test_long_text_is_scanned_quickly_enough_to_finish():
    found = urgency("Storing", "bla " * 100_000 + " outage")
    assert found.score > 0


@pytest.mark.parametrize(
    "body",
    [
        "We ruiken gas in de keuken, wat moeten we doen?",
        "Er loopt water door het plafond van de badkamer.",
        "There is a smell of gas in the hallway.",
        "Es riecht nach Gas im Keller.",
    ],
)
def test_danger_alone_is_urgent(cold, body):
    assert cold.predict(Ticket("", body)).priority.label == "urgent"


def test_damage_and_discontent_raise_priority_above_routine():
    routine = urgency("", "Kunnen we de afspraak verzetten?").score
    assert urgency("", "De vloer is beschadigd, dit is onacceptabel.").score > routine
