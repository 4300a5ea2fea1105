"""The one shared name-recognition engine: deduce's lookup structures plus Wendbaar's word lists.

Building deduce's lookup structures takes about a minute the first time; they are cached on disk
(`PRIVACY_CACHE_DIR`, by default `var/cache/privacy`) and then load in seconds. `wendbaar privacy
prepare` builds them at install time so that no request ever waits for the first build. The engine is
made once per process, on first use, behind a lock: threads that ask at the same time wait for the
same build instead of starting their own.
"""

import hashlib
import json
import logging
import os
import pickle
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from wendbaar.privacy import lexicon

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

logger = logging.getLogger(__name__)

# Bump when the word lists change in a way the source of `lexicon` does not show.
LEXICON_VERSION = "1"

# The deduce annotators Wendbaar uses: names, places and institutions. Identifiers, dates and ages
# are found by Wendbaar's own checksum-based finders, so deduce's are switched off.
DEDUCE_GROUPS = ("names", "locations", "institutions")

_lock = threading.Lock()
_engine: "Engine | None" = None


@dataclass
class Engine:
    """deduce plus the lexicon; safe to share between threads (annotating keeps no state)."""

    deduce: object
    words: "lexicon.Lexicon"

    def deduce_annotations(self, text: str) -> list[tuple[int, int, str, str]]:
        """(start, end, deduce tag, text) of names, places and institutions deduce finds."""
        doc = self.deduce.deidentify(text, disabled={"redactor"})
        return [(a.start_char, a.end_char, a.tag, a.text) for a in doc.annotations]


def default_cache_dir() -> Path:
    """`PRIVACY_CACHE_DIR` if set, else `<VAR_DIR>/cache/privacy`."""
    from django.conf import settings

    configured = getattr(settings, "PRIVACY_CACHE_DIR", None)
    if configured:
        return Path(configured)
    return Path(settings.VAR_DIR) / "cache" / "privacy"


def _import_deduce():
    # deduce calls logging.basicConfig(level=DEBUG) on import; keep the process's own logging as is.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    import deduce

    root.handlers[:] = handlers
    root.setLevel(level)
    return deduce


def _deduce_config() -> dict:
    """deduce's packaged configuration with only the annotators of `DEDUCE_GROUPS`."""
    deduce = _import_deduce()
    base = Path(deduce.__file__).parent / "base_config.json"
    config = json.loads(base.read_text(encoding="utf-8"))
    config["annotators"] = {
        name: spec
        for name, spec in config["annotators"].items()
        if spec.get("group") in DEDUCE_GROUPS
    }
    return config


def _versions() -> str:
    """What the cached word lists were built from; any change rebuilds them."""
    source = hashlib.sha256(Path(lexicon.__file__).read_bytes()).hexdigest()[:16]
    return "|".join(
        [LEXICON_VERSION, source, metadata.version("deduce"), metadata.version("phonenumbers")]
    )


def _load_words(cache_dir: Path, rebuild: bool) -> "lexicon.Lexicon":
    path = cache_dir / "lexicon.pickle"
    if not rebuild and path.exists():
        try:
            with path.open("rb") as handle:
                cached = pickle.load(handle)  # noqa: S301 - our own cache file
            if cached.get("versions") == _versions():
                return cached["lexicon"]
        except (OSError, pickle.PickleError, EOFError, AttributeError, KeyError):
            logger.warning("The privacy word-list cache at %s is unreadable; rebuilding it.", path)
    words = lexicon.build()
    _atomic_pickle(path, {"versions": _versions(), "lexicon": words})
    return words


def _atomic_pickle(path: Path, data) -> None:
    # Several processes may build at once (web and worker); a half-written file must never be read.
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
        pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(handle.name, path)


@contextmanager
def _cache_lock(cache_dir: Path, *, exclusive: bool):
    """Across processes: one builds the cache while nobody reads it; many may read at once.

    deduce writes its cache file in place, so a reader must never see it half-written.
    """
    if fcntl is None:  # not on Linux or macOS; a single process there is the usual case
        yield
        return
    with (cache_dir / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(cache_dir: Path | None = None, *, rebuild: bool = False) -> Engine:
    """Make an engine, using (and filling) the on-disk cache; `rebuild` ignores what is cached."""
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    cache_dir.mkdir(parents=True, exist_ok=True)
    deduce = _import_deduce()
    with _cache_lock(cache_dir, exclusive=rebuild or not is_cached(cache_dir)):
        instance = deduce.Deduce(
            load_base_config=False,
            config=_deduce_config(),
            cache_path=cache_dir / "deduce",
            build_lookup_structs=rebuild,
        )
        words = _load_words(cache_dir, rebuild)
    return Engine(deduce=instance, words=words)


def get_engine() -> Engine:
    """The process's shared engine, built on first use (thread-safe)."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                _engine = build()
    return _engine


def prepare(*, rebuild: bool = False, cache_dir: Path | None = None) -> float:
    """Build (or load) the cached structures now and install them as the shared engine; seconds taken."""
    global _engine
    started = time.monotonic()
    with _lock:
        _engine = build(cache_dir, rebuild=rebuild)
    return time.monotonic() - started


def is_cached(cache_dir: Path | None = None) -> bool:
    """Whether deduce's lookup structures are on disk already (so loading takes seconds)."""
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return (cache_dir / "deduce" / "cache" / "lookup_structs.pickle").exists()
