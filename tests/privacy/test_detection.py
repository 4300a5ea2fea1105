import pytest

from wendbaar.privacy.detection import MAX_TEXT_CHARS, DetectionError, detect


def found(text, types=None):
    return [(s.type, s.text) for s in detect(text, types=types)]


def kinds(text, kind):
    return [s.text for s in detect(text) if s.type == kind]


# -- identifiers -------------------------------------------------------------------------------


def test_bsn_that_passes_the_eleven_test_is_found_in_dutch_and_english():
    assert kinds("Mijn BSN is 111222333, kunt u dat aanpassen?", "BSN") == ["111222333"]
    assert kinds("My citizen service number is 123456782.", "BSN") == ["123456782"]


def test_nine_digit_number_that_fails_the_eleven_test_is_not_a_bsn():
    assert kinds("Klantnummer 123456789 heeft een storing gemeld.", "BSN") == []
    assert kinds("Order 111222334 is shipped.", "BSN") == []


def test_bsn_written_with_dots_or_spaces_is_found():
    assert kinds("BSN: 111.222.333", "BSN") == ["111.222.333"]
    assert kinds("BSN: 111 222 333", "BSN") == ["111 222 333"]


def test_iban_with_a_valid_checksum_is_found_with_and_without_spaces():
    assert kinds("Maak het over naar NL91 ABNA 0417 1643 00 t.n.v. de klant.", "IBAN") == [
        "NL91 ABNA 0417 1643 00"
    ]
    assert kinds("Paid from account NL91ABNA0417164300.", "IBAN") == ["NL91ABNA0417164300"]
    assert kinds("Rekening DE89 3704 0044 0532 0130 00.", "IBAN") == ["DE89 3704 0044 0532 0130 00"]


def test_iban_with_a_wrong_checksum_is_not_flagged_at_all():
    assert found("Rekening NL91 ABNA 0417 1643 01 klopt niet.") == []


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "06 1234 5678",
        "+31 6 1234 5678",
        "0031 6 12345678",
        "020-1234567",
        "(030) 718 9869",
        "+31 (0)10 528 8857",
        "+44 20 7946 0958",
    ],
)
def test_phone_numbers_in_common_notations_are_found(number):
    assert kinds(f"Bel mij op {number}, graag voor vijf uur.", "PHONE") == [number]


def test_order_numbers_and_years_are_not_phone_numbers():
    assert kinds("Ordernummer 720067560 staat open sinds 2024-1190.", "PHONE") == []


def test_email_addresses_are_found_whole():
    assert found("Mail p.jansen1977@kpn-mail.nl of info@voorbeeld.co.uk.", ["EMAIL"]) == [
        ("EMAIL", "p.jansen1977@kpn-mail.nl"),
        ("EMAIL", "info@voorbeeld.co.uk"),
    ]


def test_dutch_postcodes_with_and_without_space_but_not_units():
    assert kinds("Postcode 1234 AB en 5678CD.", "POSTCODE") == ["1234 AB", "5678CD"]
    assert kinds("Het bestand is 1024 MB groot.", "POSTCODE") == []
    # Letters that are also a unit count as a postcode where an address says so.
    assert kinds("Dorpsstraat 3, 1234 GB Zwolle", "POSTCODE") == ["1234 GB"]


def test_street_and_house_number_are_an_address():
    assert kinds("Het nieuwe adres is Kerkstraat 12a, 3511 AB Utrecht.", "ADDRESS") == [
        "Kerkstraat 12a"
    ]
    assert kinds("We met at 10 Downing Street yesterday.", "ADDRESS") == ["10 Downing Street"]


# -- names -------------------------------------------------------------------------------------


def test_dutch_person_names_are_found():
    assert kinds("Gisteren belde Jan de Vries over de offerte.", "PERSON") == ["Jan de Vries"]
    assert kinds("Bel Piet van der Berg even terug.", "PERSON") == ["Piet van der Berg"]
    assert kinds("Het gesprek met mevrouw Bakker verliep goed.", "PERSON") == ["Bakker"]


def test_english_person_names_are_found():
    assert kinds("Please contact John Smith about the invoice.", "PERSON") == ["John Smith"]
    assert kinds("The report was sent by Mr. Brown on Monday.", "PERSON") == ["Brown"]


def test_titles_and_sentence_openers_are_not_part_of_the_name():
    assert kinds("Volgens minister Hoekstra is het plan klaar.", "PERSON") == ["Hoekstra"]


def test_places_and_organisations_are_found():
    spans = found("Sanne werkt bij Acme Holding in Rotterdam en reist vaak naar Brussel.")
    assert ("LOCATION", "Rotterdam") in spans
    assert ("LOCATION", "Brussel") in spans
    assert ("ORGANIZATION", "Acme Holding") in spans


def test_ordinary_capitalised_words_in_english_are_not_names():
    assert found("Meeting Notes From Monday: Action Items And Decisions.", ["PERSON"]) == []


def test_initials_alone_in_brackets_on_a_line_are_a_person():
    text = "Het verslag werd opgesteld door onze redactie.\n( MvdB )"
    assert found(text) == [("PERSON", "MvdB")]
    assert kinds("(KS)", "PERSON") == ["KS"]
    # Inside a sentence an acronym in brackets stays an organisation.
    assert kinds("Minister Peeters ( CD&V ) en de bond ( ACV ) overlegden.", "PERSON") == [
        "Peeters"
    ]


