"""`wendbaar quotes_pilot [--since DATE] [--until DATE] [--maker ID] [--json]`: the quotes pilot."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from wendbaar.common import pilot as stats
from wendbaar.quotes import pilot


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from exc


def _num(value, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "%":
        return f"{value * 100:.0f} %"
    if unit == "€":
        return f"€ {value:,.0f}"
    return f"{value:,.1f} {unit}"


class Command(BaseCommand):
    help = "Show the quotes pilot: time saved and quality of quotes made from AI drafts."

    def add_arguments(self, parser):
        parser.add_argument("--since", default="", help="Pilot quotes requested from (YYYY-MM-DD).")
        parser.add_argument("--until", default="", help="Requested until (YYYY-MM-DD).")
        parser.add_argument("--maker", type=int, default=None, help="Only quotes of this user id.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options):
        report = pilot.pilot_report_for_operator(
            since=_date(options["since"]) if options["since"] else None,
            until=_date(options["until"]) if options["until"] else None,
            maker_id=options["maker"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(pilot.report_as_dict(report), indent=2, default=str))
            return
        if not report.started:
            self.stdout.write("The pilot has not started (no start date in the quote settings).")
        else:
            self.stdout.write(
                f"Pilot since {report.started_on.isoformat()}, compared with: "
                f"{report.comparison} ({report.comparison_label})."
            )
        counts = report.group_counts
        self.stdout.write(
            f"Quotes from a draft: {counts[pilot.PILOT]}; comparison group: "
            f"{counts[pilot.BASELINE]}."
        )
        for h in report.headlines:
            c = h.comparison
            stat = c.statistic
            line = (
                f"- {h.label}: {stat} {_num(getattr(c.pilot, stat), h.unit)} (n={c.pilot.n}) "
                f"vs {_num(getattr(c.baseline, stat), h.unit)} (n={c.baseline.n})"
            )
            if c.verdict == stats.TOO_FEW:
                line += f": too few to judge (at least {c.min_n} per group)"
            else:
                if c.relative_change is not None and h.unit != "%":
                    line += f", change {c.relative_change * 100:+.0f} %"
                if h.unit == "%":
                    line += (
                        f", difference {c.difference * 100:+.0f} points "
                        f"[{c.ci_low * 100:+.0f}, {c.ci_high * 100:+.0f}]"
                    )
                else:
                    line += (
                        f", difference {c.difference:+,.1f} [{c.ci_low:+,.1f}, {c.ci_high:+,.1f}]"
                    )
                p_text = "p<0.001" if c.p_value < 0.001 else f"p={c.p_value:.3f}"
                line += f", {p_text}: {c.verdict.replace('_', ' ')}"
            self.stdout.write(line)
        kept = report.survival.get("kept_share")
        if kept and kept.n:
            self.stdout.write(
                f"Draft lines kept: {kept.mean * 100:.0f} % on average over {kept.n} issued "
                f"quotes, {report.survival['unchanged_share'].mean * 100:.0f} % unchanged; "
                f"{report.survival['edit_ratio'].mean * 100:.0f} % of the line list edited."
            )
        if report.adoption:
            share = report.adoption["share"]
            self.stdout.write(
                f"Adoption: {report.adoption['from_draft']} of {report.adoption['quotes']} quotes "
                f"since the start were made from a draft"
                + (f" ({share * 100:.0f} %)." if share is not None else ".")
            )
