"""Hybrid work at Warmtewerk: desks per day, everyone's work pattern, team agreements and rules,
a month of calendars (imported as iCalendar files, like a real upload) with a few people clearly
overloaded, and a proposed office plan for next week to review.

Idempotent: patterns, agreements and rules are matched on person and team; each calendar has a
fixed name per person, so loading again replaces its events; an approved plan is left alone.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from wendbaar.accounts.choices import LocationKind, TeamRole
from wendbaar.accounts.models import Location, Membership
from wendbaar.planning import services
from wendbaar.planning.choices import WORKWEEK, Channel, PlanStatus, RuleKind
from wendbaar.planning.models import (
    AvailabilityAgreement,
    LocationCapacity,
    OfficePlan,
    PlanningRule,
    TeamNorms,
    WorkPattern,
)

CALENDAR_NAME = "Outlook-agenda (demo).ics"

# desks per weekday (mon..fri); Friday is quieter and has fewer desks set up.
CAPACITY = {
    "Hoofdkantoor Amersfoort": [18, 18, 18, 16, 10],
    "Hub Zwolle": [6, 6, 6, 6, 4],
}

# Special patterns: (contract days, min, max, fixed, preferred, unavailable, travel note)
PATTERNS = {
    "Sanne de Vries": (WORKWEEK, 2, 4, ["tue"], ["thu"], [], ""),
    "Mark Jansen": (WORKWEEK, 2, 4, ["tue"], ["mon"], [], ""),
    "Joost Bakker": (
        ["mon", "tue", "thu", "fri"],
        1,
        2,
        [],
        ["tue"],
        ["fri"],
        "Woont in Zwolle; liever niet in de spits naar Amersfoort.",
    ),
    "Priya Ramdin": (["mon", "tue", "wed"], 1, 2, [], ["tue"], [], ""),
    "Erik van Dijk": (WORKWEEK, 2, 4, ["thu"], ["tue"], [], ""),
    "Jeroen Dekker": (WORKWEEK, 1, 2, [], ["thu"], ["mon"], "Reist met het OV (1,5 uur)."),
    "Ilse de Wit": (["mon", "tue", "wed", "thu"], 1, 2, [], ["thu"], [], ""),
    "Tim van der Linden": (WORKWEEK, 1, 3, [], ["wed"], [], ""),
    "Wim Hoekstra": (["mon", "tue", "wed"], 1, 2, ["mon"], [], [], ""),
    "Sophie Prins": (["tue", "wed", "thu", "fri"], 1, 2, [], ["wed"], [], ""),
}
FIELD_TITLES = ("Servicemonteur", "Installatiemonteur", "Elektromonteur", "Leerling-monteur")
OVERLOADED = ("Mark Jansen", "Anouk Bos", "Eva Willems")

AGREEMENTS = {
    "service-onderhoud": [
        (Channel.PHONE, 15, time(8), time(17), "Storingslijn: binnen een kwartier terugbellen."),
        (Channel.CHAT, 30, time(8), time(17), ""),
        (Channel.EMAIL, 240, None, None, "Klantmails dezelfde werkdag."),
    ],
    "projecten": [
        (Channel.CHAT, 60, time(7, 30), time(16, 30), ""),
        (Channel.EMAIL, 480, None, None, ""),
    ],
    "kantoor-verkoop": [
        (Channel.EMAIL, 240, time(8, 30), time(17), ""),
        (Channel.PHONE, 60, time(9), time(17), ""),
    ],
}
# (team slug, kind, day, share, minimum office days)
RULES = [
    ("service-onderhoud", RuleKind.TEAM_DAY, "tue", "0.60", None),
    ("projecten", RuleKind.TEAM_DAY, "thu", "0.50", None),
    ("kantoor-verkoop", RuleKind.MIN_OFFICE_DAYS, "", None, 2),
]

# What each team agreed about meetings (TeamNorms fields); teams not named keep the defaults.
NORMS = {
    "service-onderhoud": {
        "quiet_windows": [{"day": "wed", "start": "08:00", "end": "12:00"}],
        "max_meeting_hours_week": Decimal("20"),
        "agenda_from_attendees": 3,
        "max_back_to_back": 3,
    },
    "projecten": {
        "quiet_windows": [
            {"day": "mon", "start": "08:00", "end": "10:00"},
            {"day": "fri", "start": "13:00", "end": "17:00"},
        ],
        "max_meeting_hours_week": Decimal("15"),
        "max_back_to_back": 2,
    },
    "kantoor-verkoop": {
        "quiet_windows": [{"day": "wed", "start": "08:00", "end": "12:00"}],
        "max_meeting_hours_week": Decimal("25"),
        "agenda_from_attendees": 4,
    },
}


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@transaction.atomic
def _setup(people, teams) -> None:
    locations = {loc.name: loc for loc in Location.objects.filter(name__in=CAPACITY)}
    for name, desks in CAPACITY.items():
        if name not in locations:
            continue
        for day, count in zip(WORKWEEK, desks, strict=True):
            LocationCapacity.objects.update_or_create(
                location=locations[name], weekday=day, defaults={"desks": count, "rooms": 1}
            )
    office = locations.get("Hoofdkantoor Amersfoort")
    for person in people:
        spec = PATTERNS.get(person.full_name)
        if spec is None:
            field_worker = person.job_title in FIELD_TITLES
            spec = (WORKWEEK, 1, 2 if field_worker else 3, [], [], [], "")
        contract, low, high, fixed, preferred, unavailable, travel = spec
        pattern, _ = WorkPattern.objects.update_or_create(
            person=person,
            defaults={
                "contract_days": list(contract),
                "min_office_days": low,
                "max_office_days": high,
                "fixed_office_days": fixed,
                "preferred_office_days": preferred,
                "unavailable_office_days": unavailable,
                "travel_note": travel,
                "core_start": time(10),
                "core_end": time(15),
                "reachable_hours": {"chat": ["08:30", "17:00"], "phone": ["09:00", "16:30"]},
            },
        )
        home = person.home_location
        allowed = [loc for loc in (home, office) if loc and loc.kind != LocationKind.HOME]
        pattern.locations.set(set(allowed) or ([office] if office else []))
    by_slug = {team.slug: team for team in teams}
    for slug, rows in AGREEMENTS.items():
        for channel, minutes, start, end, note in rows:
            AvailabilityAgreement.objects.update_or_create(
                team=by_slug[slug],
                channel=channel,
                defaults={
                    "response_minutes": minutes,
                    "hours_start": start,
                    "hours_end": end,
                    "note": note,
                },
            )
    lead = Membership.objects.filter(role=TeamRole.LEAD).select_related("user").first()
    for slug, values in NORMS.items():
        if slug in by_slug:
            norms = TeamNorms(team=by_slug[slug], **values)
            norms.full_clean(exclude=["team", "updated_by"])
            TeamNorms.objects.update_or_create(
                team=by_slug[slug],
                defaults={name: getattr(norms, name) for name in services.NORM_FIELDS},
            )
    for slug, kind, day, share, minimum in RULES:
        PlanningRule.objects.update_or_create(
            team=by_slug[slug],
            kind=kind,
            weekday=day,
            defaults={
                "min_fraction": share,
                "min_office_days": minimum,
                "is_active": True,
                "created_by": lead.user if lead else None,
            },
        )


# -- calendars ----------------------------------------------------------------------------------


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _event(uid, summary, start: datetime, minutes: int, *, rrule="", location="", extra="") -> str:
    end = start + timedelta(minutes=minutes)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261101T080000Z",
        f"SUMMARY:{summary}",
        f"DTSTART;TZID=Europe/Amsterdam:{_stamp(start)}",
        f"DTEND;TZID=Europe/Amsterdam:{_stamp(end)}",
    ]
    if rrule:
        lines.append(f"RRULE:{rrule}")
    if location:
        lines.append(f"LOCATION:{location}")
    if extra:
        lines.append(extra)
    lines.append("END:VEVENT")
    return "\r\n".join(lines)


def _calendar(events: list[str]) -> bytes:
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Warmtewerk//Outlook export demo//NL\r\n"
    return (head + "\r\n".join(events) + "\r\nEND:VCALENDAR\r\n").encode()


def _calendars(people, teams, start: date) -> dict[int, list[str]]:
    """A month of events per person from `start` (a Monday): shared series, customer
    appointments, and far too many meetings for the overloaded few."""
    events: dict[int, list[str]] = {p.pk: [] for p in people}
    by_name = {p.full_name: p for p in people}
    team_members: dict[str, list] = {t.slug: [] for t in teams}
    for m in Membership.objects.filter(user__in=people).select_related("team"):
        team_members[m.team.slug].append(m.user_id)

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute))

    until = f"UNTIL={_stamp(at(start + timedelta(days=34), 23))}Z"
    shared = [
        # (uid, summary, team or names, weekday offset, hour, minutes, rrule)
        (
            "service-standup",
            "Dagstart Service",
            "service-onderhoud",
            0,
            8,
            15,
            "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
        ),
        (
            "service-weekoverleg",
            "Weekoverleg Service & Onderhoud",
            "service-onderhoud",
            1,
            9,
            60,
            "FREQ=WEEKLY",
        ),
        ("projecten-voortgang", "Voortgang projecten", "projecten", 3, 9, 90, "FREQ=WEEKLY"),
        ("kantoor-overleg", "Kantooroverleg", "kantoor-verkoop", 1, 13, 45, "FREQ=WEEKLY"),
        (
            "mt-overleg",
            "MT-overleg",
            ["Sanne de Vries", "Mark Jansen", "Erik van Dijk"],
            0,
            13,
            90,
            "FREQ=WEEKLY",
        ),
        (
            "offerte-afstemming",
            "Afstemming offertes warmtepompen",
            ["Erik van Dijk", "Koen Brouwer", "Eva Willems", "Anouk Bos"],
            2,
            10,
            60,
            "FREQ=WEEKLY",
        ),
        (
            "planning-monteurs",
            "Planning monteurs",
            ["Lotte Visser", "Mark Jansen", "Anouk Bos", "Jeroen Dekker"],
            4,
            8,
            45,
            "FREQ=WEEKLY",
        ),
    ]
    for uid, summary, who, offset, hour, minutes, rule in shared:
        attendees = (
            team_members.get(who, [])
            if isinstance(who, str)
            else [by_name[n].pk for n in who if n in by_name]
        )
        text = _event(
            f"{uid}@warmtewerk.example",
            summary,
            at(start + timedelta(days=offset), hour),
            minutes,
            rrule=f"{rule};{until}",
        )
        for pk in attendees:
            events[pk].append(text)
    rng = random.Random(2026)  # noqa: S311 - demo data, the same every load
    customers = [
        "fam. De Jong",
        "VvE Parkzicht",
        "Bakkerij Meijer",
        "fam. Yildiz",
        "Sportschool Fit",
        "fam. Van Rijn",
    ]
    for person in people:
        for n in range(20):
            day = start + timedelta(days=(n // 5) * 7 + n % 5)
            if rng.random() < 0.35:
                hour = rng.choice([10, 11, 14, 15])
                events[person.pk].append(
                    _event(
                        f"klant-{person.pk}-{n}@warmtewerk.example",
                        f"Afspraak {rng.choice(customers)}",
                        at(day, hour),
                        rng.choice([30, 60]),
                    )
                )
    for name in OVERLOADED:
        person = by_name.get(name)
        if person is None:
            continue
        for n in range(20):
            day = start + timedelta(days=(n // 5) * 7 + n % 5)
            slot = at(day, 9, 30)
            # Back to back from 09:30 to 17:00, one at 07:30 and one in the evening now and then.
            while slot.hour < 17:
                length = rng.choice([30, 45, 60])
                events[person.pk].append(
                    _event(
                        f"vol-{person.pk}-{_stamp(slot)}@warmtewerk.example",
                        rng.choice(
                            [
                                "Afstemming",
                                "Klantcall",
                                "Review offerte",
                                "1-op-1",
                                "Escalatie storing",
                            ]
                        ),
                        slot,
                        length,
                    )
                )
                slot += timedelta(minutes=length)
            if n % 3 == 0:
                events[person.pk].append(
                    _event(
                        f"vroeg-{person.pk}-{n}@warmtewerk.example",
                        "Call leverancier (vroeg)",
                        at(day, 7, 30),
                        30,
                    )
                )
            if n % 4 == 1:
                events[person.pk].append(
                    _event(
                        f"laat-{person.pk}-{n}@warmtewerk.example",
                        "Offerte afmaken",
                        at(day, 19, 30),
                        90,
                    )
                )
    sophie = by_name.get("Sophie Prins")
    if sophie is not None:
        leave = start + timedelta(days=23)  # Wednesday and Thursday of the week to plan
        events[sophie.pk].append(
            "\r\n".join(
                [
                    "BEGIN:VEVENT",
                    "UID:verlof-sophie@warmtewerk.example",
                    "DTSTAMP:20261101T080000Z",
                    "SUMMARY:Verlof",
                    f"DTSTART;VALUE=DATE:{leave:%Y%m%d}",
                    f"DTEND;VALUE=DATE:{leave + timedelta(days=2):%Y%m%d}",
                    "END:VEVENT",
                ]
            )
        )
    return events


def load_demo_planning(*, people, teams, email_for=None, time_limit: float = 10) -> dict:
    """Set up planning for the demo organisation and propose next week's office plan."""
    _setup(people, teams)
    today = timezone.localdate()
    this_monday = _monday(today)
    start = this_monday - timedelta(weeks=2)
    imported = 0
    by_pk = {person.pk: person for person in people}
    for pk, texts in _calendars(people, teams, start).items():
        person = by_pk[pk]
        if not texts:
            continue
        result = services.calendar_import_file(
            actor=person, person=person, name=CALENDAR_NAME, data=_calendar(texts)
        )
        imported += result.events
    next_monday = this_monday + timedelta(days=7)
    plan, _created = OfficePlan.objects.get_or_create(week_start=next_monday)
    if plan.status != PlanStatus.APPROVED:
        OfficePlan.objects.filter(pk=plan.pk).update(status=PlanStatus.SOLVING)
        services.plan_solve(plan_id=plan.pk, time_limit=time_limit)
    plan.refresh_from_db()
    return {"events": imported, "plan": plan}
