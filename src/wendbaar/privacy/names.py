"""Names of people, places and organisations in Dutch and English text.

Two sources agree or complement each other:

- deduce finds Dutch person names from its first-name, surname, initial and title patterns, and
  healthcare institutions from its lists;
- a chunker groups capitalised words ("Ehud Barak", "Fortis Bank", "Sint-Niklaas") and decides
  per group from word lists (places of the world, first names, company forms, acronyms) and
  context cues (a title or job before it, "zegt"/"said" after it, "volgens"/"aldus" before it).
  In Dutch, nouns are not capitalised, so a capitalised word inside a sentence is a name; at the
  start of a sentence only a word that no word list knows as ordinary counts.

Shapes count too: initials alone in brackets on a line (a byline), a speaker before a colon and a
quote, a capital "Van der" surname, two unknown capitalised words inside a sentence (a foreign
name), and a capitalised article before a word that is no surname (a paper or firm: "De Morgen").

A name found once with good evidence is found again where it recurs alone in the same text
("Ehud Barak … Barak said"). Groups without any evidence are left alone: guessing costs precision
and most such words are products, events or nationalities.
"""

import bisect
import itertools
import re
from dataclasses import dataclass

from wendbaar.privacy.choices import EntityType
from wendbaar.privacy.lexicon import (
    COMMON_ACRONYMS,
    DUTCH_NOUNS,
    INSTRUCTION_VERBS,
    LEGAL_FORMS,
    ORG_WORDS,
    PERSON_TITLES,
    SPEECH_AFTER,
    SPEECH_BEFORE,
    TITLE_SUFFIXES,
    UNIT_SYMBOLS,
    Lexicon,
    fold,
    words,
)
from wendbaar.privacy.spans import Span

