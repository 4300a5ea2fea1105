"""Publishing minutes: the reviewed text and items become the meeting's minutes, tasks for their
owners, a mail to every participant over real SMTP, and files (Markdown, DOCX, PDF, iCalendar)."""

import email
import io
import time
from datetime import date
from email import policy

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from wendbaar.ai.search.backends import reset_backends
from wendbaar.audit.models import AuditEvent
from wendbaar.common.errors import BusinessRuleError
from wendbaar.copilot import services as copilot_services
from wendbaar.meetings import exports, selectors, services
from wendbaar.meetings.models import ActionTask, Meeting

pytestmark = pytest.mark.django_db

TRANSCRIPT = """Alice: Goedemorgen. We moeten het onderhoudsschema voor de warmtepompen rond krijgen.
Bob: Ik heb de lijst met klanten bijna klaar, er staan veertig adressen op.
Alice: Mooi. We besluiten dat we in maart met de eerste twintig beginnen.
Bob: Akkoord. Ik stuur de planning voor vrijdag naar iedereen.
Gast: Moet ik de monteurs nog inlichten?
Alice: Ja graag, kun jij dat volgende week doen?
"""


@pytest.fixture(autouse=True)
def _index(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reset_backends()
    yield
    reset_backends()


@pytest.fixture
def meeting(alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.meeting_create(
            actor=alice,
            title="Planning onderhoud",
            meeting_date=date(2026, 3, 9),
            filename="overleg.txt",
            data=TRANSCRIPT.encode(),
            participants=[bob],
        )


def _accepted(actor, meeting, final_text=None):
    draft = services.minutes_propose(actor=actor, meeting=meeting)
    copilot_services.draft_review(
        actor=actor, draft=draft, decision="accepted", final_text=final_text
    )
    draft.refresh_from_db()
    return draft


def _wait_for(smtp_server, count, timeout=10.0):
    deadline = time.monotonic() + timeout
    while len(smtp_server.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return smtp_server.messages


def _publish(actor, meeting, draft, capture):
    with capture(execute=True):
        return services.minutes_publish(
            actor=actor, meeting=meeting, draft=draft, base_url="https://wendbaar.test/"
        )


def test_publishing_mails_participants_and_makes_tasks(
    alice, bob, meeting, smtp_server, django_capture_on_commit_callbacks
):
    draft = _accepted(alice, meeting)
    published = _publish(alice, meeting, draft, django_capture_on_commit_callbacks)

    assert (
        published.published_at is not None and published.published_text == draft.review.final_text
    )
    messages = _wait_for(smtp_server, 2)
    assert sorted(m.rcpt_tos[0] for m in messages) == ["alice@example.nl", "bob@example.nl"]
    for envelope in messages:
        mail = email.message_from_bytes(envelope.content, policy=policy.default)
        assert mail["Subject"] == "Notulen: Planning onderhoud"
        body = mail.get_body(preferencelist=("plain",)).get_content()
        assert "Ik stuur de planning naar iedereen" in body
        assert f"https://wendbaar.test/meetings/{meeting.pk}/" in body
        attachments = [part.get_filename() for part in mail.iter_attachments()]
        assert attachments and attachments[0].endswith(".pdf")
    to_bob = next(
        email.message_from_bytes(m.content, policy=policy.default)
        for m in messages
        if m.rcpt_tos == ["bob@example.nl"]
    )
    assert "Jouw taken" in to_bob.get_body(preferencelist=("plain",)).get_content()

    tasks = list(selectors.meeting_tasks(meeting=meeting))
    bobs = [t for t in tasks if t.owner == bob]
    assert len(bobs) == 1 and bobs[0].due == date(2026, 3, 13) and bobs[0].lines == [4]
    unresolved = [t for t in tasks if t.owner is None]
    assert unresolved and unresolved[0].owner_name == "Gast"
    # The low-confidence item the minutes text left out does not become a task.
    assert len(tasks) == 2
    assert AuditEvent.objects.filter(action="meetings.minutes_published").count() == 1
    assert AuditEvent.objects.filter(action="meetings.minutes_sent").count() == 2


def test_publishing_twice_sends_nothing_and_adds_no_tasks(
    alice, meeting, smtp_server, django_capture_on_commit_callbacks
):
    draft = _accepted(alice, meeting)
    _publish(alice, meeting, draft, django_capture_on_commit_callbacks)
    _wait_for(smtp_server, 2)
    _publish(alice, meeting, draft, django_capture_on_commit_callbacks)
    # Running the mail task again (a retry) sends nothing either.
    from wendbaar.meetings.tasks import minutes_email_task

    for row in meeting.participant_rows.exclude(person=None):
        assert minutes_email_task.call(row.pk, "") is False
    time.sleep(0.3)
    assert len(smtp_server.messages) == 2
    assert ActionTask.objects.filter(meeting=meeting).count() == 2
    assert AuditEvent.objects.filter(action="meetings.minutes_published").count() == 1


def test_the_reviewed_text_decides_owner_and_due_date(
    alice, bob, meeting, smtp_server, django_capture_on_commit_callbacks
):
    draft = services.minutes_propose(actor=alice, meeting=meeting)
    text = draft.text.replace(
        "- Bob Jansen: Ik stuur de planning naar iedereen (uiterlijk 2026-03-13).",
        "- Alice de Vries: Ik stuur de planning naar iedereen (uiterlijk 2026-03-16).",
    ).replace("- Gast: Moet ik de monteurs nog inlichten.\n", "")
    assert text != draft.text
    copilot_services.draft_review(actor=alice, draft=draft, decision="edited", final_text=text)
    _publish(alice, meeting, draft, django_capture_on_commit_callbacks)
    task = ActionTask.objects.get(meeting=meeting)
    assert task.owner == alice and task.due == date(2026, 3, 16)
    assert not ActionTask.objects.filter(owner=bob).exists()


def test_only_an_accepted_draft_of_this_meeting_by_its_reviewer_publishes(
    alice, bob, meeting, django_capture_on_commit_callbacks
):
    draft = services.minutes_propose(actor=alice, meeting=meeting)
    with pytest.raises(BusinessRuleError) as error:
        services.minutes_publish(actor=alice, meeting=meeting, draft=draft)
    assert error.value.code == "not_accepted"
    copilot_services.draft_review(actor=alice, draft=draft, decision="accepted")
    with pytest.raises(BusinessRuleError) as error:  # bob attended but cannot see alice's draft
        services.minutes_publish(actor=bob, meeting=meeting, draft=draft)
    assert error.value.status_code in (403, 404)
    outsider = UserFactory(email="eve@example.nl", full_name="Eve Buiten")
    with pytest.raises(BusinessRuleError) as error:
        services.minutes_publish(actor=outsider, meeting=meeting, draft=draft)
    assert error.value.status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).published_at is None


def test_publish_button_and_page(
    alice, bob, meeting, client_for, smtp_server, django_capture_on_commit_callbacks
):
    client = client_for(alice)
    detail = reverse("meetings:detail", args=[meeting.pk])
    assert 'data-testid="publish-minutes"' not in client.get(detail).content.decode()
    draft = _accepted(alice, meeting)
    assert 'data-testid="publish-minutes"' in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:publish", args=[meeting.pk]), {"draft": draft.pk})
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert 'data-testid="publish-minutes"' not in page
    assert 'data-testid="published-minutes"' in page and "Gast" in page
    assert reverse("meetings:export", args=[meeting.pk, "pdf"]) in page
    assert len(_wait_for(smtp_server, 2)) == 2


def test_my_tasks_and_marking_done(
    alice, bob, meeting, client_for, smtp_server, django_capture_on_commit_callbacks
):
    _publish(alice, meeting, _accepted(alice, meeting), django_capture_on_commit_callbacks)
    task = ActionTask.objects.get(owner=bob)
    page = client_for(bob).get(reverse("meetings:tasks"))
    html = page.content.decode()
    assert "Ik stuur de planning naar iedereen" in html
    assert f"/meetings/{meeting.pk}/#line-4" in html
    assert "Moet ik de monteurs" not in html  # not bob's
    assert (
        "Ik stuur de planning"
        not in client_for(alice).get(reverse("meetings:tasks")).content.decode()
    )

    url = reverse("meetings:task_status", args=[task.pk])
    assert client_for(alice).post(url, {"done": "1"}).status_code == 404  # not hers
    task.refresh_from_db()
    assert task.status == "open"
    assert client_for(bob).post(url, {"done": "1"}).status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.done_at is not None
    assert list(selectors.task_list(user=bob, status="open")) == []
    client_for(bob).post(url, {"done": "0"})
    task.refresh_from_db()
    assert task.status == "open" and task.done_at is None
    with pytest.raises(BusinessRuleError):
        services.task_set_done(actor=alice, task=task, done=True)
    assert AuditEvent.objects.filter(action="meetings.task_done").count() == 1
    calendar = client_for(bob).get(reverse("meetings:tasks_ics")).content.decode()
    assert calendar.count("BEGIN:VTODO") == 1 and f"task-{task.pk}@" in calendar
    assert (
        "BEGIN:VTODO" not in client_for(alice).get(reverse("meetings:tasks_ics")).content.decode()
    )


def test_exports_parse_back(
    alice, meeting, client_for, smtp_server, django_capture_on_commit_callbacks
):
    import docx
    import pypdf

    _publish(alice, meeting, _accepted(alice, meeting), django_capture_on_commit_callbacks)
    client = client_for(alice)

    def get(fmt):
        response = client.get(reverse("meetings:export", args=[meeting.pk, fmt]))
        assert response.status_code == 200
        assert "attachment;" in response["Content-Disposition"]
        return response

    markdown = get("md").content.decode()
    assert markdown.startswith("# Notulen: Planning onderhoud")
    assert "## Actiepunten" in markdown and "- Bob Jansen: Ik stuur de planning" in markdown
    assert "\n   - We moeten het onderhoudsschema" in markdown  # points under their topic

    document = docx.Document(io.BytesIO(get("docx").content))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("Title", "Notulen: Planning onderhoud")
    assert ("Heading 1", "Besluiten") in paragraphs
    assert any(s == "List Bullet" and "Ik stuur de planning" in t for s, t in paragraphs)

    reader = pypdf.PdfReader(io.BytesIO(get("pdf").content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Notulen: Planning onderhoud" in text and "Ik stuur de planning naar iedereen" in text
    assert reader.metadata.title == "Notulen: Planning onderhoud"

    response = get("ics")
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content.decode()
    assert raw.endswith("\r\n") and all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
    lines = raw.replace("\r\n ", "").split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert lines.count("BEGIN:VTODO") == 2 == lines.count("END:VTODO")
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(set(uids)) == 2
    assert "DUE;VALUE=DATE:20260313" in lines
    assert "SUMMARY:Ik stuur de planning naar iedereen" in lines


def test_ics_escapes_and_folds_text():
    assert exports.ics_escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    folded = exports.ics_fold("SUMMARY:" + "é" * 80)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "é" * 80


def test_others_get_404_on_meetings_exports_and_tasks(
    alice, bob, meeting, client_for, smtp_server, django_capture_on_commit_callbacks
):
    outsider = client_for(UserFactory(email="eve@example.nl", full_name="Eve Buiten"))
    draft = _accepted(alice, meeting)
    # Nothing published yet: no exports even for participants.
    assert (
        client_for(alice).get(reverse("meetings:export", args=[meeting.pk, "md"])).status_code
        == 404
    )
    _publish(alice, meeting, draft, django_capture_on_commit_callbacks)
    assert outsider.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
    for fmt in ("md", "docx", "pdf", "ics"):
        assert outsider.get(reverse("meetings:export", args=[meeting.pk, fmt])).status_code == 404
        assert (
            client_for(bob).get(reverse("meetings:export", args=[meeting.pk, fmt])).status_code
            == 200
        )
    assert (
        client_for(alice).get(reverse("meetings:export", args=[meeting.pk, "exe"])).status_code
        == 404
    )
    task = ActionTask.objects.get(owner=bob)
    assert (
        outsider.post(reverse("meetings:task_status", args=[task.pk]), {"done": "1"}).status_code
        == 404
    )
    assert (
        outsider.post(
            reverse("meetings:publish", args=[meeting.pk]), {"draft": draft.pk}
        ).status_code
        == 404
    )
    assert "Ik stuur de planning" not in outsider.get(reverse("meetings:tasks")).content.decode()
