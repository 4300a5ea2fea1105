"""Transcript importers: WebVTT, SRT, Teams DOCX (old and new layouts), plain text, and bad input."""

import contextlib
import io
import random
import zipfile

import docx
import pytest
from django.utils import translation

from wendbaar.meetings.transcripts import (
    ParseError,
    Transcript,
    _is_name,
    format_timestamp,
    is_supported,
    parse_transcript,
)


@pytest.fixture(autouse=True)
def _english():
    """Messages and notes are asserted in English (their msgids)."""
    with translation.override("en"):
        yield


def parse_error(filename: str, data: bytes) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_transcript(filename, data)
    error = info.value
    assert filename in error.message, error.message
    assert str(error) == error.message
    return error


def turns(transcript: Transcript) -> list[tuple[str, str]]:
    return [(line.speaker, line.text) for line in transcript.lines]


def assert_well_formed(transcript: Transcript) -> None:
    assert [line.index for line in transcript.lines] == list(range(len(transcript.lines)))
    starts = [line.start_seconds for line in transcript.lines if line.start_seconds is not None]
    assert starts == sorted(starts)
    assert all(line.text.strip() == line.text and line.text for line in transcript.lines)
    assert transcript.format in ("vtt", "srt", "docx", "text")
    assert transcript.language in ("nl", "en")


# -- fixtures --------------------------------------------------------------------------------------

TEAMS_VTT = """WEBVTT

NOTE
Gemaakt door Microsoft Teams.

STYLE
::cue { color: white }

3f2a9c1e-1b2c-4d5e-9f00-1234567890ab/12-0
00:00:01.000 --> 00:00:04.200
<v Jan de Vries>Goedemorgen allemaal, we beginnen
met de <c.yellow>planning</c> voor &amp;lt;week&amp;gt; 12 &amp; de offerte.</v>

3f2a9c1e-1b2c-4d5e-9f00-1234567890ab/13-0
00:00:04.200 --> 00:00:06.000
<v Jan de Vries>Fatma, wil jij beginnen?</v>

3f2a9c1e-1b2c-4d5e-9f00-1234567890ab/14-0
00:00:06.500 --> 00:00:09.000
<v Fatma Öztürk><i>Ja</i> hoor, de offerte voor Bakkerij Smit is bijna klaar.</v>

3f2a9c1e-1b2c-4d5e-9f00-1234567890ab/15-0
00:00:20.000 --> 00:00:22.000
<v Jan de Vries>Mooi, dan gaan we door naar het volgende punt.</v>
"""

ZOOM_VTT = """WEBVTT

1
00:00:02.100 --> 00:00:05.900
Sarah Miller: Good morning everyone, let's get started with the roadmap.

2
00:00:06.000 --> 00:00:09.300
Tom Baker: Thanks Sarah. I will send the report to the customer by Friday.

3
00:00:09.400 --> 00:00:11.000
Tom Baker: And I have a question about the budget.

4
00:01:15.000 --> 00:01:18.000
Sarah Miller: Okay, we should decide that next week.
"""

SRT = """1
00:00:01,000 --> 00:00:03,500
Jan: Zullen we beginnen?

2
00:00:03,600 --> 00:00:07,250
Pieter van den Berg: Ja, ik heb de <i>cijfers</i>
van het kwartaal bij me.

3
00:00:07,300 --> 00:00:09,000
Pieter van den Berg: Die deel ik zo.

10
00:01:00,000 --> 00:01:02,000
Jan: Goed, dan ronden we af.
"""

TEXT_NL = """Weekoverleg Service & Onderhoud
15 maart 2024

Jan de Vries: Goedemorgen. We hebben drie punten vandaag.
Eerst de planning voor volgende week.
Fatma: Ik kan dinsdag niet op kantoor zijn, ik werk dan vanuit huis.
Actie: Fatma stuurt de nieuwe planning voor vrijdag.
Jan de Vries: Prima. Dan besluiten we dat het teamoverleg op woensdag blijft.

Pieter: Akkoord.
"""


