"""The solver's input for one week, built from the database in the ORG.json format.

People are `p<id>`, locations `loc<id>`, teams `team<id>`: the solver never sees a name. Who
collaborates with whom is weighed from three signals: a shared team, calendar events with the
same UID in both people's calendars (the same invitation), and meetings both took part in.
"""

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

from django.db.models import Min

from wendbaar.accounts.models import Membership, User
from wendbaar.accounts.selectors import organisation_get
from wendbaar.planning.choices import WORKWEEK, RuleKind
from wendbaar.planning.models import CalendarEvent, PlanningRule, WorkPattern
from wendbaar.planning.selectors import capacity_map, office_locations

# How far back shared meetings count, and the most a single signal adds to a pair's weight.
LOOKBACK = timedelta(weeks=8)
SIGNAL_CAP = 3


def person_key(pk: int) -> str:
    return f"p{pk}"


def location_key(pk: int) -> str:
    return f"loc{pk}"


def team_key(pk: int) -> str:
    return f"team{pk}"


def key_pk(key: str) -> int:
    return int(key.lstrip("ptealoc"))


def week_dates(week_start: date) -> dict[str, date]:
    return {day: week_start + timedelta(days=n) for n, day in enumerate(WORKWEEK)}


def _days_away(people: list[int], week_start: date, zone: ZoneInfo) -> dict[int, set[str]]:
    """Working days a person is away all day (leave, a course): busy all-day events."""
    dates = week_dates(week_start)
    start = datetime.combine(week_start, time(), tzinfo=zone)
    end = start + timedelta(days=7)
    away: dict[int, set[str]] = defaultdict(set)
    events = CalendarEvent.objects.filter(person_id__in=people, all_day=True, busy=True).between(
        start, end
    )
    for event in events.only("person_id", "start", "end"):
        for day, when in dates.items():
            moment = datetime.combine(when, time(12), tzinfo=zone)
            if event.start <= moment < event.end:
                away[event.person_id].add(day)
    return away


def collaboration(people: list[int], *, today: date, zone: ZoneInfo) -> dict[tuple[int, int], int]:
    """Pair weights: 1 per shared team, plus up to 3 for shared invitations and up to 3 for
    meetings attended together in the last eight weeks."""
    wanted = set(people)
    weights: Counter = Counter()
    teams: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in Membership.objects.filter(user_id__in=wanted).values_list(
        "team_id", "user_id"
    ):
        teams[team_id].append(user_id)
    for members in teams.values():
        for a, b in combinations(sorted(set(members)), 2):
            weights[a, b] += 1
    since = datetime.combine(today - LOOKBACK, time(), tzinfo=zone)
    until = datetime.combine(today + timedelta(weeks=4), time(), tzinfo=zone)
    shared: Counter = Counter()
    by_uid: dict[str, set[int]] = defaultdict(set)
    invitations = (
        CalendarEvent.objects.filter(person_id__in=wanted, all_day=False, busy=True)
        .between(since, until)
        .values_list("uid", "person_id")
        .distinct()
    )
    for uid, person_id in invitations:
        by_uid[uid].add(person_id)
    for attendees in by_uid.values():
        if 1 < len(attendees) <= 30:  # an all-hands says little about who works together
            for pair in combinations(sorted(attendees), 2):
                shared[pair] += 1
    for pair, count in _meeting_pairs(wanted, since.date()).items():
        weights[pair] += min(SIGNAL_CAP, count)
    for pair, count in shared.items():
        weights[pair] += min(SIGNAL_CAP, count)
    return dict(weights)


def _meeting_pairs(people: set[int], since: date) -> Counter:
    """Meetings (from the meetings app) two people both took part in since `since`."""
    # TODO(issue 7): move to a meetings selector (co-attendance counts) once that app offers one.
    from wendbaar.meetings.models import Participant

    rows = Participant.objects.filter(person_id__in=people, meeting__date__gte=since).values_list(
        "meeting_id", "person_id"
    )
    by_meeting: dict[int, set[int]] = defaultdict(set)
    for meeting_id, person_id in rows:
        by_meeting[meeting_id].add(person_id)
    pairs: Counter = Counter()
    for attendees in by_meeting.values():
        if 1 < len(attendees) <= 30:
            for pair in combinations(sorted(attendees), 2):
                pairs[pair] += 1
    return pairs


