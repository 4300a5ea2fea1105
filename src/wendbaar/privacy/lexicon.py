"""Word lists for recognising names: deduce's Dutch name and place lists, the world's country and city
names that `phonenumbers` ships, and short hand-written lists of cue words (titles, roles, company
forms) in Dutch and English.
"""

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text`, for word lists written as a block of text."""
    return frozenset(text.split())


# Words that give a name its role: a title or job right before a name marks a person.
PERSON_TITLES = words(
    """
    dhr dhr. mevr mevr. mw mw. mej mej. heer meneer mevrouw mijnheer juffrouw dokter dr dr. prof
    prof. mr mr. ir ir. ing ing. drs drs. ds ds. mrs mrs. ms ms. miss sir lady lord dame madam
    madame monsieur herr frau señor señora minister premier president vicepresident voorzitter
    ondervoorzitter woordvoerder woordvoerster directeur directrice burgemeester schepen
    wethouder gouverneur koning koningin prins prinses keizer paus kardinaal bisschop
    aartsbisschop pastoor dominee imam rabbijn generaal kolonel majoor kapitein luitenant
    sergeant commandant commissaris inspecteur agent rechter advocaat advocate procureur notaris
    professor hoogleraar docent leraar lerares trainer coach bondscoach aanvoerder doelman
    keeper spits verdediger renner wielrenner schaatser zanger zangeres schrijver schrijfster
    auteur dichter regisseur acteur actrice kunstenaar componist dirigent fotograaf journalist
    correspondent verslaggever presentator presentatrice ceo cfo cto topman topvrouw baas
    oprichter medeoprichter secretaris staatssecretaris kamerlid senator volksvertegenwoordiger
    partijvoorzitter fractieleider oppositieleider partijleider leider chef ambassadeur gezant
    diplomaat econoom analist onderzoeker wetenschapper expert deskundige manager teamleider
    projectleider medewerker medewerkster collega klant patiënt cliënt bewoner huurder student
    studente vriend vriendin broer zus vader moeder zoon dochter echtgenoot echtgenote weduwe
    oom tante neef nicht opa oma grootvader grootmoeder president-directeur bestuursvoorzitter
    bestuurder algemeen-directeur eigenaar eigenares collega's chairman chairwoman spokesman
    spokeswoman spokesperson director minister governor mayor senator judge king queen prince
    princess pope bishop general colonel captain officer detective sheriff chancellor secretary
    colleague manager founder chief customer client patient tenant doctor nurse coach familie
    families family
    """
)

# Compound job words end in one of these ("verkeersminister", "oppositieleider", "clubvoorzitter").
TITLE_SUFFIXES = (
    "minister",
    "voorzitter",
    "woordvoerder",
    "woordvoerster",
    "leider",
    "directeur",
    "president",
    "trainer",
    "coach",
    "secretaris",
    "commissaris",
    "burgemeester",
    "kampioen",
    "kampioene",
    "speler",
    "speelster",
    "winnaar",
    "winnares",
    "correspondent",
    "journalist",
    "deskundige",
    "specialist",
    "advocaat",
    "rechter",
    "ambassadeur",
    "topman",
    "baas",
    "chef",
    "ster",
    "kandidaat",
    "maker",
    "promotor",
    "architect",
    "zakenman",
    "zakenvrouw",
    "politicus",
    "collega",
    "familie",
    "families",
)

# A person speaks: "…, zegt Jansen", "aldus De Vries", "Smith said".
SPEECH_AFTER = words(
    """
    zegt zei zeiden zeggen aldus verklaarde verklaart vertelt vertelde benadrukt benadrukte
    reageerde reageert antwoordde antwoordt meldde meldt schreef schrijft stelt stelde
    bevestigde bevestigt ontkende ontkent vindt vond meent meende denkt dacht gelooft
    waarschuwde waarschuwt verwacht verwachtte hoopt hoopte wil wilde kreeg won scoorde said
    says told added explained wrote writes asked replied warned confirmed denied
    """
)
SPEECH_BEFORE = frozenset(["aldus", "volgens", "according"])

# A capitalised word with one of these is the name of an organisation.
ORG_WORDS = words(
    """
    bank banque groep group holding nv n.v. bv b.v. vzw cvba bvba sa ag gmbh ltd ltd. inc inc.
    corp corp. co plc llc lp partners partij party unie union bond federatie vereniging
    stichting instituut institute universiteit university hogeschool college academie academy
    ziekenhuis hospital kliniek clinic ministerie ministry departement department raad council
    commissie commission parlement parliament senaat senate agentschap agency dienst politie
    police leger army krant omroep radio tv televisie airlines airways telecom pharma motors
    media news systems solutions software technologies technology consulting services fc kv sc
    ksc rsc afc club securities capital investments fonds fund trust insurance verzekeringen
    verzekeraar energy energie electric industries industrie international internationale
    associates bureau kantoor company compagnie corporation foundation association organisation
    organization organisatie gemeenschap maatschappij coöperatie cooperatie genootschap
    tribunaal hof court rechtbank kamer parket
    """
)

# Verbs in the form that opens an instruction ("Hang de unit", "Koppel de leidingen", "Bel de
# klant", "Turn the valve"), as manuals, checklists and HR handbooks are written, in Dutch and a
# few in English. Several are surnames or places as well ("Koppel", "Boor", "Tank", "Turn"), so
# they count only at the start of a sentence.
INSTRUCTION_VERBS = words(
    """
    aanvaard activeer annuleer antwoord archiveer bak beantwoord bedenk bedien begeleid begin
    behandel beheer bekijk bel beloof benoem beoordeel bepaal beperk bereid bereken berg
    bescherm beschrijf bespaar bespreek bestel bestudeer betaal betrek beveilig bevestig bewaak
    bewaar bewerk bezoek blijf blokkeer boek boor borg breek breng buig check controleer daal
    declareer deel demonteer denk dicht dien documenteer doe doorloop download draag draai droog
    druk duw escaleer evalueer factureer ga gebruik geef geniet gooi graaf haal hak handel hang
    help herhaal herinner herstart herstel hou houd informeer inspecteer installeer isoleer
    kalibreer kantel keer kies kijk kit klap klem klik klim knip koel kom koop kopieer koppel
    kruis laad laat leer lees leg let lever lijm lijn log loop los luister maak mail markeer
    meet meld meng monteer neem noem noteer omschrijf ontgrendel ontkoppel ontlucht ontvang open
    overhandig overleg pak parkeer pas plaats plak plan poets print probeer programmeer
    raadpleeg reageer regel registreer reinig repareer reserveer reset richt rij rijd roer rol
    ruim scan schakel schat schrijf schroef schuif schuur sla sleep sluit smeer span spoel
    spreek sta start stel stem stop stort stuur tank teken tel test tik til toon trek typ update
    upload veeg verbind verdeel verf vergeet vergelijk vergrendel verhoog verlaag verleng
    verlijm vermeld vermijd verminder vernieuw verplaats verstuur vertel vervang ververs verwarm
    verwerk verwijder verzamel verzeker verzend vind vink voeg voer volg voorkom vouw vraag vul
    wacht was weeg weiger werk wijzig wikkel wis wissel zaag zeg zend zet zie zoek zorg
    ask attach call check clean close connect contact drain drill enter fill fit hold insert
    install keep lock loosen measure mount note plug press pull push put read remove replace
    report select send set sign store switch take tighten turn unlock unplug wait wipe
    """
)

# Nouns of manuals and HR texts that open a sentence or stand alone as a heading ("Plaatsing",
# "Onderhoud", "Tank leeg?") and that the name and place lists also hold.
DUTCH_NOUNS = words(
    """
    aanbod aansluiting aanvoer aanvraag afspraak afspraken afvoer algemeen arbeid bad badkamer
    bedrijf beheer beleid bereik bestand beugel beugels boiler brander buis buizen dak damp deur
    druk eisen filter gas gereedschap gevel glas grond hout inhoud installatie kabel kabels
    kantoor kast kern kosten kraan lucht meter meters montage muur olie omvang onderhoud
    overzicht paneel panelen pomp prijs prijzen procedure regels retour rooster ruimte schade
    slang stroom tank ventiel ventilatie verlof verzuim vloer voeding vorst water werk zolder
    """
)

# Legal forms after a firm's name, written with or without full stops ("Warmtewerk B.V.", "Jansen
# VOF", "Bouwbedrijf Smit Holding"), compared lower case with the full stops left out.
LEGAL_FORMS = words(
    """
    bv nv vof bvba vzw cvba gmbh ltd inc plc llc holding groep
    """
)

# Unit symbols after a number ("16 A.", "230 V.", "20 °C."): with a full stop after them they end
# a sentence, they are not an initial before a surname.
UNIT_SYMBOLS = words(
    """
    A C F K V W J N Hz Pa
    """
)

# Acronyms that are ordinary nouns, not organisations.
COMMON_ACRONYMS = words(
    """
    tv pc cd dvd ok ceo cfo cto coo bsn iban btw vat ai ict it pdf url www nb ps km kg cm mm ml
    gb mb kb tb ii iii iv vi vii viii ix xi xii xx ad bc am pm hiv aids dna rna id cv hr faq q&a
    fyi asap cc bcc re fw fwd nl en uk us eu vs vk usa
    """
)

# Ordinary capitalised words in English text, and Dutch words that often open a sentence.
EXTRA_COMMON = words(
    """
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart april mei
    juni juli augustus september oktober november december monday tuesday wednesday thursday
    friday saturday sunday january february march may june july august october i i'm i've i'd
    i'll the a an and or but if then so this that these those there here it its he she we they
    you his her our their my your me him us them who what when where why how which while after
    before since until because although though also however therefore please thanks thank dear
    hi hello regards best kind yours sincerely cheers ok yes no not mr mrs ms dr meeting notes
    agenda minutes action actions item items subject re fw update team project report summary
    today tomorrow yesterday morning afternoon evening week month year new old next last first
    second third all any some each every many much more most ook maar toen daarna daarom zo nu
    dan want dus echter bovendien intussen ondertussen inmiddels vervolgens volgens tijdens
    sinds na voor na tegen zonder onder boven binnen buiten naast tussen rond rondom wie wat
    waar wanneer waarom hoe welke welk deze dit die dat hier daar er hij zij ze we wij jullie u
    je jij ik men iedereen niemand alles niets veel weinig meer minder meest alle elke ieder
    geen sommige beide andere eerst eerste tweede derde laatste later eerder vandaag morgen
    gisteren vanavond vanochtend vanmiddag straks beste geachte hallo hoi dag groeten groet
    vriendelijke met bedankt dank graag ja nee niet wel misschien waarschijnlijk zeker helaas
    gelukkig natuurlijk uiteraard verder tenslotte ten slotte opnieuw nog al reeds pas net even
    weer zelfs alleen slechts vooral ondanks dankzij wegens door naar uit over bij op aan in om
    tot van met als of en
    """
)

# Continents and regions, in Dutch and English, that the gazetteers below do not list.
REGIONS = words(
    """
    Europa Azië Afrika Amerika Noord-Amerika Zuid-Amerika Latijns-Amerika Midden-Amerika
    Oceanië Antarctica Scandinavië Benelux Balkan Kaukasus Midden-Oosten Oost-Europa
    West-Europa Noord-Europa Zuid-Europa Centraal-Europa Siberië Vlaanderen Wallonië
    Randstad Holland Friesland Brabant Limburg Zeeland Ardennen Alpen Pyreneeën Sahara
    Caraïben Antillen Gazastrook Golan Europe Asia Africa America Oceania Scandinavia
    Balkans Caribbean Siberia Flanders Wallonia Gaza
    """
) | frozenset(
    {
        "Nabije Oosten",
        "Verre Oosten",
        "Westelijke Jordaanoever",
        "North America",
        "South America",
        "Latin America",
        "Central America",
        "Middle East",
        "Far East",
        "Eastern Europe",
        "Western Europe",
        "West Bank",
    }
)

# Dutch names of foreign cities ("Londen", not "London") that the area-code data has only in English.
CITY_EXONYMS = words(
    """
    Londen Parijs Berlijn Rome Madrid Lissabon Wenen Praag Boedapest Warschau Moskou Kiev Kyiv
    Athene Brussel Antwerpen Luik Bergen Doornik Kortrijk Rijsel Keulen Aken Munchen München
    Frankfort Hamburg Straatsburg Genève Genua Napels Florence Venetië Milaan Turijn Sevilla
    Barcelona Kopenhagen Stockholm Oslo Helsinki Dublin Edinburgh Belgrado Boekarest Sofia
    Zagreb Sarajevo Ankara Istanbul Jeruzalem Caïro Bagdad Teheran Damascus Beiroet Riyad
    Peking Beijing Tokio Tokyo Seoel Delhi New-Delhi Bombay Mumbai Kaapstad Johannesburg
    Washington Chicago Boston Toronto Montreal Mexico-Stad Havana Sydney
    """
) | frozenset({"New York", "Los Angeles", "San Francisco", "Buenos Aires", "Rio de Janeiro"})


def fold(word: str) -> str:
    """Lower case without accents, for lookups that should not care about either."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass
class Lexicon:
    """Sets of words and names; lookups use the exact form unless the set's name says `folded`."""

    first_names: frozenset[str] = field(default_factory=frozenset)
    surnames: frozenset[str] = field(default_factory=frozenset)
    interfixes: frozenset[str] = field(default_factory=frozenset)
    prefixes: frozenset[str] = field(default_factory=frozenset)
    places: frozenset[str] = field(default_factory=frozenset)
    places_folded: frozenset[str] = field(default_factory=frozenset)
    countries: frozenset[str] = field(default_factory=frozenset)
    common_folded: frozenset[str] = field(default_factory=frozenset)
    institutions: frozenset[str] = field(default_factory=frozenset)
    # Towns abroad that share their name with a person ("Clinton", "Johnson"): weak evidence alone.
    name_like_towns: frozenset[str] = field(default_factory=frozenset)

    def is_common(self, word: str) -> bool:
        return fold(word) in self.common_folded

    def is_place(self, name: str) -> bool:
        return name in self.places or fold(name) in self.places_folded

    def is_name_like_town(self, name: str) -> bool:
        return name in self.name_like_towns

    def is_first_name(self, word: str) -> bool:
        return word in self.first_names

    def is_surname(self, word: str) -> bool:
        return word in self.surnames


def _deduce_lists() -> dict[str, set[str]]:
    from deduce.lookup_structs import load_raw_itemsets

    from wendbaar.privacy.engine import _import_deduce

    deduce = _import_deduce()
    base = Path(deduce.__file__).parent / "data" / "lookup"
    return load_raw_itemsets(
        base,
        [
            "names/lst_first_name",
            "names/lst_surname",
            "names/lst_interfix",
            "names/lst_interfix_surname",
            "names/lst_prefix",
            "locations/lst_placename",
            "whitelist/lst_common_word",
            "whitelist/lst_stop_word",
            "institutions/lst_hospital_abbr",
        ],
    )


def _phonenumbers_places() -> tuple[set[str], set[str]]:
    """Country names (Dutch, English, French, German) and the city names of the area-code data."""
    from phonenumbers.geodata import GEOCODE_DATA
    from phonenumbers.geodata.locale import LOCALE_DATA

    countries = set()
    for names in LOCALE_DATA.values():
        for language in ("nl", "aa", "en", "fr", "de"):
            value = names.get(language, "")
            while value.startswith("*"):
                value = names.get(value[1:], "")
            if value:
                countries.add(value)
    cities = set()
    for names in GEOCODE_DATA.values():
        for language in ("en", "nl", "fr", "de"):
            value = names.get(language)
            if not value:
                continue
            # "Jersey City, NJ" -> "Jersey City"; "Brussels/Bruxelles" -> both.
            for part in value.split(",")[0].split("/"):
                part = part.strip()
                if 3 <= len(part) <= 40 and part[0].isupper():
                    cities.add(part)
    return countries, cities


def build() -> Lexicon:
    """Assemble the lists (about three seconds; the engine caches the result)."""
    raw = _deduce_lists()
    countries, cities = _phonenumbers_places()
    common = {fold(w) for w in raw["common_word"] | raw["stop_word"] | EXTRA_COMMON}
    first_names = {n for n in raw["first_name"] if len(n) > 1}
    surnames = {n for n in raw["surname"] | raw["interfix_surname"] if len(n) > 1}
    places = set(raw["placename"]) | countries | cities | REGIONS | CITY_EXONYMS
    # A place name that is also an everyday word ("Best", "Goes", "Man") is no evidence of a place.
    places = {p for p in places if fold(p) not in common and len(p) > 2}
    known_places = set(raw["placename"]) | countries | REGIONS | CITY_EXONYMS
    name_like_towns = {
        p for p in cities - known_places if p in places and (p in first_names or p in surnames)
    }
    return Lexicon(
        first_names=frozenset(first_names),
        surnames=frozenset(surnames),
        interfixes=frozenset(raw["interfix"]),
        prefixes=frozenset(w.rstrip(".").lower() for w in raw["prefix"]),
        places=frozenset(places),
        places_folded=frozenset(fold(p) for p in places),
        countries=frozenset(countries),
        common_folded=frozenset(common),
        institutions=frozenset(raw["hospital_abbr"]),
        name_like_towns=frozenset(name_like_towns),
    )