def teams_docx_old(one_paragraph_per_cue: bool = False) -> bytes:
    """The older Teams layout: `0:0:0.0 --> 0:0:3.510`, the speaker, the text."""
    cues = [
        ("0:0:0.0 --> 0:0:3.510", "de Vries, Jan", "Goedemorgen, zijn we er allemaal?"),
        ("0:0:3.510 --> 0:0:6.200", "de Vries, Jan", "Dan beginnen we met de planning."),
        ("0:0:7.0 --> 0:0:11.450", "Öztürk, Fatma", "Ja. Ik neem de storing bij Bakkerij Smit."),
        ("0:1:2.100 --> 0:1:5.0", "de Vries, Jan", "Dank je. Dat was het voor vandaag."),
    ]
    document = docx.Document()
    for timing, speaker, text in cues:
        if one_paragraph_per_cue:
            paragraph = document.add_paragraph()
            for position, part in enumerate((timing, speaker, text)):
                run = paragraph.add_run(part)
                if position < 2:
                    run.add_break()
        else:
            document.add_paragraph(timing)
            document.add_paragraph(speaker)
            document.add_paragraph(text)
        document.add_paragraph("")
    return _save(document)


def teams_docx_new(layout: str = "spaces", hours: bool = False) -> bytes:
    """The newer Teams layout: a title block, then `Naam   0:03` headers followed by text."""
    document = docx.Document()
    document.add_paragraph("Weekoverleg Service-20240315_090012-Vergaderingopname")
    document.add_paragraph("15 maart 2024, 09:00")
    document.add_paragraph("42m 10s")
    document.add_paragraph("Jan de Vries heeft de transcriptie gestart")
    turns_ = [
        ("Jan de Vries", "0:03", "Goedemorgen allemaal."),
        ("Jan de Vries", "0:09", "Fatma, hoe staat het met de offerte?"),
        ("Fatma Öztürk (Gast)", "0:15", "Die is bijna klaar, ik stuur hem voor vrijdag."),
        ("Pieter van den Berg", "1:02:03" if hours else "12:40", "Dan sluiten we af."),
    ]
    for speaker, stamp, text in turns_:
        if layout == "tab-and-runs":
            paragraph = document.add_paragraph()
            paragraph.add_run(speaker)
            paragraph.add_run("\t")
            paragraph.add_run(stamp)
        elif layout == "one-paragraph":
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{speaker}   {stamp}").add_break()
            paragraph.add_run(text)
            continue
        else:
            document.add_paragraph(f"{speaker}   {stamp}")
        document.add_paragraph(text)
    document.add_paragraph("Jan de Vries heeft de transcriptie gestopt")
    return _save(document)


def _save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- WebVTT ----------------------------------------------------------------------------------------


def test_teams_vtt_voice_tags_identifiers_notes_markup_and_merging():
    transcript = parse_transcript("weekoverleg.vtt", TEAMS_VTT.encode())
    assert_well_formed(transcript)
    assert transcript.format == "vtt"
    assert transcript.language == "nl"
    assert transcript.speakers == ["Jan de Vries", "Fatma Öztürk"]
    first, second, third = transcript.lines
    # Two contiguous cues of Jan became one turn; the multi-line cue is one line of text.
    assert first.speaker == "Jan de Vries"
    assert first.text == (
        "Goedemorgen allemaal, we beginnen met de planning voor &lt;week&gt; 12 & de offerte. "
        "Fatma, wil jij beginnen?"
    )
    assert (first.start_seconds, first.end_seconds) == (1.0, 6.0)
    assert second.text == "Ja hoor, de offerte voor Bakkerij Smit is bijna klaar."
    # Jan speaks again after a gap: a new turn, not merged.
    assert (third.speaker, third.start_seconds, third.end_seconds) == ("Jan de Vries", 20.0, 22.0)
    assert transcript.duration_seconds == 22.0
    assert transcript.notes == []
    assert "Gemaakt door" not in transcript.text and "::cue" not in transcript.text


def test_zoom_vtt_with_speaker_prefixes_in_english():
    transcript = parse_transcript("zoom_recording.vtt", ZOOM_VTT.encode())
    assert_well_formed(transcript)
    assert transcript.language == "en"
    assert turns(transcript) == [
        ("Sarah Miller", "Good morning everyone, let's get started with the roadmap."),
        (
            "Tom Baker",
            "Thanks Sarah. I will send the report to the customer by Friday. "
            "And I have a question about the budget.",
        ),
        ("Sarah Miller", "Okay, we should decide that next week."),
    ]
    assert transcript.lines[1].start_seconds == 6.0
    assert transcript.lines[1].end_seconds == 11.0
    assert transcript.lines[2].start_seconds == 75.0


