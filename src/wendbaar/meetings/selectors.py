"""Reading meetings: only those a person attended, or that were shared with them."""

from django.db.models import Exists, OuterRef, QuerySet

from wendbaar.accounts.models import visible_q
from wendbaar.meetings.models import Meeting, Participant


def meeting_visible_q(user):
    """Visible by the meeting's audience rules, or because the person took part."""
    if user is None or not user.is_authenticated or not user.is_active:
        return visible_q(Meeting, user)
    attended = Exists(Participant.objects.filter(meeting=OuterRef("pk"), person_id=user.pk))
    return visible_q(Meeting, user) | attended


def meeting_list(*, user, query: str = "") -> QuerySet[Meeting]:
    meetings = Meeting.objects.filter(meeting_visible_q(user)).select_related("team", "owner")
    if query:
        meetings = meetings.filter(title__icontains=query)
    return meetings


def meeting_get(*, user, pk: int) -> Meeting:
    from django.http import Http404

    meeting = meeting_list(user=user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def meeting_lines(*, meeting: Meeting):
    return meeting.lines.select_related("person").order_by("index")


def meeting_participants(*, meeting: Meeting):
    return meeting.participant_rows.select_related("person").order_by("name", "pk")
