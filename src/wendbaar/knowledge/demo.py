"""The demo knowledge base of Warmtewerk Installatietechniek B.V.: manuals, FAQ, HR and price terms.

The documents are written as sections and rendered to the file format a real organisation would
have them in (PDF, DOCX, Markdown, HTML, plain text), then imported through
`services.document_import` like any upload. Some are outdated or contradict each other on purpose,
and one shared with everyone holds personal data, so the hygiene view has something to show.

Loading is idempotent: each file has a fixed source path per owner, so a second run finds the
document and skips the unchanged file. Indexing and the personal-data scan run here, at once, so
the documents are searchable and checked as soon as the demo is loaded (without a worker).
"""

import io
import textwrap
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.html import escape

from wendbaar.accounts.choices import Visibility
from wendbaar.accounts.models import Role
from wendbaar.ai.search.services import record_sync
from wendbaar.knowledge import services
from wendbaar.knowledge.models import Document, DocumentVersion
from wendbaar.knowledge.tasks import version_scan_task

SOURCE_PREFIX = "demo/kennisbank/"
# A date long gone, for documents that should have been reviewed or removed by now.
OUTDATED_2024 = date(2024, 12, 31)
OUTDATED_2025 = date(2025, 12, 31)


@dataclass(frozen=True)
class DemoDocument:
    filename: str
    title: str
    owner: str  # e-mail address
    sections: list  # (heading, [paragraph, ...]); a paragraph of "- " lines is a list
    team: str | None = None  # team slug
    visibility: str = Visibility.ORGANISATION
    tags: tuple = ()
    roles: tuple = ()  # role codes a named document is shared with
    valid_until: date | None = None
    valid_for_days: int | None = None  # valid until this many days after the first load
    age_days: int = 0  # how long ago the document was added (for "never found")
    intro: str = ""
    replace: dict = field(default_factory=dict)


# -- content ------------------------------------------------------------------------------------

CV_KETEL_INSTALLATIE = [
    (
        "",
        [
            "Deze handleiding is bedoeld voor erkende installateurs van Warmtewerk "
            "Installatietechniek. Zij beschrijft het plaatsen, aansluiten en in bedrijf stellen "
            "van de ThermaNova HR 28 Combi, een hoogrendementsketel voor verwarming en warm "
            "tapwater met een vermogen van 28 kW. Lees de handleiding helemaal voordat u met de "
            "installatie begint en laat een exemplaar achter bij de klant.",
        ],
    ),
    (
        "Waar de ketel komt",
        [
            "Monteer de ketel aan een vlakke, dragende wand die het gewicht van de gevulde ketel "
            "(ongeveer 42 kg) kan dragen. Houd aan de voorzijde minimaal 60 cm en aan beide "
            "zijkanten minimaal 5 cm vrij voor onderhoud. De ketel mag niet in een vorstgevoelige "
            "ruimte hangen; op een onverwarmde zolder is vorstbeveiliging verplicht. Plaats de "
            "ketel nooit in zone 1 of 2 van een badkamer.",
        ],
    ),
    (
        "Aansluiten van gas en water",
        [
            "Sluit de gasleiding aan met een gaskraan direct onder de ketel en controleer alle "
            "koppelingen met lekzoekspray. De cv-aanvoer en de cv-retour krijgen elk een "
            "afsluiter; monteer in de retour een vuilfilter met magneet. Het overstortventiel "
            "(3 bar) en de sifon sluit u met een open verbinding aan op de riolering. De "
            "koudwateraansluiting krijgt een inlaatcombinatie wanneer de waterleidingdruk hoger "
            "is dan 6 bar.",
        ],
    ),
    (
        "Rookgasafvoer en luchttoevoer",
        [
            "Gebruik uitsluitend het concentrische systeem 60/100 of 80/125 van de fabrikant. "
            "Een horizontale afvoer loopt met minimaal 3 graden afschot terug naar de ketel, "
            "zodat condenswater via de sifon wordt afgevoerd. De maximale leidinglengte is "
            "10 meter voor 60/100; elke bocht van 90 graden telt als 1 meter leiding.",
        ],
    ),
    (
        "Vullen en ontluchten",
        [
            "Vul de installatie via de vul- en aftapkraan tot een druk tussen 1,5 en 2 bar bij "
            "koude installatie. Ontlucht alle radiatoren, te beginnen op de laagste verdieping, "
            "en start daarna het automatische ontluchtingsprogramma van de ketel (servicemenu, "
            "parameter P9). Controleer na het ontluchten de waterdruk opnieuw en vul zo nodig bij.",
        ],
    ),
    (
        "In bedrijf stellen",
        [
            "Meet na het opstarten het CO2-percentage van de rookgassen op vollast en op "
            "deellast. Bij aardgas moeten de waarden tussen 8,6 en 9,2 procent liggen. Stel het "
            "maximale cv-vermogen in op de berekende warmtebehoefte van de woning en leg de "
            "meetwaarden vast in het inbedrijfstellingsrapport. Leg de klant uit hoe de waterdruk "
            "wordt afgelezen en hoe de installatie wordt bijgevuld.",
        ],
    ),
    (
        "Opleveren en registreren",
        [
            "Registreer de ketel binnen 30 dagen na installatie in het garantieportaal van de "
            "fabrikant; zonder registratie vervalt de verlengde fabrieksgarantie. Noteer het "
            "serienummer op de digitale werkbon en voeg foto's van de aansluitingen en de "
            "rookgasafvoer toe aan het klantdossier.",
        ],
    ),
]