def test_vtt_cue_with_two_voices_gives_two_lines_with_the_cue_times():
    data = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Anna>Klaar?</v>\n<v.loud Bram>Ja, klaar!</v>\n"
    )
    transcript = parse_transcript("twee.vtt", data.encode())
    assert turns(transcript) == [("Anna", "Klaar?"), ("Bram", "Ja, klaar!")]
    assert all(line.start_seconds == 1.0 for line in transcript.lines)
    assert transcript.notes == []  # two voices in one cue are not an overlap


def test_vtt_without_speakers_keeps_every_cue_and_has_no_speaker():
    data = (
        "WEBVTT\n\n00:01.000 --> 00:02.000\nHallo allemaal\n\n"
        "00:02.000 --> 00:04.000\nwe beginnen\nmet het overleg.\n"
    )
    transcript = parse_transcript("auto.vtt", data.encode())
    assert turns(transcript) == [("", "Hallo allemaal"), ("", "we beginnen met het overleg.")]
    assert transcript.lines[1].end_seconds == 4.0


def test_vtt_language_header_wins_over_the_guess():
    data = "WEBVTT\nKind: captions\nLanguage: en\n\n00:00:01.000 --> 00:00:02.000\nJan: Dag.\n"
    assert parse_transcript("meet.vtt", data.encode()).language == "en"


def test_vtt_cues_without_blank_lines_between_them():
    data = (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nJan: Eerste punt.\n"
        "2\n00:00:05.000 --> 00:00:06.000\nPiet: Tweede punt.\n"
    )
    assert turns(parse_transcript("dicht.vtt", data.encode())) == [
        ("Jan", "Eerste punt."),
        ("Piet", "Tweede punt."),
    ]


def test_vtt_entities_are_unescaped_exactly_once_and_tags_removed():
    data = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n"
        "<v Eva>Prijs &lt; &euro; 500 &amp;amp; <b>snel</b> <00:00:01.500><c>klaar</c></v>\n"
    )
    line = parse_transcript("tekens.vtt", data.encode()).lines[0]
    assert line.text == "Prijs < € 500 &amp; snel klaar"


def test_out_of_order_cues_are_sorted_and_noted():
    data = (
        "WEBVTT\n\n00:00:10.000 --> 00:00:12.000\n<v Jan>Tweede.</v>\n\n"
        "00:00:01.000 --> 00:00:03.000\n<v Piet>Eerste.</v>\n\n"
        "00:00:20.000 --> 00:00:22.000\n<v Jan>Derde.</v>\n"
    )
    transcript = parse_transcript("door_elkaar.vtt", data.encode())
    assert_well_formed(transcript)
    assert [line.text for line in transcript.lines] == ["Eerste.", "Tweede.", "Derde."]
    assert transcript.notes == [
        "Timestamps were out of order; 1 cue was moved to its place in time."
    ]


def test_overlapping_cues_are_kept_and_noted():
    data = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\n<v Jan>Ik denk dat we</v>\n\n"
        "00:00:03.000 --> 00:00:06.000\n<v Piet>Mag ik even?</v>\n\n"
        "00:00:05.500 --> 00:00:08.000\n<v Jan>Ga je gang.</v>\n\n"
        "00:00:07.000 --> 00:00:09.000\n<v Eva>Ik ook.</v>\n"
    )
    transcript = parse_transcript("overlap.vtt", data.encode())
    assert len(transcript.lines) == 4
    assert transcript.notes == ["3 cues overlap in time with the one before them; all were kept."]


def test_cue_ending_before_it_starts_and_duplicates_are_repaired_and_noted():
    data = (
        "WEBVTT\n\n00:00:05.000 --> 00:00:02.000\n<v Jan>Achterstevoren.</v>\n\n"
        "00:00:06.000 --> 00:00:07.000\n<v Piet>Dubbel.</v>\n\n"
        "00:00:06.000 --> 00:00:07.000\n<v Piet>Dubbel.</v>\n"
    )
    transcript = parse_transcript("rommel.vtt", data.encode())
    assert turns(transcript) == [("Jan", "Achterstevoren."), ("Piet", "Dubbel.")]
    assert transcript.lines[0].end_seconds == 5.0
    assert transcript.notes == [
        "1 cue ended before it started; its end was set to its start.",
        "1 duplicate cue was removed.",
    ]


