"""The demo organisation: Warmtewerk Installatietechniek B.V., a fictional Dutch installation firm.

Loading is idempotent: people, teams and locations are matched on e-mail address, slug and name, so
running it again updates them instead of adding copies. Later capabilities add their demo data here.
"""

from django.contrib.auth.hashers import make_password
from django.db import transaction

from wendbaar.accounts.choices import LocationKind, TeamRole
from wendbaar.accounts.models import Location, Membership, Organisation, Role, Team, User
from wendbaar.accounts.services import builtin_roles_ensure
from wendbaar.audit.services import audit_log

DOMAIN = "warmtewerk.example"
ADMIN_EMAIL = f"sanne.devries@{DOMAIN}"

LOCATIONS = [
    ("Hoofdkantoor Amersfoort", LocationKind.OFFICE, "Nijverheidsweg 12", "Amersfoort", 18, 3),
    ("Hub Zwolle", LocationKind.HUB, "Grote Voort 201", "Zwolle", 6, 1),
    ("Thuis", LocationKind.HOME, "", "", 0, 0),
]

TEAMS = [
    (
        "service-onderhoud",
        "Service & Onderhoud",
        "Storingen, onderhoud en klantvragen over cv-ketels, warmtepompen en ventilatie.",
        f"service@{DOMAIN}",
    ),
    (
        "projecten",
        "Projecten & Installatie",
        "Nieuwbouw- en renovatieprojecten: warmtepompen, vloerverwarming, zonnepanelen.",
        f"projecten@{DOMAIN}",
    ),
    (
        "kantoor-verkoop",
        "Kantoor & Verkoop",
        "Offertes, verkoop, planning, administratie en personeelszaken.",
        f"kantoor@{DOMAIN}",
    ),
]

# (name, job title, team slug, team role, extra roles, location)
PEOPLE = [
    (
        "Sanne de Vries",
        "Directeur",
        "kantoor-verkoop",
        TeamRole.LEAD,
        ["admin", "manager"],
        "Hoofdkantoor Amersfoort",
    ),
    (
        "Mark Jansen",
        "Teamleider service",
        "service-onderhoud",
        TeamRole.LEAD,
        ["manager", "planner"],
        "Hoofdkantoor Amersfoort",
    ),
    (
        "Fatima El Amrani",
        "Klantenservicemedewerker",
        "service-onderhoud",
        TeamRole.MEMBER,
        ["service_agent"],
        "Hoofdkantoor Amersfoort",
    ),
    (
        "Joost Bakker",
        "Klantenservicemedewerker",
        "service-onderhoud",
        TeamRole.MEMBER,
        ["service_agent"],
        "Thuis",
    ),
    (
        "Lotte Visser",
        "Planner service",
        "service-onderhoud",
        TeamRole.MEMBER,
        ["planner", "service_agent"],
        "Hoofdkantoor Amersfoort",
    ),
    ("Ruud Smit", "Servicemonteur", "service-onderhoud", TeamRole.MEMBER, [], "Hub Zwolle"),
    ("Dennis Mulder", "Servicemonteur", "service-onderhoud", TeamRole.MEMBER, [], "Hub Zwolle"),
    (
        "Kevin de Boer",
        "Servicemonteur",
        "service-onderhoud",
        TeamRole.MEMBER,
        [],
        "Hoofdkantoor Amersfoort",
    ),
    (
        "Sem Meijer",
        "Servicemonteur",
        "service-onderhoud",
        TeamRole.MEMBER,
        [],
        "Hoofdkantoor Amersfoort",
    ),
    ("Youssef Haddou", "Servicemonteur", "service-onderhoud", TeamRole.MEMBER, [], "Hub Zwolle"),
    (
        "Bram de Groot",
        "Leerling-monteur",
        "service-onderhoud",
        TeamRole.MEMBER,
        [],
        "Hoofdkantoor Amersfoort",
    ),
    (
        "Priya Ramdin",
        "Klantenservicemedewerker",
        "service-onderhoud",
        TeamRole.MEMBER,
        ["service_agent"],
        "Thuis",
    ),
    (
        "Erik van Dijk",
        "Projectleider",
        "projecten",
        TeamRole.LEAD,
        ["manager"],
        "Hoofdkantoor Amersfoort",
    ),
    (
        "Anouk Bos",
        "Werkvoorbereider",
        "projecten",
        TeamRole.MEMBER,
        ["planner"],
        "Hoofdkantoor Amersfoort",
    ),
    ("Thijs Vos", "Installatiemonteur", "projecten", TeamRole.MEMBER, [], "Hub Zwolle"),
    (
        "Niels Peters",
        "Installatiemonteur",
        "projecten",
        TeamRole.MEMBER,
        [],
        "Hoofdkantoor Amersfoort",
    ),
    (
        "Gijs Hendriks",
        "Installatiemonteur",
        "projecten",
        TeamRole.MEMBER,
        [],
        "Hoofdkantoor Amersfoort",
    ),
    ("Stefan van Leeuwen", "Elektromonteur", "projecten", TeamRole.MEMBER, [], "Hub Zwolle"),
    (
        "Mehmet Yilmaz",
        "Installatiemonteur",
        "projecten",
        TeamRole.MEMBER,
        [],
        "Hoofdkantoor Amersfoort",
    ),
    ("Jeroen Dekker", "Werkvoorbereider", "projecten", TeamRole.MEMBER, ["planner"], "Thuis"),
    (
        "Koen Brouwer",
        "Calculator",
        "projecten",
        TeamRole.MEMBER,
        ["sales"],
        "Hoofdkantoor Amersfoort",
    ),
    ("Ilse de Wit", "Engineer duurzame installaties", "projecten", TeamRole.MEMBER, [], "Thuis"),
    ("Daan Kramer", "Installatiemonteur", "projecten", TeamRole.MEMBER, [], "Hub Zwolle"),
    (
        "Eva Willems",
        "Accountmanager",
        "kantoor-verkoop",
        TeamRole.MEMBER,
        ["sales"],
        "Hoofdkantoor Amersfoort",
    ),
    (
        "Tim van der Linden",
        "Verkoopadviseur",
        "kantoor-verkoop",
        TeamRole.MEMBER,
        ["sales"],
        "Thuis",
    ),
    (
        "Marloes Schouten",
        "HR-adviseur",
        "kantoor-verkoop",
        TeamRole.MEMBER,
        ["hr"],
        "Hoofdkantoor Amersfoort",
    ),
    (
        "Wim Hoekstra",
        "Financieel administrateur",
        "kantoor-verkoop",
        TeamRole.MEMBER,
        ["finance"],
        "Thuis",
    ),
    (
        "Linda Koster",
        "Office manager",
        "kantoor-verkoop",
        TeamRole.MEMBER,
        ["planner"],
        "Hoofdkantoor Amersfoort",
    ),
    ("Sophie Prins", "Marketing & communicatie", "kantoor-verkoop", TeamRole.MEMBER, [], "Thuis"),
    ("Ahmed Bouzid", "Inkoper", "kantoor-verkoop", TeamRole.MEMBER, [], "Hoofdkantoor Amersfoort"),
]


