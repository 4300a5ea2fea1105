"""The office-day planner: who is at which office on which day of one week.

Pure Python (no Django) so that the app's planning service, the `plan-office` command, the
benchmark and the tests all call the same engine. The input is the ORG.json structure of
`../shared/eval/README.md` ("Office-day planning"); the output is its PLAN.json structure plus the
solver's status and the time it took.

Why this is more than "one CP-SAT model with a product per pair": the plain model (a boolean per
pair, day and location, linked to both people's location booleans) has a weak LP relaxation, so a
single long run on a few hundred people stalls far from the optimum. The engine here therefore

1. builds a good first plan quickly: fixed days and team rules first, then each person picks the
   days and location where the collaborators already placed are (moving someone to another day
   when a desk is needed), and a local search polishes it. When the main office is full every
   day, single-person moves are stuck, so the search also makes desk-neutral moves: one person
   gives a desk to another, two people trade days, or someone moves to their other office;
2. runs the full CP-SAT model briefly with that plan as a hint, with symmetry breaking for
   interchangeable people (same attributes and same collaborators) — on small organisations this
   proves the optimum outright and it always yields the upper bound we report;
3. improves the plan by large-neighbourhood search: it frees a cluster of collaborating teams, or
   every person of a few teams on two days, fixes everyone else, and lets CP-SAT solve that
   sub-problem for a fraction of a second (to optimality when it can; never accepting worse).
   Pair terms with a fixed colleague become plain linear terms, so the sub-models are small and
   tight, and a day-swap of a whole team (which the local search cannot find) is one step.
   Neighbourhoods alternate between collaborating teams and unrelated teams that compete for the
   same full office ("trade"), and a person's cut limits how many others they can meet where
   little room is left.

The objective is integer inside CP-SAT: every weight and the 0.5 per preferred day are multiplied
by a common scale (2 for integer weights). The reported bound is the smaller of CP-SAT's bound for
the full model and a combinatorial one (each pair together at most on the days both can share).
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

HOME = "home"
OFF = "off"

log = logging.getLogger(__name__)

# Search settings, tuned on the eval instances with 2 workers: small sub-problems solved briefly
# beat big ones solved long; "trade" (unrelated teams that share a full office), "teams"
# (collaborating teams), "days" (a few teams on two days) and "random" people alternate; the full
# model gets 30 % of the time after the first plan.
LNS_START_SIZE = 20
LNS_STEP_SECONDS = 0.4
LNS_KINDS = ("trade", "teams", "days", "trade", "random")
FULL_MODEL_SHARE = 0.3


class PlanningInputError(ValueError):
    """The instance is malformed: a missing field, an unknown day, person, team or location."""


# -- the instance -----------------------------------------------------------------------------


@dataclass
class _Person:
    id: str
    team: str
    work_days: set[int]
    min_days: int
    max_days: int
    fixed: set[int]
    unavailable: set[int]
    preferred: set[int]
    locations: list[int]  # indices into _Instance.locations, in the person's order

    @property
    def eligible(self) -> list[int]:
        """Days on which this person may be in an office at all."""
        if not self.locations:
            return []
        return sorted(self.work_days - self.unavailable)


@dataclass
class _Instance:
    days: list[str]
    locations: list[str]
    capacity: list[list[int]]  # [location][day]
    people: list[_Person]
    neighbours: list[dict[int, float]]  # person -> {person: summed weight}
    pairs: list[tuple[int, int, float]]  # a < b, summed weight > 0
    rules: list[tuple[str, int, int, list[int]]]  # team, day, need, members working that day
    team_members: dict[str, list[int]]
    scale: int = 2
    index: dict[str, int] = field(default_factory=dict)

    def weight_int(self, w: float) -> int:
        return round(w * self.scale)


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise PlanningInputError(message)


def _str_list(value: Any, what: str) -> list[str]:
    _require(
        isinstance(value, list) and all(isinstance(v, str) for v in value),
        f"{what} must be a list of strings.",
    )
    return value


def _int(value: Any, what: str) -> int:
    _require(
        isinstance(value, int) and not isinstance(value, bool) and value >= 0,
        f"{what} must be a whole number ≥ 0.",
    )
    return value


def parse_instance(instance: dict) -> _Instance:
    """Validate the ORG.json structure and index it; raise PlanningInputError naming the culprit."""
    _require(isinstance(instance, dict), "The instance must be a JSON object.")
    for key in ("days", "locations", "people"):
        _require(key in instance, f"The instance has no '{key}'.")
    days = _str_list(instance["days"], "'days'")
    _require(bool(days), "'days' is empty.")
    _require(len(set(days)) == len(days), "'days' lists a day twice.")
    day_index = {d: i for i, d in enumerate(days)}

    def day_set(values: Any, what: str) -> set[int]:
        for d in _str_list(values, what):
            _require(d in day_index, f"{what} names unknown day {d!r} (days are {days}).")
        return {day_index[d] for d in values}

    _require(isinstance(instance["locations"], list), "'locations' must be a list.")
    locations: list[str] = []
    capacity: list[list[int]] = []
    for n, loc in enumerate(instance["locations"]):
        _require(
            isinstance(loc, dict) and isinstance(loc.get("id"), str),
            f"Location #{n + 1} has no id.",
        )
        lid = loc["id"]
        _require(lid not in (HOME, OFF), f"A location may not be called {lid!r}.")
        _require(lid not in locations, f"Location {lid!r} is listed twice.")
        cap = loc.get("capacity")
        _require(isinstance(cap, dict), f"Location {lid!r} has no capacity per day.")
        for d in cap:
            _require(d in day_index, f"Location {lid!r}: capacity for unknown day {d!r}.")
        row = []
        for d in days:
            _require(d in cap, f"Location {lid!r} has no capacity for {d!r}.")
            row.append(_int(cap[d], f"Location {lid!r} capacity on {d!r}"))
        locations.append(lid)
        capacity.append(row)
    loc_index = {loc: i for i, loc in enumerate(locations)}

    _require(isinstance(instance["people"], list), "'people' must be a list.")
    people: list[_Person] = []
    index: dict[str, int] = {}
    for n, p in enumerate(instance["people"]):
        _require(
            isinstance(p, dict) and isinstance(p.get("id"), str), f"Person #{n + 1} has no id."
        )
        pid = p["id"]
        _require(pid not in index, f"Person {pid!r} is listed twice.")
        for key in ("team", "work_days", "min_office_days", "max_office_days", "locations"):
            _require(key in p, f"Person {pid!r} has no '{key}'.")
        _require(isinstance(p["team"], str), f"Person {pid!r}: 'team' must be a string.")
        min_days = _int(p["min_office_days"], f"Person {pid!r}: min_office_days")
        max_days = _int(p["max_office_days"], f"Person {pid!r}: max_office_days")
        _require(
            min_days <= max_days,
            f"Person {pid!r}: min_office_days {min_days} is more than max_office_days {max_days}.",
        )
        locs = _str_list(p["locations"], f"Person {pid!r}: locations")
        for loc in locs:
            _require(loc in loc_index, f"Person {pid!r}: unknown location {loc!r}.")
        index[pid] = len(people)
        people.append(
            _Person(
                id=pid,
                team=p["team"],
                work_days=day_set(p["work_days"], f"Person {pid!r}: work_days"),
                min_days=min_days,
                max_days=max_days,
                fixed=day_set(p.get("fixed_office_days", []), f"Person {pid!r}: fixed_office_days"),
                unavailable=day_set(
                    p.get("unavailable_office_days", []), f"Person {pid!r}: unavailable_office_days"
                ),
                preferred=day_set(
                    p.get("preferred_office_days", []), f"Person {pid!r}: preferred_office_days"
                ),
                locations=list(dict.fromkeys(loc_index[loc] for loc in locs)),
            )
        )

    team_members: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(people):
        team_members[p.team].append(i)

    neighbours: list[dict[int, float]] = [defaultdict(float) for _ in people]
    collab = instance.get("collaboration", [])
    _require(isinstance(collab, list), "'collaboration' must be a list.")
    for n, c in enumerate(collab):
        _require(isinstance(c, dict), f"Collaboration #{n + 1} must be an object.")
        a, b, w = c.get("a"), c.get("b"), c.get("weight")
        _require(a in index, f"Collaboration #{n + 1}: unknown person {a!r}.")
        _require(b in index, f"Collaboration #{n + 1}: unknown person {b!r}.")
        _require(a != b, f"Collaboration #{n + 1}: {a!r} collaborates with themself.")
        _require(
            isinstance(w, int | float) and not isinstance(w, bool) and math.isfinite(w) and w >= 0,
            f"Collaboration #{n + 1} ({a}-{b}): weight must be a number ≥ 0.",
        )
        neighbours[index[a]][index[b]] += w
        neighbours[index[b]][index[a]] += w
    neighbours = [dict(nb) for nb in neighbours]
    pairs = [(a, b, w) for a, nb in enumerate(neighbours) for b, w in nb.items() if a < b and w > 0]

    rules: list[tuple[str, int, int, list[int]]] = []
    raw_rules = instance.get("rules", [])
    _require(isinstance(raw_rules, list), "'rules' must be a list.")
    for n, r in enumerate(raw_rules):
        _require(isinstance(r, dict), f"Rule #{n + 1} must be an object.")
        team, day, frac = r.get("team"), r.get("day"), r.get("min_fraction")
        _require(team in team_members, f"Rule #{n + 1}: unknown team {team!r}.")
        _require(day in day_index, f"Rule #{n + 1} ({team}): unknown day {day!r}.")
        _require(
            isinstance(frac, int | float) and not isinstance(frac, bool) and 0 <= frac <= 1,
            f"Rule #{n + 1} ({team} {day}): min_fraction must be between 0 and 1.",
        )
        d = day_index[day]
        working = [i for i in team_members[team] if d in people[i].work_days]
        # The same rounding as the scorer: ceil on thousandths, so 0.6 * 5 is 3, not 4.
        need = -(-int(frac * 1000) * len(working) // 1000)
        rules.append((team, d, need, working))

    # The smallest scale that makes every weight and the preferred-day bonus integer.
    weights = [w for _, _, w in pairs]
    scale = 2
    for candidate in (2, 20, 200, 2000):
        scale = candidate
        if all(abs(w * candidate - round(w * candidate)) < 1e-9 for w in weights):
            break
    return _Instance(
        days=days,
        locations=locations,
        capacity=capacity,
        people=people,
        neighbours=neighbours,
        pairs=pairs,
        rules=rules,
        team_members=dict(team_members),
        scale=scale,
        index=index,
    )


# -- infeasibility that can be named before solving ------------------------------------------


def _reason(code: str, message: str, **extra: Any) -> dict:
    return {"code": code, "message": message, **extra}


def find_conflicts(inst: _Instance) -> list[dict]:
    """Contradictions that make any plan impossible, each naming the person, day or rule.

    These are the common causes (a fixed day that is also unavailable, more fixed-day demand than
    desks, a team rule that more people would have to meet than can come in); what the solver
    proves infeasible beyond these is narrowed down by `_diagnose`.
    """
    out: list[dict] = []
    days = inst.days
    for p in inst.people:
        for d in sorted(p.fixed - p.work_days):
            out.append(
                _reason(
                    "fixed_not_work_day",
                    f"{p.id}: fixed office day {days[d]} is not a work day.",
                    person=p.id,
                    day=days[d],
                )
            )
        for d in sorted(p.fixed & p.unavailable):
            out.append(
                _reason(
                    "fixed_unavailable",
                    f"{p.id}: {days[d]} is both a fixed and an unavailable office day.",
                    person=p.id,
                    day=days[d],
                )
            )
        if p.fixed and not p.locations:
            out.append(
                _reason(
                    "no_location",
                    f"{p.id}: has fixed office days but no allowed location.",
                    person=p.id,
                )
            )
        if len(p.fixed) > p.max_days:
            out.append(
                _reason(
                    "fixed_over_max",
                    f"{p.id}: {len(p.fixed)} fixed office days but at most {p.max_days} office days.",
                    person=p.id,
                )
            )
        if p.min_days > len(p.eligible):
            out.append(
                _reason(
                    "min_over_available",
                    f"{p.id}: needs {p.min_days} office days but can come in on only {len(p.eligible)}.",
                    person=p.id,
                )
            )
    # Fixed-day demand against capacity, per day (Hall's condition over sets of locations).
    n_loc = len(inst.locations)
    subsets = range(1, 2**n_loc) if n_loc <= 10 else [2**n_loc - 1, *(1 << i for i in range(n_loc))]
    for d, day in enumerate(days):
        demand = [
            sum(1 << loc for loc in p.locations)
            for p in inst.people
            if d in p.fixed and p.locations
        ]
        if not demand:
            continue
        for mask in subsets:
            need = sum(1 for m in demand if m & ~mask == 0)
            cap = sum(inst.capacity[loc][d] for loc in range(n_loc) if mask >> loc & 1)
            if need > cap:
                names = [inst.locations[loc] for loc in range(n_loc) if mask >> loc & 1]
                out.append(
                    _reason(
                        "capacity_fixed_days",
                        f"{day}: {need} people have a fixed office day at {', '.join(names)} but there are only {cap} places.",
                        day=day,
                        locations=names,
                        need=need,
                        capacity=cap,
                    )
                )
                break
    for team, d, need, working in inst.rules:
        can = sum(
            1 for i in working if d in inst.people[i].eligible and inst.people[i].max_days > 0
        )
        if need > can:
            out.append(
                _reason(
                    "rule_unreachable",
                    f"Rule {team} on {days[d]}: needs {need} in the office but only {can} can come in.",
                    team=team,
                    day=days[d],
                    need=need,
                    available=can,
                )
            )
    total_min = sum(p.min_days for p in inst.people)
    total_cap = sum(sum(row) for row in inst.capacity)
    if total_min > total_cap:
        out.append(
            _reason(
                "capacity_min_days",
                f"The minimum office days add up to {total_min} but the offices have {total_cap} places in the week.",
                need=total_min,
                capacity=total_cap,
            )
        )
    return out


# -- plans as index arrays --------------------------------------------------------------------

Plan = list[list[int]]  # plan[person][day] = location index, or -1 for home / off


def _to_assignments(inst: _Instance, plan: Plan) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for i, p in enumerate(inst.people):
        row = {}
        for d, day in enumerate(inst.days):
            if d not in p.work_days:
                row[day] = OFF
            elif plan[i][d] >= 0:
                row[day] = inst.locations[plan[i][d]]
            else:
                row[day] = HOME
        out[p.id] = row
    return out


def _from_assignments(inst: _Instance, assignments: dict) -> Plan | None:
    """The index form of a PLAN.json 'assignments' object; None if it names unknown places."""
    loc_index = {loc: i for i, loc in enumerate(inst.locations)}
    plan: Plan = []
    for p in inst.people:
        row = assignments.get(p.id) if isinstance(assignments, dict) else None
        if not isinstance(row, dict):
            return None
        cells = []
        for day in inst.days:
            value = row.get(day, OFF)
            if value in (HOME, OFF):
                cells.append(-1)
            elif value in loc_index:
                cells.append(loc_index[value])
            else:
                return None
        plan.append(cells)
    return plan


def _violations(inst: _Instance, plan: Plan) -> list[dict]:
    """Every broken hard constraint of a plan, as structured reasons (code, message, details)."""
    out: list[dict] = []
    days = inst.days
    used = [[0] * len(days) for _ in inst.locations]
    for i, p in enumerate(inst.people):
        office = 0
        for d, day in enumerate(days):
            loc = plan[i][d]
            if loc < 0:
                if d in p.fixed:
                    out.append(
                        _reason(
                            "fixed_day_home",
                            f"{p.id} {day}: fixed office day at home.",
                            person=p.id,
                            day=day,
                        )
                    )
                continue
            if d not in p.work_days:
                out.append(
                    _reason(
                        "office_on_day_off",
                        f"{p.id} {day}: in the office on a day off.",
                        person=p.id,
                        day=day,
                    )
                )
                continue
            if loc not in p.locations:
                out.append(
                    _reason(
                        "location_not_allowed",
                        f"{p.id} {day}: location {inst.locations[loc]} is not allowed.",
                        person=p.id,
                        day=day,
                    )
                )
            if d in p.unavailable:
                out.append(
                    _reason(
                        "office_on_unavailable_day",
                        f"{p.id} {day}: in the office on an unavailable day.",
                        person=p.id,
                        day=day,
                    )
                )
            used[loc][d] += 1
            office += 1
        if not p.min_days <= office <= p.max_days:
            out.append(
                _reason(
                    "office_day_count",
                    f"{p.id}: {office} office days, allowed {p.min_days}-{p.max_days}.",
                    person=p.id,
                    count=office,
                )
            )
    for loc, name in enumerate(inst.locations):
        for d, day in enumerate(days):
            if used[loc][d] > inst.capacity[loc][d]:
                out.append(
                    _reason(
                        "capacity",
                        f"{name} {day}: {used[loc][d]} people, capacity {inst.capacity[loc][d]}.",
                        location=name,
                        day=day,
                    )
                )
    for team, d, need, working in inst.rules:
        have = sum(1 for i in working if plan[i][d] >= 0)
        if have < need:
            out.append(
                _reason(
                    "team_rule",
                    f"{team} {days[d]}: {have} in the office, the rule needs {need}.",
                    team=team,
                    day=days[d],
                    need=need,
                    count=have,
                )
            )
    return out


def _objective_int(inst: _Instance, plan: Plan) -> int:
    """The objective times inst.scale, computed from the plan alone (as the scorer does)."""
    total = 0
    for a, b, w in inst.pairs:
        pa, pb = plan[a], plan[b]
        together = sum(1 for d in range(len(inst.days)) if pa[d] >= 0 and pa[d] == pb[d])
        total += inst.weight_int(w) * together
    bonus = inst.scale // 2
    for i, p in enumerate(inst.people):
        total += bonus * sum(1 for d in p.preferred if plan[i][d] >= 0 and d in p.work_days)
    return total


def check(instance: dict, assignments: dict) -> list[dict]:
    """The hard constraints a plan breaks (empty when valid): for the app's hand-made swaps."""
    inst = parse_instance(instance)
    plan = _from_assignments(inst, assignments)
    if plan is None:
        return [_reason("malformed_plan", "The plan misses a person or names an unknown location.")]
    return _violations(inst, plan)


