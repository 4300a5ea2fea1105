"""`make bench`: the benchmarks of Wendbaar's capabilities. Each prints its figures as one JSON line.

Capabilities add their benchmark module to BENCHMARKS as they are built.
"""

import importlib
import json
import sys

BENCHMARKS: list[str] = ["wendbaar.ai.search.bench", "wendbaar.privacy.bench"]


def main() -> int:
    if not BENCHMARKS:
        print(json.dumps({"benchmarks": 0, "note": "no capability benchmarks yet"}))
        return 0
    for name in BENCHMARKS:
        module = importlib.import_module(name)
        print(json.dumps({"benchmark": name, **module.run()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