def test_cues_with_unreadable_timestamps_are_skipped_and_noted():
    data = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Jan>Goed.</v>\n\n"
        "00:99:01.000 --> 00:00:02.000\n<v Jan>Kapotte tijd.</v>\n\n"
        "gisteren --> vandaag\n<v Jan>Geen tijd.</v>\n\n"
        "Losse tekst zonder tijd.\n"
    )
    transcript = parse_transcript("deels.vtt", data.encode())
    assert turns(transcript) == [("Jan", "Goed.")]
    assert transcript.notes == [
        "2 cues with unreadable timestamps were skipped.",
        "1 block of text without a timestamp was skipped.",
    ]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"WEBVTT\n\nNOTE alleen een notitie\n", id="header-and-note-only"),
        pytest.param(b"WEBVTT\n\nxx:yy --> zz\n<v Jan>Tekst</v>\n", id="only-bad-timings"),
        pytest.param(b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\n", id="cue-without-text"),
    ],
)
def test_vtt_without_readable_cues_is_refused(data):
    error = parse_error("leeg_overleg.vtt", data)
    assert error.code == "no_turns"


# -- SRT -------------------------------------------------------------------------------------------


def test_srt_numbered_cues_comma_milliseconds_and_speaker_prefixes():
    transcript = parse_transcript("overleg.srt", SRT.encode())
    assert_well_formed(transcript)
    assert transcript.format == "srt"
    assert transcript.language == "nl"
    assert turns(transcript) == [
        ("Jan", "Zullen we beginnen?"),
        ("Pieter van den Berg", "Ja, ik heb de cijfers van het kwartaal bij me. Die deel ik zo."),
        ("Jan", "Goed, dan ronden we af."),
    ]
    assert transcript.lines[1].start_seconds == 3.6
    assert transcript.lines[1].end_seconds == 9.0
    assert transcript.duration_seconds == 62.0


def test_srt_content_in_a_txt_file_is_read_as_srt():
    transcript = parse_transcript("export.txt", SRT.encode())
    assert transcript.format == "srt"
    assert len(transcript.lines) == 3


def test_srt_saved_with_windows_line_endings_and_a_bom():
    data = b"\xef\xbb\xbf" + SRT.replace("\n", "\r\n").encode()
    assert len(parse_transcript("windows.srt", data).lines) == 3


# -- Teams DOCX ------------------------------------------------------------------------------------


@pytest.mark.parametrize("one_paragraph", [False, True], ids=["paragraphs", "line-breaks"])
def test_teams_docx_older_layout(one_paragraph):
    transcript = parse_transcript("Transcript.docx", teams_docx_old(one_paragraph))
    assert_well_formed(transcript)
    assert transcript.format == "docx"
    assert transcript.language == "nl"
    assert turns(transcript) == [
        ("de Vries, Jan", "Goedemorgen, zijn we er allemaal? Dan beginnen we met de planning."),
        ("Öztürk, Fatma", "Ja. Ik neem de storing bij Bakkerij Smit."),
        ("de Vries, Jan", "Dank je. Dat was het voor vandaag."),
    ]
    assert transcript.lines[0].start_seconds == 0.0
    assert transcript.lines[0].end_seconds == 6.2
    assert transcript.lines[1].end_seconds == 11.45
    assert transcript.lines[2].start_seconds == 62.1
    assert transcript.duration_seconds == 65.0


@pytest.mark.parametrize("layout", ["spaces", "tab-and-runs", "one-paragraph"])
def test_teams_docx_newer_layout(layout):
    transcript = parse_transcript("Weekoverleg.docx", teams_docx_new(layout))
    assert_well_formed(transcript)
    assert transcript.format == "docx"
    assert turns(transcript) == [
        ("Jan de Vries", "Goedemorgen allemaal."),
        ("Jan de Vries", "Fatma, hoe staat het met de offerte?"),
        ("Fatma Öztürk (Gast)", "Die is bijna klaar, ik stuur hem voor vrijdag."),
        ("Pieter van den Berg", "Dan sluiten we af."),
    ]
    # Only the start is known in this layout; turns are not merged without an end.
    assert [line.start_seconds for line in transcript.lines] == [3.0, 9.0, 15.0, 760.0]
    assert all(line.end_seconds is None for line in transcript.lines)
    assert transcript.duration_seconds == 760.0
    assert "transcriptie" not in transcript.text
    # The title, date and length above the first speaker are skipped, and said so.
    assert transcript.notes == ["3 lines before the first speaker were skipped."]