TOKEN_RE = re.compile(r"[^\W\d_](?:[\w'\u2019]|[-\u2010](?=\w))*|\d+(?:[.,]\d+)*|\S")
INTERFIXES = words(
    """
    van de der den het ter ten te von vom zu da di du le la del della dos das el al bin ben ibn
    't d' l' mc
    """
)
CAPITAL_INTERFIXES = frozenset(["Van", "Ten", "Ter", "Von", "Van't"])
SENTENCE_END = frozenset(".!?:;\"\u201c\u201d«»\u2018\u2019'•*\u2013\u2014|")
ORG_SUFFIX_RE = re.compile(
    r"(?:bank|groep|group|holding|partij|bond|unie|raad|commissie|ministerie|instituut|dienst|"
    r"vereniging|stichting|federatie|maatschappij|fonds|krant|omroep|air|tel|com|soft|tech|net)$",
    re.IGNORECASE,
)
# The last word of a firm's name that is a compound of a trade: "Warmtewerk Installatietechniek",
# "Jansen Dakbouw", "Smit Transport" is no person.
ORG_COMPOUND_RE = re.compile(
    r"[^\W\d_]{3}(?:techniek|installatie|installaties|bouw|service|services|advies|transport|"
    r"logistiek|verhuur|makelaardij|bedrijf|bedrijven)$",
    re.IGNORECASE,
)
# Endings of Dutch nouns made from verbs and adjectives ("Plaatsing", "Veiligheid", "Installatie"),
# which open a sentence or stand alone as a heading; only for words no name list knows.
DUTCH_NOUN_ENDING_RE = re.compile(
    r"[^\W\d_]{3}(?:ing|ingen|heid|heden|schap|teit|isme|atie|aties)$"
)
# Endings that mark a surname in many languages: Slavic (-ić, -ov, -ski), Flemish (-ckx, -aert,
# -mans), Italian (-elli, -ini), Spanish (-ez). Only for words no list knows, and never hyphenated.
SURNAME_SHAPE_RE = re.compile(
    r"^[^\W\d_][^-\s]*(?:ić|vić|vic|ov|ova|ev|eva|enko|sky|ski|wicz|ckx|aert|aerts|eels|mans|yns|"
    r"elli|ello|etti|ini|ucci|[^\W\daeiou]ez)$"
)
ARTICLES = frozenset(["de", "het", "een", "the", "a", "an"])
PLACE_PREPOSITIONS = words(
    """
    in naar uit te nabij vanuit richting to from near
    """
)
PERSONAL_PRONOUNS = frozenset(["hij", "hem", "he", "him", "his", "she"])
NAME_KINDS = frozenset({EntityType.PERSON, EntityType.LOCATION, EntityType.ORGANIZATION})
LIST_SEPARATOR_RE = re.compile(r"\s*(?:,|,?\s*(?:en|and|of|or|noch))\s*")
CONJUNCTION_RE = re.compile(r"\b(?:en|and|of|or|noch)\b")
DEDUCE_ORG_TAGS = ("ziekenhuis", "zorginstelling", "instelling")
# A line that holds only initials in brackets is a byline or signature: "( JdV )", "(KS)".
INITIALS_LINE_RE = re.compile(r"^[ \t]*\([ \t]*([A-Z][A-Za-z]{1,3})[ \t]*\)[ \t]*$", re.MULTILINE)
# A capitalised article opens the name of a paper, firm or place ("De Morgen", "Het Parool"), not
# a given name; with a known surname after it, it is a Flemish surname ("De Vries", "De Coster").
NAME_ARTICLES = frozenset(["De", "Het", "The", "Die", "Den"])
# Quotes opening speech after a speaker's name and a colon: 'Jansen : " We gaan door . "'.
QUOTE_MARKS = frozenset("'\"\u2018\u201c\u201e\u00ab")
# Verbs that only a person (not a firm or a ministry) does, for names at the start of a sentence.
PERSON_SPEECH = words(
    """
    zegt zei zeiden vertelt vertelde gelooft geloofde dacht denkt vindt vond hoopt hoopte
    studeerde trouwde said says told thinks believes
    """
)
# Endings of Dutch adjectives and abstract or plural nouns, which make up titles of ministries,
# laws and events ("Sociale Zaken", "Ruimtelijke Ordening") but hardly any personal name.
DUTCH_WORD_ENDING_RE = re.compile(
    r"(?:aal|ale|eel|ele|ige|lijk|lijke|isch|ische|ief|ieve|ing|ingen|heid|schap|tie|teit|zaken|"
    r"ijke|iteit|ueel|uele|ende|ste|sten|ers|aken|igen|zen)$"
)
# Nationality adjectives and demonyms: Franse, Belgische, Braziliaan, Belgiër, Israëli's.
# Names of languages are never places or people ("in English", "in het Duits"); "Frans" and
# "Fries" are left out because they are given names and surnames as well.
LANGUAGE_NAMES = frozenset(
    [
        "english",
        "dutch",
        "german",
        "french",
        "spanish",
        "italian",
        "portuguese",
        "polish",
        "turkish",
        "arabic",
        "chinese",
        "russian",
        "ukrainian",
        "romanian",
        "bulgarian",
        "greek",
        "hungarian",
        "czech",
        "danish",
        "swedish",
        "norwegian",
        "finnish",
        "engels",
        "nederlands",
        "duits",
        "spaans",
        "italiaans",
        "portugees",
        "pools",
        "turks",
        "arabisch",
        "chinees",
        "russisch",
        "oekraïens",
        "roemeens",
        "bulgaars",
        "grieks",
        "hongaars",
        "tsjechisch",
        "deens",
        "zweeds",
        "noors",
        "fins",
    ]
)
NATIONALITY_RE = re.compile(r"(?:[^aeiou]se|sche|aan|iër|iërs|anen|['\u2019]s)$")


@dataclass
class Token:
    start: int
    end: int
    text: str
    space_before: str  # the characters between the previous token and this one

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()

    @property
    def is_capitalised(self) -> bool:
        return self.text[0].isupper()


@dataclass
class Chunk:
    """Consecutive capitalised words (with interfixes and initials) that may form one name."""

    tokens: list[Token]
    first_index: int  # index of its first token in the text's token list
    sentence_initial: bool

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end

    def words(self) -> list[str]:
        return [t.text for t in self.tokens if t.text not in (".", "&")]


def tokenize(text: str) -> list[Token]:
    tokens = []
    previous_end = 0
    for m in TOKEN_RE.finditer(text):
        tokens.append(Token(m.start(), m.end(), m.group(), text[previous_end : m.start()]))
        previous_end = m.end()
    return tokens


def _is_sentence_start(tokens: list[Token], index: int) -> bool:
    if index == 0:
        return True
    if "\n" in tokens[index].space_before:
        return True
    previous = tokens[index - 1].text
    if previous not in SENTENCE_END and previous not in ("-", "(", "["):
        return False
    # "dr. Jansen" and "J. Jansen": an abbreviation's or initial's full stop ends no sentence, but
    # a unit's does ("op 20 °C. Zet de thermostaat …").
    return not (
        previous == "."
        and index >= 2
        and _is_initial_or_title(tokens[index - 2].text)
        and not _is_unit(tokens, index - 2)
    )