def objective(instance: dict, assignments: dict) -> float:
    """The objective of a plan, recomputed: pair weights on shared days + 0.5 per preferred day."""
    inst = parse_instance(instance)
    plan = _from_assignments(inst, assignments)
    if plan is None:
        raise PlanningInputError("The plan misses a person or names an unknown location.")
    return _objective_int(inst, plan) / inst.scale


# -- a good first plan ------------------------------------------------------------------------


class _State:
    """A plan with the counters that make a local move cheap to evaluate."""

    def __init__(self, inst: _Instance, plan: Plan) -> None:
        self.inst = inst
        self.plan = plan
        n_days = len(inst.days)
        self.free = [row[:] for row in inst.capacity]
        self.count = [0] * len(inst.people)
        self.team_office: dict[str, list[int]] = {t: [0] * n_days for t in inst.team_members}
        for i, row in enumerate(plan):
            for d, loc in enumerate(row):
                if loc >= 0:
                    self.free[loc][d] -= 1
                    self.count[i] += 1
                    self.team_office[inst.people[i].team][d] += 1
        self.need: dict[tuple[str, int], int] = {}
        for team, d, need, _ in inst.rules:
            self.need[team, d] = max(need, self.need.get((team, d), 0))
        self.w = [{b: inst.weight_int(w) for b, w in nb.items()} for nb in inst.neighbours]
        self.bonus = inst.scale // 2

    def gain(self, i: int, d: int, loc: int) -> int:
        """What person i adds to the objective by being at loc on day d (given everyone else)."""
        plan = self.plan
        g = sum(w for b, w in self.w[i].items() if plan[b][d] == loc)
        if d in self.inst.people[i].preferred:
            g += self.bonus
        return g

    def set(self, i: int, d: int, loc: int) -> None:
        old = self.plan[i][d]
        team = self.inst.people[i].team
        if old >= 0:
            self.free[old][d] += 1
            self.count[i] -= 1
            self.team_office[team][d] -= 1
        if loc >= 0:
            self.free[loc][d] -= 1
            self.count[i] += 1
            self.team_office[team][d] += 1
        self.plan[i][d] = loc

    def may_leave(self, i: int, d: int) -> bool:
        """Person i may go home on day d without breaking a fixed day or a team rule."""
        p = self.inst.people[i]
        if d in p.fixed:
            return False
        need = self.need.get((p.team, d))
        return need is None or self.team_office[p.team][d] - 1 >= need