def test_teams_docx_older_layout_with_two_speakers_who_each_speak_once():
    document = docx.Document()
    for line in (
        "00:00:01.250 --> 00:00:04.000",
        "Anna Bakker",
        "Wie neemt de klantvraag over de cv-ketel?",
        "00:00:04.500 --> 00:00:06.000",
        "Bram Peters",
        "Dat doe ik.",
    ):
        document.add_paragraph(line)
    assert turns(parse_transcript("kort.docx", _save(document))) == [
        ("Anna Bakker", "Wie neemt de klantvraag over de cv-ketel?"),
        ("Bram Peters", "Dat doe ik."),
    ]


def test_captions_starting_with_a_capitalised_word_are_not_taken_for_speakers():
    data = (
        "1\n00:00:01,000 --> 00:00:02,000\nGoedemorgen\niedereen.\n\n"
        "2\n00:00:02,500 --> 00:00:04,000\nVandaag\nbespreken we de planning.\n"
    )
    assert turns(parse_transcript("ondertitels.srt", data.encode())) == [
        ("", "Goedemorgen iedereen."),
        ("", "Vandaag bespreken we de planning."),
    ]


def test_teams_docx_newer_layout_with_hours():
    transcript = parse_transcript("Lang overleg.docx", teams_docx_new(hours=True))
    assert transcript.lines[-1].start_seconds == 3723.0


def test_teams_docx_in_english_with_a_table_of_turns():
    document = docx.Document()
    document.add_paragraph("Transcript")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Sarah Miller   0:05"
    table.cell(0, 1).text = "Let's review the open tickets for this week."
    table.cell(1, 0).text = "Tom Baker   0:12"
    table.cell(1, 1).text = "I will call the customer about the invoice tomorrow."
    transcript = parse_transcript("Sync.docx", _save(document))
    assert transcript.language == "en"
    assert [line.speaker for line in transcript.lines] == ["Sarah Miller", "Tom Baker"]


def test_docx_with_only_prose_has_no_turns():
    document = docx.Document()
    document.add_paragraph("Dit is een gewone brief zonder sprekers of tijden.")
    document.add_paragraph("Met vriendelijke groet, het team.")
    assert parse_error("brief.docx", _save(document)).code == "no_turns"


def test_docx_without_text_is_empty():
    assert parse_error("leeg.docx", _save(docx.Document())).code == "empty"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"PK\x03\x04 kapot", id="broken-zip"),
        pytest.param(b"Jan: dit is tekst, geen Word-document", id="text-named-docx"),
    ],
)
def test_corrupt_docx(data):
    assert parse_error("kapot.docx", data).code == "corrupt"


def test_zip_that_is_not_a_word_document_is_corrupt():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("hallo.txt", "geen Word")
    assert parse_error("archief.docx", out.getvalue()).code == "corrupt"


def test_docx_in_an_ole_container_is_reported_as_protected_or_old_format():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert parse_error("beveiligd.docx", data).code == "encrypted"


def test_docx_that_unpacks_to_a_huge_size_is_refused(monkeypatch):
    from wendbaar.meetings import transcripts

    monkeypatch.setattr(transcripts, "MAX_DOCX_XML_BYTES", 1000)
    assert parse_error("bom.docx", teams_docx_new()).code == "too_large"


# -- plain text ------------------------------------------------------------------------------------


def test_plain_text_speakers_continuations_and_labels():
    transcript = parse_transcript("notities.txt", TEXT_NL.encode())
    assert_well_formed(transcript)
    assert transcript.format == "text"
    assert transcript.language == "nl"
    assert turns(transcript) == [
        (
            "Jan de Vries",
            "Goedemorgen. We hebben drie punten vandaag. Eerst de planning voor volgende week.",
        ),
        (
            "Fatma",
            "Ik kan dinsdag niet op kantoor zijn, ik werk dan vanuit huis. "
            "Actie: Fatma stuurt de nieuwe planning voor vrijdag.",
        ),
        ("Jan de Vries", "Prima. Dan besluiten we dat het teamoverleg op woensdag blijft."),
        ("Pieter", "Akkoord."),
    ]
    assert all(line.start_seconds is None for line in transcript.lines)
    assert transcript.duration_seconds is None
    assert transcript.notes == ["2 lines before the first speaker were skipped."]


