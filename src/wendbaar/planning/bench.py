"""Benchmark of the office-day planner: solve time, objective and bound for 50, 250 and 1,000 people.

The organisations are generated here with a seeded generator shaped like the public eval
instances (`../shared/eval/data/planning`): teams of 2-12 people, most collaboration inside a team
(weights 1-3) and some across teams, a main office that is a little too small for everyone's
maximum office days and a satellite hub, part-time patterns, fixed, unavailable and preferred days,
and a few team rules ("team X samen op dinsdag", 60 %). The time limits are the targets of issue 7:
30 s up to 250 people, 60 s for 1,000.
"""

import os
import random

DAYS = ["mon", "tue", "wed", "thu", "fri"]
SIZES = (50, 250, 1000)
SEED = 20261206


def _limit(people: int) -> float:
    return 30.0 if people <= 250 else 60.0


def generate(people: int, seed: int = SEED) -> dict:
    """An ORG.json organisation of `people` people; the same seed gives the same organisation."""
    rng = random.Random(seed * 100_003 + people)  # noqa: S311 - reproducible data, not a secret
    persons: list[dict] = []
    teams: list[list[str]] = []
    while len(persons) < people:
        size = min(people - len(persons), rng.choice([2, 4, 4, 5, 6, 6, 7, 8, 8, 9, 10, 11, 12]))
        team = f"team{len(teams) + 1:02d}"
        members = []
        for _ in range(size):
            pid = f"p{len(persons) + 1:04d}"
            work_days = list(DAYS)
            r = rng.random()
            if r < 0.13:
                work_days = sorted(rng.sample(DAYS, 3), key=DAYS.index)
            elif r < 0.28:
                work_days = [d for d in DAYS if d != rng.choice(DAYS)]
            low, high = rng.choice(
                [(2, 3)] * 10
                + [(2, 2)] * 3
                + [(2, 4)] * 3
                + [(3, 4)] * 2
                + [(1, 2), (1, 1)]
                + [(3, 3), (1, 3), (3, 5)]
            )
            high = min(high, len(work_days))
            low = min(low, high)
            fixed = [rng.choice(work_days)] if rng.random() < 0.3 else []
            open_days = [d for d in work_days if d not in fixed]
            unavailable = (
                [rng.choice(open_days)] if rng.random() < 0.15 and len(open_days) > low else []
            )
            candidates = [d for d in work_days if d not in unavailable]
            preferred = [rng.choice(candidates)] if rng.random() < 0.5 else []
            r = rng.random()
            locations = (
                ["hoofdkantoor"] if r < 0.78 else ["hub", "hoofdkantoor"] if r < 0.94 else ["hub"]
            )
            persons.append(
                {
                    "id": pid,
                    "team": team,
                    "work_days": work_days,
                    "min_office_days": low,
                    "max_office_days": high,
                    "fixed_office_days": fixed,
                    "unavailable_office_days": unavailable,
                    "preferred_office_days": preferred,
                    "locations": locations,
                }
            )
            members.append(pid)
        teams.append(members)
    collaboration = []
    for members in teams:
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if rng.random() < 0.6:
                    collaboration.append({"a": a, "b": b, "weight": rng.choice([1, 1, 2, 3])})
    ids = [p["id"] for p in persons]
    team_of = {p["id"]: p["team"] for p in persons}
    seen = {(c["a"], c["b"]) for c in collaboration}
    for _ in range(people // 2):
        a, b = rng.sample(ids, 2)
        if team_of[a] != team_of[b] and (a, b) not in seen and (b, a) not in seen:
            seen.add((a, b))
            collaboration.append({"a": a, "b": b, "weight": rng.choice([1, 1, 2])})
    main = {d: round(people * (0.36 if d == "fri" else 0.42 + rng.uniform(0, 0.03))) for d in DAYS}
    hub = {d: max(2, round(people * rng.uniform(0.14, 0.16))) for d in DAYS}
    team_names = sorted({p["team"] for p in persons if True})
    big = [t for t in team_names if sum(1 for p in persons if p["team"] == t) >= 4]
    rules = [
        {"team": t, "day": rng.choice(DAYS), "min_fraction": 0.6}
        for t in rng.sample(big, min(len(big), max(1, people // 50)))
    ]
    return {
        "days": list(DAYS),
        "locations": [
            {"id": "hoofdkantoor", "capacity": main},
            {"id": "hub", "capacity": hub},
        ],
        "people": persons,
        "collaboration": collaboration,
        "rules": rules,
    }


def run() -> list[dict]:
    """One line per size: solve seconds, objective, bound and status, plus the problem size."""
    from wendbaar.planning.solver import check, solve

    workers = int(os.environ.get("PLANNING_BENCH_WORKERS", "0")) or None
    results = []
    for people in SIZES:
        instance = generate(people)
        result = solve(instance, time_limit=_limit(people), workers=workers)
        results.append(
            {
                "people": people,
                "pairs": len(instance["collaboration"]),
                "time_limit": _limit(people),
                "seconds": result["seconds"],
                "status": result["status"],
                "objective": result["objective"],
                "bound": result["bound"],
                "violations": len(check(instance, result["assignments"]))
                if result["assignments"]
                else None,
            }
        )
    return results