CV_KETEL_STORINGEN = [
    (
        "Storingscodes en onderhoud ThermaNova HR-ketels",
        [
            "Werkinstructie voor servicemonteurs en de klantenservice. Deze instructie helpt bij "
            "het telefonisch uitvragen van een storing en bij het onderhoud op locatie. Vraag de "
            "klant altijd eerst welke code op het display staat, en of de code knippert of "
            "continu zichtbaar is.",
        ],
    ),
    (
        "Storingscodes",
        [
            "F1: Te lage waterdruk. De druk is onder 0,8 bar gezakt. Laat de klant de "
            "installatie bijvullen tot 1,5 à 2 bar en de ketel resetten. Komt de melding binnen "
            "een week terug, dan is er waarschijnlijk een lekkage of een defect expansievat: plan "
            "dan een monteur in.",
            "F2: Geen vlamdetectie. De ketel probeert drie keer te ontsteken en gaat daarna in "
            "storing. Vraag of de gaskraan open staat en of de kookplaat nog werkt. Na twee "
            "resets zonder resultaat komt er een monteur. Ruikt de klant gas, dan verwijs je "
            "direct naar het landelijke storingsnummer van de netbeheerder en laat je de klant "
            "de woning verlaten.",
            "F4: Oververhitting. Meestal veroorzaakt door dichtgedraaide radiatorkranen of een "
            "vastzittende circulatiepomp. Laat de klant de ketel tien minuten uitschakelen en "
            "daarna opnieuw starten. Keert de storing terug, dan volgt een servicebezoek.",
            "F7: Rookgasafvoer geblokkeerd of sifon vol. Niet laten resetten: er komt dezelfde "
            "dag een monteur, want de ketel kan rookgas in de woning brengen.",
        ],
    ),
    (
        "Onderhoud",
        [
            "Een HR-ketel krijgt elke twee jaar onderhoud; bij een onderhoudscontract plant de "
            "planning dit automatisch in. Een onderhoudsbeurt omvat het reinigen van de "
            "warmtewisselaar en de brander, het vervangen van de ontstekings- en ionisatiepen als "
            "die meer dan 2 mm zijn afgesleten, het reinigen van de sifon, de controle van het "
            "expansievat (voordruk 1 bar) en een CO2-meting. Noteer alle meetwaarden op de "
            "digitale werkbon.",
        ],
    ),
    (
        "Reserveonderdelen",
        [
            "De servicebus heeft standaard een ontstekingspen, een sifonset, een pakkingset en "
            "een motor voor de driewegklep aan boord. Ontbreekt een onderdeel, bestel het dan via "
            "inkoop vóór 15.00 uur; het wordt de volgende werkdag op de hub in Zwolle of op het "
            "hoofdkantoor geleverd.",
        ],
    ),
]

WARMTEPOMP_INSTALLATIE = [
    (
        "",
        [
            "Deze handleiding beschrijft de installatie van de Nordtherm AW-8, een monoblock "
            "lucht-waterwarmtepomp van 8 kW voor all-electric woningen en goed geïsoleerde "
            "bestaande bouw. De buitenunit bevat het volledige koudemiddelcircuit met R290 "
            "(propaan); op locatie wordt alleen een waterzijdige verbinding gemaakt. Daardoor is "
            "geen F-gassencertificaat nodig, maar gelden wel de veiligheidsregels voor brandbare "
            "koudemiddelen.",
        ],
    ),
    (
        "Opstelling van de buitenunit",
        [
            "Plaats de buitenunit op een stevige, vlakke ondergrond of op wandconsoles met "
            "trillingsdempers. Houd rondom minimaal 30 cm en aan de uitblaaszijde 1,5 meter vrij. "
            "Binnen 1 meter rond de unit mogen geen kelderingangen, putten of ventilatieroosters "
            "liggen, omdat propaan zwaarder is dan lucht. Controleer vooraf met de "
            "geluidscalculator of de unit op de erfgrens onder 40 dB(A) blijft en plaats de unit "
            "bij voorkeur niet onder een slaapkamerraam.",
        ],
    ),
    (
        "Waterzijdige aansluiting",
        [
            "Gebruik leidingen van minimaal 28 mm koper of 32 mm meerlagenbuis en isoleer "
            "buitenleidingen met UV-bestendige isolatie van 19 mm. Monteer binnen een vuilfilter "
            "met magneet, afsluiters en een flowmeter. Het minimale watervolume van de "
            "installatie is 40 liter; bij vloerverwarming met veel naregeling plaats je een "
            "buffervat van 50 liter. Zijn de buitenleidingen langer dan 2 meter, vul de "
            "installatie dan met glycol of plaats vorstbeveiligingskleppen.",
        ],
    ),
    (
        "Elektrische aansluiting",
        [
            "De warmtepomp krijgt een eigen groep van 16 A met een aardlekautomaat type A "
            "(30 mA). Het elektrische element in de binnenmodule krijgt een aparte groep. Laat "
            "de elektromonteur de meterkast controleren: bij een aansluiting van 1x35 A is een "
            "verzwaring naar 3x25 A vaak nodig als er ook een inductiekookplaat en een laadpaal "
            "zijn.",
        ],
    ),
    (
        "Inregelen en oplevering",
        [
            "Stel de stooklijn in op basis van de warmteverliesberekening: voor vloerverwarming "
            "een aanvoertemperatuur van maximaal 35 °C bij -10 °C buiten, voor "
            "lagetemperatuurradiatoren maximaal 45 °C bij dezelfde buitentemperatuur. De "
            "legionellabeveiliging van het boilervat staat op een wekelijkse opwarming naar 60 graden.",
            "Leg de klant bij de oplevering uit dat een warmtepomp langzaam en continu verwarmt: "
            "nachtverlaging heeft weinig zin en de thermostaat staat het best op een vaste "
            "temperatuur. Registreer de warmtepomp binnen 30 dagen in het garantieportaal en "
            "upload het inbedrijfstellingsrapport in het klantdossier.",
        ],
    ),
]

