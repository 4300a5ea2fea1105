"""Learning from reviews: an accepted answer lifts the passages it cited, a rejected one lowers them."""

from django.dispatch import receiver

from wendbaar.copilot.choices import Capability
from wendbaar.copilot.signals import draft_reviewed


@receiver(draft_reviewed, dispatch_uid="knowledge.answer_reviewed")
def answer_reviewed(sender, draft, review, **kwargs):
    if draft.capability != Capability.KNOWLEDGE or draft.kind != "answer":
        return
    from wendbaar.knowledge.services import answer_feedback_record

    answer_feedback_record(draft=draft, decision=review.decision)