def email_for(name: str) -> str:
    parts = name.lower().replace("ë", "e").split(" ")
    return f"{parts[0]}.{''.join(parts[1:])}@{DOMAIN}"


def demo_load(*, password: str) -> dict:
    """Create or refresh the demo organisation; every demo person gets `password`.

    People and teams are written in one transaction; the knowledge base follows outside it, because
    indexing runs the embedding model and should not hold the database's write lock meanwhile.
    """
    from wendbaar.knowledge.demo import load_demo_knowledge

    result = _organisation_load(password=password)
    result["documents"] = load_demo_knowledge(
        people=result["people"], teams=result["teams"], email_for=email_for
    )
    from wendbaar.planning.demo import load_demo_planning

    result["planning"] = load_demo_planning(
        people=result["people"], teams=result["teams"], email_for=email_for
    )
    from wendbaar.service.demo import load_demo_service

    result["service"] = load_demo_service(people=result["people"], teams=result["teams"])
    from wendbaar.quotes.demo import load_demo_quotes

    result["quotes"] = load_demo_quotes()
    return result


@transaction.atomic
def _organisation_load(*, password: str) -> dict:
    builtin_roles_ensure()
    organisation = Organisation.objects.order_by("pk").first() or Organisation()
    organisation.name = "Warmtewerk Installatietechniek B.V."
    organisation.email_domain = DOMAIN
    organisation.save()
    locations = {}
    for name, kind, address, city, desks, rooms in LOCATIONS:
        locations[name], _ = Location.objects.update_or_create(
            name=name,
            defaults={
                "kind": kind,
                "address": address,
                "city": city,
                "desks": desks,
                "meeting_rooms": rooms,
                "is_active": True,
            },
        )
    teams = {}
    for slug, name, description, email in TEAMS:
        teams[slug], _ = Team.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "email": email}
        )
    roles = {role.code: role for role in Role.objects.all()}
    hashed = make_password(password)  # hashed once: the same demo password for everyone
    people = []
    for name, title, team_slug, team_role, extra_roles, location in PEOPLE:
        person, _ = User.objects.update_or_create(
            email=email_for(name),
            defaults={
                "full_name": name,
                "job_title": title,
                "home_location": locations[location],
                "is_active": True,
                "language": "nl",
                "password": hashed,
                "is_staff": "admin" in extra_roles,
            },
        )
        person.roles.set([roles["member"], *(roles[code] for code in extra_roles)])
        Membership.objects.update_or_create(
            user=person, team=teams[team_slug], defaults={"role": team_role}
        )
        people.append(person)
    audit_log(actor=None, action="demo.loaded", target=organisation, data={"people": len(people)})
    return {
        "organisation": organisation,
        "people": people,
        "teams": list(teams.values()),
        "admin_email": ADMIN_EMAIL,
    }
