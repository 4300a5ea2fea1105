"""Reasons and broken rules as sentences a person reads, from the codes the planner gives."""

from django.utils.translation import gettext as _

from wendbaar.planning.choices import Weekday


def _day(code) -> str:
    try:
        return str(Weekday(code).label).lower()
    except ValueError:
        return str(code or "")


def _location(key) -> str:
    from wendbaar.accounts.models import Location

    if isinstance(key, str) and key.startswith("loc") and key[3:].isdigit():
        location = Location.objects.filter(pk=int(key[3:])).first()
        if location is not None:
            return location.name
    return str(key or "")


def _team(key) -> str:
    from wendbaar.accounts.models import Team

    if isinstance(key, str) and key.startswith("team") and key[4:].isdigit():
        team = Team.objects.filter(pk=int(key[4:])).first()
        if team is not None:
            return team.name
    return str(key or "")


def reason_text(reason: dict) -> str:
    """Why a person is where they are on a day."""
    code = reason.get("code")
    count = reason.get("count") or 0
    texts = {
        "fixed_day": _("a fixed office day in your work pattern"),
        "preferred_day": _("a day you prefer to be in the office"),
        "team_day": _("your team agreed to be in the office this day"),
        "team_rule": _("your team agreed to be in the office this day"),
        "home": _("working from home this day"),
        "unavailable": _("you are not in the office on this day"),
        "not_working": _("not a working day for you"),
        "swapped_by_hand": _("you swapped this day yourself"),
    }
    if code in ("colleagues", "together"):
        if reason.get("location"):
            return _("%(n)s colleague(s) you work with are at %(location)s too") % {
                "n": count,
                "location": _location(reason["location"]),
            }
        return _("%(n)s colleague(s) you work with are there too") % {"n": count}
    if code == "colleagues_in_office":
        return _(
            "%(n)s colleague(s) you work with are in the office; other days bring more of you "
            "together"
        ) % {"n": count}
    if code == "team_rule" and reason.get("need"):
        return _("your team agreed that at least %(need)s are in the office (%(n)s are)") % {
            "need": reason["need"],
            "n": count,
        }
    if code == "min_office_days":
        return _("at least %(n)s office day(s) a week") % {"n": count}
    if code == "max_office_days":
        return _("you have the most office days your pattern allows already (%(n)s)") % {"n": count}
    if code == "capacity_full":
        names = ", ".join(_location(key) for key in reason.get("locations") or [])
        return _("no desk left at %(locations)s") % {"locations": names}
    if code == "other_location_full":
        return _("%(location)s is full this day") % {"location": _location(reason.get("location"))}
    if code == "no_location":
        return _("no office location in your work pattern")
    if code in texts:
        return texts[code]
    # An unknown code: say nothing rather than show the planner's internal keys.
    return ""


def violation_text(violation: dict, *, own: bool = False) -> str:
    """A broken hard constraint as a sentence; `own` words personal rules for the person."""
    code = violation.get("code")
    day = _day(violation.get("day"))
    if code == "office_day_count":
        return (
            _("you would have %(n)s office days, which your work pattern does not allow.")
            % {"n": violation.get("count")}
            if own
            else _("A work pattern's number of office days cannot be met.")
        )
    if code == "fixed_day_home":
        return _("%(day)s is a fixed office day.") % {"day": day}
    if code == "office_on_unavailable_day":
        return _("you are not available in the office on %(day)s.") % {"day": day}
    if code == "office_on_day_off":
        return _("%(day)s is not a working day.") % {"day": day}
    if code == "location_not_allowed":
        return _("that location is not one of yours.")
    if code == "capacity":
        return _("%(location)s is full on %(day)s.") % {
            "location": _location(violation.get("location")),
            "day": day,
        }
    if code == "team_rule":
        return _(
            "%(team)s agreed that at least %(need)s of them are in the office on %(day)s "
            "(%(n)s would be)."
        ) % {
            "team": _team(violation.get("team")),
            "need": violation.get("need"),
            "day": day,
            "n": violation.get("count"),
        }
    return str(violation.get("message") or code or "")


def warning_text(warning) -> str:
    """A warning about one's own week, before it tips over."""
    figures = {"value": round(warning.value, 1), "limit": round(warning.limit, 1)}
    if warning.code == "overload":
        return _("%(value)s hours of meetings this week; your team agreed at most %(limit)s.") % (
            figures
        )
    if warning.code == "no_focus":
        return _("Only %(value)s hours free for focused work; aim for at least %(limit)s.") % (
            figures
        )
    if warning.code == "long_streak":
        return _("%(value)s meetings back to back; the norm is at most %(limit)s.") % {
            "value": int(warning.value),
            "limit": int(warning.limit),
        }
    return ""


def breach_text(breach, norms=None) -> str:
    """Which norm a meeting (or the week) breaks, from the stable breach code."""
    code = breach.code
    if code == "quiet_window":
        return _("in a time your team keeps free of meetings")
    if code == "length":
        return _("%(value)s minutes; your team's default is %(limit)s minutes") % {
            "value": int(breach.value),
            "limit": int(breach.limit),
        }
    if code == "no_agenda":
        if norms is not None:
            return _("no agenda, which your team asks from %(n)s people") % {
                "n": norms.agenda_from_attendees
            }
        return _("no agenda")
    if code == "outside_hours":
        return _("outside your working hours")
    if code == "week_hours":
        return _("%(value)s hours of meetings this week; your team agreed at most %(limit)s") % {
            "value": round(breach.value, 1),
            "limit": round(breach.limit, 1),
        }
    if code == "back_to_back":
        return _("%(value)s meetings back to back; your team agreed at most %(limit)s") % {
            "value": int(breach.value),
            "limit": int(breach.limit),
        }
    return ""


def async_text(suggestion) -> str:
    """Why a recurring meeting could become a written update."""
    if suggestion.reason == "status_title":
        return _("a status round: a written update saves %(hours)s hours for %(n)s people") % {
            "hours": round(suggestion.hours, 1),
            "n": suggestion.attendees,
        }
    if suggestion.reason == "short_large_recurring":
        return _(
            "short and recurring with %(n)s people, where most listen: a written update saves "
            "%(hours)s hours"
        ) % {"hours": round(suggestion.hours, 1), "n": suggestion.attendees}
    return ""
