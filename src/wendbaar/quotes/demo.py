"""Quotes demo of the installation firm: the catalogue (heating, ventilation, solar panels, labour,
call-out costs) and job bundles, the default quote template, the quote settings with a pilot that
started six weeks ago, the house rules (from demo_rules.toml, when that file exists), a dozen open
customer requests in Dutch, and a history for the pilot view: quotes made by hand before the pilot
and quotes made from AI drafts since.

Safe to run again: catalogue items are matched on item code, bundles and the template on name, and
quotes on the customer's e-mail address; settings an admin has already set are left alone.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from wendbaar.accounts.models import User
from wendbaar.accounts.selectors import organisation_get
from wendbaar.audit.services import audit_log
from wendbaar.common.errors import BusinessRuleError
from wendbaar.quotes import selectors, services
from wendbaar.quotes.choices import PilotComparison, PilotGroup, PriceSource, QuoteSource
from wendbaar.quotes.models import (
    Bundle,
    BundleItem,
    CatalogueItem,
    Quote,
    QuoteSettings,
    QuoteTemplate,
)

logger = logging.getLogger(__name__)

RULES_FILE = Path(__file__).with_name("demo_rules.toml")
PILOT_WEEKS = 6

# sku, name, unit, price excl. VAT, VAT rate, cost price, category, lead time (days)
ITEMS = [
    ("ARB-MON", "Monteur per uur", "uur", "64.50", "21", "38.00", "Arbeid", None),
    ("ARB-LRL", "Leerling-monteur per uur", "uur", "39.50", "21", "22.00", "Arbeid", None),
    ("ARB-AVW", "Monteur avond/weekend per uur", "uur", "96.75", "21", "52.00", "Arbeid", None),
    (
        "VRK-ZONE1",
        "Voorrijkosten zone 1 (tot 15 km)",
        "keer",
        "35.00",
        "21",
        "12.00",
        "Voorrijkosten",
        None,
    ),
    (
        "VRK-ZONE2",
        "Voorrijkosten zone 2 (15-30 km)",
        "keer",
        "55.00",
        "21",
        "20.00",
        "Voorrijkosten",
        None,
    ),
    (
        "VRK-ZONE3",
        "Voorrijkosten zone 3 (30-50 km)",
        "keer",
        "79.00",
        "21",
        "30.00",
        "Voorrijkosten",
        None,
    ),
    ("CV-HR28", "HR-combiketel 28 kW CW4", "stuk", "1495.00", "21", "1090.00", "Verwarming", 3),
    ("CV-HR36", "HR-combiketel 36 kW CW5", "stuk", "1745.00", "21", "1280.00", "Verwarming", 5),
    (
        "CV-RGA",
        "Rookgasafvoer- en luchttoevoerset",
        "set",
        "185.00",
        "21",
        "112.00",
        "Verwarming",
        3,
    ),
    (
        "CV-DEMO",
        "Demontage en afvoer oude ketel",
        "keer",
        "145.00",
        "21",
        "40.00",
        "Verwarming",
        None,
    ),
    (
        "RAD-T22-600",
        "Paneelradiator type 22, 60 x 60 cm",
        "stuk",
        "159.00",
        "21",
        "98.00",
        "Verwarming",
        2,
    ),
    (
        "RAD-T22-1000",
        "Paneelradiator type 22, 60 x 100 cm",
        "stuk",
        "219.00",
        "21",
        "139.00",
        "Verwarming",
        2,
    ),
    ("RAD-TKR", "Thermostatische radiatorkraan", "stuk", "42.50", "21", "21.00", "Verwarming", 1),
    (
        "THERM-SLIM",
        "Slimme thermostaat (OpenTherm)",
        "stuk",
        "229.00",
        "21",
        "150.00",
        "Verwarming",
        2,
    ),
    (
        "VVW-M2",
        "Watervoerende vloerverwarming per m²",
        "m2",
        "48.00",
        "21",
        "26.00",
        "Verwarming",
        5,
    ),
    ("WP-LW8", "Lucht/water-warmtepomp 8 kW", "stuk", "6950.00", "21", "5200.00", "Warmtepomp", 15),
    ("WP-HYB", "Hybride warmtepomp 4 kW", "stuk", "3450.00", "21", "2490.00", "Warmtepomp", 10),
    (
        "MV-BOX",
        "Mechanische ventilatiebox met CO₂-sensor",
        "stuk",
        "595.00",
        "21",
        "380.00",
        "Ventilatie",
        3,
    ),
    (
        "MV-RENS",
        "Ventilatiekanalen reinigen (per woning)",
        "keer",
        "195.00",
        "21",
        "60.00",
        "Ventilatie",
        None,
    ),
    ("WTW-350", "WTW-unit 350 m³/h", "stuk", "2450.00", "21", "1750.00", "Ventilatie", 10),
    ("WTW-FLT", "Filterset WTW-unit", "set", "39.00", "21", "18.00", "Ventilatie", 1),
    ("ZP-410", "Zonnepaneel 410 Wp full black", "stuk", "189.00", "0", "125.00", "Zonnepanelen", 7),
    ("ZP-OMV5", "Omvormer 5 kW", "stuk", "1150.00", "0", "820.00", "Zonnepanelen", 7),
    (
        "ZP-MONT",
        "Montagemateriaal schuin dak per paneel",
        "stuk",
        "45.00",
        "0",
        "24.00",
        "Zonnepanelen",
        7,
    ),
    (
        "ZP-INST",
        "Installatie zonnepanelen per paneel",
        "stuk",
        "65.00",
        "0",
        "30.00",
        "Zonnepanelen",
        None,
    ),
    (
        "ONDA-DAK",
        "Dakdekker onderaanneming per uur (btw verlegd)",
        "uur",
        "58.00",
        "reverse",
        "45.00",
        "Onderaanneming",
        None,
    ),
]
BUNDLES = [
    (
        "cv-ketel vervangen",
        "Oude cv-ketel eruit, nieuwe HR-combiketel erin, met rookgasafvoer en 6 uur montage.",
        [("CV-HR28", "1"), ("CV-RGA", "1"), ("CV-DEMO", "1"), ("ARB-MON", "6")],
    ),
    (
        "radiator vervangen",
        "Een radiator vervangen door een paneelradiator met thermostaatkraan.",
        [("RAD-T22-600", "1"), ("RAD-TKR", "1"), ("ARB-MON", "1.5")],
    ),
    (
        "mechanische ventilatie vervangen",
        "Nieuwe MV-box met CO₂-sensor, kanalen gereinigd.",
        [("MV-BOX", "1"), ("MV-RENS", "1"), ("ARB-MON", "2")],
    ),
]


TEMPLATE = {
    "name": "Standaard offerte",
    "language": "nl",
    "intro": (
        "Beste {customer},\n\n"
        "Hartelijk dank voor uw aanvraag. Graag bieden wij u hieronder de werkzaamheden en "
        "materialen aan zoals besproken. Heeft u vragen over deze offerte, bel of mail ons gerust."
    ),
    "closing": (
        "Wij hopen u hiermee een passende aanbieding te doen en zien uw reactie graag tegemoet.\n\n"
        "Met vriendelijke groet,\nWarmtewerk Installatietechniek B.V."
    ),
    "delivery_terms": (
        "Uitvoering in overleg, doorgaans binnen drie weken na opdracht; materialen met een "
        "levertijd volgens de offerte. Werkzaamheden op werkdagen tussen 7.30 en 16.30 uur. "
        "Hak-, breek- en stucwerk, schilderwerk en het afvoeren van bouwafval vallen buiten deze "
        "offerte, tenzij anders vermeld."
    ),
    "payment_terms": (
        "Betaling binnen 14 dagen na factuurdatum. Bij opdrachten boven € 5.000 factureren wij "
        "30 % bij opdracht en het restant na oplevering. Op al onze offertes zijn de "
        "Algemene Voorwaarden van Techniek Nederland van toepassing."
    ),
    "validity_days": 30,
    "company_name": "Warmtewerk Installatietechniek B.V.",
    "company_address": "Nijverheidsweg 12\n3812 PW Amersfoort",
    "company_email": "offertes@warmtewerk.example",
    "company_phone": "033 - 460 12 34",
    "company_website": "www.warmtewerk.example",
    # Fictional numbers in the real formats (8-digit KvK, NL VAT, the textbook example IBAN).
    "kvk_number": "81234567",
    "vat_number": "NL862345678B01",
    "iban": "NL91 ABNA 0417 1643 00",
    "accent_colour": "#b4442c",
}

# The open requests: a dozen customer e-mails as they arrive, all people and addresses fictional.
REQUESTS = [
    {
        "name": "Karin Hofman",
        "email": "k.hofman@example.nl",
        "address": "Vlierstraat 14, 3817 ME Amersfoort",
        "text": (
            "Goedemiddag,\n\nOnze cv-ketel (een Nefit uit 2008) slaat steeds vaker af en de "
            "monteur gaf bij het laatste onderhoud aan dat vervangen verstandiger is dan repareren. "
            "Kunnen jullie een offerte maken voor het vervangen van de cv-ketel door een nieuwe "
            "HR-combiketel? Het is een tussenwoning met één badkamer, de ketel hangt op zolder.\n\n"
            "Adres: Vlierstraat 14, 3817 ME Amersfoort.\n\nMet vriendelijke groet,\nKarin Hofman"
        ),
    },
    {
        "name": "Ruben Wijnands",
        "email": "ruben.wijnands@example.com",
        "address": "Bosweg 3, 3833 AB Leusden",
        "text": (
            "Hallo,\n\nWij willen 4 radiatoren laten vervangen: 3 in de woonkamer en 1 in de "
            "slaapkamer, alle vier 60 x 100 cm, met nieuwe thermostaatkranen. De oude radiatoren "
            "mogen jullie meenemen.\n\nWe wonen aan de Bosweg 3 in Leusden.\n\nGroet, Ruben Wijnands"
        ),
    },
    {
        "name": "Sevda Kaya",
        "email": "sevda.kaya@example.nl",
        "address": "Zevenhuizerstraat 88, 3828 AR Hoogland",
        "text": (
            "Beste mensen,\n\nIn onze nieuwe aanbouw (keuken) willen we vloerverwarming, ongeveer "
            "25 m². De dekvloer moet er nog in, dus het kan nu nog makkelijk. Kunnen jullie een "
            "prijs geven voor de vloerverwarming inclusief aansluiten op de bestaande cv?\n\n"
            "Zevenhuizerstraat 88, Hoogland\n\nVriendelijke groet,\nSevda Kaya"
        ),
    },
    {
        "name": "Hans en Marjo Verbeek",
        "email": "verbeek.soest@example.nl",
        "address": "Dalweg 41, 3762 DT Soest",
        "text": (
            "Goedendag,\n\nWe willen van het gas af. Ons huis is uit 1998, vorig jaar zijn spouw, "
            "vloer en dak geïsoleerd en we hebben overal HR++ glas. Wij denken aan een "
            "lucht/water-warmtepomp van 8 kW (all electric). Graag een offerte, en zeg het "
            "gerust als u iets anders adviseert.\n\nDalweg 41, Soest\n\nHans en Marjo Verbeek"
        ),
    },
    {
        "name": "Peter Dijkstra",
        "email": "p.dijkstra@example.com",
        "address": "Oranjelaan 7, 3862 CR Nijkerk",
        "text": (
            "Hoi,\n\nIk wil graag een hybride warmtepomp naast mijn bestaande cv-ketel (die is "
            "pas 4 jaar oud). Wat kost dat inclusief installatie? Ik woon in Nijkerk, "
            "Oranjelaan 7.\n\nPeter Dijkstra"
        ),
    },
    {
        "name": "Anita Scholten",
        "email": "anita.scholten@example.nl",
        "address": "Assendorperstraat 120, 8012 DJ Zwolle",
        "text": (
            "Geachte heer/mevrouw,\n\nOnze mechanische ventilatie maakt sinds een paar weken een "
            "hard brommend geluid. Het apparaat is 19 jaar oud. We willen graag een nieuwe "
            "MV-box met CO2-sensor en de kanalen laten reinigen. Kunt u daar een offerte voor "
            "sturen?\n\nAssendorperstraat 120, Zwolle\n\nMet vriendelijke groet,\nAnita Scholten"
        ),
    },
    {
        "name": "Bas van Rijn",
        "email": "basvanrijn@example.com",
        "address": "Eemnesserweg 52, 3743 AK Baarn",
        "text": (
            "Goedemorgen,\n\nGraag ontvang ik een offerte voor 12 zonnepanelen op ons schuine "
            "dak (pannendak, op het zuiden), inclusief omvormer en montage. Het dak is vorig jaar "
            "nog nagekeken.\n\nEemnesserweg 52, Baarn\n\nBas van Rijn"
        ),
    },
    {
        "name": "Marieke de Graaf",
        "email": "m.degraaf@example.nl",
        "address": "Kapelweg 19, 3818 BK Amersfoort",
        "text": (
            "Storing melden\n\nDe radiator in de badkamer wordt niet meer warm en hij lekt bij de "
            "kraan. Jullie monteur is er vorige maand al geweest en zei toen dat de radiator "
            "vervangen moet worden. Kunnen jullie me een prijs geven voor een nieuwe radiator "
            "(60 x 60 cm) met een thermostaatkraan, inclusief montage?\n\nKapelweg 19, "
            "Amersfoort\n\nGroet, Marieke de Graaf"
        ),
    },
    {
        "name": "Tandartspraktijk De Eem",
        "email": "info@tandarts-deeem.example",
        "address": "Stationsplein 4, 3811 BB Amersfoort",
        "text": (
            "Beste Warmtewerk,\n\nVoor onze praktijk zoeken we een slimme thermostaat die met de "
            "bestaande ketel werkt (OpenTherm), en 5 radiatoren moeten nieuwe thermostaatkranen "
            "krijgen. Het liefst na 17.00 uur of op zaterdag, want overdag zijn er patiënten.\n\n"
            "Stationsplein 4, Amersfoort\n\nMet vriendelijke groet,\nL. Brinkman, praktijkmanager "
            "Tandartspraktijk De Eem"
        ),
    },
    {
        "name": "Joris Mertens",
        "email": "joris.mertens@example.nl",
        "address": "Wipstrikkerallee 66, 8023 DX Zwolle",
        "text": (
            "Hallo,\n\nOnze WTW-unit (Itho uit 2006) is versleten en moet vervangen worden door "
            "een nieuwe WTW-unit van ongeveer 350 m³/h. Graag ook 2 sets reservefilters erbij. "
            "Adres Wipstrikkerallee 66 in Zwolle.\n\nMvg Joris Mertens"
        ),
    },
    {
        "name": "Fleur Boersma",
        "email": "fleur.boersma@example.com",
        "address": "Hertenkamp 9, 3882 GL Putten",
        "text": (
            "Dag,\n\nKunnen jullie de ventilatiekanalen in ons huis reinigen en de filters van de "
            "WTW-unit vervangen? Het is een vrijstaande woning in Putten (Hertenkamp 9), "
            "ongeveer 45 km van Amersfoort.\n\nGroetjes, Fleur Boersma"
        ),
    },
    {
        "name": "Daniel Okafor",
        "email": "d.okafor@example.com",
        "address": "Hof 27, 3811 CK Amersfoort",
        "text": (
            "Hello,\n\nWe recently bought an apartment in Amersfoort (Hof 27) and would like a "
            "quote to replace the old combi boiler with a new 28 kW one, and to add a smart "
            "thermostat. We do not speak Dutch well yet, so English is appreciated.\n\n"
            "Kind regards,\nDaniel Okafor"
        ),
    },
]


# --- the pilot history ------------------------------------------------------------------------


def _ketel(boiler="CV-HR28", zone="VRK-ZONE1", hours="6"):
    return [(boiler, "1"), ("CV-RGA", "1"), ("CV-DEMO", "1"), ("ARB-MON", hours), (zone, "1")]


def _radiators(count, size="RAD-T22-1000", zone="VRK-ZONE1"):
    n = Decimal(count)
    return [(size, str(n)), ("RAD-TKR", str(n)), ("ARB-MON", str(n * Decimal("1.5"))), (zone, "1")]


def _floor(m2, hours, zone="VRK-ZONE1"):
    return [("VVW-M2", m2), ("ARB-MON", hours), (zone, "1")]


def _heat_pump(zone="VRK-ZONE2"):
    return [("WP-LW8", "1"), ("ARB-MON", "16"), ("ARB-LRL", "8"), (zone, "1")]


def _hybrid(zone="VRK-ZONE1"):
    return [("WP-HYB", "1"), ("ARB-MON", "8"), (zone, "1")]


def _mv(zone="VRK-ZONE1"):
    return [("MV-BOX", "1"), ("MV-RENS", "1"), ("ARB-MON", "2"), (zone, "1")]


def _solar(panels):
    n = str(panels)
    return [("ZP-410", n), ("ZP-MONT", n), ("ZP-INST", n), ("ZP-OMV5", "1")]


def _thermostat(valves=0, zone="VRK-ZONE1"):
    lines = [("THERM-SLIM", "1"), ("ARB-MON", str(1 + Decimal(valves) / 2)), (zone, "1")]
    return lines + ([("RAD-TKR", str(valves))] if valves else [])


def _wtw(filters=0, zone="VRK-ZONE2"):
    return [("WTW-350", "1"), ("ARB-MON", "10"), (zone, "1")] + (
        [("WTW-FLT", str(filters))] if filters else []
    )


@dataclass(frozen=True)
class History:
    """One quote of the past: who asked what, the lines quoted, how long it took and the outcome.

    For quotes made from a draft, `edits` say how the draft differed from what was issued:
    ("qty", sku, drafted quantity), ("extra", sku, quantity) for a drafted line the estimator
    removed, ("missing", sku) for a line the estimator added."""

    email: str
    name: str
    address: str
    request: str
    lines: list
    days_ago: int
    hours: float
    minutes: int
    outcome: str  # accepted, rejected, expired, or "" (issued, no answer yet)
    maker: int
    drafted: bool = False
    edits: list = field(default_factory=list)


# Made by hand before the pilot: a day to five days to issue, 25 to 110 minutes of work.
BASELINE = [
    History("w.jacobs@example.nl", "Wim Jacobs", "Lindelaan 5, Amersfoort",
            "cv-ketel vervangen, combiketel op zolder", _ketel(), 98, 52, 75, "accepted", 0),
    History("e.smeets@example.com", "Esther Smeets", "Molenweg 22, Leusden",
            "3 radiatoren vervangen", _radiators(3), 95, 30, 45, "rejected", 1),
    History("bakkerij.vos@example.nl", "Bakkerij Vos", "Langestraat 80, Amersfoort",
            "vloerverwarming in winkel, 40 m2", _floor("40", "14"), 91, 96, 90, "accepted", 2),
    History("g.peeters@example.com", "Gert Peeters", "Koningin Julianaweg 8, Baarn",
            "lucht/water-warmtepomp", _heat_pump(), 88, 120, 110, "rejected", 0),
    History("n.claassen@example.nl", "Nadia Claassen", "Dorpsstraat 61, Hoogland",
            "nieuwe mv-box", _mv(), 84, 26, 35, "accepted", 1),
    History("r.vdmeer@example.com", "Roel van der Meer", "Beukenlaan 2, Soest",
            "10 zonnepanelen", _solar(10), 80, 70, 60, "expired", 2),
    History("l.kuipers@example.nl", "Lisa Kuipers", "Utrechtseweg 140, Amersfoort",
            "slimme thermostaat", _thermostat(), 76, 22, 25, "accepted", 0),
    History("vve.eemhof@example.nl", "VvE Eemhof", "Eemhof 1-24, Amersfoort",
            "ketel 36 kW voor gemeenschappelijke ruimte", _ketel("CV-HR36", hours="7"),
            72, 45, 70, "rejected", 1),
    History("j.hendrix@example.com", "Joost Hendrix", "Zandweg 17, Nijkerk",
            "hybride warmtepomp", _hybrid("VRK-ZONE2"), 66, 98, 85, "expired", 2),
    History("s.aydin@example.nl", "Selin Aydin", "Arnhemseweg 33, Amersfoort",
            "2 radiatoren 60 x 60", _radiators(2, "RAD-T22-600"), 60, 28, 40, "accepted", 0),
    History("m.vanloon@example.com", "Martijn van Loon", "Pannekoekendijk 4, Zwolle",
            "wtw-unit vervangen", _wtw(zone="VRK-ZONE3"), 54, 75, 80, "rejected", 1),
    History("h.koning@example.nl", "Hanneke Koning", "Birkstraat 95, Soest",
            "14 zonnepanelen", _solar(14), 48, 50, 65, "rejected", 2),
]  # fmt: skip

# Made from an AI draft since the pilot start: hours instead of days, most lines kept.
PILOT = [
    History("t.meijers@example.nl", "Tom Meijers", "Heiligenbergerweg 12, Amersfoort",
            "cv-ketel vervangen", _ketel(), 40, 6, 18, "accepted", 0, True,
            [("qty", "ARB-MON", "5")]),
    History("a.wouters@example.com", "Aylin Wouters", "Hessenweg 3, Leusden",
            "4 radiatoren 60 x 100", _radiators(4), 38, 3.5, 12, "accepted", 1, True),
    History("k.verhoef@example.nl", "Kees Verhoef", "Veenkade 7, Hoogland",
            "35 m2 vloerverwarming", _floor("35", "12"), 36, 26, 22, "expired", 2, True,
            [("extra", "ARB-LRL", "4")]),
    History("d.brouwer@example.com", "Dewi Brouwer", "Kerkstraat 44, Soest",
            "warmtepomp all electric", _heat_pump(), 33, 30, 35, "accepted", 0, True,
            [("missing", "ARB-LRL"), ("qty", "ARB-MON", "12")]),
    History("f.roos@example.nl", "Frank Roos", "Nachtegaalstraat 8, Amersfoort",
            "mv-box vervangen", _mv(), 31, 2.5, 8, "accepted", 1, True),
    History("i.nijland@example.com", "Iris Nijland", "Torenlaan 19, Baarn",
            "12 zonnepanelen", _solar(12), 29, 4, 14, "rejected", 2, True,
            [("qty", "ZP-410", "10"), ("qty", "ZP-MONT", "10"), ("qty", "ZP-INST", "10")]),
    History("c.dam@example.nl", "Cor Dam", "Leusderweg 230, Amersfoort",
            "slimme thermostaat en 5 kranen", _thermostat(5), 26, 2, 9, "accepted", 0, True),
    History("vve.delinde@example.nl", "VvE De Linde", "Lindehof 1-16, Nijkerk",
            "ketel 36 kW", _ketel("CV-HR36", "VRK-ZONE2", "7"), 24, 20, 25, "rejected", 1, True,
            [("extra", "CV-HR28", "1"), ("missing", "CV-HR36"), ("qty", "ARB-MON", "6")]),
    History("b.vandenberg@example.com", "Bram van den Berg", "Slichtenhorst 5, Nijkerk",
            "hybride warmtepomp", _hybrid("VRK-ZONE2"), 21, 5, 16, "accepted", 2, True),
    History("y.elidrissi@example.nl", "Yasmina El Idrissi", "Schimmelpenninckkade 2, Amersfoort",
            "storing: radiator badkamer lekt, vervangen", _radiators(1, "RAD-T22-600"),
            19, 3, 11, "accepted", 0, True, [("extra", "ARB-AVW", "1")]),
    History("m.zwart@example.com", "Mirjam Zwart", "Thorbeckegracht 11, Zwolle",
            "wtw-unit met filters", _wtw(2, "VRK-ZONE3"), 16, 28, 30, "rejected", 1, True,
            [("missing", "WTW-FLT")]),
    History("o.kok@example.nl", "Olaf Kok", "Eikenlaan 70, Soest",
            "8 zonnepanelen, dakdekker nodig", [*_solar(8), ("ONDA-DAK", "4")],
            13, 6, 20, "accepted", 2, True, [("missing", "ONDA-DAK")]),
    History("s.hermans@example.com", "Sophie Hermans", "Liendertseweg 101, Amersfoort",
            "2 radiatoren", _radiators(2), 9, 4, 10, "", 0, True),
    History("p.willemsen@example.nl", "Paul Willemsen", "Achterweg 6, Hoogland",
            "18 m2 vloerverwarming", _floor("18", "7"), 6, 7, 15, "", 1, True,
            [("qty", "VVW-M2", "20")]),
    History("g.vos@example.com", "Gerda Vos", "Hogeweg 150, Amersfoort",
            "cv-ketel vervangen", _ketel(), 3, 5, 13, "", 2, True),
]  # fmt: skip

# Made by hand during the pilot (not compared; they lower adoption).
DURING = [
    History("r.mulder@example.nl", "Rob Mulder", "Stadsring 77, Amersfoort",
            "radiator en thermostaat, telefonisch aangevraagd", _thermostat(2), 27, 40, 50,
            "accepted", 1),
    History("z.yilmaz@example.com", "Zeynep Yilmaz", "Bergstraat 12, Zwolle",
            "mv-box, via de monteur", _mv("VRK-ZONE3"), 11, 30, 45, "rejected", 0),
]  # fmt: skip


def _makers() -> list[User]:
    """Who makes quotes in the demo: the sales people, else the managers."""
    people = list(User.objects.filter(is_active=True, roles__code="sales").order_by("email"))
    if not people:
        people = list(User.objects.filter(is_active=True, roles__code="manager").order_by("pk"))
    return people


def _manager() -> User | None:
    return User.objects.filter(is_active=True, roles__code="manager").order_by("pk").first()


def _template_ensure(*, organisation, actor) -> int:
    if QuoteTemplate.objects.filter(organisation=organisation).exists():
        return 0
    template = QuoteTemplate(organisation=organisation, is_default=True, **TEMPLATE)
    template.full_clean()
    template.save()
    audit_log(actor=actor, action="quotes.template_created", target=template, data={"demo": True})
    return 1


def _settings_ensure(*, organisation, actor) -> list[str]:
    """Fill in what is still empty; an admin's own choices stay."""
    current = selectors.quote_settings_get(organisation=organisation)
    changed = []
    if current.approval_threshold is None:
        current.approval_threshold = Decimal("7500.00")
        changed.append("approval_threshold")
    if current.minimum_margin is None:
        current.minimum_margin = Decimal("15.00")
        changed.append("minimum_margin")
    if current.pilot_started_on is None:
        current.pilot_started_on = timezone.localdate() - dt.timedelta(weeks=PILOT_WEEKS)
        current.pilot_comparison = PilotComparison.PERIOD
        changed += ["pilot_started_on", "pilot_comparison"]
    if changed:
        current.save(update_fields=changed)
        audit_log(
            actor=actor,
            action="quotes.settings_changed",
            target=current,
            data={"demo": True, "fields": changed},
        )
    return changed