WARMTEPOMP_KLANT = [
    (
        "",
        [
            "Deze pagina gebruikt de klantenservice om vragen over de bediening van een "
            "warmtepomp te beantwoorden. De meeste meldingen blijken normaal gedrag te zijn; met "
            "de uitleg hieronder kun je de klant vaak direct geruststellen en een onnodig "
            "servicebezoek voorkomen.",
        ],
    ),
    (
        "Damp en ijs bij de buitenunit",
        [
            "Bij buitentemperaturen rond het vriespunt vormt zich ijs op de verdamper. De "
            "warmtepomp ontdooit zichzelf een paar keer per uur; de unit stoomt dan een paar "
            "minuten en de ventilator staat stil. Dat is normaal. Pas als de unit helemaal "
            "dichtgevroren is of er water onder de unit bevriest tot een ijsplaat, plannen we een "
            "monteur in om de condensafvoer en het verwarmingslint te controleren.",
        ],
    ),
    (
        "Geluid",
        [
            "Een warmtepomp maakt meer geluid bij strenge vorst en tijdens het ontdooien. Klaagt "
            "de klant of de buren over geluid 's nachts, adviseer dan eerst de stille modus in "
            "de app voor de nachtelijke uren. Helpt dat niet, dan meet een monteur het geluid op "
            "de erfgrens.",
        ],
    ),
    (
        "Storingscodes",
        [
            "- E01: hogedrukbeveiliging, vaak door te weinig waterstroming. Laat de klant "
            "controleren of alle vloerverwarmingsgroepen open staan.\n"
            "- E05: te lage flow. Meestal een vervuild vuilfilter; een monteur reinigt het "
            "filter.\n"
            "- E12: geen communicatie tussen binnen- en buitenunit. Laat de klant de warmtepomp "
            "een minuut spanningsloos maken via de groepenkast.\n"
            "- E21: storing van de compressor. Direct een monteur inplannen; het elektrische "
            "element neemt de verwarming tijdelijk over.",
        ],
    ),
    (
        "Energieverbruik",
        [
            "Klanten schrikken soms van het stroomverbruik in de eerste winter. Een warmtepomp "
            "verbruikt in een gemiddelde goed geïsoleerde woning tussen 2500 en 3500 kWh per "
            "jaar voor verwarming en warm water. Een hoog verbruik wijst vaak op een te hoog "
            "ingestelde stooklijn of op het elektrische element dat te vaak bijspringt. Een "
            "monteur kan de instellingen op afstand bekijken als de klant toestemming geeft in "
            "de app.",
        ],
    ),
]

ZONNEPANELEN = [
    (
        "",
        [
            "Deze instructie beschrijft hoe Warmtewerk zonnepanelen met de omvormer SolarFlux "
            "SF-5000 installeert en hoe de meest voorkomende storingen worden opgelost. Een "
            "standaardsysteem bestaat uit 12 panelen van 430 Wp in twee strings, aangesloten op "
            "één omvormer.",
        ],
    ),
    (
        "Montage op het dak",
        [
            "Op schuine daken gebruiken we het railsysteem met dakhaken onder de pannen; de "
            "dakhaken komen op elke tweede tengel. Op platte daken plaatsen we een "
            "oost-westopstelling met ballast volgens de ballastberekening van de leverancier. "
            "Controleer vooraf of de dakconstructie de extra belasting kan dragen en fotografeer "
            "de dakbedekking voor en na de montage.",
        ],
    ),
    (
        "Plaatsing van de omvormer",
        [
            "De omvormer hangt op een koele, droge en goed geventileerde plek, niet in direct "
            "zonlicht en niet boven een warmtebron. Houd boven en onder de omvormer 30 cm vrij. "
            "De omvormer krijgt een eigen groep van 16 A in de meterkast. Sluit de DC-kabels aan "
            "met originele connectoren van hetzelfde merk; gemengde connectoren zijn een bekende "
            "oorzaak van isolatiestoringen.",
        ],
    ),
    (
        "Aanmelden en monitoring",
        [
            "Na de oplevering meldt de klant de installatie aan bij de netbeheerder via "
            "energieleveren.nl; wij helpen daarbij als de klant dat wil. De monteur verbindt de "
            "omvormer met het wifi-netwerk van de klant en laat de klant de monitoringapp installeren. Een "
            "goed georiënteerd systeem levert in Nederland ongeveer 0,85 kWh per Wp per jaar op.",
        ],
    ),
    (
        "Storingen aan de omvormer",
        [
            "Grid fault: de netspanning is te hoog (boven 253 V) en de omvormer schakelt zichzelf "
            "af. Komt dit vaak voor op zonnige middagen, dan meldt de klant het bij de "
            "netbeheerder; wij kunnen de spanningsval in de kabel naar de meterkast meten.",
            "Isolation fault: er is vocht in een connector of een beschadigde kabel op het dak. "
            "De omvormer start 's ochtends niet op en herstelt zich soms in de loop van de dag. "
            "Een monteur meet de isolatieweerstand per string.",
            "Geen gegevens in de app: meestal is het wifi-wachtwoord van de klant gewijzigd. De "
            "omvormer blijft gewoon stroom leveren; de koppeling kan de klant zelf opnieuw "
            "maken met de handleiding in de app.",
        ],
    ),
]