def _is_unit(tokens: list[Token], index: int) -> bool:
    """A unit symbol after a number ("20 °C", "16 A", "230 V"), which is not an initial."""
    if index == 0:
        return False
    token, previous = tokens[index], tokens[index - 1]
    if previous.text == "\u00b0":
        return token.space_before == ""
    return (
        token.text in UNIT_SYMBOLS
        and previous.text[0].isdigit()
        and token.space_before in ("", " ")
    )


def _in_capitals_heading(text: str, chunk: "Chunk") -> bool:
    """The chunk stands in a line of three or more words without a lower-case letter."""
    line_start = text.rfind("\n", 0, chunk.start) + 1
    line_end = text.find("\n", chunk.end)
    line = text[line_start : len(text) if line_end == -1 else line_end]
    return len(line.split()) >= 3 and not any(c.islower() for c in line)


def _legal_form_at(members: list[Token]) -> int:
    """Where a legal form ("B.V.", "N.V.", "VOF", "Holding") ends a firm's name, or 0."""
    for k in range(1, len(members)):
        rest = members[k:]
        if all(t.space_before == "" for t in rest[1:]) and (
            fold("".join(t.text for t in rest).replace(".", "")) in LEGAL_FORMS
        ):
            return k
    return 0


def _is_initial_or_title(word: str) -> bool:
    return (len(word) <= 2 and word[:1].isupper() and not _is_capitals_word(word)) or (
        word.lower() in PERSON_TITLES
    )


def _is_capitals_word(word: str) -> bool:
    """ "OK", "HR", "II": a word or numeral in capitals, not two initials."""
    return len(word) == 2 and word.isupper() and word.lower() in COMMON_ACRONYMS


def _is_initial(tokens: list[Token], index: int) -> bool:
    """A capital letter (or two, "Th.") followed directly by a full stop."""
    token = tokens[index]
    return (
        len(token.text) <= 2
        and token.text[0].isupper()
        and token.text.isalpha()
        # "Bevestig met OK. Houd …": a word in capitals, not two initials.
        and not _is_capitals_word(token.text)
        and index + 1 < len(tokens)
        and tokens[index + 1].text == "."
        and tokens[index + 1].space_before == ""
    )


def chunks(tokens: list[Token], is_given_name=lambda word: False) -> list[Chunk]:
    """Groups of capitalised words separated by single spaces, with initials inside, and with
    lowercase interfixes ("van der") only after given names or initials ("Jan van der Berg", but
    "Pardon van de NMBS" is two names)."""

    def ends_in_given_name(members: list[Token]) -> bool:
        last = members[-2] if members[-1].text == "." and len(members) > 1 else members[-1]
        return (
            is_given_name(last.text)
            or (len(last.text) <= 2 and last.text.isupper())
            # Flemish surnames start with a capital interfix: "Van der Voort", "Van den Abeele".
            or last.text in CAPITAL_INTERFIXES
        )

    found = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not (token.is_word and token.is_capitalised) or _is_unit(tokens, i):
            i += 1
            continue
        members = [token]
        j = i + 1
        if _is_initial(tokens, i):
            members.append(tokens[i + 1])
            j = i + 2
        while j < len(tokens):
            nxt = tokens[j]
            if nxt.space_before not in (" ", ""):
                break
            if nxt.space_before == "" and members[-1].text != ".":
                break
            if nxt.is_word and nxt.is_capitalised:
                members.append(nxt)
                if _is_initial(tokens, j):
                    members.append(tokens[j + 1])
                    j += 2
                else:
                    j += 1
                continue
            # Interfixes and "&" join only when a capitalised word follows.
            k = j
            while k < len(tokens) and (
                tokens[k].text.lower() in INTERFIXES or tokens[k].text == "&"
            ):
                if tokens[k].space_before != " ":
                    break
                k += 1
            if (
                k > j
                and ends_in_given_name(members)
                and k < len(tokens)
                and tokens[k].is_word
                and tokens[k].is_capitalised
                and tokens[k].space_before == " "
                and k - j <= 3
            ):
                members.extend(tokens[j:k])
                j = k
                continue
            break
        while members and (members[-1].text.lower() in INTERFIXES or members[-1].text == "&"):
            members.pop()
        found.append(Chunk(members, i, _is_sentence_start(tokens, i)))
        i = j
    return found


