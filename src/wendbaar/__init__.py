"""Wendbaar: a self-hosted, privacy-first AI copilot for hybrid teams."""

import os

# Multi-threaded OpenBLAS stalls the tiny matrix products of a single query embedding by ~200 ms on
# small machines; one BLAS thread per process is faster here. Set before numpy is first imported;
# an explicit setting in the environment wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
