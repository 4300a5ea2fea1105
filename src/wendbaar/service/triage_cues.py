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

# How urgency is expressed in a customer's mail, by kind of evidence, in the six ticket languages
# (Dutch, English, German, French, Spanish, Portuguese). Each phrase carries a weight; within one
# kind the strongest phrase counts fully and further phrases add a little (see URGENCY_KINDS),
# so that a long mail repeating "urgent" five times is not five times as urgent.
# fmt: off
URGENCY_CUES: dict[str, dict[str, float]] = {
    # Someone says it is urgent.
    "urgency": {
        # nl
        "spoed": 2.0, "met spoed": 2.0, "dringend": 1.6, "urgent": 1.6, "zsm": 1.5,
        "z.s.m": 1.5, "zo snel mogelijk": 1.5, "zo spoedig mogelijk": 1.5, "acuut": 1.8,
        "onmiddellijk": 1.5, "per direct": 1.2, "noodgeval": 2.2, "kritiek": 1.5,
        "kritisch": 1.5,
        # en
        "asap": 1.5, "as soon as possible": 1.3, "urgently": 1.6, "emergency": 2.2,
        "immediately": 1.3, "immediate": 1.2, "critical": 1.5, "right away": 1.2,
        "top priority": 1.6, "high priority": 1.3, "time-sensitive": 1.3, "time sensitive": 1.3,
        "without delay": 1.3, "promptly": 0.8, "pressing": 1.0,
        # de
        "dringende": 1.6, "dringender": 1.6, "dringendes": 1.6, "eilig": 1.5, "eilt": 1.5,
        "sofort": 1.4, "sofortige": 1.4, "umgehend": 1.3, "unverzüglich": 1.4, "notfall": 2.2,
        "kritische": 1.5, "kritischen": 1.5, "kritisches": 1.5, "so schnell wie möglich": 1.3,
        "schnellstmöglich": 1.3, "höchste priorität": 1.6, "hohe priorität": 1.3,
        "zeitkritisch": 1.4, "dringlich": 1.5,
        # fr
        "urgente": 1.6, "urgence": 1.8, "immédiatement": 1.3, "immédiate": 1.2,
        "critique": 1.5, "critiques": 1.5, "dès que possible": 1.3, "au plus vite": 1.3,
        "au plus tôt": 1.0, "sans délai": 1.3, "prioritaire": 1.2,
        # es
        "urgentes": 1.6, "urgencia": 1.8, "inmediato": 1.3, "inmediata": 1.3,
        "inmediatamente": 1.3, "crítico": 1.5, "crítica": 1.5, "lo antes posible": 1.3,
        "cuanto antes": 1.3, "lo más pronto posible": 1.3, "prioridad alta": 1.3,
        "emergencia": 2.2,
        # pt
        "urgência": 1.8, "imediato": 1.3, "imediata": 1.3, "imediatamente": 1.3,
        "o mais rápido possível": 1.3, "o quanto antes": 1.3, "emergência": 2.2,
    },
    # Something stopped working or cannot be used.
    "blocking": {
        # nl
        "storing": 1.2, "werkt niet": 1.2, "werkt niet meer": 1.3, "doet het niet": 1.2,
        "kapot": 1.0, "ligt plat": 2.0, "ligt eruit": 1.8, "uitgevallen": 1.3, "valt uit": 1.1,
        "uitval": 1.3, "stroomuitval": 1.6, "lekkage": 1.6, "lekt": 1.3, "geen verwarming": 1.8,
        "geen warm water": 1.6, "kan niet inloggen": 1.1, "valt steeds uit": 1.4,
        "slaat af": 1.0, "slaat door": 1.2, "blijft koud": 1.1, "laadt niet": 1.1,
        "start niet": 1.1, "lekkend": 1.2, "geen toegang": 1.1,
        "kan niet meer": 1.0, "onbereikbaar": 1.2, "vastgelopen": 1.0, "gegevensverlies": 1.6,
        # en
        "outage": 1.6, "is down": 1.5, "went down": 1.5, "are down": 1.5, "goes down": 1.3,
        "downtime": 1.3, "not working": 1.1, "stopped working": 1.3, "does not work": 1.1,
        "doesn't work": 1.1, "failed": 0.7, "failure": 0.9, "crash": 1.0, "crashes": 1.0,
        "crashed": 1.1, "crashing": 1.0, "unavailable": 1.1, "inaccessible": 1.2,
        "unable to access": 1.2, "cannot access": 1.2, "can't access": 1.2,
        "locked out": 1.2, "keeps tripping": 1.4, "tripping": 1.1, "stays cold": 1.1,
        "no heating": 1.8, "no hot water": 1.6, "not charging": 1.1, "stopped charging": 1.3,
        "won't start": 1.1, "leaking": 1.3, "leaks": 1.2, "keeps shutting down": 1.3, "unresponsive": 1.1, "data loss": 1.8, "lost data": 1.6,
        "corrupted": 1.1, "disruption": 1.0, "disruptions": 1.0, "interruption": 1.0,
        "completely": 0.6, "entirely": 0.6, "halted": 1.3, "blocked": 0.9, "broken": 0.9,
        # de
        "ausfall": 1.6, "ausgefallen": 1.5, "störung": 1.1, "funktioniert nicht": 1.1,
        "funktioniert nicht mehr": 1.3, "nicht erreichbar": 1.3, "nicht verfügbar": 1.1,
        "absturz": 1.1, "abstürze": 1.0, "stürzt ab": 1.1, "datenverlust": 1.8,
        "kein zugriff": 1.2, "keinen zugriff": 1.2, "unterbrechung": 1.0, "unterbrechungen": 1.0,
        "fehlgeschlagen": 0.7, "lahmgelegt": 1.6, "stillstand": 1.5, "beschädigt": 0.9,
        # fr
        "panne": 1.4, "en panne": 1.5, "ne fonctionne pas": 1.1, "ne fonctionne plus": 1.3,
        "interruption de service": 1.4, "indisponible": 1.2,
        "perte de données": 1.8, "plantage": 1.0, "bloqué": 0.9, "bloquée": 0.9,
        "hors service": 1.5, "perturbation": 1.0, "perturbations": 1.0,
        # es
        "caída": 1.4, "no funciona": 1.1, "dejó de funcionar": 1.3, "interrupción": 1.1,
        "interrupciones": 1.0, "fuera de servicio": 1.5, "pérdida de datos": 1.8,
        "no disponible": 1.1, "inaccesible": 1.2, "bloqueado": 0.9, "fallo": 0.9, "falla": 0.9,
        # pt
        "não funciona": 1.1, "parou de funcionar": 1.3, "fora do ar": 1.6, "queda": 1.2,
        "interrupção": 1.1, "indisponível": 1.2, "perda de dados": 1.8, "inacessível": 1.2,
        "falha": 0.9,
    },
    # Danger to people or property: an emergency on its own.
    "danger": {
        "gaslucht": 4.5, "ruik gas": 4.5, "ruiken gas": 4.5, "gas ruiken": 4.5, "gaslek": 4.5,
        "gas leak": 4.5, "gas smell": 4.5, "smell gas": 4.5, "smell of gas": 4.5,
        "gasgeruch": 4.5, "riecht nach gas": 4.5, "odeur de gaz": 4.5, "fuite de gaz": 4.5,
        "olor a gas": 4.5, "fuga de gas": 4.5, "cheiro de gás": 4.5, "vazamento de gás": 4.5,
        "koolmonoxide": 4.5, "co-melder": 3.5, "carbon monoxide": 4.5, "kohlenmonoxid": 4.5,
        "monoxyde de carbone": 4.5, "monóxido de carbono": 4.5,
        "brand": 2.0, "fire": 1.5, "rook": 2.0, "smoke": 1.5, "kortsluiting": 2.5,
        "short circuit": 2.5, "sparks": 2.5, "vonken": 2.5, "elektrische schok": 3.0,
        "electric shock": 3.0, "staat blank": 4.0, "wateroverlast": 3.0, "overstroming": 4.0,
        "flooding": 4.0, "flooded": 4.0, "water loopt": 3.0, "water komt door": 3.5,
        "water is coming": 3.0, "water coming through": 3.5, "through the ceiling": 4.0,
        "door het plafond": 4.0, "loopt water": 3.0, "überschwemmung": 4.0, "inondation": 4.0, "inundación": 4.0,
        "inundação": 4.0,
    },
    # Security of data and systems.
    "security": {
        "datalek": 2.0, "gehackt": 2.0, "hack": 1.4, "ransomware": 2.5, "malware": 1.6,
        "virus": 1.0, "phishing": 1.2,
        "data breach": 2.2, "security breach": 2.2, "breach": 1.6, "unauthorized": 1.4,
        "unauthorised": 1.4, "hacked": 2.0, "compromised": 1.6, "vulnerability": 1.0,
        "cyberattack": 2.0, "cyber attack": 2.0, "intrusion": 1.4,
        "sicherheitsverletzung": 2.0, "datenleck": 2.0, "datenpanne": 2.0, "unbefugte": 1.4,
        "unbefugter": 1.4, "unbefugten": 1.4, "gehackt worden": 2.0, "angriff": 1.4,
        "sicherheitslücke": 1.4, "schadsoftware": 1.6,
        "violation de données": 2.2, "fuite de données": 2.2, "non autorisé": 1.4,
        "non autorisée": 1.4, "piraté": 2.0, "cyberattaque": 2.0, "faille de sécurité": 1.4,
        "brecha de seguridad": 2.2, "violación de datos": 2.2, "no autorizado": 1.4,
        "hackeado": 2.0, "ciberataque": 2.0, "vulnerabilidad": 1.0,
        "violação de dados": 2.2, "vazamento de dados": 2.2, "não autorizado": 1.4,
        "invadido": 1.6, "ataque cibernético": 2.0, "vulnerabilidade": 1.0,
    },
    # Many people, money or the business are affected, or something got damaged.
    "impact": {
        "schade": 0.9, "beschadigd": 0.9, "damage": 0.9, "damaged": 0.9, "schaden": 0.9,
        "beschädigt": 0.9, "dommage": 0.9, "endommagé": 0.9, "daño": 0.9, "dañado": 0.9,
        "dano": 0.9, "danificado": 0.9, "twee keer afgeschreven": 1.0, "dubbel afgeschreven": 1.0,
        "charged twice": 1.0, "double charged": 1.0, "doppelt abgebucht": 1.0,
        "alle gebruikers": 1.2, "alle medewerkers": 1.2, "hele bedrijf": 1.2, "alle klanten": 1.2,
        "productie": 0.8, "omzet": 0.8, "ernstig": 0.9, "ernstige": 0.9,
        "all users": 1.2, "all employees": 1.2, "entire team": 1.0, "entire company": 1.2,
        "whole company": 1.2, "company-wide": 1.2, "organization-wide": 1.2,
        "multiple departments": 1.0, "several departments": 1.0, "all our customers": 1.2,
        "production": 0.7, "revenue": 0.9, "business operations": 1.0, "operations": 0.5,
        "significant": 0.6, "significantly": 0.6, "severe": 1.0, "severely": 1.0,
        "serious": 0.8, "major": 0.7, "patient": 0.8, "patients": 0.8, "financial loss": 1.2,
        "losing money": 1.2, "widespread": 1.0, "impacting": 0.5, "disrupting": 0.8,
        "alle benutzer": 1.2, "alle mitarbeiter": 1.2, "gesamte": 0.8, "betrieb": 0.6,
        "geschäftsbetrieb": 1.0, "erheblich": 0.7, "erhebliche": 0.7, "erheblichen": 0.7,
        "schwerwiegend": 1.0, "schwerwiegende": 1.0, "schwerwiegenden": 1.0, "umsatz": 0.9,
        "patienten": 0.8, "gravierend": 1.0, "gravierende": 1.0,
        "tous les utilisateurs": 1.2, "toute l'entreprise": 1.2, "grave": 0.9, "graves": 0.9,
        "importante": 0.4, "significative": 0.6, "significatif": 0.6,
        "todos los usuarios": 1.2, "toda la empresa": 1.2, "significativo": 0.6,
        "significativa": 0.6, "pacientes": 0.8, "operaciones": 0.5,
        "todos os usuários": 1.2, "toda a empresa": 1.2, "operações": 0.5,
    },
    # The customer is fed up: a complaint deserves attention before routine questions.
    "discontent": {
        "onacceptabel": 1.0, "zeer ontevreden": 1.0, "ontevreden": 0.7, "schandalig": 1.0,
        "belachelijk": 0.9, "nog steeds niet": 0.8, "unacceptable": 1.0, "very dissatisfied": 1.0,
        "dissatisfied": 0.7, "disappointed": 0.6, "still not": 0.6, "outrageous": 1.0,
        "inakzeptabel": 1.0, "unzufrieden": 0.7, "inacceptable": 1.0, "mécontent": 0.7,
        "inaceptable": 1.0, "insatisfecho": 0.7, "inaceitável": 1.0, "insatisfeito": 0.7,
    },
    # A deadline or a date that is close.
    "deadline": {
        "deadline": 0.9, "vandaag": 0.7, "vanavond": 0.7, "morgen": 0.4, "voor het weekend": 0.6,
        "today": 0.7, "tonight": 0.7, "by tomorrow": 0.9, "end of day": 0.9, "end of the day": 0.9,
        "within the hour": 1.2, "within 24 hours": 0.9, "due date": 0.6, "time is running out": 1.2,
        "frist": 0.9, "heute": 0.7, "bis morgen": 0.9, "innerhalb von 24 stunden": 0.9,
        "date limite": 0.9, "échéance": 0.7, "aujourd'hui": 0.7, "d'ici demain": 0.9,
        "fecha límite": 0.9, "plazo": 0.7, "hoy": 0.7, "para mañana": 0.9,
        "prazo": 0.7, "hoje": 0.7, "até amanhã": 0.9,
    },
    # Legal or payment consequences.
    "risk": {
        "advocaat": 1.2, "juridische": 0.9, "aansprakelijk": 1.0, "boete": 0.9, "avg": 0.7,
        "lawyer": 1.2, "legal action": 1.4, "lawsuit": 1.4, "liability": 0.9, "compliance": 0.6,
        "gdpr": 0.7, "penalty": 0.8, "chargeback": 1.0, "payment failed": 0.9,
        "anwalt": 1.2, "rechtliche schritte": 1.4, "dsgvo": 0.7, "haftung": 0.9,
        "avocat": 1.2, "poursuites": 1.4, "rgpd": 0.7, "abogado": 1.2, "demanda": 0.6,
        "advogado": 1.2, "processo judicial": 1.4, "lgpd": 0.7,
    },
    # The customer signals there is no hurry: a question, information, an idea, thanks.
    "calm": {
        # nl
        "geen haast": 2.0, "geen spoed": 2.0, "als u tijd heeft": 1.5, "wanneer het uitkomt": 1.5,
        "vraagje": 1.0, "informatie": 0.7, "benieuwd": 1.0, "suggestie": 1.0, "idee": 0.6,
        "feedback": 0.8, "compliment": 1.2, "bedankt voor": 0.6, "offerte": 0.8, "brochure": 1.0,
        "ter informatie": 1.2, "ik vroeg me af": 1.2, "mogelijkheden": 0.6, "overwegen": 1.0,
        "adviseren": 0.6, "advies": 0.6, "prijsopgave": 0.8, "in termijnen": 0.8,
        # en
        "no rush": 2.0, "no hurry": 2.0, "not urgent": 2.0, "when you have time": 1.5,
        "whenever convenient": 1.5, "when convenient": 1.5, "when you get a chance": 1.5,
        "at your convenience": 0.6, "i was wondering": 1.2, "wondering": 0.8, "curious": 1.0,
        "inquiry": 0.8, "enquiry": 0.8, "information about": 0.8, "information on": 0.8,
        "more information": 0.8, "learn more": 1.0, "interested in": 1.0, "suggestion": 1.0,
        "feature request": 1.2, "would be nice": 1.2, "recommendations": 0.6,
        "best practices": 0.8, "documentation": 0.5, "pricing": 0.6,
        "quote": 0.6, "newsletter": 1.0, "thank you for": 0.4, "just wanted": 1.0,
        "out of curiosity": 1.5, "general question": 1.2, "quick question": 1.0,
        "considering": 1.0, "advice": 0.6, "in installments": 0.8, "instalments": 0.8,
        # de
        "keine eile": 2.0, "nicht dringend": 2.0, "wenn sie zeit haben": 1.5, "anfrage": 0.6,
        "informationen": 0.7, "interessiert": 1.0, "vorschlag": 1.0, "anregung": 1.0,
        "rückmeldung": 0.4, "neugierig": 1.0, "frage zu": 0.6, "allgemeine frage": 1.2,
        "empfehlungen": 0.6, "dokumentation": 0.5, "angebot": 0.6, "preise": 0.6,
        # fr
        "pas urgent": 2.0, "rien d'urgent": 2.0, "quand vous aurez le temps": 1.5,
        "renseignements": 0.8, "informations": 0.7, "intéressé": 1.0, "intéressée": 1.0,
        "curieux": 1.0, "je me demandais": 1.2, "demande d'information": 1.2,
        "recommandations": 0.6, "devis": 0.6, "tarifs": 0.6,
        # es
        "no es urgente": 2.0, "sin prisa": 2.0, "cuando tenga tiempo": 1.5, "consulta": 0.7,
        "información": 0.7, "interesado": 1.0, "interesada": 1.0, "sugerencia": 1.0,
        "curiosidad": 1.0, "me preguntaba": 1.2, "recomendaciones": 0.6, "cotización": 0.6,
        "precios": 0.6,
        # pt
        "não é urgente": 2.0, "sem pressa": 2.0, "quando tiver tempo": 1.5, "informações": 0.7,
        "interessado": 1.0, "interessada": 1.0, "sugestão": 1.0, "dúvida": 0.8,
        "curiosidade": 1.0, "gostaria de saber": 1.0, "recomendações": 0.6, "orçamento": 0.6,
        "preços": 0.6,
    },
}
# fmt: on