def _rules_ensure(*, settings: QuoteSettings, actor) -> str:
    """The demo's house rules, from demo_rules.toml next to this module once that file exists."""
    if settings.rules_text.strip():
        return "kept"
    if not RULES_FILE.exists():
        logger.warning(
            "Quotes demo: %s does not exist yet; the house rules stay empty, so drafts of the "
            "open requests have no lines until an admin enters rules.",
            RULES_FILE.name,
        )
        return "missing"
    text = RULES_FILE.read_text(encoding="utf-8")
    try:
        from wendbaar.quotes.drafting import quote_rules_save
    except ImportError:
        quote_rules_save = None
    if quote_rules_save is not None and actor is not None:
        try:
            quote_rules_save(actor=actor, rules_text=text)
        except BusinessRuleError as exc:
            logger.warning("Quotes demo: %s was refused: %s", RULES_FILE.name, exc)
            return "invalid"
        return "loaded"
    settings.rules_text = text
    settings.rules_updated_at = timezone.now()
    settings.save(update_fields=["rules_text", "rules_updated_at"])
    audit_log(
        actor=actor,
        action="quotes.rules_updated",
        target=settings,
        data={"demo": True, "chars_after": len(text)},
    )
    return "loaded"


def _day_at(days_ago: int, hour: int) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, (days_ago * 7) % 60)))


