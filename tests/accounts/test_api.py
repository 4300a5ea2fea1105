import pytest
from django.test import Client

from wendbaar.accounts.models import User

pytestmark = pytest.mark.django_db


def test_me_describes_the_caller_and_their_principals(alice, team_a, client_for):
    body = client_for(alice).get("/api/accounts/me").json()
    assert body["email"] == "alice@example.nl" and not body["is_admin"]
    assert f"team:{team_a.pk}" in body["principals"] and f"user:{alice.pk}" in body["principals"]


def test_directory_needs_the_people_read_scope(alice, bob, token_for):
    api = Client()
    assert (
        api.get(
            "/api/accounts/people", HTTP_AUTHORIZATION=token_for(alice, ["drafts:read"])
        ).status_code
        == 403
    )
    response = api.get(
        "/api/accounts/people", {"q": "bob"}, HTTP_AUTHORIZATION=token_for(alice, ["people:read"])
    )
    assert [p["email"] for p in response.json()["items"]] == ["bob@example.nl"]


def test_admin_creates_and_updates_people_over_the_api(admin_user, team_b, token_for):
    api = Client()
    auth = token_for(admin_user, ["people:write", "people:read"])
    created = api.post(
        "/api/accounts/people",
        {
            "email": "nieuw@example.nl",
            "full_name": "Nieuw",
            "role_codes": ["member", "sales"],
            "team_ids": [team_b.pk],
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert created.status_code == 201
    person_id = created.json()["id"]
    assert {r["code"] for r in created.json()["roles"]} == {"member", "sales"}
    patched = api.patch(
        f"/api/accounts/people/{person_id}",
        {"job_title": "Verkoper", "team_ids": []},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert patched.status_code == 200 and patched.json()["job_title"] == "Verkoper"
    assert patched.json()["memberships"] == []


def test_members_cannot_change_people_even_with_the_scope(alice, bob, token_for):
    api = Client()
    response = api.patch(
        f"/api/accounts/people/{bob.pk}",
        {"full_name": "Gehackt"},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(alice, ["people:write"]),
    )
    assert response.status_code == 403
    assert User.objects.get(pk=bob.pk).full_name == "Bob Jansen"


def test_unknown_role_is_a_400_and_creates_nothing(admin_user, token_for):
    response = Client().post(
        "/api/accounts/people",
        {"email": "x@example.nl", "full_name": "X", "role_codes": ["wizard"]},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(admin_user, ["people:write"]),
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "unknown_role"
    assert not User.objects.filter(email="x@example.nl").exists()


def test_openapi_docs_are_served(db):
    schema = Client().get("/api/openapi.json")
    assert schema.status_code == 200
    assert "/api/drafts/inbox" in schema.json()["paths"]


def test_null_in_a_patch_leaves_the_field_alone(admin_user, alice, token_for):
    response = Client().patch(f"/api/accounts/people/{alice.pk}", {"email": None, "full_name": None},
                              content_type="application/json",
                              HTTP_AUTHORIZATION=token_for(admin_user, ["people:write"]))  # fmt: skip
    assert response.status_code == 200
    alice.refresh_from_db()
    assert (alice.email, alice.full_name) == ("alice@example.nl", "Alice de Vries")