FAQ = [
    (
        "",
        [
            "Antwoorden op de vragen die klanten het vaakst stellen aan de telefoon en per "
            "e-mail. Houd deze pagina actueel: de klantenservice en de chatassistent gebruiken "
            "haar als bron.",
        ],
    ),
    (
        "Hoe snel komt er een monteur bij een storing?",
        [
            "Klanten met een onderhoudscontract krijgen bij uitval van verwarming of warm water "
            "binnen 24 uur een monteur, ook in het weekend. Klanten zonder contract plannen we "
            "zo snel mogelijk in, meestal binnen drie werkdagen. Bij gaslucht verwijzen we altijd "
            "eerst naar het landelijke storingsnummer van de netbeheerder.",
        ],
    ),
    (
        "Hoe vul ik mijn cv-ketel bij?",
        [
            "Draai de vulslang op de vulkraan van de ketel en op de kraan, open eerst de "
            "waterkraan en daarna de vulkraan, en vul tot de manometer tussen 1,5 en 2 bar staat. "
            "Sluit beide kranen en ontlucht zo nodig de radiatoren. Moet de klant vaker dan eens "
            "per maand bijvullen, dan plannen we een monteur in.",
        ],
    ),
    (
        "Hoe vaak heeft mijn ketel of warmtepomp onderhoud nodig?",
        [
            "Een cv-ketel elke twee jaar, een warmtepomp elk jaar. Regelmatig onderhoud is ook "
            "een voorwaarde voor de garantie. Met een onderhoudscontract plant de planning het "
            "onderhoud automatisch en krijgt de klant een week vooraf een bevestiging.",
        ],
    ),
    (
        "Kan ik een afspraak verzetten of annuleren?",
        [
            "Ja, kosteloos tot 24 uur voor de afspraak, via de link in de bevestigingsmail of "
            "telefonisch. Annuleert de klant later of is de klant niet thuis, dan brengen we de "
            "voorrijkosten in rekening.",
        ],
    ),
    (
        "Kom ik in aanmerking voor subsidie op een warmtepomp?",
        [
            "Voor een (hybride) warmtepomp kunnen particulieren de ISDE-subsidie aanvragen bij "
            "de RVO, binnen 24 maanden na de installatie. Wij leveren de factuur en het "
            "installatiebewijs met het meldcode-nummer van het toestel. De aanvraag zelf doet de "
            "klant; de verkoopadviseur kan erbij helpen.",
        ],
    ),
    (
        "Hoe kan ik betalen en wat als ik het niet eens ben met de factuur?",
        [
            "Facturen betaalt de klant binnen 14 dagen per bankoverschrijving of via de "
            "betaallink in de e-mail. Klopt een factuur niet, dan neemt de klant binnen die "
            "termijn contact op met de klantenservice; de administratie beoordeelt de klacht "
            "binnen vijf werkdagen.",
        ],
    ),
]

VERLOF = [
    (
        "",
        [
            "Dit hoofdstuk van het personeelshandboek beschrijft hoe vakantie en verlof bij "
            "Warmtewerk zijn geregeld. Waar de cao Metaal en Techniek iets "
            "anders of gunstigers regelt, gaat de cao voor.",
        ],
    ),
    (
        "Vakantiedagen",
        [
            "Een medewerker met een volledig dienstverband van 40 uur per week heeft recht op "
            "25 vakantiedagen per jaar. Daarvan zijn 20 dagen wettelijk en 5 bovenwettelijk. Bij "
            "een kleiner dienstverband gelden de dagen naar verhouding. Daarnaast heeft iedereen "
            "13 adv-dagen; de planning roostert die in overleg in.",
        ],
    ),
    (
        "Vakantie aanvragen",
        [
            "Vakantie vraag je aan in het roosterprogramma, minimaal twee weken van tevoren. Je "
            "leidinggevende beoordeelt de aanvraag binnen een week. Zomervakantie vraag je aan "
            "vóór 1 maart; je kunt maximaal drie weken aaneengesloten opnemen. Bij Service & "
            "Onderhoud is in de zomer steeds minstens de helft van de monteurs beschikbaar; bij "
            "te veel aanvragen voor dezelfde weken gaat de eerste aanvraag voor.",
        ],
    ),
    (
        "Bijzonder verlof",
        [
            "Voor een aantal gebeurtenissen krijg je betaald bijzonder verlof:",
            "- eigen huwelijk of geregistreerd partnerschap: 2 dagen\n"
            "- verhuizing: 1 dag per jaar\n"
            "- overlijden van partner, kind of ouder: 4 dagen\n"
            "- bevalling van de partner: 1 week geboorteverlof, daarna aanvullend verlof via "
            "het UWV\n"
            "- doktersbezoek: zo veel mogelijk buiten werktijd, anders de werkelijke duur",
        ],
    ),
    (
        "Vervallen en meenemen van dagen",
        [
            "Wettelijke vakantiedagen vervallen zes maanden na het jaar waarin je ze hebt "
            "opgebouwd. Bovenwettelijke dagen verjaren na vijf jaar. Neem je dagen dus op tijd "
            "op; HR stuurt in oktober een overzicht van het saldo aan iedere medewerker en "
            "leidinggevende.",
        ],
    ),
]

VERZUIM = [
    (
        "",
        [
            "Dit verzuimprotocol geldt voor alle medewerkers en is bedoeld voor HR en "
            "leidinggevenden die een ziekmelding begeleiden. Het volgt de Wet verbetering "
            "poortwachter.",
        ],
    ),
    (
        "Ziekmelding",
        [
            "Een medewerker meldt zich ziek vóór 8.00 uur, telefonisch bij de eigen "
            "leidinggevende. Een ziekmelding per app of e-mail is niet genoeg, omdat de "
            "leidinggevende wil weten hoe het gaat en wat er met het werk van die dag moet "
            "gebeuren. Monteurs bellen daarnaast de planning, zodat hun afspraken dezelfde "
            "ochtend worden overgenomen.",
            "De leidinggevende vraagt niet naar de aard van de ziekte of naar een diagnose; "
            "alleen naar de verwachte duur, bereikbaarheid en lopende afspraken. Medische "
            "informatie bespreekt de medewerker alleen met de bedrijfsarts.",
        ],
    ),
    (
        "Tijdens de ziekte",
        [
            "De medewerker blijft telefonisch bereikbaar en geeft een verpleegadres door als hij "
            "of zij ergens anders verblijft. Duurt het verzuim langer dan een week, dan neemt de "
            "arbodienst contact op. In week 6 maakt de bedrijfsarts een probleemanalyse; uiterlijk "
            "in week 8 stellen medewerker en leidinggevende samen een plan van aanpak op.",
        ],
    ),
    (
        "Herstelmelding en vakantie",
        [
            "Ben je beter, meld je dan hersteld bij je leidinggevende vóór de werkdag waarop je "
            "weer begint. Wil je tijdens ziekte op vakantie, overleg dit dan vooraf met je "
            "leidinggevende en de bedrijfsarts; vakantiedagen worden gewoon afgeschreven.",
        ],
    ),
]

