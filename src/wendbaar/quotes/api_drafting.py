"""Quotes API, one part (drafting); added to the quotes router in quotes/api.py."""

from ninja import Router

router = Router()