def build_instance(*, week_start: date, today: date | None = None) -> tuple[dict, list[str]]:
    """The ORG.json instance for the week starting `week_start` (a Monday), and notes on what
    was adjusted (a rule minimum a person cannot meet, say). Only active people with a work
    pattern take part."""
    zone = ZoneInfo(organisation_get().time_zone)
    today = today or week_start
    notes: list[str] = []
    locations = list(office_locations())
    location_ids = {loc.pk for loc in locations}
    capacity = capacity_map(locations)
    patterns = list(
        WorkPattern.objects.filter(person__is_active=True)
        .select_related("person__home_location")
        .prefetch_related("locations")
        .order_by("person_id")
    )
    people_ids = [p.person_id for p in patterns]
    first_team = dict(
        Membership.objects.filter(user_id__in=people_ids)
        .values("user_id")
        .annotate(first=Min("team_id"))
        .values_list("user_id", "first")
    )
    rules = PlanningRule.objects.filter(is_active=True).order_by("pk")
    min_days_by_team: dict[int, int] = {}
    team_rules = []
    for rule in rules:
        if rule.kind == RuleKind.MIN_OFFICE_DAYS and rule.min_office_days:
            min_days_by_team[rule.team_id] = max(
                rule.min_office_days, min_days_by_team.get(rule.team_id, 0)
            )
        elif rule.kind == RuleKind.TEAM_DAY and rule.weekday in WORKWEEK:
            team_rules.append(
                {
                    "team": team_key(rule.team_id),
                    "day": rule.weekday,
                    "min_fraction": float(rule.min_fraction),
                }
            )
    member_teams: dict[int, set[int]] = defaultdict(set)
    for user_id, team_id in Membership.objects.filter(user_id__in=people_ids).values_list(
        "user_id", "team_id"
    ):
        member_teams[user_id].add(team_id)
    away = _days_away(people_ids, week_start, zone)
    people = []
    for pattern in patterns:
        pk = pattern.person_id
        work_days = [d for d in pattern.work_days if d in WORKWEEK and d not in away.get(pk, ())]
        allowed = [loc.pk for loc in pattern.locations.all() if loc.pk in location_ids]
        if not allowed:
            home = pattern.person.home_location_id
            allowed = [home] if home in location_ids else sorted(location_ids)
        unavailable = [d for d in pattern.unavailable_office_days if d in work_days]
        fixed = [d for d in pattern.fixed_office_days if d in work_days and d not in unavailable]
        possible = len([d for d in work_days if d not in unavailable]) if allowed else 0
        maximum = min(pattern.max_office_days, possible)
        wanted = max(
            [pattern.min_office_days]
            + [min_days_by_team.get(t, 0) for t in member_teams.get(pk, ())]
        )
        minimum = min(wanted, maximum)
        if minimum < wanted:
            notes.append("min_office_days_lowered")
        people.append(
            {
                "id": person_key(pk),
                "team": team_key(first_team[pk]) if pk in first_team else "none",
                "work_days": work_days,
                "min_office_days": minimum,
                "max_office_days": max(maximum, len(fixed)),
                "fixed_office_days": fixed,
                "unavailable_office_days": unavailable,
                "preferred_office_days": [
                    d for d in pattern.preferred_office_days if d in work_days
                ],
                "locations": [location_key(pk) for pk in allowed],
            }
        )
    weights = collaboration(people_ids, today=today, zone=zone)
    return (
        {
            "days": list(WORKWEEK),
            "locations": [
                {
                    "id": location_key(loc.pk),
                    "capacity": {day: capacity[loc.pk][day] for day in WORKWEEK},
                }
                for loc in locations
            ],
            "people": people,
            "collaboration": [
                {"a": person_key(a), "b": person_key(b), "weight": w}
                for (a, b), w in sorted(weights.items())
                if w > 0
            ],
            "rules": team_rules,
        },
        notes,
    )


def people_of(instance: dict) -> dict[str, User]:
    ids = [key_pk(p["id"]) for p in instance.get("people", [])]
    return {person_key(u.pk): u for u in User.objects.filter(pk__in=ids)}
