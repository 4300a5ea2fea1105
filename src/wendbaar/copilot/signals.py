"""Signals capabilities listen to; core apps cannot import them, so they announce instead."""

from django.dispatch import Signal

# Sent after the transaction that recorded the review commits. Arguments: draft, review.
draft_reviewed = Signal()