def _history_add(
    *, spec: History, makers: list[User], approver: User | None, items: dict, template
) -> Quote | None:
    """Make one past quote through the services (drafted lines, then the estimator's edits,
    approval when the total asks for it, issue, the customer's answer), then date it back."""
    maker = makers[spec.maker % len(makers)]
    quote = services.quote_create(
        actor=maker,
        customer_name=spec.name,
        customer_email=spec.email,
        customer_address=spec.address,
        request_text=spec.request,
    )
    final = {sku: Decimal(quantity) for sku, quantity in spec.lines}
    missing = {edit[1] for edit in spec.edits if edit[0] == "missing"}
    if spec.drafted:
        # what the draft proposed: the issued lines with their drafted quantities, without the
        # lines the estimator had to add, with the lines the estimator removed
        drafted_qty = {edit[1]: Decimal(edit[2]) for edit in spec.edits if edit[0] == "qty"}
        draft = [(sku, drafted_qty.get(sku, q)) for sku, q in final.items() if sku not in missing]
        draft += [(edit[1], Decimal(edit[2])) for edit in spec.edits if edit[0] == "extra"]
    else:
        draft = list(final.items())
    for sku, quantity in draft:
        services.quote_line_add(
            quote=quote,
            actor=maker,
            item=items[sku],
            quantity=quantity,
            is_drafted=spec.drafted,
            confidence=0.85 if spec.drafted else None,
            why={"request": spec.request, "catalogue": sku} if spec.drafted else None,
        )
    if spec.drafted:  # the estimator's edits, through the editor's services
        for line in list(quote.lines.all()):
            if line.sku not in final:
                services.quote_line_remove(line=line, actor=maker)
            elif line.quantity != final[line.sku]:
                services.quote_line_update(line=line, actor=maker, quantity=final[line.sku])
        for sku in missing:
            services.quote_line_add(quote=quote, actor=maker, item=items[sku], quantity=final[sku])
    quote.refresh_from_db()
    approved = services.quote_approval_needed(quote)
    if approved:
        if approver is None:
            logger.warning("Quotes demo: %s needs approval and there is no manager.", spec.email)
            return None
        services.quote_approval_request(quote=quote, actor=maker, notify=False)
        services.quote_approve(quote=quote, actor=approver, notify=False)
    services.quote_status_set(quote=quote, actor=maker, status="issued")
    if spec.outcome:
        services.quote_status_set(quote=quote, actor=maker, status=spec.outcome)

    # Demo only: the history happened in the past, so its moments are set afterwards with
    # update() (no service back-dates a quote, and none should).
    requested = _day_at(spec.days_ago, 8 + spec.days_ago % 5)
    issued = requested + dt.timedelta(hours=spec.hours)
    fields = {
        "created_at": requested,
        "requested_at": requested,
        "issued_at": issued,
        "valid_until": (requested + dt.timedelta(days=30)).date(),
        "decided_at": (
            issued + dt.timedelta(days=3 + spec.days_ago % 9)
            if spec.outcome in ("accepted", "rejected")
            else None
        ),
        "review_seconds": spec.minutes * 60,
        "template": template,
        "source": QuoteSource.EMAIL if spec.drafted else QuoteSource.MANUAL,
    }
    if approved:
        fields |= {
            "approval_requested_at": issued - dt.timedelta(hours=min(spec.hours, 3)),
            "approved_at": issued - dt.timedelta(hours=min(spec.hours, 3) / 2),
        }
    if spec.drafted:
        fields |= {
            "pilot_group": PilotGroup.DRAFT,
            "drafted_at": requested + dt.timedelta(minutes=2),
            "draft_confidence": 0.8,
            "draft_snapshot": [
                {
                    "sku": sku,
                    "description": items[sku].name,
                    "quantity": str(quantity),
                    "unit": items[sku].unit,
                    "unit_price": str(items[sku].price),
                }
                for sku, quantity in draft
            ],
        }
    Quote.objects.filter(pk=quote.pk).update(**fields)
    return quote


