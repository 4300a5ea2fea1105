"""The evaluation tasks of `../shared/eval/README.md`. A capability registers its adapter when it is built.

An adapter is a module with `add_arguments(parser)` and `run(options, progress) -> None`; it reads the
public files, calls the same services the web app uses, writes the predictions and reports progress
with one line per stage.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class EvalTask:
    name: str
    capability: str
    summary: str
    adapter: str | None = None  # dotted module path, once the capability exists


TASKS = {
    task.name: task
    for task in [
        EvalTask(
            "retrieval",
            "Knowledge",
            "search and answers with citations (corpus + queries -> run)",
            adapter="wendbaar.evals.retrieval",
        ),
        EvalTask(
            "minutes",
            "Meetings",
            "minutes, decisions and action items from transcripts",
            adapter="wendbaar.evals.minutes",
        ),
        EvalTask(
            "triage",
            "Customer questions",
            "priority, queue and type of tickets",
            adapter="wendbaar.evals.triage",
        ),
        EvalTask("leads", "Sales", "calibrated lead scores with signals"),
        EvalTask("bottlenecks", "Insights", "waiting times between activities of an event log"),
        EvalTask(
            "quotes",
            "Quotes",
            "quote lines and open points from requests and a catalogue",
            adapter="wendbaar.evals.quotes",
        ),
        EvalTask(
            "pii", "Privacy", "personal data spans in Dutch text", adapter="wendbaar.evals.pii"
        ),
    ]
}
