import importlib
import sys

from django.core.management.base import BaseCommand, CommandError

from wendbaar.evals.registry import TASKS


class Command(BaseCommand):
    help = "Evaluate a capability on public benchmark files (see ../shared/eval/README.md)."

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="task", metavar="TASK", required=True)
        for task in TASKS.values():
            sub = subparsers.add_parser(task.name, help=task.summary, add_help=True)
            if task.adapter:
                importlib.import_module(task.adapter).add_arguments(sub)

    def run_from_argv(self, argv):
        # Options of a task that is not built yet must not trip argparse before we can explain.
        task = argv[2] if len(argv) > 2 else ""
        if task in TASKS and not TASKS[task].adapter:
            self.stderr.write(self._not_built(task))
            sys.exit(2)
        super().run_from_argv(argv)

    def handle(self, *args, **options):
        task = TASKS[options["task"]]
        if not task.adapter:
            raise CommandError(self._not_built(task.name), returncode=2)

        def progress(message: str) -> None:
            self.stderr.write(f"[{task.name}] {message}")

        importlib.import_module(task.adapter).run(options, progress)

    @staticmethod
    def _not_built(name: str) -> str:
        task = TASKS[name]
        return (
            f"wendbaar eval {name}: not available yet. This evaluation runs the {task.capability} "
            f"capability, which has not been built."
        )