def _request_add(*, request: dict, maker: User, hours_ago: int) -> Quote:
    """An open request: drafted by the drafting service when it is there, else waiting by hand."""
    customer = {"name": request["name"], "email": request["email"], "address": request["address"]}
    try:
        from wendbaar.quotes.drafting import quote_draft_create
    except ImportError:
        quote_draft_create = None
    if quote_draft_create is not None:
        quote = quote_draft_create(
            actor=maker, request_text=request["text"], source=QuoteSource.EMAIL, customer=customer
        )
    else:
        quote = services.quote_create(
            actor=maker,
            customer_name=request["name"],
            customer_email=request["email"],
            customer_address=request["address"],
            request_text=request["text"],
        )
        Quote.objects.filter(pk=quote.pk).update(source=QuoteSource.EMAIL)
    # Demo only: the requests came in over the last two days.
    requested = timezone.now() - dt.timedelta(hours=hours_ago)
    Quote.objects.filter(pk=quote.pk).update(requested_at=requested, created_at=requested)
    return quote


def _quotes_ensure(*, organisation, makers: list[User]) -> dict:
    known = set(
        Quote.objects.filter(organisation=organisation).values_list("customer_email", flat=True)
    )
    items = {item.sku: item for item in CatalogueItem.objects.for_organisation(organisation)}
    template = selectors.quote_template_default(organisation=organisation)
    history = 0
    for spec in sorted(BASELINE + PILOT + DURING, key=lambda s: -s.days_ago):
        if spec.email in known:
            continue
        if _history_add(
            spec=spec, makers=makers, approver=_manager(), items=items, template=template
        ):
            history += 1
    requests = 0
    for n, request in enumerate(REQUESTS):
        if request["email"] in known:
            continue
        _request_add(request=request, maker=makers[n % len(makers)], hours_ago=44 - 3 * n)
        requests += 1
    return {"history": history, "requests": requests}


