"""The meetings benchmark's generated transcript: an hour of varied Dutch, as the importer reads it."""

from wendbaar.bench.__main__ import BENCHMARKS
from wendbaar.meetings import bench, transcripts


def test_the_benchmark_transcript_is_an_hour_of_varied_dutch_meeting():
    turns = bench.transcript()
    words = sum(len(text.split()) for _, text, _ in turns)
    assert 8_500 <= words <= 9_500
    assert turns[-1][2] < bench.SECONDS and turns[-1][2] > bench.SECONDS * 0.95
    assert len({text for _, text, _ in turns}) > 0.6 * len(turns)
    assert {speaker for speaker, _, _ in turns} == set(bench.PEOPLE)
    parsed = transcripts.parse_transcript("teamoverleg.txt", bench.as_text(turns).encode())
    assert parsed.language == "nl" and len(parsed.lines) >= 0.9 * len(turns)
    assert bench.transcript() == turns  # the same every run
    assert "wendbaar.meetings.bench" in BENCHMARKS