def _greedy(inst: _Instance, rng: random.Random, shuffle: bool = False) -> Plan | None:
    """Fixed days, then team rules, then minimum days, then extra days where collaborators are.

    Placing the hard demands first keeps desks for them; choosing days by the collaborators
    already placed (with a small pull towards the team's days) makes teams gather.
    """
    n_days = len(inst.days)
    state = _State(inst, [[-1] * n_days for _ in inst.people])
    people = inst.people

    def team_pull(i: int, d: int, loc: int) -> float:
        team = people[i].team
        return sum(1 for j in inst.team_members[team] if state.plan[j][d] == loc)

    def best_place(i: int, options: list[int]) -> tuple[int, int] | None:
        best, best_key = None, None
        for d in options:
            for loc in people[i].locations:
                if state.free[loc][d] <= 0:
                    continue
                key = (
                    state.gain(i, d, loc) + 0.01 * team_pull(i, d, loc),
                    state.free[loc][d] / max(1, inst.capacity[loc][d]),
                )
                if best_key is None or key > best_key:
                    best, best_key = (d, loc), key
        return best

    order = sorted(range(len(people)), key=lambda i: len(people[i].locations))
    for i in order:
        for d in sorted(people[i].fixed):
            place = best_place(i, [d])
            if place is None:
                return None
            state.set(i, *place)
    for team, d, need, working in inst.rules:
        candidates = [
            i
            for i in working
            if state.plan[i][d] < 0
            and d in people[i].eligible
            and state.count[i] < people[i].max_days
        ]
        candidates.sort(
            key=lambda i: (d not in people[i].preferred, people[i].max_days - state.count[i] < 2)
        )
        for i in candidates:
            if state.team_office[team][d] >= need:
                break
            place = best_place(i, [d])
            if place is not None:
                state.set(i, *place)
    teams = sorted(inst.team_members, key=lambda t: -len(inst.team_members[t]))
    if shuffle:  # restarts: another order of teams gives another division of the desks
        rng.shuffle(teams)
    order = [i for t in teams for i in inst.team_members[t]]
    for i in order:  # everyone up to their minimum first, so that capacity is not eaten by extras
        while state.count[i] < people[i].min_days:
            options = [d for d in people[i].eligible if state.plan[i][d] < 0]
            place = best_place(i, options) or _make_room(state, i, options)
            if place is None:
                return None
            state.set(i, *place)
    for i in order:
        while state.count[i] < people[i].max_days:
            options = [d for d in people[i].eligible if state.plan[i][d] < 0]
            place = best_place(i, options)
            if place is None or state.gain(i, *place) <= 0:
                break
            state.set(i, *place)
    return state.plan


