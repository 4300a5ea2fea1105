import pytest
from django.test import Client

from tests.copilot.factories import DraftFactory, DraftSourceFactory
from wendbaar.copilot.models import Draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return Client()


def test_inbox_over_the_api_with_a_token(alice, team_a, api, token_for):
    draft = DraftFactory(owner=alice, assignee=alice, team=team_a)
    DraftSourceFactory(draft=draft)
    response = api.get("/api/drafts/inbox", HTTP_AUTHORIZATION=token_for(alice, ["drafts:read"]))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["id"] == draft.pk


def test_detail_includes_sources_and_hides_other_teams_drafts(alice, bob, team_a, api, token_for):
    draft = DraftFactory(owner=alice, team=team_a)
    DraftSourceFactory(draft=draft, quote="Citaat")
    ok = api.get(f"/api/drafts/{draft.pk}", HTTP_AUTHORIZATION=token_for(alice, ["drafts:read"]))
    assert ok.json()["sources"][0]["quote"] == "Citaat"
    hidden = api.get(f"/api/drafts/{draft.pk}", HTTP_AUTHORIZATION=token_for(bob, ["drafts:read"]))
    assert hidden.status_code == 404
    assert hidden.json() == {
        "error": {"code": "not_found", "message": hidden.json()["error"]["message"], "details": []}
    }


def test_review_over_the_api_needs_the_write_scope(alice, team_a, api, token_for):
    draft = DraftFactory(owner=alice, assignee=alice, team=team_a, text="Tekst")
    read_only = api.post(
        f"/api/drafts/{draft.pk}/review",
        {"decision": "accepted"},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(alice, ["drafts:read"]),
    )
    assert read_only.status_code == 403 and read_only.json()["error"]["code"] == "forbidden"
    response = api.post(
        f"/api/drafts/{draft.pk}/review",
        {"decision": "edited", "final_text": "Tekst!", "seconds_spent": 30},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(alice, ["drafts:write"]),
    )
    assert response.status_code == 201
    assert response.json()["edit_distance"] == 1
    again = api.post(
        f"/api/drafts/{draft.pk}/review",
        {"decision": "rejected"},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(alice, ["drafts:write"]),
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "draft_closed"


def test_another_team_cannot_review_by_guessing_ids(alice, bob, team_a, api, token_for):
    draft = DraftFactory(owner=alice, team=team_a)
    response = api.post(
        f"/api/drafts/{draft.pk}/review",
        {"decision": "rejected"},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(bob, ["drafts:write"]),
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == "proposed"


def test_integration_proposes_a_draft_for_its_team(alice, team_a, team_b, api, token_for):
    auth = token_for(alice, ["drafts:write", "drafts:read"])
    payload = {
        "capability": "service",
        "kind": "reply",
        "title": "Van de mailkoppeling",
        "text": "Hallo",
        "confidence": 0.5,
        "engine": "external-tool",
        "team_id": team_a.pk,
        "sources": [{"ref": "mail:123", "quote": "Mijn ketel lekt"}],
    }
    created = api.post(
        "/api/drafts/", payload, content_type="application/json", HTTP_AUTHORIZATION=auth
    )
    assert created.status_code == 201 and created.json()["sources"][0]["ref"] == "mail:123"
    foreign = api.post(
        "/api/drafts/",
        {**payload, "team_id": team_b.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert foreign.status_code == 403


def test_bad_input_gets_a_consistent_error_shape(alice, team_a, api, token_for):
    response = api.post(
        "/api/drafts/",
        {"capability": "service", "confidence": 7},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(alice, ["drafts:write"]),
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and error["details"]


def test_browser_session_works_but_unsafe_calls_need_csrf(alice, team_a, password):
    draft = DraftFactory(owner=alice, assignee=alice, team=team_a)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.get("/api/drafts/inbox").status_code == 200
    no_csrf = browser.post(
        f"/api/drafts/{draft.pk}/review", {"decision": "accepted"}, content_type="application/json"
    )
    assert no_csrf.status_code == 403
    browser.get("/drafts/")
    token = browser.cookies["csrftoken"].value
    with_csrf = browser.post(
        f"/api/drafts/{draft.pk}/review",
        {"decision": "accepted"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert with_csrf.status_code == 201


def test_no_credentials_and_bad_tokens_get_401(db, api):
    for headers in (
        {},
        {"HTTP_AUTHORIZATION": "Bearer wb_nothere_xyz"},
        {"HTTP_AUTHORIZATION": "Basic abc"},
    ):
        response = api.get("/api/drafts/inbox", **headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"


def test_a_refused_proposal_leaves_no_draft(alice, bob, team_a, api, token_for):
    payload = {"capability": "service", "kind": "reply", "title": "x", "text": "y", "confidence": 0.5,
               "engine": "tool", "visibility": "private", "assignee_id": bob.pk}  # fmt: skip
    response = api.post("/api/drafts/", payload, content_type="application/json",
                        HTTP_AUTHORIZATION=token_for(alice, ["drafts:write"]))  # fmt: skip
    assert response.status_code == 400
    assert not Draft.objects.exists()


def test_tokens_cannot_reach_endpoints_that_declare_no_scope(alice, api, token_for):
    auth = token_for(alice, ["drafts:read", "drafts:write", "people:read", "people:write"])
    assert api.get("/api/audit/events", HTTP_AUTHORIZATION=auth).status_code == 403
    assert api.get("/api/accounts/me", HTTP_AUTHORIZATION=auth).status_code == 200
