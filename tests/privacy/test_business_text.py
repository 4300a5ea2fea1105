"""Ordinary business documents (installation manuals, HR handbooks) hold no person names where
they open a sentence with an instruction's verb, stand a heading on its own line, give a
temperature or a current before a full stop, or name the firm with its legal form; the people
they do name are still found."""

from wendbaar.privacy.detection import detect

MANUAL = """\
Installatiehandleiding buitenunit

Plaatsing

Hang de unit aan een stevige buitenmuur, minimaal 30 cm boven de grond. Boor de gaten met een
steenboor van 10 mm en gebruik de meegeleverde pluggen. Leg de condensafvoer onder afschot naar
een put of een grindbak.

Aansluiten

Koppel de leidingen aan de binnenunit en draai de wartels handvast aan. Trek ze daarna met een
momentsleutel vast. Sluit de voeding aan op een aparte groep van 16 A. Vul de installatie tot
1,5 bar en ontlucht alle radiatoren.

Inbedrijfstelling

Stel de aanvoertemperatuur in op 35 °C. Zet de thermostaat daarna op 20 °C. Controleer na een
uur of alle ruimtes warm worden. Draai de kogelkraan helemaal open. Bevestig met OK. Houd de knop
vijf seconden ingedrukt om de regeling te starten.

Onderhoud

Reinig het filter elk halfjaar en vervang de anode om de vijf jaar. Noteer de meterstanden in het
rapport. Tank de servicebus na gebruik vol en parkeer hem bij de hub. Berg het gereedschap op in
de kast.
"""

HANDBOOK = """\
PERSONEELSHANDBOEK: ROOSTER EN CONTACTGEGEVENS

Ziekmelding

Meld je ziek voor 8.30 uur bij je leidinggevende. Bel niet alleen via de app, maar spreek ook
iemand. Geef door hoe we je kunnen bereiken. Blijf bereikbaar op het opgegeven nummer.

Vakantie

Vraag vakantie minstens vier weken van tevoren aan. Overleg met je collega's zodat de bezetting op
orde blijft. Wissel diensten alleen na toestemming van de planner. Lever je declaraties voor de
vijfde van de maand in.

Veiligheid

Draag altijd een valharnas boven 2,5 meter. Zet de ladder onder een hoek van 75 graden. Werk nooit
alleen op een dak en stop direct bij windkracht 6 of meer.

Deze regeling is vastgesteld door Warmtewerk Installatietechniek B.V. in Zwolle.
"""

CONTACTS = """\
Contact

Vragen over je verlof? Neem contact op met Pieter Bakker van personeelszaken, of met
mevrouw De Vries van de salarisadministratie. Bij storingen buiten kantoortijd belt u de monteur
van dienst, Sanne Visser.
"""


def persons(text):
    return [s.text for s in detect(text) if s.type == "PERSON"]


def test_a_manual_of_instructions_and_headings_names_no_person():
    assert persons(MANUAL) == []


def test_an_hr_handbook_names_no_person():
    assert persons(HANDBOOK) == []


def test_the_people_named_among_the_instructions_are_still_found():
    found = persons(MANUAL + "\n" + HANDBOOK + "\n" + CONTACTS)
    assert found == ["Pieter Bakker", "De Vries", "Sanne Visser"]


def test_a_verb_opening_an_instruction_is_no_name_but_the_same_word_after_a_title_is():
    assert persons("Koppel de leidingen aan de binnenunit.") == []
    assert persons("Hang de unit aan de muur. Boor eerst de gaten.") == []
    assert persons("Neem contact op met de heer Koppel.") == ["Koppel"]


def test_a_verb_before_a_name_is_left_off_the_name():
    assert persons("Bel Pieter Bakker als de ketel niet start.") == ["Pieter Bakker"]


def test_a_heading_that_lost_its_line_break_is_no_name():
    # PDF text often joins a heading to the sentence after it.
    assert persons("Plaatsing Hang de unit aan de muur.") == []


def test_a_unit_before_a_full_stop_is_no_initial():
    assert persons("Stel de ketel in op 20 °C. Zet de thermostaat daarna lager.") == []
    assert persons("Sluit de pomp aan op 16 A. Vul daarna de installatie.") == []
    assert persons("Het rapport is van J. Jansen.") == ["J. Jansen"]


def test_a_name_with_a_legal_form_is_an_organisation():
    spans = detect("Deze handleiding is van Warmtewerk Installatietechniek B.V. uit Zwolle.")
    kinds = {s.text: s.type for s in spans}
    assert kinds["Warmtewerk Installatietechniek B.V."] == "ORGANIZATION"
    assert "PERSON" not in kinds.values()
    assert [s.type for s in detect("Pieter Bakker VOF levert de panelen.")] == ["ORGANIZATION"]