def _make_room(state: _State, i: int, options: list[int]) -> tuple[int, int] | None:
    """Free a desk for person i on one of `options` by moving someone else to another day.

    The one-step augmenting path of a matching: enough for the greedy plan when people with few
    possible days come after others who filled those days but could have come on another.
    """
    inst = state.inst
    for d in options:
        for loc in inst.people[i].locations:
            for j, row in enumerate(state.plan):
                if row[d] != loc or not state.may_leave(j, d):
                    continue
                q = inst.people[j]
                for d2 in q.eligible:
                    if row[d2] >= 0:
                        continue
                    loc2 = next((k for k in q.locations if state.free[k][d2] > 0), None)
                    if loc2 is not None:
                        state.set(j, d, -1)
                        state.set(j, d2, loc2)
                        return d, loc
    return None


def _seat_moves(state: _State, deadline: float) -> bool:
    """Moves that keep every office's head count: one person gives their desk on a day to another
    (drop + add), or two people trade days (double shift). When the main office is full every
    day, these are the only moves left; returns whether any improved the plan."""
    inst = state.inst
    people = inst.people
    plan = state.plan
    n_days = len(inst.days)
    any_better = False
    eligible = [set(p.eligible) for p in people]
    for loc in range(len(inst.locations)):
        users = [i for i, p in enumerate(people) if loc in p.locations]
        for d in range(n_days):
            if time.monotonic() > deadline:
                return any_better
            # Drop + add: the holder who loses least gives the desk to who gains most.
            givers = sorted(
                (state.gain(j, d, loc), j)
                for j in users
                if plan[j][d] == loc
                and state.count[j] > people[j].min_days
                and state.may_leave(j, d)
            )[:3]
            takers = sorted(
                (
                    (state.gain(i, d, loc), i)
                    for i in users
                    if plan[i][d] < 0 and d in eligible[i] and state.count[i] < people[i].max_days
                ),
                reverse=True,
            )[:3]
            # Relocate + add: a holder who may also use another office moves there, and the
            # desk goes to who gains most from it.
            movers = sorted(
                (
                    (
                        max(
                            (state.gain(j, d, k) - state.gain(j, d, loc), k)
                            for k in people[j].locations
                            if k != loc and state.free[k][d] > 0
                        ),
                        j,
                    )
                    for j in users
                    if plan[j][d] == loc
                    and len(people[j].locations) > 1
                    and any(k != loc and state.free[k][d] > 0 for k in people[j].locations)
                ),
                reverse=True,
            )[:3]
            done = False
            for gain_i, i in takers:
                for (delta_j, k), j in movers:
                    if gain_i - state.w[i].get(j, 0) + delta_j > 0:
                        state.set(j, d, k)
                        state.set(i, d, loc)
                        any_better = done = True
                        break
                if done:
                    break
            if done:
                continue
            for gain_i, i in takers:
                for loss_j, j in givers:
                    delta = gain_i - state.w[i].get(j, 0) - loss_j
                    if delta > 0:
                        state.set(j, d, -1)
                        state.set(i, d, loc)
                        any_better = done = True
                        break
                if done:
                    break
            # Double shift: i moves from d to d2, j from d2 to d.
            for d2 in range(n_days):
                if d2 == d:
                    continue
                movers = sorted(
                    (
                        (state.gain(i, d2, loc) - state.gain(i, d, loc), i)
                        for i in users
                        if plan[i][d] == loc
                        and plan[i][d2] < 0
                        and d2 in eligible[i]
                        and state.may_leave(i, d)
                    ),
                    reverse=True,
                )[:3]
                if not movers or movers[0][0] <= -1e9:
                    continue
                backs = sorted(
                    (
                        (state.gain(j, d, loc) - state.gain(j, d2, loc), j)
                        for j in users
                        if plan[j][d2] == loc
                        and plan[j][d] < 0
                        and d in eligible[j]
                        and state.may_leave(j, d2)
                    ),
                    reverse=True,
                )[:3]
                done = False
                for gi, i in movers:
                    for gj, j in backs:
                        if i != j and gi + gj - 2 * state.w[i].get(j, 0) > 0:
                            state.set(i, d, -1)
                            state.set(j, d2, -1)
                            state.set(i, d2, loc)
                            state.set(j, d, loc)
                            any_better = done = True
                            break
                    if done:
                        break
    return any_better


