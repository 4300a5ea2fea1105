"""Meetings in the browser: add a meeting with its transcript, draft minutes, review them item by
item (reject one action, give another a different owner), publish, and find the task on the
owner's own page; someone who was not there sees none of it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.accounts.factories import TeamFactory, UserFactory
from tests.e2e.test_browser import sign_in
from wendbaar.ai.search.backends import reset_backends
from wendbaar.meetings.models import ActionTask, Meeting

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TRANSCRIPT = """WEBVTT

00:00:01.000 --> 00:00:08.000
<v Sanne de Vries>Goedemorgen. We hebben twee punten: de storing bij de klant in Zeist en de nieuwe planning.

00:00:09.000 --> 00:00:18.000
<v Ahmed Yilmaz>De warmtepomp in Zeist geeft weer foutcode E7. Ik denk dat de flowsensor defect is.

00:00:19.000 --> 00:00:27.000
<v Sanne de Vries>Ahmed, kun jij voor vrijdag een nieuwe flowsensor bestellen?

00:00:28.000 --> 00:00:31.000
<v Ahmed Yilmaz>Ja, dat doe ik.

00:00:32.000 --> 00:00:41.000
<v Sanne de Vries>Dan de planning. We besluiten dat het serviceteam voortaan op dinsdag samen op kantoor is.

00:00:42.000 --> 00:00:47.000
<v Ahmed Yilmaz>Prima, dat is afgesproken.

00:00:48.000 --> 00:00:58.000
<v Sanne de Vries>Ik stuur de nieuwe planning vandaag nog naar iedereen. Samengevat: Ahmed bestelt de flowsensor voor vrijdag, ik stuur de planning.
"""


@pytest.fixture
def meeting_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reset_backends()
    yield tmp_path
    reset_backends()


def test_add_review_publish_and_find_the_task(live_server, page, meeting_storage):
    service = TeamFactory(name="Service", slug="service")
    sanne = UserFactory(email="sanne@example.nl", full_name="Sanne de Vries", teams=[service])
    ahmed = UserFactory(email="ahmed@example.nl", full_name="Ahmed Yilmaz", teams=[service])
    UserFactory(email="thijs@example.nl", full_name="Thijs Vos", teams=[TeamFactory()])
    transcript = meeting_storage / "overleg.vtt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")

    # Sanne adds the meeting with its Teams transcript.
    sign_in(page, live_server, "sanne@example.nl")
    page.goto(live_server.url + reverse("meetings:create"))
    page.get_by_label("Titel").fill("Serviceoverleg")
    page.get_by_label("Datum").fill("2026-11-23")
    page.locator("select[name=participants]").select_option([str(sanne.pk), str(ahmed.pk)])
    page.locator("input[name=transcript]").set_input_files(str(transcript))
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Serviceoverleg")
    expect(page.get_by_test_id("transcript")).to_contain_text("foutcode E7")
    meeting = Meeting.objects.get(title="Serviceoverleg")

    # Wendbaar drafts the minutes; the review lists the items with their sources.
    page.get_by_test_id("make-minutes").click()
    review = page.get_by_test_id("minutes-review")
    expect(review).to_be_visible()
    actions = review.get_by_test_id("review-action")
    expect(actions.first).to_be_visible()
    count = actions.count()
    assert count >= 2, "the transcript asks two people for a task each"
    tasks = [actions.nth(i).locator("textarea").first.input_value() for i in range(count)]
    sensor = next(i for i, t in enumerate(tasks) if "flowsensor" in t.lower())
    planning = next(i for i, t in enumerate(tasks) if "planning" in t.lower())

    # Sanne rejects the planning item and hands the sensor to herself instead of Ahmed.
    actions.nth(planning).get_by_label("Afwijzen").check()
    actions.nth(sensor).get_by_label("Bewerken").check()
    actions.nth(sensor).locator("select").select_option(str(sanne.pk))
    page.get_by_test_id("save-review").click()
    page.get_by_test_id("publish-minutes").click()
    published = page.get_by_test_id("published-minutes")
    expect(published).to_be_visible()
    table = page.get_by_test_id("meeting-tasks")
    expect(table).to_contain_text("flowsensor")
    expect(table).not_to_contain_text("planning naar iedereen")

    task = ActionTask.objects.get(meeting=meeting)
    assert task.owner == sanne and "flowsensor" in task.task.lower()
    assert not ActionTask.objects.filter(meeting=meeting, task__icontains="planning").exists()

    # The task is on Sanne's own page with its due date.
    page.goto(live_server.url + reverse("meetings:tasks"))
    expect(page.locator("body")).to_contain_text("flowsensor")

    # Thijs was not there and is not in the team: no meeting, no task, no answer.
    page.context.clear_cookies()
    sign_in(page, live_server, "thijs@example.nl")
    page.goto(live_server.url + reverse("meetings:home"))
    expect(page.locator("body")).not_to_contain_text("Serviceoverleg")
    response = page.goto(live_server.url + reverse("meetings:detail", args=[meeting.pk]))
    assert response.status == 404
    page.console_errors.clear()
