"""Knowledge in the browser: upload for a team, search with highlights, ask with a citation that
leads to the passage, "not found", and nothing of it for someone in another team."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.accounts.factories import TeamFactory, UserFactory
from tests.e2e.test_browser import sign_in
from wendbaar.ai.search.backends import reset_backends
from wendbaar.knowledge.models import Document

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Werkinstructie legionellapreventie warmtepompboiler"
INSTRUCTION = f"""# {TITLE}

Het boilervat van een warmtepomp houdt het tapwater op ongeveer 50 graden. Bij die temperatuur
kan de legionellabacterie groeien. Daarom verwarmt de warmtepomp het boilervat elke week tot
60 graden; dat heet de legionellaspoeling. De spoeling start standaard op maandagnacht om
2.00 uur en duurt ongeveer een uur.

Controleer bij elk onderhoud in het servicemenu of de legionellaspoeling aan staat en of de
laatste spoeling geslaagd is. Staat de spoeling uit, zet haar dan aan en noteer dit op de
werkbon. Een klant die een week niet thuis is geweest, laat na thuiskomst eerst alle warme
kranen en de douche een minuut doorlopen.
"""


@pytest.fixture
def knowledge_storage(settings, tmp_path):
    """Uploads and the search vectors of the live server go to this test's own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reset_backends()
    yield tmp_path
    reset_backends()


def test_upload_search_ask_and_follow_the_citation_while_another_team_sees_nothing(
    live_server, page, knowledge_storage
):
    service = TeamFactory(name="Service & Onderhoud", slug="service")
    projects = TeamFactory(name="Projecten", slug="projecten")
    UserFactory(email="fatima@example.nl", full_name="Fatima El Amrani", teams=[service])
    UserFactory(email="thijs@example.nl", full_name="Thijs Vos", teams=[projects])
    upload = knowledge_storage / "legionellapreventie.md"
    upload.write_text(INSTRUCTION, encoding="utf-8")

    # Fatima uploads the instruction for her team.
    sign_in(page, live_server, "fatima@example.nl")
    page.goto(live_server.url + reverse("knowledge:upload"))
    page.locator("input[name=files]").set_input_files(str(upload))
    page.locator("select[name=team]").select_option(label="Service & Onderhoud")
    page.locator("select[name=visibility]").select_option("team")
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(TITLE)
    document = Document.objects.get(title=TITLE)
    assert document.team == service and document.visibility == "team"
    expect(page.locator(".document-text")).to_contain_text("legionellaspoeling")

    # She finds it by a word, with the word highlighted in the passage.
    page.goto(live_server.url + reverse("knowledge:home"))
    page.locator("input[name=q]").fill("legionellaspoeling")
    page.locator("input[name=q]").press("Enter")
    results = page.get_by_test_id("knowledge-results")
    expect(results.get_by_role("link", name=TITLE)).to_be_visible()
    expect(results.locator("mark").first).to_have_text(re.compile("legionellaspoeling", re.I))

    # She asks a question: the answer cites the instruction, and the citation leads to the passage.
    page.goto(live_server.url + reverse("knowledge:ask"))
    page.locator("[name=q]").fill("Hoe vaak verwarmt de warmtepomp het boilervat tegen legionella?")
    page.locator("form[action$='/ask/'] button[type=submit]").click()
    answer = page.get_by_test_id("knowledge-answer")
    expect(answer.locator("a.citation").first).to_have_text("[1]")
    source = answer.locator("#citation-1 figcaption a")
    expect(source).to_have_text(TITLE)
    source.click()
    expect(page).to_have_url(re.compile(rf"/documents/{document.pk}/passages/\d+/$"))
    passage = page.get_by_test_id("passage")
    expect(passage.locator("mark#passage")).to_contain_text("legionellaspoeling")

    # Something the knowledge base does not know is "not found", not a guess.
    page.goto(live_server.url + reverse("knowledge:ask"))
    page.locator("[name=q]").fill("Welke kleur krijgt de nieuwe bedrijfsbus?")
    page.locator("form[action$='/ask/'] button[type=submit]").click()
    expect(page.get_by_test_id("not-found")).to_be_visible()
    expect(page.get_by_test_id("knowledge-answer").locator("a.citation")).to_have_count(0)
    assert page.console_errors == []

    # Thijs, in another team, finds nothing of it: not by the word, not by asking.
    page.context.clear_cookies()
    sign_in(page, live_server, "thijs@example.nl")
    page.goto(live_server.url + reverse("knowledge:home"))
    page.locator("input[name=q]").fill("legionellaspoeling")
    page.locator("input[name=q]").press("Enter")
    results = page.get_by_test_id("knowledge-results")
    expect(results.locator(".empty")).to_be_visible()
    expect(results).not_to_contain_text(TITLE)
    expect(results.locator("mark")).to_have_count(0)
    page.goto(live_server.url + reverse("knowledge:ask"))
    page.locator("[name=q]").fill("Hoe vaak verwarmt de warmtepomp het boilervat tegen legionella?")
    page.locator("form[action$='/ask/'] button[type=submit]").click()
    expect(page.get_by_test_id("not-found")).to_be_visible()
    expect(page.get_by_test_id("knowledge-answer")).not_to_contain_text("legionella")
    assert page.console_errors == []

    # Back as Fatima: removing the document asks first, then it is gone.
    page.context.clear_cookies()
    sign_in(page, live_server, "fatima@example.nl")
    page.goto(live_server.url + reverse("knowledge:document_detail", args=[document.pk]))
    confirm = page.get_by_test_id("confirm-delete")
    expect(confirm).to_be_hidden()
    page.locator("details.confirm summary").click()
    confirm.click()
    expect(page).to_have_url(live_server.url + reverse("knowledge:home"))
    assert not Document.objects.filter(pk=document.pk).exists()
    assert page.console_errors == []