def _local_search(inst: _Instance, plan: Plan, deadline: float, rng: random.Random) -> Plan:
    """Single-person moves and desk-neutral moves in turn, until neither improves the plan."""
    plan = _hill_climb(inst, plan, deadline, rng)
    while time.monotonic() < deadline:
        state = _State(inst, plan)
        if not _seat_moves(state, deadline):
            break
        plan = _hill_climb(inst, state.plan, deadline, rng)
    return plan


def _hill_climb(inst: _Instance, plan: Plan, deadline: float, rng: random.Random) -> Plan:
    """Best-improvement moves per person (relocate, add, drop, shift a day) until none helps."""
    state = _State(inst, [row[:] for row in plan])
    people = inst.people
    order = list(range(len(people)))
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        rng.shuffle(order)
        for i in order:
            p = people[i]
            row = state.plan[i]
            eligible = p.eligible
            cur = {d: state.gain(i, d, row[d]) for d in eligible if row[d] >= 0}
            best_delta, best_move = 0, None
            for d in eligible:
                here = row[d]
                for loc in p.locations:
                    if loc == here or state.free[loc][d] <= 0:
                        continue
                    g = state.gain(i, d, loc)
                    if here >= 0:
                        delta = g - cur[d]
                        if delta > best_delta:
                            best_delta, best_move = delta, ((d, loc),)
                    else:
                        if state.count[i] < p.max_days and g > best_delta:
                            best_delta, best_move = g, ((d, loc),)
                        for d1, g1 in cur.items():
                            if g - g1 > best_delta and state.may_leave(i, d1):
                                best_delta, best_move = g - g1, ((d1, -1), (d, loc))
                if (
                    here >= 0
                    and state.count[i] > p.min_days
                    and state.may_leave(i, d)
                    and -cur[d] > best_delta
                ):
                    best_delta, best_move = -cur[d], ((d, -1),)
            if best_move:
                for d, loc in best_move:
                    state.set(i, d, loc)
                improved = True
    return state.plan


# -- the CP-SAT model -------------------------------------------------------------------------


@dataclass
class _Model:
    model: cp_model.CpModel
    x: dict[tuple[int, int, int], cp_model.IntVar]  # (person, day, location) -> in that office
    y: dict[tuple[int, int, int, int], cp_model.IntVar]  # (a, b, day, location) -> both there
    constant: int  # objective of everything outside the free cells (scaled)


def _interchangeable(inst: _Instance) -> list[list[int]]:
    """Groups of people who can trade their whole week without any effect (symmetric solutions).

    Common in practice: when collaboration comes from team membership alone, the members of a team
    with the same pattern are indistinguishable, and without ordering them CP-SAT explores every
    permutation of their weeks.
    """
    by_attrs: dict[tuple, list[int]] = defaultdict(list)
    for i, p in enumerate(inst.people):
        key = (
            p.team,
            tuple(sorted(p.work_days)),
            p.min_days,
            p.max_days,
            tuple(sorted(p.fixed)),
            tuple(sorted(p.unavailable)),
            tuple(sorted(p.preferred)),
            tuple(sorted(p.locations)),
        )
        by_attrs[key].append(i)
    groups: list[list[int]] = []
    for members in by_attrs.values():
        rest = list(members)
        while len(rest) > 1:
            first, *others = rest
            nb = inst.neighbours[first]
            same = [first]
            for j in others:
                nj = inst.neighbours[j]
                a = {k: v for k, v in nb.items() if k != j}
                b = {k: v for k, v in nj.items() if k != first}
                if a == b:
                    same.append(j)
            if len(same) > 1:
                groups.append(same)
            rest = [j for j in rest if j not in same]
    return groups