THUISWERKEN = [
    (
        "",
        [
            "Deze regeling geldt voor medewerkers met een kantoorfunctie. Monteurs en "
            "werkvoorbereiders die op de bouwplaats werken, vallen er niet onder.",
        ],
    ),
    (
        "Hoeveel thuiswerken",
        [
            "Je werkt maximaal twee dagen per week thuis, in overleg met je leidinggevende. Op "
            "dinsdag is iedereen op kantoor voor het teamoverleg. Je geeft je thuiswerkdagen "
            "vooraf op in het rooster met de locatie Thuis, zodat collega's weten waar je bent.",
        ],
    ),
    (
        "Thuiswerkvergoeding",
        [
            "Warmtewerk betaalt een thuiswerkvergoeding van € 2,40 per thuiswerkdag, netto en "
            "belastingvrij. De vergoeding wordt maandelijks achteraf uitbetaald op basis van de "
            "thuiswerkdagen in het rooster. Op een dag waarop je thuiswerkt, krijg je geen "
            "reiskostenvergoeding. Werk je een deel van de dag thuis en een deel op kantoor, dan "
            "geldt de dag als kantoordag.",
        ],
    ),
    (
        "Inrichting van de werkplek",
        [
            "Voor een goede werkplek thuis krijg je eenmalig een bijdrage van € 400 voor een "
            "bureaustoel, een beeldscherm of een bureau, één keer per vijf jaar. Een laptop, "
            "headset en telefoon krijg je van de zaak. Voor internet is er geen aparte "
            "vergoeding.",
        ],
    ),
]
THUISWERKEN_2024 = {
    "€ 2,40 per thuiswerkdag": "€ 2,15 per thuiswerkdag",
    "€ 400": "€ 300",
    "maximaal twee dagen": "maximaal één dag",
}

TARIEVEN = [
    (
        "",
        [
            "Deze tarieven gelden vanaf 1 januari 2026 voor particuliere klanten. Alle bedragen "
            "zijn inclusief 21% btw. Zakelijke klanten ontvangen een offerte op maat.",
        ],
    ),
    (
        "Storingen en reparaties",
        [
            "Voor een servicebezoek rekenen we € 49,50 voorrijkosten en een uurtarief van "
            "€ 79,50, na het eerste uur per kwartier. Voor een spoedbezoek op dezelfde dag komt "
            "er € 65 bij. Op werkdagen na 18.00 uur en in het weekend geldt een toeslag van 50% "
            "op het uurtarief. Onderdelen rekenen we tegen de adviesprijs van de fabrikant.",
        ],
    ),
    (
        "Onderhoud",
        [
            "Een losse onderhoudsbeurt van een cv-ketel kost € 129, van een warmtepomp € 169. "
            "Een inspectie van zonnepanelen met omvormercontrole kost € 145. Klanten met een "
            "onderhoudscontract betalen geen voorrijkosten en geen uurloon voor onderhoud.",
        ],
    ),
    (
        "Onderhoudscontracten",
        [
            "- Basiscontract cv-ketel: € 12,95 per maand (onderhoud eens per twee jaar)\n"
            "- Zorgeloos-contract cv-ketel: € 19,95 per maand (onderhoud, voorrijkosten, "
            "arbeidsloon en onderdelen bij storing)\n"
            "- Warmtepompcontract: € 17,95 per maand (jaarlijks onderhoud en storingen)",
            "Een contract loopt minimaal een jaar en is daarna maandelijks opzegbaar. Facturen "
            "betaalt de klant binnen 14 dagen.",
        ],
    ),
]
TARIEVEN_2025 = {
    "vanaf 1 januari 2026": "vanaf 1 januari 2025",
    "€ 49,50": "€ 45",
    "€ 79,50": "€ 74,50",
    "€ 65": "€ 59",
    "€ 129": "€ 119",
    "€ 169": "€ 155",
    "€ 145": "€ 135",
    "€ 12,95": "€ 11,95",
    "€ 19,95": "€ 18,50",
    "€ 17,95": "€ 16,50",
}

GARANTIE = [
    (
        "",
        [
            "Deze garantievoorwaarden gelden voor installaties die Warmtewerk levert en "
            "plaatst. Ze komen bovenop de wettelijke rechten "
            "van de klant en bovenop de fabrieksgarantie.",
        ],
    ),
    (
        "Garantie op het installatiewerk",
        [
            "Op het installatiewerk zelf, zoals leidingwerk, aansluitingen en lekdichtheid, geven "
            "wij 5 jaar garantie na de opleverdatum. Ontstaat binnen die termijn een lekkage "
            "door ons werk, dan herstellen wij die kosteloos, inclusief voorrijkosten en "
            "arbeidsloon.",
        ],
    ),
    (
        "Garantie op toestellen",
        [
            "- cv-ketel: 5 jaar volledige garantie, 10 jaar op de warmtewisselaar\n"
            "- warmtepomp: 7 jaar volledige garantie, 10 jaar op de compressor\n"
            "- omvormer van zonnepanelen: 10 jaar\n"
            "- zonnepanelen: 25 jaar productgarantie",
            "Volledige garantie betekent: onderdelen, arbeidsloon en voorrijkosten. Na die "
            "termijn geldt alleen nog de garantie op het genoemde onderdeel.",
        ],
    ),
    (
        "Voorwaarden",
        [
            "De garantie geldt alleen als het toestel binnen 30 dagen is geregistreerd en "
            "volgens het voorgeschreven schema is onderhouden door een erkend installateur. "
            "Uitgesloten zijn schade door vorst, kalk of verkeerd gebruik, en schade door werk "
            "van derden aan de installatie. Een klant meldt een gebrek binnen 2 maanden nadat "
            "hij het heeft ontdekt.",
        ],
    ),
]
GARANTIE_2022 = {
    "wij 5 jaar garantie": "wij 2 jaar garantie",
    "cv-ketel: 5 jaar volledige garantie, 10 jaar": "cv-ketel: 3 jaar volledige garantie, 8 jaar",
    "warmtepomp: 7 jaar volledige garantie": "warmtepomp: 5 jaar volledige garantie",
    "binnen 30 dagen is geregistreerd": "binnen 14 dagen is geregistreerd",
}