def test_plain_text_with_bracketed_timestamps_in_english():
    data = (
        "[00:00:05] Sarah Miller: Welcome everyone.\n"
        "[00:00:12] Tom Baker: Thanks. I will prepare the quote for the customer.\n"
        "and send it on Friday.\n"
        "[00:01:23] Sarah Miller: Great, that's decided then.\n"
        "[00:01:30] Background noise\n"
    )
    transcript = parse_transcript("call.txt", data.encode())
    assert_well_formed(transcript)
    assert transcript.language == "en"
    assert turns(transcript) == [
        ("Sarah Miller", "Welcome everyone."),
        ("Tom Baker", "Thanks. I will prepare the quote for the customer. and send it on Friday."),
        ("Sarah Miller", "Great, that's decided then."),
        ("", "Background noise"),
    ]
    assert [line.start_seconds for line in transcript.lines] == [5.0, 12.0, 83.0, 90.0]
    assert transcript.duration_seconds == 90.0


@pytest.mark.parametrize(
    "line",
    [
        "00:01:23 Jan Jansen: Zullen we beginnen?",
        "(1:23) Jan Jansen: Zullen we beginnen?",
        "[01:23.500] - Jan Jansen: Zullen we beginnen?",
        "Jan Jansen (00:01:23): Zullen we beginnen?",
        "Jan Jansen [1:23]: Zullen we beginnen?",
    ],
)
def test_plain_text_timestamp_variants(line):
    transcript = parse_transcript("variant.txt", f"{line}\nPiet: Ja.\n".encode())
    first = transcript.lines[0]
    assert (first.speaker, first.text) == ("Jan Jansen", "Zullen we beginnen?")
    assert int(first.start_seconds) == 83


def test_plain_text_with_speaker_headers_and_meet_time_marks():
    data = (
        "Projectoverleg - Transcript\n"
        "00:00:00\n\n"
        "Anna Bakker: Welkom allemaal.\n"
        "Bram: Dank je.\n"
        "00:05:00\n\n"
        "Anna Bakker:\n"
        "Dan het budget. Dat moet voor het eind van de maand rond.\n"
        "Bram\n"
        "00:05:40\n"
        "Ik regel dat.\n"
    )
    transcript = parse_transcript("meet.txt", data.encode())
    assert_well_formed(transcript)
    assert turns(transcript) == [
        ("Anna Bakker", "Welkom allemaal."),
        ("Bram", "Dank je."),
        ("Anna Bakker", "Dan het budget. Dat moet voor het eind van de maand rond."),
        ("Bram", "Ik regel dat."),
    ]
    assert [line.start_seconds for line in transcript.lines] == [0.0, None, 300.0, 340.0]


def test_plain_text_voice_tag_lines_and_teams_headers():
    data = (
        "<v Jan de Vries>Goedemorgen.</v>\n"
        "Fatma Öztürk   0:15\n"
        "Ik heb de offerte klaar.\n"
        "Jan de Vries started transcription\n"
    )
    assert turns(parse_transcript("geplakt.txt", data.encode())) == [
        ("Jan de Vries", "Goedemorgen."),
        ("Fatma Öztürk", "Ik heb de offerte klaar."),
    ]


def test_plain_text_same_speaker_twice_stays_two_lines_without_timestamps():
    data = "Jan: Eerste punt.\nJan: Tweede punt.\nPiet: Oké.\n"
    assert len(parse_transcript("lijst.txt", data.encode()).lines) == 3


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            "Dit is een gewone tekst.\nEr staan geen sprekers in.\nOok geen tijden.\n",
            id="prose",
        ),
        pytest.param("asdf qwer 1234 !!!! ##### ;;;; zxcv\n" * 20, id="junk"),
        pytest.param("Actie: bel de klant.\nBesluit: we gaan door.\n", id="only-labels"),
        pytest.param("Een inleiding.\nJan: Hoi.\n" + "Nog een losse zin.\n" * 300, id="sparse"),
    ],
)
def test_text_without_recognisable_turns_is_refused(data):
    error = parse_error("rommel.txt", data.encode())
    assert error.code == "no_turns"
    assert "Naam: tekst" in error.message


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("Jan", True),
        ("Jan de Vries", True),
        ("de Vries, Jan", True),
        ("Fatma Öztürk (Gast)", True),
        ("J. van der Berg", True),
        ("Spreker 2", True),
        ("SPEAKER_01", True),
        ("Anne-Marie O'Neill", True),
        ("Actie", False),
        ("Let op", False),
        ("Goed punt", False),
        ("https", False),
        ("2024", False),
        ("We beginnen om", False),
        ("Klaar.", False),
        ("Een heel lange zin Met Veel Woorden Die Doorgaat", False),
    ],
)
def test_what_counts_as_a_speaker_name(candidate, expected):
    assert _is_name(candidate) is expected