def _build(
    inst: _Instance,
    plan: Plan,
    free: set[tuple[int, int]] | None,
    *,
    symmetry: bool = False,
    relax: frozenset[str] = frozenset(),
    with_objective: bool = True,
) -> _Model:
    """The model over the free (person, day) cells, everything else fixed as in `plan`.

    `free=None` frees every cell (the full model). A pair with one person fixed contributes a
    linear term on the other's location boolean; only pairs with both cells free need a product
    boolean, linked by two implications (it may only be true when both are there).
    `relax` drops constraint groups ("capacity", "rules", "counts") to find what makes an
    instance infeasible.
    """
    model = cp_model.CpModel()
    people = inst.people
    n_days = len(inst.days)
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}
    is_free = [[free is None or (i, d) in free for d in range(n_days)] for i in range(len(people))]
    office: dict[tuple[int, int], list] = {}
    for i, p in enumerate(people):
        eligible = set(p.eligible)
        for d in range(n_days):
            if not is_free[i][d]:
                continue
            if d not in eligible:
                is_free[i][d] = False  # always home or off: a constant, not a decision
                continue
            cell = [
                x.setdefault((i, d, loc), model.new_bool_var(f"x{i}_{d}_{loc}"))
                for loc in p.locations
            ]
            office[i, d] = cell
            if d in p.fixed:
                model.add_exactly_one(cell)
            else:
                model.add_at_most_one(cell)
    # Office-day counts per person.
    for i, p in enumerate(people):
        cells = [v for d in range(n_days) if (i, d) in office for v in office[i, d]]
        if not cells or "counts" in relax:
            continue
        fixed_count = sum(1 for d in range(n_days) if not is_free[i][d] and plan[i][d] >= 0)
        lo, hi = p.min_days - fixed_count, p.max_days - fixed_count
        if lo > 0:
            model.add(sum(cells) >= lo)
        if hi < len(cells):
            model.add(sum(cells) <= hi)
    # Capacity per location and day, less what the fixed cells already use.
    rooms: dict[tuple[int, int], int] = {}
    if "capacity" not in relax:
        users: dict[tuple[int, int], list] = defaultdict(list)
        for (_, d, loc), var in x.items():
            users[loc, d].append(var)
        for (loc, d), vars_ in users.items():
            taken = sum(1 for i in range(len(people)) if not is_free[i][d] and plan[i][d] == loc)
            room = inst.capacity[loc][d] - taken
            rooms[loc, d] = room
            if room < len(vars_):
                model.add(sum(vars_) <= room)
    # Team rules.
    if "rules" not in relax:
        for _team, d, need, working in inst.rules:
            cells = [v for i in working if (i, d) in office for v in office[i, d]]
            have = sum(1 for i in working if not is_free[i][d] and plan[i][d] >= 0)
            if need - have > 0:
                model.add(sum(cells) >= need - have)
    # Symmetry: interchangeable people take their weeks in a fixed (lexicographic) order.
    if symmetry and free is None:
        base = len(inst.locations) + 1
        for group in _interchangeable(inst):
            codes = [
                sum(
                    (loc + 1) * base ** (n_days - 1 - d) * var
                    for d in range(n_days)
                    if (i, d) in office
                    for loc, var in zip(people[i].locations, office[i, d], strict=True)
                )
                for i in group
            ]
            for a, b in itertools.pairwise(codes):
                model.add(a <= b)
    constant = 0
    if not with_objective:
        return _Model(model, x, {}, 0)
    terms: list[tuple[cp_model.IntVar, int]] = []
    y_vars: dict[tuple[int, int, int, int], cp_model.IntVar] = {}
    bonus = inst.scale // 2
    for i, p in enumerate(people):
        for d in p.preferred:
            if (i, d) in office:
                terms.extend((v, bonus) for v in office[i, d])
            elif d in p.work_days and plan[i][d] >= 0:
                constant += bonus
    for a, b, w in inst.pairs:
        wi = inst.weight_int(w)
        for d in range(n_days):
            fa, fb = (a, d) in office, (b, d) in office
            if not fa and not fb:
                if plan[a][d] >= 0 and plan[a][d] == plan[b][d]:
                    constant += wi
                continue
            if fa and fb:
                for loc in people[a].locations:
                    if (b, d, loc) in x:
                        y = model.new_bool_var(f"y{a}_{b}_{d}_{loc}")
                        y_vars[a, b, d, loc] = y
                        model.add_implication(y, x[a, d, loc])
                        model.add_implication(y, x[b, d, loc])
                        terms.append((y, wi))
            else:
                free_one, other = (a, b) if fa else (b, a)
                loc = plan[other][d]
                if loc >= 0 and (free_one, d, loc) in x:
                    terms.append((x[free_one, d, loc], wi))
    # With little room left at a place, a person there can meet only that many others: without
    # this cut the LP spreads a whole team thinly over a nearly full day and counts every pair.
    together: dict[tuple[int, int, int], list] = defaultdict(list)
    for (a, b, d, loc), y in y_vars.items():
        together[a, d, loc].append(y)
        together[b, d, loc].append(y)
    for (i, d, loc), ys in together.items():
        room = rooms.get((loc, d))
        if room is not None and room - 1 < len(ys):
            model.add(sum(ys) <= max(0, room - 1) * x[i, d, loc])
    if terms:
        model.maximize(sum(c * v for v, c in terms))
    return _Model(model, x, y_vars, constant)


def _hint(m: _Model, plan: Plan) -> None:
    m.model.clear_hints()
    for (i, d, loc), var in m.x.items():
        m.model.add_hint(var, plan[i][d] == loc)
    for (a, b, d, loc), var in m.y.items():
        m.model.add_hint(var, plan[a][d] == loc and plan[b][d] == loc)


def _canonical(inst: _Instance, plan: Plan) -> Plan:
    """Reorder the weeks of interchangeable people to satisfy the symmetry-breaking order."""
    plan = [row[:] for row in plan]
    base = len(inst.locations) + 1
    n_days = len(inst.days)

    def code(row: list[int]) -> int:
        return sum((loc + 1) * base ** (n_days - 1 - d) for d, loc in enumerate(row) if loc >= 0)

    for group in _interchangeable(inst):
        rows = sorted((plan[i] for i in group), key=code)
        for i, row in zip(group, rows, strict=True):
            plan[i] = row[:]
    return plan


def _solver(time_limit: float, workers: int, seed: int = 0) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    # The LP with CP-SAT's extra cuts over the pair booleans finds better plans in the same time
    # (250 people, 30 s, 2 workers: about 2,018 against 1,990 on average over runs).
    solver.parameters.linearization_level = 2
    return solver


def _read(m: _Model, solver: cp_model.CpSolver, plan: Plan, free: set | None) -> Plan:
    out = [row[:] for row in plan]
    if free is None:
        out = [[-1] * len(row) for row in plan]
    else:
        for i, d in free:
            out[i][d] = -1
    for (i, d, loc), var in m.x.items():
        if solver.boolean_value(var):
            out[i][d] = loc
    return out


def _simple_bound(inst: _Instance) -> int:
    """An upper bound no plan can beat: each pair together on at most the days both can share."""
    total = 0
    for a, b, w in inst.pairs:
        pa, pb = inst.people[a], inst.people[b]
        shared = set(pa.locations) & set(pb.locations)
        days = len(set(pa.eligible) & set(pb.eligible)) if shared else 0
        total += inst.weight_int(w) * min(days, pa.max_days, pb.max_days)
    bonus = inst.scale // 2
    for p in inst.people:
        total += bonus * min(len(p.preferred & set(p.eligible)), p.max_days)
    return total


# -- large-neighbourhood search ---------------------------------------------------------------


