"""Built-in knowledge for triage before any ticket is labelled: label descriptions and cue words.

The default labels describe a typical IT/helpdesk and installation business (priorities, queues
and ITIL ticket types). An organisation replaces or extends them with its own descriptions; the
cue words are the small set of Dutch and English (and some German, French, Spanish and Portuguese)
expressions that make a ticket urgent or upset whatever the business.
"""

PRIORITIES = ("low", "medium", "high", "urgent")

DEFAULT_LABELS: dict[str, dict[str, str]] = {
    "priority": {
        "low": (
            "A general question, request for information, suggestion or feedback with no deadline. "
            "Een vraag om informatie, een offerteaanvraag of suggestie zonder haast. "
            "No rush, when convenient, geen haast."
        ),
        "medium": (
            "A normal request or issue that needs attention within days: an invoice question, a "
            "change, an appointment, a minor defect with a workaround. "
            "Een gewone vraag of melding: factuur, afspraak, wijziging, klein probleem."
        ),
        "high": (
            "Something does not work and blocks the customer: a failure, a malfunction, a leak, "
            "a broken system, data problems, a security warning. "
            "Een storing, lekkage, iets werkt niet of is kapot, de klant kan niet verder."
        ),
        "urgent": (
            "An emergency that needs immediate action: outage of a critical system, danger, "
            "water damage, gas smell, no heating, a security breach. "
            "Spoed: noodgeval, acuut, direct actie nodig, alles ligt plat."
        ),
    },
    "queue": {
        "Technical Support": (
            "Technical problems with software, hardware, servers, networks, integrations and "
            "configuration. Technische storing, software of apparatuur werkt niet."
        ),
        "Product Support": (
            "Questions and problems with a specific product or feature: how to use it, defects, "
            "crashes, documentation. Vragen over een product, installatie of gebruik."
        ),
        "Customer Service": (
            "Account, orders, deliveries, complaints and general service questions. "
            "Klantenservice: bestelling, levering, klacht, account."
        ),
        "IT Support": (
            "Internal IT: laptops, accounts, passwords, access rights, e-mail, printers, VPN. "
            "Wachtwoord, toegang, laptop, printer, e-mail werkt niet."
        ),
        "Billing and Payments": (
            "Invoices, payments, refunds, subscriptions, charges and pricing. "
            "Factuur, betaling, terugbetaling, abonnement, incasso."
        ),
        "Returns and Exchanges": (
            "Returning or exchanging a product, defective on arrival, warranty replacement. "
            "Retour, ruilen, garantie, defect geleverd."
        ),
        "Service Outages and Maintenance": (
            "Outages, downtime, planned maintenance and service disruptions. "
            "Storing, uitval, onderhoud, dienst ligt eruit."
        ),
        "Sales and Pre-Sales": (
            "Quotes, prices, product information before buying, demos and new orders. "
            "Offerte, prijs, informatie voor aankoop."
        ),
        "Human Resources": (
            "Employment, leave, payroll, recruiting and staff matters. "
            "Personeel, verlof, salaris, sollicitatie."
        ),
        "General Inquiry": (
            "General questions that fit no other queue. Algemene vraag, informatie."
        ),
    },
    "type": {
        "Incident": (
            "Something that worked has stopped working or broke: an outage, crash, leak or error. "
            "Een storing of defect: het werkte en nu niet meer."
        ),
        "Problem": (
            "A recurring or underlying issue whose cause must be found. "
            "Een terugkerend probleem, het blijft gebeuren, oorzaak onbekend."
        ),
        "Request": (
            "A request for information, a service, a quote or help. "
            "Een verzoek of vraag om informatie, offerte of hulp."
        ),
        "Change": (
            "A request to change, upgrade, move or reconfigure something. "
            "Een wijziging, aanpassing, upgrade of verhuizing."
        ),
    },
}

