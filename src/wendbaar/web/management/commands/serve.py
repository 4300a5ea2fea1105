import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve Wendbaar with granian (production-grade), optionally with a background worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("WENDBAAR_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("WENDBAAR_PORT", "8000"))
        )
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "1")))
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", "8")),
            help="Requests handled at once per web worker process.",
        )
        parser.add_argument(
            "--with-worker", action="store_true", help="Also run one `wendbaar worker` process."
        )

    def handle(self, *args, **options):
        worker = None
        if options["with_worker"] and settings.TASKS["default"]["BACKEND"].startswith(
            "wendbaar.jobs"
        ):
            worker = subprocess.Popen([sys.executable, "-m", "wendbaar", "worker"])
        command = [
            sys.executable, "-m", "granian", "--interface", "wsgi", "--host", options["host"],
            "--port", str(options["port"]), "--workers", str(options["workers"]), "--no-ws",
            "--blocking-threads", str(options["threads"]), "--backpressure", str(options["threads"]),
            "wendbaar.config.wsgi:application",
        ]  # fmt: skip
        self.stdout.write(f"Wendbaar on http://{options['host']}:{options['port']} (Ctrl+C stops)")
        server = subprocess.Popen(command)  # noqa: S603
        children = [child for child in (server, worker) if child is not None]

        def stop(signum, frame):
            # Whoever stops us (Ctrl+C, systemd, a test) stops the server and the worker too; the
            # worker finishes the task in hand first.
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            returncode = server.wait()
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    child.kill()
        if returncode not in (0, -signal.SIGTERM, -signal.SIGINT):
            raise CommandError(f"The web server stopped with exit status {returncode}.")