class _Neighbourhoods:
    """Which cells to free next: clusters of collaborating teams, or many people on two days."""

    def __init__(self, inst: _Instance, rng: random.Random) -> None:
        self.inst = inst
        self.rng = rng
        self.teams = list(inst.team_members)
        self.team_links: dict[str, dict[str, float]] = {t: defaultdict(float) for t in self.teams}
        for a, b, w in inst.pairs:
            ta, tb = inst.people[a].team, inst.people[b].team
            if ta != tb:
                self.team_links[ta][tb] += w
                self.team_links[tb][ta] += w

    def _team_cluster(self, size: int, linked: float = 0.8) -> list[int]:
        """A random team plus, by collaboration weight, the teams it works with most.

        With `linked` low the other teams are random instead: teams that compete for the same
        full office, so that the sub-problem can trade their desks and days.
        """
        rng, inst = self.rng, self.inst
        chosen = [rng.choice(self.teams)]
        people = list(inst.team_members[chosen[0]])
        while len(people) < size and len(chosen) < len(self.teams):
            links: dict[str, float] = defaultdict(float)
            for t in chosen:
                for t2, w in self.team_links[t].items():
                    if t2 not in chosen:
                        links[t2] += w
            if links and rng.random() < linked:
                names = list(links)
                nxt = rng.choices(names, weights=[links[t] for t in names])[0]
            else:
                nxt = rng.choice([t for t in self.teams if t not in chosen])
            chosen.append(nxt)
            people.extend(inst.team_members[nxt])
        return people

    def pick(self, kind: str, size: int) -> set[tuple[int, int]]:
        inst = self.inst
        if kind == "days":
            d1, d2 = self.rng.sample(range(len(inst.days)), 2)
            people = self._team_cluster(size * 3)
            return {(i, d) for i in people for d in (d1, d2) if d in inst.people[i].eligible}
        if kind == "trade":
            people = self._team_cluster(size, linked=0.0)
            return {(i, d) for i in people for d in inst.people[i].eligible}
        if kind == "random":
            people = self.rng.sample(range(len(inst.people)), min(size, len(inst.people)))
        else:
            people = self._team_cluster(size)
        return {(i, d) for i in people for d in inst.people[i].eligible}


