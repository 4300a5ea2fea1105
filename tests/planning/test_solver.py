"""The office-day planner engine and `wendbaar plan-office`.

The checker here is written independently of the solver, from the rules in
../shared/eval/README.md, so that a solver bug cannot hide behind its own check.
"""

import json
import math

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wendbaar.planning.bench import generate
from wendbaar.planning.solver import PlanningInputError, check, explain, objective, solve

DAYS = ["mon", "tue", "wed", "thu", "fri"]


def broken_rules(instance: dict, assignments: dict) -> list[str]:
    """Every hard constraint a plan breaks, recomputed from the README's wording."""
    people = instance["people"]
    where: dict[tuple[str, str], str] = {}
    problems = []
    for p in people:
        row = assignments.get(p["id"])
        if row is None or set(row) != set(instance["days"]):
            problems.append(f"{p['id']}: not every day assigned")
            continue
        office = 0
        for day, value in row.items():
            if day not in p["work_days"]:
                if value != "off":
                    problems.append(f"{p['id']} {day}: not off on a day off")
                continue
            if value == "off":
                problems.append(f"{p['id']} {day}: off on a work day")
            elif value == "home":
                if day in p["fixed_office_days"]:
                    problems.append(f"{p['id']} {day}: home on a fixed day")
            else:
                if value not in p["locations"]:
                    problems.append(f"{p['id']} {day}: not their location")
                if day in p["unavailable_office_days"]:
                    problems.append(f"{p['id']} {day}: office on an unavailable day")
                where[p["id"], day] = value
                office += 1
        if not p["min_office_days"] <= office <= p["max_office_days"]:
            problems.append(f"{p['id']}: {office} office days")
    for loc in instance["locations"]:
        for day in instance["days"]:
            n = sum(1 for (_, d), v in where.items() if d == day and v == loc["id"])
            if n > loc["capacity"][day]:
                problems.append(f"{loc['id']} {day}: over capacity")
    for rule in instance.get("rules", []):
        team = [
            p["id"] for p in people if p["team"] == rule["team"] and rule["day"] in p["work_days"]
        ]
        need = math.ceil(round(rule["min_fraction"] * len(team), 9))
        if sum(1 for pid in team if (pid, rule["day"]) in where) < need:
            problems.append(f"rule {rule['team']} {rule['day']}")
    return problems


def value_of(instance: dict, assignments: dict) -> float:
    total = 0.0
    for c in instance["collaboration"]:
        for day in instance["days"]:
            a, b = assignments[c["a"]][day], assignments[c["b"]][day]
            if a == b and a not in ("home", "off"):
                total += c["weight"]
    for p in instance["people"]:
        for day in p["preferred_office_days"]:
            if assignments[p["id"]][day] not in ("home", "off"):
                total += 0.5
    return total


def person(pid, team="t", **kw):
    base = {
        "id": pid,
        "team": team,
        "work_days": ["mon", "tue"],
        "min_office_days": 1,
        "max_office_days": 1,
        "fixed_office_days": [],
        "unavailable_office_days": [],
        "preferred_office_days": [],
        "locations": ["kantoor"],
    }
    return {**base, **kw}


def tiny(**capacity) -> dict:
    """Three people, one office for two on each of two days: a pair that should meet, a third."""
    cap = {"mon": 2, "tue": 2, **capacity}
    return {
        "days": ["mon", "tue"],
        "locations": [{"id": "kantoor", "capacity": cap}],
        "people": [
            person("a"),
            person("b"),
            person("c", preferred_office_days=["tue"]),
        ],
        "collaboration": [{"a": "a", "b": "b", "weight": 3}, {"a": "b", "b": "c", "weight": 1}],
        "rules": [],
    }


@pytest.mark.parametrize(("people", "seed"), [(12, 1), (30, 2), (60, 3)])
def test_generated_instances_keep_every_hard_rule(people, seed):
    instance = generate(people, seed=seed)
    result = solve(instance, time_limit=3, workers=2)
    assert result["status"] in ("OPTIMAL", "FEASIBLE")
    assert broken_rules(instance, result["assignments"]) == []
    assert check(instance, result["assignments"]) == []
    assert result["objective"] == pytest.approx(value_of(instance, result["assignments"]))
    assert result["bound"] >= result["objective"]
    assert result["seconds"] < 10


def test_a_known_optimum_is_found_and_proven():
    # a and b (weight 3) share a day; c takes the other day, which it prefers: 3 + 0.5.
    result = solve(tiny(), time_limit=5)
    assert result["status"] == "OPTIMAL"
    assert result["objective"] == 3.5
    assert result["bound"] == 3.5
    plan = result["assignments"]
    assert plan["a"] == plan["b"] == {"mon": "kantoor", "tue": "home"}
    assert plan["c"] == {"mon": "home", "tue": "kantoor"}


def test_non_work_days_are_off_and_every_day_is_assigned():
    instance = tiny()
    instance["days"] = ["mon", "tue", "wed"]
    instance["locations"][0]["capacity"]["wed"] = 5
    result = solve(instance, time_limit=3)
    for row in result["assignments"].values():
        assert row["wed"] == "off"
        assert set(row) == {"mon", "tue", "wed"}


def test_the_plan_beats_the_scorer_style_greedy_on_a_mid_size_organisation():
    instance = generate(80, seed=5)
    result = solve(instance, time_limit=4, workers=2)
    assert broken_rules(instance, result["assignments"]) == []
    # Everyone at home on all but their minimum days is a weak plan; the solver must do better.
    assert result["objective"] > 0.5 * result["bound"]


def test_a_hint_is_a_floor():
    instance = generate(40, seed=7)
    first = solve(instance, time_limit=3, workers=2)
    again = solve(instance, time_limit=1, workers=2, hint=first["assignments"])
    assert again["objective"] >= first["objective"]


