"""`make bench`: the benchmarks of Wendbaar's capabilities. Each prints its figures as JSON lines.

Capabilities add their benchmark module to BENCHMARKS as they are built. A module's `run()` returns
a dict of figures, or a list of them (one line each, e.g. one per search backend).
"""

import importlib
import json
import sys

BENCHMARKS: list[str] = [
    "wendbaar.ai.search.bench",
    "wendbaar.privacy.bench",
    "wendbaar.knowledge.bench",
    "wendbaar.meetings.bench",
    "wendbaar.service.bench",
    "wendbaar.planning.bench",
]


def main() -> int:
    if not BENCHMARKS:
        print(json.dumps({"benchmarks": 0, "note": "no capability benchmarks yet"}))
        return 0
    for name in BENCHMARKS:
        module = importlib.import_module(name)
        results = module.run()
        for result in results if isinstance(results, list) else [results]:
            print(json.dumps({"benchmark": name, **result}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