def _catalogue_ensure(*, organisation, actor) -> dict:
    existing = set(
        CatalogueItem.objects.for_organisation(organisation).values_list("sku", flat=True)
    )
    added = 0
    for sku, name, unit, price, vat, cost, category, lead in ITEMS:
        if sku in existing:
            continue
        services.catalogue_item_save(
            item=CatalogueItem(
                organisation=organisation,
                sku=sku,
                name=name,
                unit=unit,
                price=Decimal(price),
                vat_rate=vat,
                cost_price=Decimal(cost),
                category=category,
                lead_time_days=lead,
            ),
            actor=actor,
            source=PriceSource.IMPORT,
        )
        added += 1
    by_sku = {item.sku: item for item in CatalogueItem.objects.for_organisation(organisation)}
    bundles = 0
    for name, description, parts in BUNDLES:
        bundle, created = Bundle.objects.get_or_create(
            organisation=organisation, name=name, defaults={"description": description}
        )
        if not created:
            continue
        bundles += 1
        for position, (sku, quantity) in enumerate(parts, start=1):
            BundleItem.objects.create(
                bundle=bundle, item=by_sku[sku], quantity=Decimal(quantity), position=position
            )
    return {"items": added, "bundles": bundles}


@transaction.atomic
def load_demo_quotes(*, actor=None) -> dict:
    """Catalogue, bundles, template, settings, house rules, open requests and the pilot history;
    returns how many of each were added."""
    organisation = organisation_get()
    manager = _manager()
    actor = actor or manager
    result = _catalogue_ensure(organisation=organisation, actor=actor)
    result["template"] = _template_ensure(organisation=organisation, actor=actor)
    result["settings"] = _settings_ensure(organisation=organisation, actor=actor)
    result["rules"] = _rules_ensure(
        settings=selectors.quote_settings_get(organisation=organisation), actor=manager
    )
    makers = _makers()
    if not makers:
        logger.warning("Quotes demo: nobody has the sales or manager role; no quotes were made.")
        result |= {"history": 0, "requests": 0}
        return result
    result |= _quotes_ensure(organisation=organisation, makers=makers)
    return result