BEREIKBAARHEID = [
    (
        "",
        [
            "De bereikbaarheidsdienst neemt buiten kantoortijd storingen aan van klanten met een "
            "onderhoudscontract: op werkdagen van 17.00 tot 8.00 uur en in het weekend van "
            "vrijdag 17.00 uur tot maandag 8.00 uur. Het storingsnummer wordt doorgeschakeld naar "
            "de monteur van dienst. Ruil je een dienst, geef het dan door aan de planning en pas "
            "dit rooster aan.",
        ],
    ),
    (
        "Rooster eerste kwartaal",
        [
            "- Week 1 en 2: Ruud Smit, mobiel 06-41729385, privé ruud.smit78@ziggo.example\n"
            "- Week 3 en 4: Dennis Mulder, mobiel 06-28374615, Kerkstraat 14, 8011 RW Zwolle\n"
            "- Week 5 en 6: Kevin de Boer, mobiel 06-19283746, privé kdeboer@kpnmail.example\n"
            "- Week 7 en 8: Youssef Haddou, mobiel 06-55192837, Assendorperstraat 102, "
            "8012 DL Zwolle\n"
            "- Week 9 en 10: Sem Meijer, mobiel 06-30918273, privé sem.meijer@gmail.example",
            "Achterwacht voor lastige storingen is Mark Jansen, mobiel 06-12837465. Bel hem "
            "alleen als je er na een half uur zelf niet uitkomt.",
        ],
    ),
    (
        "Sleutels en bus",
        [
            "De sleutel van de reservebus ligt tijdens de dienst bij de monteur van dienst thuis. "
            "Heb je de reservebus nodig terwijl Dennis Mulder dienst heeft, haal de sleutel dan "
            "op de Kerkstraat 14 in Zwolle. Tank de bus na gebruik vol en meld schade direct bij "
            "de planning.",
        ],
    ),
]

VEILIGHEID = [
    (
        "",
        [
            "Werken op hoogte is de grootste veiligheidsrisico bij het plaatsen van zonnepanelen "
            "en buitenunits van warmtepompen. Deze instructie is verplicht voor iedereen die op "
            "een dak of ladder werkt.",
        ],
    ),
    (
        "Voor je begint",
        [
            "Doe voor elke klus een laatste-minuut-risicoanalyse (LMRA): kijk naar de "
            "dakrand, de ondergrond, het weer en de toegang. Werk nooit alleen op een dak. Vanaf "
            "2,5 meter valhoogte is collectieve valbeveiliging verplicht, zoals een tijdelijke "
            "dakrandbeveiliging of steiger. Is dat niet mogelijk, dan werk je met een "
            "valharnas aan een goedgekeurd ankerpunt.",
        ],
    ),
    (
        "Ladders en materiaal",
        [
            "Een ladder staat onder een hoek van ongeveer 75 graden en steekt minstens 1 meter "
            "boven het opstappunt uit. Valharnassen en vanglijnen worden elk jaar gekeurd; "
            "controleer ze zelf voor elk gebruik. Panelen hijs je met de dakliftset, niet via de "
            "ladder.",
        ],
    ),
    (
        "Weer en bijzondere situaties",
        [
            "Stop met werken op het dak bij windkracht 6 of meer, bij onweer en bij gladheid. Na "
            "heet werk op een dak, zoals solderen of branden, blijft iemand nog een uur als "
            "brandwacht aanwezig. Vermoed je asbest, bijvoorbeeld in golfplaten of dakbeschot "
            "van vóór 1994, stop dan direct en meld het bij de projectleider.",
        ],
    ),
]

DIRECTIE_NOTITIE = [
    (
        "",
        [
            "Concept, nog niet besproken in het MT. Niet delen.",
        ],
    ),
    (
        "Tarieven",
        [
            "De loonkosten stijgen volgend jaar met de cao-verhoging van ongeveer 4 procent. Mijn "
            "voorstel is de tarieven per 1 januari met 4,5 procent te verhogen en het uurtarief "
            "af te ronden op € 83. De onderhoudscontracten verhogen we met een euro per maand; "
            "bestaande klanten krijgen dit twee maanden vooraf per brief te horen.",
        ],
    ),
    (
        "Investeringen",
        [
            "Twee dieselbussen zijn aan vervanging toe. Ik wil ze vervangen door elektrische "
            "bussen, met laadpunten bij de hub in Zwolle. Daarnaast willen we drie monteurs "
            "opleiden voor werken aan warmtepompen met R290 en twee extra monteurs aannemen voor "
            "het warmtepompwerk. Eerst de offertes voor de bussen afwachten voordat we dit met de "
            "teamleiders bespreken.",
        ],
    ),
]