# Cue phrases per priority with a weight (added to the log-score of that priority).
PRIORITY_CUES: dict[str, dict[str, float]] = {
    "urgent": {
        "spoed": 2.5,
        "met spoed": 2.5,
        "urgent": 2.0,
        "dringend": 2.0,
        "noodgeval": 2.5,
        "acuut": 2.0,
        "onmiddellijk": 1.5,
        "asap": 1.5,
        "emergency": 2.5,
        "immediately": 1.5,
        "critical": 1.5,
        "kritiek": 1.5,
        "gaslucht": 3.0,
        "gas leak": 3.0,
        "brand": 1.5,
        "kortsluiting": 2.0,
        "ligt plat": 2.0,
        "ligt eruit": 2.0,
        "data breach": 2.0,
        "datalek": 2.0,
        "ransomware": 2.5,
        "gehackt": 2.0,
        "dringende": 1.5,
        "sofort": 1.5,
        "urgente": 1.5,
        "urgência": 1.5,
    },
    "high": {
        "storing": 1.5,
        "lekkage": 2.0,
        "lekt": 1.5,
        "water loopt": 1.5,
        "werkt niet": 1.5,
        "werkt niet meer": 1.5,
        "doet het niet": 1.5,
        "kapot": 1.5,
        "defect": 1.0,
        "geen verwarming": 2.0,
        "geen warm water": 2.0,
        "stroomuitval": 2.0,
        "down": 1.5,
        "outage": 1.5,
        "not working": 1.5,
        "broken": 1.0,
        "crash": 1.0,
        "crashed": 1.0,
        "data loss": 1.5,
        "leak": 1.5,
        "security": 0.7,
        "beveiliging": 0.7,
        "cannot access": 1.0,
        "kan niet inloggen": 1.0,
        "ausfall": 1.5,
        "funktioniert nicht": 1.5,
        "panne": 1.0,
        "no funciona": 1.5,
        "não funciona": 1.5,
    },
    "medium": {
        "factuur": 0.7,
        "invoice": 0.7,
        "afspraak": 0.5,
        "appointment": 0.5,
        "wijziging": 0.5,
        "update": 0.3,
        "klacht": 0.5,
    },
    "low": {
        "vraag": 0.5,
        "informatie": 0.7,
        "information": 0.7,
        "offerte": 0.7,
        "quote": 0.5,
        "geen haast": 2.0,
        "no rush": 2.0,
        "when convenient": 1.5,
        "suggestie": 1.0,
        "suggestion": 1.0,
        "feedback": 0.7,
        "documentation": 0.5,
        "documentatie": 0.5,
    },
}

SENTIMENT_CUES: dict[str, dict[str, float]] = {
    "negative": {
        "klacht": 1.5,
        "boos": 2.0,
        "teleurgesteld": 2.0,
        "ontevreden": 2.0,
        "onacceptabel": 2.0,
        "belachelijk": 2.0,
        "schandalig": 2.0,
        "nog steeds": 1.0,
        "alweer": 1.0,
        "opnieuw": 0.5,
        "slecht": 1.0,
        "frustrerend": 1.5,
        "complaint": 1.5,
        "angry": 2.0,
        "disappointed": 2.0,
        "unacceptable": 2.0,
        "frustrated": 1.5,
        "frustrating": 1.5,
        "still not": 1.0,
        "again": 0.5,
        "terrible": 2.0,
        "worst": 2.0,
        "enttäuscht": 2.0,
        "inakzeptabel": 2.0,
        "déçu": 2.0,
        "decepcionado": 2.0,
    },
    "positive": {
        "bedankt voor de snelle": 2.0,
        "tevreden": 1.5,
        "top": 1.0,
        "fantastisch": 2.0,
        "geweldig": 2.0,
        "compliment": 2.0,
        "super": 1.0,
        "great job": 2.0,
        "excellent": 1.5,
        "very happy": 2.0,
        "thank you for the quick": 2.0,
        "love": 1.0,
        "zufrieden": 1.5,
    },
}

# Frequent function words per language: enough to tell the six ticket languages apart.
_LANGUAGE_WORDS = {
    "nl": (
        "de het een en van ik je is niet dat op te met voor zijn er maar ook wij we onze ons "
        "graag bij naar wordt kunt u uw heb hebben dit deze zou alvast"
    ),
    "en": (
        "the a an and of to is in it that for you with on are this be have we our your not "
        "please can could would i my"
    ),
    "de": (
        "der die das und ist nicht ich sie wir ein eine zu mit auf für den dem des bitte "
        "ihre unser unsere haben wurde"
    ),
    "fr": (
        "le la les et est un une des pas je vous nous pour dans que qui avec sur notre votre merci"
    ),
    "es": (
        "el la los las y es un una que no de por para con su nuestro nuestra estoy hemos gracias"
    ),
    "pt": ("o a os as e é um uma que não de do da por para com nosso nossa estou obrigado você"),
}

LANGUAGE_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split()) for lang, words in _LANGUAGE_WORDS.items()
}