# -- encodings -------------------------------------------------------------------------------------

ENCODED_TEXT = "Jan: Café “De Boer” kost € 5.\nEllen: Geëmigreerd naar Zürich.\n"


@pytest.mark.parametrize(
    ("encoded", "note"),
    [
        pytest.param(ENCODED_TEXT.encode(), None, id="utf-8"),
        pytest.param(b"\xef\xbb\xbf" + ENCODED_TEXT.encode(), None, id="utf-8-bom"),
        pytest.param(ENCODED_TEXT.encode("utf-16"), None, id="utf-16-bom"),
        pytest.param(b"\xfe\xff" + ENCODED_TEXT.encode("utf-16-be"), None, id="utf-16-be-bom"),
        pytest.param(
            ENCODED_TEXT.encode("cp1252"),
            "The file was not UTF-8; it was read as Windows-1252.",
            id="windows-1252",
        ),
        pytest.param(
            ENCODED_TEXT.encode("utf-16-le"),
            "The file was read as UTF-16 (it had no byte-order mark).",
            id="utf-16-le-without-bom",
        ),
        pytest.param(
            "".join(
                bytes([byte]).decode("cp1252", errors="ignore") or chr(byte)
                for byte in ENCODED_TEXT.encode()
            ).encode(),
            "Characters saved in the wrong encoding were repaired.",
            id="double-encoded-utf-8",
        ),
    ],
)
def test_every_supported_encoding_reads_the_same(encoded, note):
    transcript = parse_transcript("codering.txt", encoded)
    assert turns(transcript) == [
        ("Jan", "Café “De Boer” kost € 5."),
        ("Ellen", "Geëmigreerd naar Zürich."),
    ]
    assert transcript.notes == ([note] if note else [])


def test_windows_1252_vtt_is_read():
    data = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v René>Dat is één optie.</v>\n"
    assert parse_transcript("oud.vtt", data.encode("cp1252")).lines[0].speaker == "René"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            bytes(random.Random(5).randrange(0x80, 0x100) for _ in range(2000)), id="high"
        ),
        pytest.param("Иван: Добрый день, коллеги.\n".encode("cp1251") * 20, id="cyrillic-1251"),
        pytest.param("会議: 議事録です。\n".encode("shift_jis") * 20, id="shift-jis"),
    ],
)
def test_text_in_an_unsupported_encoding_is_refused(data):
    assert parse_error("vreemd.txt", data).code == "mis_encoded"


def test_utf16_with_a_bom_but_broken_bytes_is_refused():
    assert parse_error("half.txt", b"\xff\xfe" + "Jan: hoi".encode("utf-16-le") + b"\x00").code in (
        "mis_encoded",
    )


# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("leeg.vtt", b""),
        ("leeg.srt", b"   \r\n\n"),
        ("leeg.txt", b"\xef\xbb\xbf"),
        ("leeg.txt", b"\xff\xfe"),
        ("leeg.txt", "\n \n".encode("utf-16")),
        ("leeg.docx", b""),
    ],
)
def test_empty_file(filename, data):
    assert parse_error(filename, data).code == "empty"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x00\x01\x02\x03binair\x00\xff" * 50, id="nul-bytes"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", id="pdf"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x10" * 100, id="png"),
        pytest.param(b"ID3\x04\x00" + b"\x20" * 100, id="mp3"),
        pytest.param(b"PK\x03\x04" + b"\x14" * 100, id="zip"),
        pytest.param(b"Jan: hoi\x01\x02\x03\x04\x05\x06\x07\x08" * 10, id="control-characters"),
    ],
)
def test_binary_data_in_a_text_transcript(data):
    assert parse_error("opname.vtt", data).code == "binary"