def _lns(
    inst: _Instance,
    plan: Plan,
    deadline: float,
    workers: int,
    rng: random.Random,
) -> tuple[Plan, int]:
    """Improve `plan` by solving sub-problems exactly until the deadline; returns plan, steps."""
    hoods = _Neighbourhoods(inst, rng)
    best = _objective_int(inst, plan)
    size = min(len(inst.people), LNS_START_SIZE)
    kinds = LNS_KINDS
    steps = 0
    while True:
        left = deadline - time.monotonic()
        if left < 0.2:
            break
        kind = kinds[steps % len(kinds)]
        free = hoods.pick(kind, size)
        steps += 1
        if not free:
            continue
        m = _build(inst, plan, free)
        _hint(m, plan)
        limit = min(LNS_STEP_SECONDS, left - 0.1)
        solver = _solver(limit, workers, seed=steps)
        status = solver.solve(m.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        candidate = _read(m, solver, plan, free)
        value = _objective_int(inst, candidate)
        gained = value > best
        if value >= best:
            if gained:
                log.debug("lns %s step %d size %d: %d -> %d", kind, steps, size, best, value)
            plan, best = candidate, value
        if gained:  # the desk-neutral moves often continue what the sub-problem started
            plan = _local_search(inst, plan, min(deadline, time.monotonic() + 1.0), rng)
            best = _objective_int(inst, plan)
        # Grow the neighbourhood while sub-problems are proven quickly; shrink it when a step
        # neither proves nor improves anything (the sub-problem is too big for its time).
        if status == cp_model.OPTIMAL and solver.wall_time < limit / 2:
            size = min(len(inst.people), int(size * 1.15) + 1)
        elif status != cp_model.OPTIMAL and not gained:
            size = max(8, int(size * 0.9))
    return plan, steps


# -- the entry points -------------------------------------------------------------------------


def _diagnose(inst: _Instance, workers: int, time_limit: float) -> list[dict]:
    """Name the constraint group that makes the instance infeasible, by relaxing one at a time."""
    empty = [[-1] * len(inst.days) for _ in inst.people]
    texts = {
        "capacity": "The office capacity is too small for the office days everyone must have.",
        "rules": "The team rules cannot be met together with the other constraints.",
        "counts": "The minimum/maximum office days per person cannot be met together with the other constraints.",
    }
    found = []
    for group in ("capacity", "rules", "counts"):
        m = _build(inst, empty, None, relax=frozenset({group}), with_objective=False)
        status = _solver(time_limit, workers).solve(m.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found.append(_reason(f"infeasible_{group}", texts[group]))
    return found or [
        _reason(
            "infeasible", "No plan meets all constraints; no single group of rules explains it."
        )
    ]


def _result(
    inst: _Instance | None,
    plan: Plan | None,
    status: str,
    start: float,
    bound: int | None = None,
    **extra: Any,
) -> dict:
    if inst is None or plan is None:
        return {
            "assignments": {},
            "objective": None,
            "bound": None,
            "status": status,
            "seconds": round(time.monotonic() - start, 3),
            **extra,
        }
    value = _objective_int(inst, plan)
    return {
        "assignments": _to_assignments(inst, plan),
        "objective": value / inst.scale,
        "bound": (bound if bound is not None else value) / inst.scale,
        "status": status,
        "seconds": round(time.monotonic() - start, 3),
        **extra,
    }


def solve(
    instance: dict,
    *,
    time_limit: float = 30.0,
    workers: int | None = None,
    hint: dict | None = None,
) -> dict:
    """Plan one week: {"assignments", "objective", "bound", "status", "seconds"}.

    `instance` is the ORG.json structure; malformed input raises PlanningInputError. The status is
    OPTIMAL when the plan is proven best, FEASIBLE when it is valid but may not be best, INFEASIBLE
    when no valid plan exists (then "reasons" lists what conflicts, each with a code and a message
    naming the person, day, location or rule), and UNKNOWN when no plan was found in the time.
    `hint` is an earlier plan's "assignments" (e.g. the approved plan of last week or a plan with
    hand-made swaps); when valid it is the starting point, so a re-plan is never worse than it.
    """
    start = time.monotonic()
    # A little margin for turning the plan into JSON: the time limit is the caller's wall clock.
    deadline = start + max(0.5, time_limit) - min(0.5, 0.02 * time_limit)
    inst = parse_instance(instance)
    workers = workers or min(8, os.cpu_count() or 1)
    conflicts = find_conflicts(inst)
    if conflicts:
        return _result(None, None, "INFEASIBLE", start, reasons=conflicts)
    rng = random.Random(20261206)  # noqa: S311 - a reproducible search, not a secret
    plan = _greedy(inst, rng)
    if plan is not None and _violations(inst, plan):
        plan = None
    if hint is not None:
        given = _from_assignments(inst, hint)
        valid = given is not None and not _violations(inst, given)
        if valid and (plan is None or _objective_int(inst, given) >= _objective_int(inst, plan)):
            plan = given
    if plan is not None:
        plan = _local_search(inst, plan, start + 0.15 * time_limit, rng)

    # The full model: a proof of optimality on small organisations, and the upper bound.
    bound = _simple_bound(inst)
    share = 0.5 if plan is None else FULL_MODEL_SHARE
    full_limit = max(0.2, share * (deadline - time.monotonic()))
    m = _build(inst, plan or [[-1] * len(inst.days) for _ in inst.people], None, symmetry=True)
    if plan is not None:
        _hint(m, _canonical(inst, plan))
    solver = _solver(full_limit, workers)
    status = solver.solve(m.model)
    log.debug(
        "full model: %s objective %s bound %s in %.1fs (first plan %s)",
        solver.status_name(status),
        solver.objective_value + m.constant
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        else None,
        solver.best_objective_bound + m.constant,
        solver.wall_time,
        _objective_int(inst, plan) if plan else None,
    )
    if status == cp_model.INFEASIBLE:
        left = max(0.5, deadline - time.monotonic()) / 3
        return _result(None, None, "INFEASIBLE", start, reasons=_diagnose(inst, workers, left))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        candidate = _read_empty(m, solver, inst)
        if plan is None or _objective_int(inst, candidate) > _objective_int(inst, plan):
            plan = candidate
        bound = min(bound, math.floor(solver.best_objective_bound + 1e-6) + m.constant)
    if plan is None:
        return _result(
            None,
            None,
            "UNKNOWN",
            start,
            reasons=[_reason("timeout", "No valid plan was found within the time limit.")],
        )
    if status != cp_model.OPTIMAL:
        plan = _local_search(inst, plan, deadline, rng)
        plan, _ = _lns(inst, plan, deadline, workers, rng)
    value = _objective_int(inst, plan)
    proven = status == cp_model.OPTIMAL or value >= bound
    return _result(inst, plan, "OPTIMAL" if proven else "FEASIBLE", start, max(bound, value))


def _read_empty(m: _Model, solver: cp_model.CpSolver, inst: _Instance) -> Plan:
    return _read(m, solver, [[-1] * len(inst.days) for _ in inst.people], None)


# -- why each choice --------------------------------------------------------------------------


def explain(instance: dict, plan: dict) -> dict[str, dict[str, list[dict]]]:
    """Why each person is where they are on each day: {person: {day: [reason, ...]}}.

    A reason is a dict with a stable "code", its figures ("count", "need", "team", "location",
    "locations") and an English "message"; the UI words it in Dutch or English from the code.
    Codes: not_working, unavailable, no_location, fixed_day, team_rule, colleagues,
    preferred_day, min_office_days, max_office_days, capacity_full, other_location_full, home,
    colleagues_in_office.
    `plan` is a PLAN.json object or its "assignments" alone.
    """
    inst = parse_instance(instance)
    assignments = plan.get("assignments", plan) if isinstance(plan, dict) else {}
    rows = _from_assignments(inst, assignments)
    if rows is None:
        raise PlanningInputError("The plan misses a person or names an unknown location.")
    state = _State(inst, rows)
    rules: dict[tuple[str, int], tuple[int, list[int]]] = {}
    for team, d, need, working in inst.rules:
        if need > rules.get((team, d), (-1, []))[0]:
            rules[team, d] = (need, working)
    out: dict[str, dict[str, list[dict]]] = {}
    for i, p in enumerate(inst.people):
        person: dict[str, list[dict]] = {}
        for d, day in enumerate(inst.days):
            loc = rows[i][d]
            if d not in p.work_days:
                reasons = [_reason("not_working", "Not a work day.")]
            elif loc >= 0:
                reasons = _office_reasons(inst, state, rules, i, d, loc)
            else:
                reasons = _home_reasons(inst, state, i, d)
            person[day] = reasons
        out[p.id] = person
    return out


def _together(inst: _Instance, rows: Plan, i: int, d: int, loc: int) -> tuple[int, float]:
    """How many collaborators of person i are at `loc` on day d, and their summed weight."""
    hits = [w for b, w in inst.neighbours[i].items() if w > 0 and rows[b][d] == loc]
    return len(hits), sum(hits)


def _office_reasons(inst, state, rules, i: int, d: int, loc: int) -> list[dict]:
    p = inst.people[i]
    rows = state.plan
    out = []
    if d in p.fixed:
        out.append(_reason("fixed_day", "A fixed office day."))
    rule = rules.get((p.team, d))
    if rule is not None and rule[0] > 0:
        have = sum(1 for j in rule[1] if rows[j][d] >= 0)
        out.append(
            _reason(
                "team_rule",
                f"Team {p.team} agreed that at least {rule[0]} are in the office ({have} are).",
                team=p.team,
                need=rule[0],
                count=have,
            )
        )
    count, weight = _together(inst, rows, i, d, loc)
    if count:
        out.append(
            _reason(
                "colleagues",
                f"{count} collaborator(s) are at {inst.locations[loc]} too.",
                count=count,
                weight=weight,
                location=inst.locations[loc],
            )
        )
    if d in p.preferred:
        out.append(_reason("preferred_day", "A preferred office day."))
    if not out and state.count[i] <= p.min_days:
        out.append(
            _reason(
                "min_office_days",
                f"At least {p.min_days} office day(s) a week.",
                count=p.min_days,
            )
        )
    for other in p.locations:
        if other != loc and state.free[other][d] <= 0:
            out.append(
                _reason(
                    "other_location_full",
                    f"{inst.locations[other]} is full this day.",
                    location=inst.locations[other],
                )
            )
    return out


def _home_reasons(inst, state, i: int, d: int) -> list[dict]:
    p = inst.people[i]
    rows = state.plan
    out = [_reason("home", "Working from home.")]
    if d in p.unavailable:
        out.append(_reason("unavailable", "Not available in the office this day."))
        return out
    if not p.locations:
        out.append(_reason("no_location", "No office location in the work pattern."))
        return out
    if state.count[i] >= p.max_days:
        out.append(
            _reason(
                "max_office_days",
                f"Already {p.max_days} office day(s) this week, the most allowed.",
                count=p.max_days,
            )
        )
    full = [inst.locations[loc] for loc in p.locations if state.free[loc][d] <= 0]
    if full and len(full) == len(p.locations):
        out.append(_reason("capacity_full", f"No place left at {', '.join(full)}.", locations=full))
    best = max((_together(inst, rows, i, d, loc) for loc in p.locations), key=lambda t: t[1])
    if best[0]:
        out.append(
            _reason(
                "colleagues_in_office",
                f"{best[0]} collaborator(s) are in the office; other days bring more together.",
                count=best[0],
                weight=best[1],
            )
        )
    return out
