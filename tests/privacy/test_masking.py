from wendbaar.privacy.services import mask_text, mask_texts, unmask_text


def test_mask_replaces_personal_data_and_unmask_restores_it():
    text = "Bel Jan de Vries op 06-12345678 of mail jan@voorbeeld.nl over IBAN NL91ABNA0417164300."
    result = mask_text(text=text)
    assert "Jan de Vries" not in result.text
    assert "06-12345678" not in result.text
    assert "jan@voorbeeld.nl" not in result.text
    assert "NL91ABNA0417164300" not in result.text
    assert "[PERSON_1]" in result.text and "[PHONE_1]" in result.text
    assert result.counts == {"PERSON": 1, "PHONE": 1, "EMAIL": 1, "IBAN": 1}
    assert unmask_text(result.text, result.mapping) == text


def test_the_same_entity_gets_the_same_placeholder():
    result = mask_text(text="Jan Jansen belde. Later belde Jan Jansen opnieuw, daarna Jansen zelf.")
    assert result.text.count("[PERSON_1]") == 3
    assert list(result.mapping) == ["[PERSON_1]"]


def test_one_number_in_two_notations_is_one_placeholder():
    result = mask_text(text="Bel 06-12345678 of 06 1234 5678.")
    assert result.text == "Bel [PHONE_1] of [PHONE_1]."


def test_a_shared_mapping_keeps_placeholders_stable_across_texts():
    first = mask_text(text="Vraag van Piet Bakker: bel 020-1234567.")
    second = mask_text(text="Piet Bakker belde nog eens; ook Sanne de Wit.", mapping=first.mapping)
    assert second.text.startswith("[PERSON_1] belde")
    assert "[PERSON_2]" in second.text
    assert second.mapping is first.mapping


def test_mask_texts_masks_several_texts_with_one_mapping():
    masked, mapping, counts = mask_texts(
        texts=["Mail jan@voorbeeld.nl", "Nogmaals jan@voorbeeld.nl"]
    )
    assert masked == ["Mail [EMAIL_1]", "Nogmaals [EMAIL_1]"]
    assert mapping == {"[EMAIL_1]": "jan@voorbeeld.nl"}
    assert counts == {"EMAIL": 2}


def test_only_the_chosen_kinds_are_masked():
    result = mask_text(text="Jan Jansen, BSN 111222333", types=["BSN"])
    assert result.text == "Jan Jansen, BSN [BSN_1]"


def test_dutch_placeholders_on_request():
    result = mask_text(text="Mail Piet Bakker via piet@voorbeeld.nl", language="nl")
    assert result.text == "Mail [PERSOON_1] via [EMAIL_1]"


def test_placeholders_already_in_the_text_are_not_reused():
    result = mask_text(text="Het sjabloon noemt [PHONE_1]; bel 06-12345678.")
    assert result.text == "Het sjabloon noemt [PHONE_1]; bel [PHONE_2]."


def test_unmask_tolerates_answers_that_change_the_placeholder_case_or_brackets():
    mapping = {"[PERSON_1]": "Jan Jansen", "[PHONE_1]": "06-12345678"}
    answer = "Beste [person_1], we bellen u op PHONE_1. Groet, [PERSON_9]"
    assert (
        unmask_text(answer, mapping)
        == "Beste Jan Jansen, we bellen u op 06-12345678. Groet, [PERSON_9]"
    )


def test_text_without_personal_data_is_unchanged():
    result = mask_text(text="De vergadering is om tien uur.")
    assert result.text == "De vergadering is om tien uur."
    assert result.mapping == {} and result.counts == {}
