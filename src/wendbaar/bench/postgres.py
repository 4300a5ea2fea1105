"""A throwaway PostgreSQL 16 (with pgvector) for benchmarks, from the `pgserver` wheel.

Only the server binaries of the wheel are used (like .ci/run does): initdb into a new temporary
folder, start on 127.0.0.1 at a free port (its socket in that folder too), yield a DATABASE_URL,
then stop the server and delete the folder. Nothing outside the temporary folder is touched.
PostgreSQL refuses to run as root; as root the server runs as the `postgres` (or `nobody`) account,
which then owns the temporary folder.
"""

import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

# Durability is irrelevant for a throwaway server; memory as a small production server would have.
SERVER_SETTINGS = {
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "shared_buffers": "512MB",
    "maintenance_work_mem": "1GB",
    "work_mem": "32MB",
}


class PostgresUnavailable(RuntimeError):
    """No throwaway PostgreSQL can be started here; the message says why."""


def pgserver_bin() -> Path:
    """The bin folder of the pgserver wheel, found without importing pgserver (which writes a
    runtime folder and lock file on import)."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise PostgresUnavailable("the pgserver package is not installed (a dev dependency)")
    folder = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (folder / "initdb").exists() or not (folder / "pg_ctl").exists():
        raise PostgresUnavailable(f"the pgserver package has no PostgreSQL binaries in {folder}")
    return folder


def _server_account() -> pwd.struct_passwd | None:
    """The account to run PostgreSQL as: None for the current one, unless that is root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresUnavailable("running as root, and there is no postgres or nobody account")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_version(bin_dir: Path) -> str:
    result = subprocess.run(  # noqa: S603 - the wheel's own binary
        [str(bin_dir / "postgres"), "--version"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip()


def pgvector_version(bin_dir: Path) -> str | None:
    control = bin_dir.parent / "share" / "postgresql" / "extension" / "vector.control"
    if not control.exists():
        return None
    for line in control.read_text().splitlines():
        if line.startswith("default_version"):
            return line.split("=", 1)[1].strip().strip("'")
    return None


@contextmanager
def throwaway_postgres(database: str = "wendbaar_bench") -> Iterator[str]:
    """Start a fresh PostgreSQL server from the pgserver wheel; yields its DATABASE_URL."""
    bin_dir = pgserver_bin()
    account = _server_account()
    folder = Path(tempfile.mkdtemp(prefix="wendbaar-bench-pg-"))
    as_account = {}
    if account is not None:
        os.chown(folder, account.pw_uid, account.pw_gid)
        as_account = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}

    def run(*args: str) -> None:
        result = subprocess.run(  # noqa: S603 - the wheel's own binaries, fixed arguments
            [str(bin_dir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            check=False,
            cwd=folder,
            **as_account,
        )
        if result.returncode != 0:
            log = folder / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise PostgresUnavailable(
                f"{args[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}\n{tail}"
            )

    data = folder / "data"
    started = False
    try:
        run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        port = _free_port()
        options = f"-h 127.0.0.1 -p {port} -k {folder} " + " ".join(
            f"-c {name}={value}" for name, value in SERVER_SETTINGS.items()
        )
        run("pg_ctl", "-D", str(data), "-l", str(folder / "log"), "-w", "-o", options, "start")
        started = True
        run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database)
        yield f"postgres://postgres@127.0.0.1:{port}/{database}"
    finally:
        if started:
            try:
                run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
            except PostgresUnavailable:
                _kill_postmaster(data)
        shutil.rmtree(folder, ignore_errors=True)


def _kill_postmaster(data: Path) -> None:
    """Stop the server this module started, by the pid in its own postmaster.pid."""
    with suppress(OSError, ValueError, IndexError):
        pid = int((data / "postmaster.pid").read_text().splitlines()[0])
        os.kill(pid, signal.SIGQUIT)