def test_a_name_before_a_colon_and_a_quote_is_a_speaker():
    assert found("Okonkwo : ' We openen de nieuwe fabriek volgend jaar . '") == [
        ("PERSON", "Okonkwo")
    ]
    # Even where a town abroad has the same name.
    assert kinds('Spitz : " De planning is te krap . "', "PERSON") == ["Spitz"]


def test_unknown_name_at_sentence_start_that_speaks_is_a_person():
    assert kinds("Mbeki zei dat het overleg vastliep.", "PERSON") == ["Mbeki"]
    assert kinds("Vandaag zei de directie niets.", "PERSON") == []


def test_capitalised_article_opens_a_paper_or_firm_unless_a_surname_follows():
    assert found("Ik las het gisteren in De Nieuwe Gazet .") == [
        ("ORGANIZATION", "De Nieuwe Gazet")
    ]
    assert kinds("Zo meldde De Morgen vanochtend.", "PERSON") == []
    assert kinds("Gisteren belde De Coster nog over de offerte.", "PERSON") == ["De Coster"]


def test_capital_van_with_interfix_is_a_surname_also_at_sentence_start():
    assert kinds("Van der Heijden vertrekt morgen.", "PERSON") == ["Van der Heijden"]
    assert kinds("Hij wordt opgevolgd door Dries Van den Abeele , zegt men.", "PERSON") == [
        "Dries Van den Abeele"
    ]


def test_two_unknown_capitalised_words_inside_a_sentence_are_a_foreign_name():
    text = "Het contract werd getekend door Nkosana Dlamini en haar partner."
    assert kinds(text, "PERSON") == ["Nkosana Dlamini"]
    # Names of ministries, laws and events are made of Dutch adjectives and nouns.
    assert kinds("Het ministerie van Sociale Zaken keurde het goed.", "PERSON") == []
    assert kinds("Hij won twee keer de Grote Prijzen van het seizoen.", "PERSON") == []


def test_dutch_names_of_foreign_cities_are_places():
    text = "Het congres vindt plaats in Parijs en daarna in Berlijn ."
    assert found(text) == [("LOCATION", "Parijs"), ("LOCATION", "Berlijn")]


def test_town_abroad_named_like_a_person_needs_a_place_cue():
    assert kinds("Het gesprek met Clinton duurde lang.", "PERSON") == ["Clinton"]
    assert kinds("Het gesprek met Clinton duurde lang.", "LOCATION") == []
    assert kinds("De fabriek in Clinton sluit.", "LOCATION") == ["Clinton"]


def test_hyphenated_place_or_brand_is_not_a_person():
    assert kinds("Het festival in Sint-Niklaas trok veel bezoekers.", "PERSON") == []
    assert kinds("Marie-Chantal Lemaire belde gisteren.", "PERSON") == ["Marie-Chantal Lemaire"]


def test_identifier_wins_over_a_name_inside_it():
    assert found("Mail jan.jansen@voorbeeld.nl vandaag.") == [("EMAIL", "jan.jansen@voorbeeld.nl")]


def test_offsets_point_at_the_text():
    text = "Contact: Sarah Johnson, sarah@example.com, 06-12345678."
    for span in detect(text):
        assert text[span.start : span.end] == span.text


# -- input -------------------------------------------------------------------------------------


def test_empty_text_has_no_personal_data():
    assert detect("") == []
    assert detect("   \n ") == []


def test_bytes_are_refused_with_a_clear_message():
    with pytest.raises(DetectionError, match="not bytes"):
        detect(b"Jan Jansen")


def test_non_text_is_refused():
    with pytest.raises(DetectionError, match="not int"):
        detect(12345)


def test_unknown_kind_is_refused():
    with pytest.raises(DetectionError, match="SHOE_SIZE"):
        detect("tekst", types=["SHOE_SIZE"])


def test_too_long_text_is_refused_plainly():
    with pytest.raises(DetectionError, match="at most"):
        detect("a" * (MAX_TEXT_CHARS + 1))


def test_long_text_is_worked_through_in_pieces_with_right_offsets():
    filler = "Dit is een gewone zin zonder bijzonderheden. " * 1000
    text = filler + "Bel 06-12345678 of mail jan@voorbeeld.nl." + filler
    spans = detect(text, types=["PHONE", "EMAIL"])
    assert [(text[s.start : s.end], s.type) for s in spans] == [
        ("06-12345678", "PHONE"),
        ("jan@voorbeeld.nl", "EMAIL"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Write the minutes in English, in short sentences.",
        "Schrijf het antwoord in het Duits.",
        "Reply in Dutch or in German.",
    ],
)
def test_a_language_is_not_a_place(text):
    assert [s for s in detect(text) if s.type in ("LOCATION", "PERSON")] == []


def test_a_country_after_in_is_still_a_place():
    text = "Jan woont in Engeland."
    assert ("Engeland", "LOCATION") in [(text[s.start : s.end], s.type) for s in detect(text)]
