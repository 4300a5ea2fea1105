"""`wendbaar plan-office --instance ORG.json --out PLAN.json`: plan one week of office days.

The command reads and writes exactly the formats of `../shared/eval/README.md` so that a plan can be
checked outside the app with `score.py planning`; it calls the same engine as the app's planner.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wendbaar.planning.solver import PlanningInputError, solve


class Command(BaseCommand):
    help = (
        "Plan office days for one week from an organisation file (ORG.json) and write the plan "
        "(PLAN.json): every person, every day, an office, home or off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--instance", required=True, help="The organisation (ORG.json).")
        parser.add_argument("--out", required=True, help="Where to write the plan (PLAN.json).")
        parser.add_argument(
            "--time-limit", type=float, default=30.0, help="Seconds the solver may take (30)."
        )
        parser.add_argument(
            "--workers", type=int, default=None, help="Solver threads (default: the CPU count)."
        )

    def handle(self, *args, **options):
        source = Path(options["instance"])
        if options["time_limit"] <= 0:
            raise CommandError("--time-limit must be more than 0 seconds.", returncode=2)
        if options["workers"] is not None and options["workers"] < 1:
            raise CommandError("--workers must be at least 1.", returncode=2)
        try:
            instance = json.loads(source.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise CommandError(f"{source} does not exist.", returncode=2) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {source}: {exc}", returncode=2) from exc
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).",
                returncode=2,
            ) from exc
        try:
            result = solve(instance, time_limit=options["time_limit"], workers=options["workers"])
        except PlanningInputError as exc:
            raise CommandError(f"{source}: {exc}", returncode=2) from exc
        if result["status"] not in ("OPTIMAL", "FEASIBLE"):
            reasons = "; ".join(r["message"] for r in result.get("reasons", []))
            raise CommandError(
                f"No plan: {result['status'].lower()}. {reasons}".strip(), returncode=1
            )
        plan = {k: result[k] for k in ("assignments", "objective", "bound", "status", "seconds")}
        out = Path(options["out"])
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(plan, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc}", returncode=2) from exc
        self.stdout.write(
            f"{result['status']}: {len(result['assignments'])} people, objective "
            f"{result['objective']:g} (bound {result['bound']:g}) in {result['seconds']:.1f} s "
            f"-> {out}"
        )