# A fault code ("F1", "E12") is a fault code only when the mail speaks of a display or an error.
FAULT_CODE_CONTEXT = (
    "geeft", "gaf", "staat op", "toont", "display", "scherm", "melding", "foutcode", "code",
    "storingscode", "error", "fout", "knippert", "shows", "showing", "displays", "blinks",
    "blinking", "flashing", "zeigt", "anzeige", "fehler", "fehlercode", "affiche", "écran",
    "erreur", "muestra", "pantalla", "mostra", "tela", "erro",
)  # fmt: skip
FAULT_CODE_WEIGHT = 1.2
# What a fault code means, in the words a queue description uses for it.
FAULT_CODE_WORDS = frozenset(
    ("foutcode", "storingscode", "storing", "error", "fault", "fehlercode", "störung", "erreur",
     "panne", "código", "avería", "erro", "falha")
)  # fmt: skip
# Short function words that say nothing about a queue (words under four letters are ignored).
STOPWORDS = frozenset(
    ["over", "voor", "naar", "door", "niet", "zijn", "deze", "meer", "maar", "onze", "jullie", "wordt", "worden", "kunnen", "heeft", "hebben", "with", "from", "have", "this", "that", "they", "what", "when", "your", "their", "some", "into", "than", "then", "them", "were", "been", "will", "would", "about", "also", "such", "other", "each", "more", "need", "very", "only", "dass", "sich", "sind", "oder", "auch", "eine", "nach", "wird", "werden", "ihre", "pour", "avec", "dans", "sont", "mais", "plus", "nous", "vous", "como", "para", "pero", "está", "esta", "este", "mais", "isso", "pelo", "pela"]
)  # fmt: skip

