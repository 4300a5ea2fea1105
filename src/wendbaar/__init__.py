"""Wendbaar: a self-hosted, privacy-first AI copilot for hybrid teams."""

__version__ = "0.1.0"