def test_fixed_day_demand_over_capacity_is_named():
    instance = tiny(mon=1)
    instance["people"][0]["fixed_office_days"] = ["mon"]
    instance["people"][1]["fixed_office_days"] = ["mon"]
    result = solve(instance, time_limit=2)
    assert result["status"] == "INFEASIBLE"
    assert result["assignments"] == {}
    reason = result["reasons"][0]
    assert reason["code"] == "capacity_fixed_days"
    assert reason["day"] == "mon"
    assert "2 people" in reason["message"]


def test_a_personal_contradiction_names_the_person():
    instance = tiny()
    instance["people"][2]["fixed_office_days"] = ["tue"]
    instance["people"][2]["unavailable_office_days"] = ["tue"]
    result = solve(instance, time_limit=2)
    assert result["status"] == "INFEASIBLE"
    assert any(r["code"] == "fixed_unavailable" and r["person"] == "c" for r in result["reasons"])


def test_infeasibility_only_the_solver_finds_is_narrowed_to_a_group():
    # The team rule wants all three in on Monday; there are two desks.
    instance = tiny(mon=2)
    instance["rules"] = [{"team": "t", "day": "mon", "min_fraction": 1.0}]
    result = solve(instance, time_limit=2)
    assert result["status"] == "INFEASIBLE"
    codes = {r["code"] for r in result["reasons"]}
    assert "infeasible_capacity" in codes


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda i: i["people"][0].update(locations=["zolder"]), "'a': unknown location 'zolder'"),
        (lambda i: i["people"][1].update(min_office_days=3, max_office_days=2), "'b'"),
        (lambda i: i["people"][1].update(work_days=["sun"]), "unknown day 'sun'"),
        (lambda i: i["collaboration"].append({"a": "a", "b": "x", "weight": 1}), "'x'"),
        (lambda i: i["rules"].append({"team": "nope", "day": "mon", "min_fraction": 1}), "nope"),
        (lambda i: i["locations"][0]["capacity"].pop("tue"), "'tue'"),
        (lambda i: i.pop("people"), "'people'"),
    ],
)
def test_malformed_input_raises_a_clear_error(change, words):
    instance = tiny()
    change(instance)
    with pytest.raises(PlanningInputError, match=None) as info:
        solve(instance, time_limit=1)
    assert words in str(info.value)


def test_explain_gives_structured_reasons():
    instance = tiny()
    instance["people"][0]["fixed_office_days"] = ["mon"]
    instance["days"] = ["mon", "tue", "wed"]
    instance["locations"][0]["capacity"]["wed"] = 5
    result = solve(instance, time_limit=3)
    reasons = explain(instance, result)
    assert set(reasons) == {"a", "b", "c"}
    codes = {day: [r["code"] for r in rs] for day, rs in reasons["a"].items()}
    assert "fixed_day" in codes["mon"]
    assert "colleagues" in codes["mon"]
    assert codes["wed"] == ["not_working"]
    assert "home" in codes["tue"]
    assert "max_office_days" in codes["tue"]
    together = next(r for r in reasons["a"]["mon"] if r["code"] == "colleagues")
    assert together["count"] == 1
    assert all(isinstance(r["message"], str) for rs in reasons["c"].values() for r in rs)
    # The app passes only the assignments; that works too.
    assert explain(instance, result["assignments"]) == reasons


def test_check_and_objective_for_hand_made_changes():
    instance = tiny()
    plan = solve(instance, time_limit=3)["assignments"]
    assert objective(instance, plan) == 3.5
    plan["c"] = {"mon": "kantoor", "tue": "home"}  # three on Monday: one over
    codes = {v["code"] for v in check(instance, plan)}
    assert codes == {"capacity"}


def test_cli_round_trip_writes_the_readme_format(tmp_path, capsys):
    instance = generate(20, seed=11)
    source = tmp_path / "org.json"
    source.write_text(json.dumps(instance))
    out = tmp_path / "out" / "plan.json"
    call_command("plan_office", "--instance", str(source), "--out", str(out), "--time-limit", "2")
    plan = json.loads(out.read_text())
    assert {"assignments", "objective", "bound"} <= set(plan)
    assert set(plan["assignments"]) == {p["id"] for p in instance["people"]}
    assert broken_rules(instance, plan["assignments"]) == []
    assert plan["objective"] == pytest.approx(value_of(instance, plan["assignments"]))
    line = capsys.readouterr().out.strip()
    assert line.startswith(("OPTIMAL", "FEASIBLE")) and "20 people" in line


def test_cli_refuses_bad_files(tmp_path):
    missing = tmp_path / "nope.json"
    with pytest.raises(CommandError, match="does not exist") as info:
        call_command("plan_office", "--instance", str(missing), "--out", str(tmp_path / "p"))
    assert info.value.returncode == 2
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("plan_office", "--instance", str(broken), "--out", str(tmp_path / "p"))
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({**tiny(), "rules": [{"team": "x", "day": "mon"}]}))
    with pytest.raises(CommandError, match="unknown team 'x'"):
        call_command("plan_office", "--instance", str(wrong), "--out", str(tmp_path / "p"))
    infeasible = tiny(mon=1)
    for p in infeasible["people"][:2]:
        p["fixed_office_days"] = ["mon"]
    bad = tmp_path / "infeasible.json"
    bad.write_text(json.dumps(infeasible))
    with pytest.raises(CommandError, match="No plan: infeasible") as info:
        call_command("plan_office", "--instance", str(bad), "--out", str(tmp_path / "p"))
    assert info.value.returncode == 1
    assert not (tmp_path / "p").exists()