# How each kind of evidence adds up: (sign, extra share of further phrases, cap).
URGENCY_KINDS: dict[str, tuple[float, float, float]] = {
    "urgency": (1.0, 0.3, 2.6),
    "blocking": (1.0, 0.3, 2.4),
    "danger": (1.0, 0.3, 5.0),
    "security": (1.0, 0.3, 3.0),
    "discontent": (1.0, 0.3, 1.2),
    "impact": (1.0, 0.4, 1.6),
    "deadline": (1.0, 0.3, 1.2),
    "risk": (1.0, 0.3, 1.4),
    "calm": (-1.0, 0.4, 2.4),
}

# Words that turn an urgency phrase around when they come just before it ("not urgent", "geen
# spoed", "no data loss"): the phrase then counts as calm.
NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "without",
        "isn't",
        "wasn't",
        "niet",
        "geen",
        "zonder",
        "nooit",
        "nicht",
        "kein",
        "keine",
        "keinen",
        "ohne",
        "pas",
        "sans",
        "jamais",
        "sin",
        "nunca",
        "não",
        "nem",
        "sem",
    ]
)

# The urgency score (sum over kinds) where one level gives way to the next: below the first is
# low, above the last is urgent. A mail without any cue scores 0 and is medium; one clear sign
# that something is blocked makes it high; an explicit emergency with impact makes it urgent.
URGENCY_THRESHOLDS = (-0.6, 1.0, 4.2)
URGENCY_SLOPE = 2.0
# Share of the level probabilities spread evenly: cues are evidence, not certainty, so that one
# agent correction (a remembered neighbour) can overrule them.
URGENCY_SMOOTHING = 0.25

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
