"""Load the embedded models once when a web or worker process starts, in the background.

Without this the first question, reply draft or masked AI call after a restart waits a second or
two while the sentence encoder and the privacy guard's name lists are loaded. The process serves
requests meanwhile; a request that needs a model before it is ready simply waits for the same
lock, so nothing is loaded twice.
"""

import logging
import os
import threading

logger = logging.getLogger(__name__)

_started = False
_started_lock = threading.Lock()


def enabled() -> bool:
    """On unless WENDBAAR_WARM_UP is 0/false/no (tests and one-off commands leave it off)."""
    return os.environ.get("WENDBAAR_WARM_UP", "1").strip().lower() not in ("0", "false", "no")


def _load() -> None:
    from wendbaar.ai.embeddings import embed_texts
    from wendbaar.privacy.engine import get_engine

    for name, step in (
        ("sentence encoder", lambda: embed_texts(["opwarmen"])),
        ("privacy guard", get_engine),
    ):
        try:
            step()
        except Exception:  # a broken model shows itself on first real use, with its own message
            logger.warning("Warming up the %s failed", name, exc_info=True)
        else:
            logger.info("Warmed up the %s", name)


def warm_up_in_background() -> threading.Thread | None:
    """Start loading the models in a daemon thread, once per process; None when switched off."""
    global _started
    if not enabled():
        return None
    with _started_lock:
        if _started:
            return None
        _started = True
    thread = threading.Thread(target=_load, name="wendbaar-warm-up", daemon=True)
    thread.start()
    return thread