def _documents(email_for) -> list[DemoDocument]:
    return [
        DemoDocument(
            filename="installatiehandleiding-thermanova-hr28.pdf",
            title="Installatiehandleiding ThermaNova HR 28 Combi",
            owner=email_for("Erik van Dijk"),
            team="projecten",
            sections=CV_KETEL_INSTALLATIE,
            tags=("handleiding", "cv-ketel", "installatie"),
            age_days=410,
        ),
        DemoDocument(
            filename="storingscodes-onderhoud-thermanova.txt",
            title="Storingscodes en onderhoud ThermaNova HR-ketels",
            owner=email_for("Mark Jansen"),
            team="service-onderhoud",
            visibility=Visibility.TEAM,
            sections=CV_KETEL_STORINGEN,
            tags=("cv-ketel", "storing", "onderhoud", "werkinstructie"),
            age_days=190,
        ),
        DemoDocument(
            filename="installatiehandleiding-nordtherm-aw8.md",
            title="Installatiehandleiding lucht-waterwarmtepomp Nordtherm AW-8",
            owner=email_for("Ilse de Wit"),
            team="projecten",
            sections=WARMTEPOMP_INSTALLATIE,
            tags=("handleiding", "warmtepomp", "installatie"),
            age_days=120,
        ),
        DemoDocument(
            filename="warmtepomp-bediening-en-storingen.html",
            title="Warmtepomp: bediening, storingen en tips voor klanten",
            owner=email_for("Mark Jansen"),
            team="service-onderhoud",
            sections=WARMTEPOMP_KLANT,
            tags=("warmtepomp", "storing", "klantenservice"),
            age_days=75,
        ),
        DemoDocument(
            filename="zonnepanelen-omvormer-solarflux.md",
            title="Zonnepanelen en omvormer SolarFlux SF-5000: installatie en storingen",
            owner=email_for("Stefan van Leeuwen"),
            team="projecten",
            sections=ZONNEPANELEN,
            tags=("handleiding", "zonnepanelen", "omvormer"),
            age_days=60,
        ),
        DemoDocument(
            filename="veelgestelde-vragen-klantenservice.html",
            title="Veelgestelde vragen klantenservice",
            owner=email_for("Fatima El Amrani"),
            team="service-onderhoud",
            sections=FAQ,
            tags=("faq", "klantenservice"),
            age_days=12,
        ),
        DemoDocument(
            filename="personeelshandboek-verlof-en-vakantie.docx",
            title="Personeelshandboek: verlof en vakantie",
            owner=email_for("Marloes Schouten"),
            team="kantoor-verkoop",
            visibility=Visibility.NAMED,
            roles=("hr", "manager"),
            sections=VERLOF,
            tags=("hr", "verlof", "personeelshandboek"),
            age_days=240,
        ),
        DemoDocument(
            filename="verzuimprotocol.docx",
            title="Verzuimprotocol: ziekmelding en re-integratie",
            owner=email_for("Marloes Schouten"),
            team="kantoor-verkoop",
            visibility=Visibility.NAMED,
            roles=("hr", "manager"),
            sections=VERZUIM,
            tags=("hr", "ziekmelding", "verzuim", "personeelshandboek"),
            age_days=240,
        ),
        DemoDocument(
            filename="thuiswerkregeling.md",
            title="Thuiswerkregeling en thuiswerkvergoeding",
            owner=email_for("Marloes Schouten"),
            team="kantoor-verkoop",
            visibility=Visibility.NAMED,
            roles=("hr", "manager"),
            sections=THUISWERKEN,
            tags=("hr", "thuiswerken", "vergoeding"),
            valid_for_days=365,
            age_days=20,
        ),
        DemoDocument(
            filename="thuiswerkregeling-2024.txt",
            title="Thuiswerkregeling 2024",
            owner=email_for("Linda Koster"),
            team="kantoor-verkoop",
            visibility=Visibility.TEAM,
            sections=THUISWERKEN,
            replace=THUISWERKEN_2024,
            tags=("hr", "thuiswerken", "vergoeding"),
            valid_until=OUTDATED_2024,
            age_days=700,
        ),
        DemoDocument(
            filename="tarieven-service-en-onderhoud.md",
            title="Tarieven service en onderhoud",
            owner=email_for("Eva Willems"),
            team="kantoor-verkoop",
            sections=TARIEVEN,
            tags=("prijzen", "tarieven", "onderhoudscontract"),
            valid_for_days=365,
            age_days=330,
        ),
        DemoDocument(
            filename="tarieven-service-en-onderhoud-2025.txt",
            title="Tarieven service en onderhoud 2025",
            owner=email_for("Eva Willems"),
            team="kantoor-verkoop",
            sections=TARIEVEN,
            replace=TARIEVEN_2025,
            tags=("prijzen", "tarieven", "onderhoudscontract"),
            valid_until=OUTDATED_2025,
            age_days=690,
        ),
        DemoDocument(
            filename="garantievoorwaarden.html",
            title="Garantievoorwaarden Warmtewerk",
            owner=email_for("Eva Willems"),
            team="kantoor-verkoop",
            sections=GARANTIE,
            tags=("garantie", "voorwaarden"),
            age_days=150,
        ),
        DemoDocument(
            filename="garantievoorwaarden-2022.txt",
            title="Garantievoorwaarden Warmtewerk (versie 2022)",
            owner=email_for("Koen Brouwer"),
            team="projecten",
            sections=GARANTIE,
            replace=GARANTIE_2022,
            tags=("garantie", "voorwaarden"),
            age_days=900,
        ),
        DemoDocument(
            filename="bereikbaarheidsdienst-rooster.txt",
            title="Bereikbaarheidsdienst storingen: rooster en contactgegevens",
            owner=email_for("Lotte Visser"),
            team="service-onderhoud",
            sections=BEREIKBAARHEID,
            tags=("storingsdienst", "rooster"),
            age_days=45,
        ),
        DemoDocument(
            filename="veiligheidsinstructie-werken-op-hoogte.md",
            title="Veiligheidsinstructie werken op hoogte en daken",
            owner=email_for("Erik van Dijk"),
            team="projecten",
            visibility=Visibility.TEAM,
            sections=VEILIGHEID,
            tags=("veiligheid", "vca", "zonnepanelen"),
            age_days=300,
        ),
        DemoDocument(
            filename="notitie-directie-tarieven-investeringen.txt",
            title="Notitie directie: tarieven en investeringen (concept)",
            owner=email_for("Sanne de Vries"),
            visibility=Visibility.PRIVATE,
            sections=DIRECTIE_NOTITIE,
            tags=("directie",),
            age_days=5,
        ),
    ]


# -- rendering ----------------------------------------------------------------------------------