class NameFinder:
    """Finds PERSON, LOCATION and ORGANIZATION spans in one text."""

    def __init__(self, words: Lexicon):
        self.words = words

    # -- word classes ---------------------------------------------------------------------------

    def is_title(self, word: str) -> bool:
        lower = word.lower().rstrip(".")
        if lower in PERSON_TITLES or lower in self.words.prefixes:
            return True
        return len(lower) > 6 and lower.endswith(TITLE_SUFFIXES)

    def is_acronym(self, word: str) -> bool:
        letters = word.replace("&", "").replace("-", "")
        return (
            2 <= len(letters) <= 6
            and letters.isupper()
            and letters.isalpha()
            and word.lower() not in COMMON_ACRONYMS
        )

    def is_org_word(self, word: str) -> bool:
        return word.lower() in ORG_WORDS

    def is_name_word(self, word: str) -> bool:
        return self.words.is_first_name(word) or self.words.is_surname(word)

    def is_ordinary(self, word: str) -> bool:
        """A word that is ordinary text when capitalised at a sentence start (or in English)."""
        return self.words.is_common(word) or self.is_title(word)

    @staticmethod
    def is_verb_stem(word: str) -> bool:
        """A Dutch verb as it opens an instruction: "Hang", "Koppel", "Bel", "Controleer"."""
        return fold(word) in INSTRUCTION_VERBS

    def is_opening_word(self, word: str) -> bool:
        """A word that opens a sentence or stands alone as a heading in manuals and HR texts,
        though a name list may hold it too: an instruction's verb ("Hang de unit", "Boor de
        gaten") or a noun ("Plaatsing", "Onderhoud", "Tank")."""
        folded = fold(word)
        if folded in INSTRUCTION_VERBS or folded in DUTCH_NOUNS:
            return True
        # "Groningen", "Beijing" end like a noun too.
        return (
            bool(DUTCH_NOUN_ENDING_RE.search(word))
            and not self.is_name_word(word)
            and not self.words.is_place(word)
        )

    def _opens_sentence(self, tokens: list[Token], index: int) -> bool:
        """At a sentence start, or after a heading noun there that lost its line break
        ("Plaatsing Hang de unit …" from a PDF)."""
        while not _is_sentence_start(tokens, index):
            index -= 1
            word = tokens[index].text
            if not (
                word[0].isupper() and self.is_opening_word(word) and not self.is_verb_stem(word)
            ):
                return False
        return True

    # -- classification -------------------------------------------------------------------------

    def find(self, text: str, deduce_annotations: list[tuple[int, int, str, str]]) -> list[Span]:
        tokens = tokenize(text)
        deduce_persons = [
            (s, e) for s, e, tag, _ in deduce_annotations if tag in ("persoon", "patient")
        ]
        spans: list[Span] = [
            Span(s, e, EntityType.ORGANIZATION, t, 0.8, "deduce")
            for s, e, tag, t in deduce_annotations
            if tag in DEDUCE_ORG_TAGS
        ]
        spans.extend(
            Span(m.start(1), m.end(1), EntityType.PERSON, m.group(1), 0.7, "initials")
            for m in INITIALS_LINE_RE.finditer(text)
        )
        undecided: list[Chunk] = []
        for chunk in chunks(tokens, self.words.is_first_name):
            for part, cue in self._split(chunk, tokens):
                span = self._classify(part, cue, tokens, text, deduce_persons)
                if span is not None:
                    spans.append(span)
                else:
                    undecided.append(part)
        spans.extend(self._deduce_persons(text, tokens, deduce_persons, spans))
        # Weaker evidence, in order: a name seen before, a list of names, a pronoun referring back.
        for step in (self._recurring, self._listed, self._referred):
            found = step(text, tokens, undecided, spans)
            spans.extend(found)
            decided = {(s.start, s.end) for s in found}
            undecided = [c for c in undecided if (c.start, c.end) not in decided]
        return spans

    def _referred(self, text, tokens, undecided: list[Chunk], spans: list[Span]) -> list[Span]:
        """The one unknown name that "hij"/"he" refers back to is a person ("…dat Barak hem…")."""
        if any(s.type == EntityType.PERSON for s in spans):
            return []
        candidates = [
            c
            for c in undecided
            if not c.sentence_initial
            and len(c.words()) <= 3
            and not any(self.is_acronym(w) or self.words.is_common(w) for w in c.words())
            and not self._looks_like_description(c.tokens[-1].text)
            and not self.words.is_place(text[c.start : c.end])
        ]
        if len(candidates) != 1:
            return []
        chunk = candidates[0]
        after = tokens[chunk.first_index + len(chunk.tokens) :]
        if not any(t.text.lower() in PERSONAL_PRONOUNS for t in after[:25]):
            return []
        return [
            Span(
                chunk.start,
                chunk.end,
                EntityType.PERSON,
                text[chunk.start : chunk.end],
                0.5,
                "pronoun",
            )
        ]

    @staticmethod
    def _listed(text: str, tokens, undecided: list[Chunk], spans: list[Span]) -> list[Span]:
        """Names in one list are of one kind: "Clinton, Barak en Arafat", "Gent, Aalst of Ieper"."""
        items = sorted(
            [(s.start, s.end, s.type) for s in spans if s.type in NAME_KINDS]
            + [
                (c.start, c.end, None)
                for c in undecided
                if not c.sentence_initial and not NATIONALITY_RE.search(c.tokens[-1].text)
            ],
        )
        found = []
        group: list[tuple[int, int, str | None]] = []

        def close():
            kinds = {kind for _, _, kind in group if kind}
            # Without "en"/"and" two names side by side are more often a name and its description.
            joined = any(
                CONJUNCTION_RE.search(text[a[1] : b[0]]) for a, b in itertools.pairwise(group)
            )
            if len(kinds) == 1 and len(group) > 1 and joined:
                kind = kinds.pop()
                for start, end, item_kind in group:
                    if item_kind is None:
                        found.append(Span(start, end, kind, text[start:end], 0.55, "list"))

        for item in items:
            if group and not LIST_SEPARATOR_RE.fullmatch(text[group[-1][1] : item[0]]):
                close()
                group = []
            group.append(item)
        close()
        return found

    def _split(self, chunk: Chunk, tokens: list[Token]):
        """Strip titles and sentence-opening words, and split a description from the name that
        follows it: "Oppositieleider Ariel Sharon", "Binnenlandse Zaken Otto Schily"."""
        members = list(chunk.tokens)
        cue = self._title_before(tokens, chunk.first_index)
        initial = chunk.sentence_initial
        while len(members) > 1:
            word = members[0].text
            if self.is_title(word) or word.lower() in SPEECH_BEFORE:
                cue = True
            elif initial and self._opening_word_before_name(word, members[1].text):
                # "Bel Pieter Bakker", "Plaatsing Hang de unit": a heading noun keeps the start.
                members.pop(0)
                initial = not self.is_verb_stem(word)
                continue
            elif not (initial and self.words.is_common(word) and not self.is_name_word(word)) or (
                word in CAPITAL_INTERFIXES and members[1].text in INTERFIXES
            ):
                break
            members.pop(0)
            initial = False
            while members and (members[0].text.islower() or members[0].text == "."):
                members.pop(0)
        while members and members[-1].text in (".", "&"):
            # A trailing full stop stays only after an initial ("J.") or a title ("dr.").
            if (
                members[-1].text == "."
                and len(members) >= 2
                and _is_initial_or_title(members[-2].text)
            ):
                break
            members.pop()
        if not members:
            return
        split = self._name_start(members)
        if split:
            head, members = members[:split], members[split:]
            yield self._sub_chunk(head, tokens, chunk, initial), False
            initial, cue = False, True
        yield self._sub_chunk(members, tokens, chunk, initial), cue

    def _opening_word_before_name(self, word: str, following: str) -> bool:
        """An opening verb or noun before other capitalised words, unless it is a given name
        itself before a surname ("Hang Li"); then only before a given name ("Bel Pieter")."""
        if not self.is_opening_word(word) or word in CAPITAL_INTERFIXES:
            return False
        return not self.words.is_first_name(word) or self.words.is_first_name(following)

    def _name_start(self, members: list[Token]) -> int:
        """Where a full name (a given name and more) starts after other words, or 0."""
        words = [t.text for t in members]
        if any(self.is_org_word(w) for w in words):
            return 0
        for k in range(1, len(members) - 1):
            word = words[k]
            before = [w for w in words[:k] if w != "."]
            if (
                len(word) >= 3
                and self.words.is_first_name(word)
                and not self.words.is_common(word)
                and (members[k + 1].text[0].isupper() or members[k + 1].text.lower() in INTERFIXES)
                and not any(
                    (self.words.is_first_name(w) or len(w) <= 2) and w not in NAME_ARTICLES
                    for w in before
                )
            ):
                return k
        return 0

    @staticmethod
    def _sub_chunk(members: list[Token], tokens: list[Token], chunk: Chunk, initial: bool) -> Chunk:
        return Chunk(members, tokens.index(members[0], chunk.first_index), initial)

    def _title_before(self, tokens: list[Token], index: int) -> bool:
        """A title, job or speech cue directly before: "minister", "dr.", "aldus", "zegt", "de heer",
        "VN-ambassadeur"."""
        j = index - 1
        if j >= 1 and tokens[j].text == ".":
            j -= 1
        if j < 0:
            return False
        word = tokens[j].text
        lower = word.lower()
        if lower in SPEECH_BEFORE or lower in SPEECH_AFTER:
            # "aldus Jansen", and after a quote the verb comes first: '" …," zegt Jansen'.
            return True
        if self.is_title(word) and (word[0].islower() or "-" in word):
            return True
        return lower in PERSON_TITLES and word[0].isupper() and j > 0

    def _speech_after(self, tokens: list[Token], chunk: Chunk) -> bool:
        """ "Jansen zegt", "…, aldus Jansen" is handled before; "Jansen ( 43 )" marks an age."""
        last = chunk.first_index + len(chunk.tokens)
        following = [t.text for t in tokens[last : last + 3]]
        if following and following[0].lower() in SPEECH_AFTER:
            return True
        if len(following) >= 2 and following[0] == "," and following[1].lower() in SPEECH_AFTER:
            return True
        return (
            len(following) == 3
            and following[0] == "("
            and following[1].isdigit()
            and len(following[1]) <= 2
            and following[2] == ")"
        )

    def _hyphenated_name(self, word: str) -> bool:
        """ "Marie-Chantal", "Schmidt-Ruthenbeck" are names; "Sint-Niklaas" and "Wal-Mart" are not:
        a double given name, or a double surname that does not end in a given name."""
        parts = re.split(r"[-\u2010]", word)
        if len(parts) == 1:
            return True
        if all(self.words.is_first_name(p) for p in parts):
            return True
        return self.words.is_surname(parts[0]) and not self.words.is_first_name(parts[-1])

    def _unknown_full_name(self, chunk: Chunk, tokens: list[Token], words: list[str]) -> bool:
        """Two or three capitalised words inside a sentence that no list knows, as foreign names
        are: "Shimon Peres", "Kimmo Pohjonen". Titles of films, firms and places hold a common
        word, a company form, a place or an acronym, or follow "de", "in"."""
        return (
            2 <= len(words) <= 3
            and len(words) == len(chunk.tokens)
            and not chunk.sentence_initial
            and not self._place_before(tokens, chunk)
            and all(
                len(w) > 2
                and w[1:].islower()
                and "-" not in w
                and not self.words.is_common(w)
                and not self.words.is_place(w)
                and not self.is_org_word(w)
                and not self.is_title(w)
                and not NATIONALITY_RE.search(w)
                and not DUTCH_WORD_ENDING_RE.search(w)
                for w in words
            )
        )

    @staticmethod
    def _place_before(tokens: list[Token], chunk: Chunk) -> bool:
        """ "in X", "naar X", "de X": people are rarely found after these; places and firms are."""
        if chunk.first_index == 0:
            return False
        before = tokens[chunk.first_index - 1].text.lower()
        return before in ARTICLES or before in PLACE_PREPOSITIONS

    @staticmethod
    def _speaker_before_quote(tokens: list[Token], chunk: Chunk) -> bool:
        """A name that opens a sentence and is followed by a colon and a quote: 'Jansen : " …'."""
        last = chunk.first_index + len(chunk.tokens)
        following = [t.text for t in tokens[last : last + 2]]
        return (
            chunk.sentence_initial
            and len(following) == 2
            and following[0] == ":"
            and following[1][0] in QUOTE_MARKS
        )

    def _person_speaks_after(self, tokens: list[Token], chunk: Chunk) -> bool:
        """A word no list knows followed by a verb only people use: "Jansen zei", "Smith said"."""
        last = chunk.first_index + len(chunk.tokens)
        word = chunk.tokens[0].text
        return (
            last < len(tokens)
            and tokens[last].text.lower() in PERSON_SPEECH
            and not self.words.is_common(word)
            and not self.words.is_place(word)
        )

    def _looks_like_description(self, word: str, next_token: Token | None = None) -> bool:
        """Nationality adjectives and demonyms ("Franse", "Israëli's"); before a lowercase noun
        ("de Franse regering") even when the word is also someone's surname."""
        if not NATIONALITY_RE.search(word):
            return False
        before_noun = next_token is not None and next_token.is_word and next_token.text.islower()
        return before_noun or not self.is_name_word(word)

    @staticmethod
    def _next_token(tokens: list[Token], last: Token) -> Token | None:
        index = tokens.index(last)
        return tokens[index + 1] if index + 1 < len(tokens) else None

    def _classify(self, chunk: Chunk, cue: bool, tokens, text, deduce_persons) -> Span | None:
        words = chunk.words()
        if not words:
            return None
        name = text[chunk.start : chunk.end]
        single = len(words) == 1
        word, last = words[0], words[-1]
        initial = chunk.sentence_initial
        if (
            single
            and (self.words.is_common(word) or self.is_title(word))
            and not (cue and not initial)
        ):
            return None
        if single and word.lower() in LANGUAGE_NAMES and not cue:
            return None
        if _in_capitals_heading(text, chunk):
            # "ROOSTER EN CONTACTGEGEVENS", "VOORWAARDEN (VERSIE 2022)": a title, not a name.
            return None
        if (
            single
            and initial
            and self.is_opening_word(word)
            and not self._speech_after(tokens, chunk)
        ):
            # "Hang de unit op", "Koppel de leidingen", a heading "Plaatsing": no name follows.
            return None
        if not single and _legal_form_at(chunk.tokens):
            # "Warmtewerk Installatietechniek B.V.", "Jansen VOF": a firm, even with a given name.
            return self._span(chunk, text, EntityType.ORGANIZATION, 0.8, "legal form")

        title_before = cue and not initial
        if self._speaker_before_quote(tokens, chunk) and not any(
            self.is_acronym(w) or self.is_org_word(w) for w in words
        ):
            # 'Jansen : " …"' introduces what someone said, even where a town has that name.
            return self._span(chunk, text, EntityType.PERSON, 0.75, "speaker")
        if (
            single
            and title_before
            and not self.is_acronym(word)
            and not self._looks_like_description(word)
        ):
            # "president Clinton", "minister Durant": the title outweighs a town of that name.
            return self._span(chunk, text, EntityType.PERSON, 0.8, "context")
        if self.words.is_place(name) and not (
            # "Clinton", "Johnson": a town abroad, but far more often a person in the news.
            self.words.is_name_like_town(name) and not self._place_before(tokens, chunk)
        ):
            return self._span(chunk, text, EntityType.LOCATION, 0.85, "gazetteer")
        if (
            any(self.is_org_word(w) for w in words[1:])
            or (not single and self.is_org_word(word) and not self.is_title(word))
            or (not single and (ORG_SUFFIX_RE.search(last) or ORG_COMPOUND_RE.search(last)))
        ):
            return self._span(chunk, text, EntityType.ORGANIZATION, 0.75, "company form")
        if single and self.is_acronym(word) and word not in self.words.countries:
            return self._span(chunk, text, EntityType.ORGANIZATION, 0.6, "acronym")
        if single and word in self.words.institutions:
            return self._span(chunk, text, EntityType.ORGANIZATION, 0.8, "deduce")

        if word in NAME_ARTICLES and not single:
            rest = words[1:]
            if not (len(rest) == 1 and self.words.is_surname(rest[0])) and not (
                self._looks_like_description(rest[-1]) or self.is_title(rest[-1])
            ):
                # "De Morgen", "Het Financieele Dagblad": a paper or a firm, not "De Vries".
                return self._span(chunk, text, EntityType.ORGANIZATION, 0.55, "article")
        if any(
            a in CAPITAL_INTERFIXES and b.islower() and b in INTERFIXES
            for a, b in itertools.pairwise(words)
        ) and not (self.is_acronym(last) or self.words.is_common(last)):
            # "Van der Voort", "Dries Van den Abeele": a capital "Van" before "der"/"den".
            return self._span(chunk, text, EntityType.PERSON, 0.8, "interfix")
        first_name = (
            self.words.is_first_name(word)
            and word not in NAME_ARTICLES
            and not (initial and self.words.is_common(word))
        )
        has_initial = "." in [t.text for t in chunk.tokens] and any(
            len(w) <= 2 and w[0].isupper() for w in words[:-1]
        )
        after_interfix = len(words) >= 2 and words[-2].lower() in INTERFIXES
        last_is_name_like = (
            # After "van der", "de", "van" a word is a surname even when it is a noun as well.
            after_interfix or not self.words.is_common(last)
        ) and not (self.is_acronym(last) or self._looks_like_description(last))
        if not single and (first_name or has_initial) and last_is_name_like:
            return self._span(chunk, text, EntityType.PERSON, 0.9, "first name")
        if single and self._looks_like_description(
            word, self._next_token(tokens, chunk.tokens[-1])
        ):
            return None
        speaks = self._speech_after(tokens, chunk) and (
            not initial or self.is_name_word(word) or self._person_speaks_after(tokens, chunk)
        )
        if (cue or speaks) and not self.is_acronym(word) and last_is_name_like:
            return self._span(chunk, text, EntityType.PERSON, 0.8, "context")
        by_deduce = any(s <= chunk.start and chunk.end <= e for s, e in deduce_persons)
        if by_deduce and last_is_name_like and not single and not self._place_before(tokens, chunk):
            return self._span(chunk, text, EntityType.PERSON, 0.75, "deduce")
        if (
            not single
            and not initial
            and self.words.is_surname(last)
            and last_is_name_like
            and not self._place_before(tokens, chunk)
        ):
            return self._span(chunk, text, EntityType.PERSON, 0.7, "surname")
        if not single and all(self.words.is_place(w) for w in words if len(w) > 2):
            return self._span(chunk, text, EntityType.LOCATION, 0.6, "gazetteer")
        if self._unknown_full_name(chunk, tokens, words):
            return self._span(chunk, text, EntityType.PERSON, 0.5, "name shape")
        if single and first_name and not initial and len(word) > 2:
            return self._span(chunk, text, EntityType.PERSON, 0.6, "first name")
        if single and SURNAME_SHAPE_RE.search(word) and not self.words.is_common(word):
            return self._span(chunk, text, EntityType.PERSON, 0.55, "surname shape")
        return None

    @staticmethod
    def _span(chunk: Chunk, text: str, kind: str, score: float, source: str) -> Span:
        return Span(chunk.start, chunk.end, kind, text[chunk.start : chunk.end], score, source)

    def _deduce_persons(self, text, tokens, deduce_persons, spans) -> list[Span]:
        """deduce's person names the chunker missed (e.g. "de Vries" inside a sentence)."""
        extra = []
        starts = [t.start for t in tokens]
        for start, end in deduce_persons:
            if any(s.start < end and start < s.end for s in spans):
                continue
            inner = [
                t
                for t in tokens[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]
                if t.end <= end
            ]
            while inner and (
                self.is_title(inner[0].text)
                or inner[0].text == "."
                or self.is_ordinary(inner[0].text)
                # "20 °C. Zet …": a unit and its full stop are no initial.
                or _is_unit(tokens, bisect.bisect_left(starts, inner[0].start))
            ):
                inner.pop(0)
            while inner and (
                inner[-1].text in (".", "-")
                or (
                    self.words.is_common(inner[-1].text)
                    and not (len(inner) > 1 and inner[-2].text.lower() in INTERFIXES)
                )
            ):
                inner.pop()
            if not inner or not inner[0].is_capitalised:
                continue
            if len(inner) == 1 and not self._hyphenated_name(inner[0].text):
                continue
            if self._opening_words_only(tokens, inner):
                continue
            inner = inner[self._name_start(inner) :]
            first = tokens.index(inner[0])
            before = tokens[first - 1].text.lower() if first > 0 else ""
            s, e = inner[0].start, inner[-1].end
            name = text[s:e]
            if (
                self.words.is_place(name)
                or (len(inner) == 1 and self.is_ordinary(name))
                or self._looks_like_description(inner[-1].text, self._next_token(tokens, inner[-1]))
                # People are rarely "the X" or "in X"; organisations and places are.
                or before in ARTICLES
                or before in PLACE_PREPOSITIONS
            ):
                continue
            extra.append(Span(s, e, EntityType.PERSON, name, 0.7, "deduce"))
        return extra

    def _opening_words_only(self, tokens: list[Token], inner: list[Token]) -> bool:
        """deduce's name is only an instruction's verb or a heading at a sentence start ("Hang"
        in "Hang de unit op", "Plaatsing Hang"), with no speech verb after it ("Hang zei")."""
        if not all(self.is_opening_word(t.text) for t in inner):
            return False
        first = tokens.index(inner[0])
        return self._opens_sentence(tokens, first) and not self._speech_after(
            tokens, Chunk(inner, first, True)
        )

    @staticmethod
    def _recurring(text: str, tokens, undecided: list[Chunk], spans: list[Span]) -> list[Span]:
        """A surname or name seen with evidence marks its later bare mentions in the same text."""
        known: dict[str, str] = {}
        for span in spans:
            known.setdefault(span.text, span.type)
            if span.type == EntityType.PERSON and " " in span.text:
                known.setdefault(span.text.split()[-1], EntityType.PERSON)
        found = []
        for chunk in undecided:
            name = text[chunk.start : chunk.end]
            kind = known.get(name)
            if kind:
                found.append(Span(chunk.start, chunk.end, kind, name, 0.6, "recurring"))
        return found