@pytest.mark.parametrize("filename", ["notulen.pdf", "oud.doc", "opname.mp3", "zonder_extensie"])
def test_unknown_format(filename):
    error = parse_error(filename, b"Jan: hoi")
    assert error.code == "unsupported_type"
    assert "WebVTT" in error.message


def test_extension_is_matched_without_regard_to_case():
    assert is_supported("OVERLEG.VTT") and is_supported("x.Docx") and not is_supported("x.pdf")
    assert parse_transcript("OVERLEG.SRT", SRT.encode()).format == "srt"


def test_file_over_the_size_limit(settings):
    settings.MEETINGS_TRANSCRIPT_MAX_BYTES = 1000
    error = parse_error("groot.vtt", b"WEBVTT\n\n" + b"x" * 1001)
    assert error.code == "too_large"
    assert "1000" in error.message or "KB" in error.message


def test_transcript_over_the_line_limit(settings):
    settings.MEETINGS_TRANSCRIPT_MAX_LINES = 100
    error = parse_error("lang.txt", b"Jan: hoi\n" * 150)
    assert error.code == "too_large"
    assert "100" in error.message


def test_default_limits_are_twenty_megabytes_and_two_hundred_thousand_lines():
    from wendbaar.meetings import transcripts

    assert transcripts.max_bytes() == 20 * 1024 * 1024
    assert transcripts.max_lines() == 200_000


def test_mangled_transcripts_never_raise_anything_but_parse_error():
    """Cut, shuffled and corrupted versions of every fixture: a transcript or a ParseError."""
    rng = random.Random(20240315)
    sources = [
        ("a.vtt", TEAMS_VTT.encode()),
        ("b.vtt", ZOOM_VTT.encode()),
        ("c.srt", SRT.encode()),
        ("d.txt", TEXT_NL.encode()),
    ]
    for filename, data in sources:
        for _ in range(150):
            mangled = bytearray(data)
            action = rng.choice(["cut", "flip", "shuffle", "insert"])
            if action == "cut":
                mangled = mangled[: rng.randrange(len(mangled))]
            elif action == "flip":
                for _ in range(rng.randrange(1, 20)):
                    mangled[rng.randrange(len(mangled))] = rng.randrange(256)
            elif action == "shuffle":
                lines = bytes(mangled).split(b"\n")
                rng.shuffle(lines)
                mangled = bytearray(b"\n".join(lines))
            else:
                at = rng.randrange(len(mangled))
                mangled[at:at] = rng.choice([b"-->", b"<v ", b"</v>", b":", b"\n\n", b"99:99"])
            try:
                transcript = parse_transcript(filename, bytes(mangled))
            except ParseError as error:
                assert filename in error.message
            else:
                assert_well_formed(transcript)


def test_large_transcript_is_parsed_in_reasonable_time():
    import time

    cues = "".join(
        f"{n}\n{format_timestamp(n * 3)}.000 --> {format_timestamp(n * 3 + 2)}.500\n"
        f"{'Jan' if n % 3 else 'Fatma'}: Dit is zin nummer {n} van het lange overleg.\n\n"
        for n in range(1, 6001)
    )
    started = time.perf_counter()
    transcript = parse_transcript("lang.srt", cues.encode())
    assert time.perf_counter() - started < 5
    # Jan speaks two contiguous cues in every three: those pairs are one turn each.
    assert len(transcript.lines) == 4000
    assert transcript.duration_seconds == 6000 * 3 + 2.5


@pytest.mark.parametrize(
    ("filename", "line"),
    [
        ("spaties.txt", "Jan" + " " * 100_000 + "x"),
        ("streep.txt", "- " + " " * 100_000 + "x"),
        ("stempel.txt", "[" + " " * 100_000 + "1:00"),
        ("stem.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v " + " " * 100_000 + "x"),
        ("tags.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n" + "<v a" * 50_000),
    ],
)
def test_pathological_long_lines_are_handled_quickly(filename, line):
    import time

    started = time.perf_counter()
    with contextlib.suppress(ParseError):
        parse_transcript(filename, (line + "\n").encode())
    assert time.perf_counter() - started < 2


def test_format_timestamp():
    assert format_timestamp(195.4) == "0:03:15"
    assert format_timestamp(3723) == "1:02:03"
    assert format_timestamp(None) == ""