def _sections(spec: DemoDocument) -> list[tuple[str, list[str]]]:
    out = []
    for heading, paragraphs in spec.sections:
        texts = []
        for paragraph in paragraphs:
            for old, new in spec.replace.items():
                paragraph = paragraph.replace(old, new)
            texts.append(paragraph)
        out.append((heading, texts))
    return out


def _is_list(paragraph: str) -> bool:
    return paragraph.startswith("- ")


def _items(paragraph: str) -> list[str]:
    return [line[2:] for line in paragraph.split("\n")]


def _markdown(title: str, sections) -> str:
    parts = [f"# {title}"]
    for heading, paragraphs in sections:
        if heading:
            parts.append(f"## {heading}")
        parts.extend(paragraphs)
    return "\n\n".join(parts) + "\n"


def _plain(title: str, sections) -> str:
    parts = [title.upper()]
    for heading, paragraphs in sections:
        if heading and heading.lower() != title.lower():
            parts.append(heading)
        parts.extend(paragraphs)
    return "\n\n".join(parts) + "\n"


def _html(title: str, sections) -> str:
    body = [f"<h1>{escape(title)}</h1>"]
    for heading, paragraphs in sections:
        if heading:
            body.append(f"<h2>{escape(heading)}</h2>")
        for paragraph in paragraphs:
            if _is_list(paragraph):
                items = "".join(f"<li>{escape(item)}</li>" for item in _items(paragraph))
                body.append(f"<ul>{items}</ul>")
            else:
                body.append(f"<p>{escape(paragraph)}</p>")
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


# Zip entries get the time of writing; a fixed one makes the same document the same bytes, so a
# second demo load sees an unchanged file instead of adding a version.
_FIXED_ZIP_TIME = (2025, 1, 6, 9, 0, 0)


def _docx(title: str, sections) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = "Warmtewerk Installatietechniek B.V."
    document.core_properties.created = datetime(2025, 1, 6, 9, 0)
    document.core_properties.modified = datetime(2025, 1, 6, 9, 0)
    document.add_heading(title, level=1)
    for heading, paragraphs in sections:
        if heading:
            document.add_heading(heading, level=2)
        for paragraph in paragraphs:
            if _is_list(paragraph):
                for item in _items(paragraph):
                    document.add_paragraph(item, style="List Bullet")
            else:
                document.add_paragraph(paragraph)
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _pdf(title: str, sections) -> bytes:
    """A small text PDF written by hand (pypdf reads but does not write text): Helvetica in
    Windows-1252, wrapped lines, A4 pages, and the title in the document information."""
    lines: list[tuple[str, int]] = [(title, 16), ("", 11)]
    for heading, paragraphs in sections:
        if heading:
            lines += [(heading, 13), ("", 11)]
        for paragraph in paragraphs:
            for part in paragraph.split("\n"):
                lines += [(line, 11) for line in textwrap.wrap(part, 88)]
            lines.append(("", 11))
    per_page = 48
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    pages_id = len(objects) + 1 + 2 * len(pages)
    kids = []
    for page_lines in pages:
        ops = [b"BT", b"15 TL", b"56 790 Td"]
        size = None
        for text, font_size in page_lines:
            if font_size != size:
                ops.append(b"/F1 %d Tf" % font_size)
                size = font_size
            ops += [_pdf_text(text) + b" Tj", b"T*"]
        ops.append(b"ET")
        stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_id, font, content)
            )
        )
    add(
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    info = add(
        b"<< /Title <%s> /Producer (Wendbaar demo) >>" % title.encode("utf-16").hex().encode()
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, info, xref)
    )
    return out.getvalue()


def render(spec: DemoDocument) -> bytes:
    """The file of a demo document in the format its file name says."""
    sections = _sections(spec)
    suffix = spec.filename.rsplit(".", 1)[-1]
    if suffix == "pdf":
        return _pdf(spec.title, sections)
    if suffix == "docx":
        return _docx(spec.title, sections)
    if suffix == "html":
        return _html(spec.title, sections).encode()
    if suffix == "md":
        return _markdown(spec.title, sections).encode()
    return _plain(spec.title, sections).encode()


# -- loading ------------------------------------------------------------------------------------


def load_demo_knowledge(*, people, teams, email_for) -> list[Document]:
    """Import the demo documents for the demo organisation's `people` and `teams`, index them and
    check them for personal data right away; returns the documents, in the order above.

    Run it outside a transaction: indexing embeds the passages before it writes, and holding a
    write lock while the model runs would block everyone else.
    """
    by_email = {person.email: person for person in people}
    by_slug = {team.slug: team for team in teams}
    roles = {role.code: role for role in Role.objects.all()}
    today = timezone.localdate()
    content_type = ContentType.objects.get_for_model(Document)
    documents = []
    for spec in _documents(email_for):
        owner = by_email[spec.owner]
        valid_until = spec.valid_until
        if spec.valid_for_days is not None:
            valid_until = today + timedelta(days=spec.valid_for_days)
        result = services.document_import(
            actor=owner,
            filename=spec.filename,
            data=render(spec),
            title=spec.title,
            team=by_slug[spec.team] if spec.team else None,
            visibility=spec.visibility,
            tags=spec.tags,
            valid_until=valid_until,
            source_path=SOURCE_PREFIX + spec.filename,
            shared_with_roles=[roles[code] for code in spec.roles],
        )
        document = result.document
        if result.status == services.ImportStatus.CREATED and spec.age_days:
            added = timezone.now() - timedelta(days=spec.age_days)
            Document.objects.filter(pk=document.pk).update(created_at=added, updated_at=added)
            DocumentVersion.objects.filter(pk=result.version.pk).update(created_at=added)
        # What the worker would do after the commit, done now: searchable and checked at once.
        # Both are safe to repeat (unchanged passages keep their embedding).
        record_sync(content_type_id=content_type.pk, object_id=str(document.pk))
        version = DocumentVersion.objects.only("pk", "personal_data").get(
            pk=document.current_version_id
        )
        if version.personal_data is None:
            version_scan_task.call(version.pk)
        documents.append(document)
    return documents
