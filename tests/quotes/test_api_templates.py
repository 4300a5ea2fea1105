"""Quote templates over the API: managers and finance add and change them with a logo, checked by
the browser's own form (clear messages per field, nothing half-saved), one default at a time, and
every change audited; sellers and tokens without the write scope cannot."""

import io
import os

import pytest
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import translation
from PIL import Image

from tests.accounts.factories import UserFactory
from tests.quotes.templates_data import image, template_fields
from wendbaar.audit.models import AuditEvent
from wendbaar.quotes.forms import MAX_LOGO_BYTES
from wendbaar.quotes.models import QuoteTemplate

pytestmark = pytest.mark.django_db

URL = "/api/quotes/templates"
SCOPES = ["quotes:read", "quotes:write"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def manager(team_a):
    return UserFactory(
        email="mona@example.nl", full_name="Mona Manager", teams=[team_a], role_codes=["manager"]
    )


@pytest.fixture
def api(manager, token_for):
    """A manager's integration, asking for English messages."""
    return Client(HTTP_AUTHORIZATION=token_for(manager, SCOPES), HTTP_ACCEPT_LANGUAGE="en")


def _fields(**extra) -> dict:
    return template_fields(**{"is_default": "true", **extra})


def _put(client: Client, template_id: int, data: dict):
    """A PUT as multipart/form-data, as a client uploading a logo sends it."""
    return client.put(
        f"{URL}/{template_id}", encode_multipart(BOUNDARY, data), content_type=MULTIPART_CONTENT
    )


def _events():
    return AuditEvent.objects.filter(action="quotes.template_saved").order_by("id")


def _stored(template: QuoteTemplate) -> bytes:
    with template.logo.open("rb") as stored:
        return stored.read()


def test_a_manager_creates_a_template_with_a_logo(api, manager):
    response = api.post(URL, _fields(logo=image("PNG", "huisstijl.png")))

    assert response.status_code == 201, response.content
    body = response.json()
    template = QuoteTemplate.objects.get()
    assert body == api.get(URL).json()[0]  # the same shape as the list
    assert body["id"] == template.pk and body["has_logo"] is True and body["is_default"] is True
    assert body["company_name"] == "Warmtewerk B.V." and body["validity_days"] == 30
    assert template.company_address == "Dorpsstraat 1, Amersfoort"
    assert template.logo.name.startswith("quotes/logos/huisstijl")
    assert template.logo.name.endswith(".png")
    with Image.open(io.BytesIO(_stored(template))) as stored:
        assert stored.format == "PNG" and stored.size == (8, 8)
    event = _events().get()
    assert event.actor_id == manager.pk and event.channel == "api" and event.token_id
    assert event.object_id == str(template.pk)
    assert event.data["created"] is True and "logo" in event.data["changed"]


def test_a_new_template_starts_from_the_form_defaults(api):
    response = api.post(URL, {"name": "Kort"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["language"], body["validity_days"], body["is_default"]) == ("nl", 30, False)
    assert body["has_logo"] is False
    assert QuoteTemplate.objects.get().accent_colour == "#1f5f8b"


def test_an_update_changes_only_the_fields_sent(api):
    template_id = api.post(URL, _fields(logo=image("PNG", "logo.png"))).json()["id"]
    before = QuoteTemplate.objects.get()

    response = _put(api, template_id, {"validity_days": "45", "intro": "Geachte {customer},"})

    assert response.status_code == 200, response.content
    assert response.json()["validity_days"] == 45 and response.json()["has_logo"] is True
    after = QuoteTemplate.objects.get()
    assert (after.validity_days, after.intro) == (45, "Geachte {customer},")
    kept = ("name", "is_default", "company_name", "company_address", "payment_terms", "logo")
    assert all(getattr(after, name) == getattr(before, name) for name in kept)
    assert _events().last().data == {"created": False, "changed": ["intro", "validity_days"]}
    # A field sent empty is emptied; urlencoded bodies work as well when there is no logo.
    emptied = api.put(
        f"{URL}/{template_id}",
        "company_address=&closing=Tot+ziens",
        content_type="application/x-www-form-urlencoded",
    )
    assert emptied.status_code == 200, emptied.content
    after.refresh_from_db()
    assert (after.company_address, after.closing, after.validity_days) == ("", "Tot ziens", 45)
    assert _events().count() == 3


def test_the_logo_is_replaced_and_removed(api, django_capture_on_commit_callbacks):
    template_id = api.post(URL, _fields(logo=image("PNG", "oud.png"))).json()["id"]
    first = QuoteTemplate.objects.get().logo.name

    # A JPEG sent under a .png name is stored by what it is.
    with django_capture_on_commit_callbacks(execute=True):
        replaced = _put(api, template_id, {"logo": image("JPEG", "nieuw.png", size=(16, 8))})

    assert replaced.status_code == 200, replaced.content
    template = QuoteTemplate.objects.get()
    assert template.logo.name != first and template.logo.name.endswith(".jpg")
    # The replaced file is removed from storage; the new one is there.
    storage = template.logo.storage
    assert not storage.exists(first) and storage.exists(template.logo.name)
    with Image.open(io.BytesIO(_stored(template))) as stored:
        assert stored.format == "JPEG" and stored.size == (16, 8)
    assert _events().last().data["changed"] == ["logo"]

    both = _put(api, template_id, {"logo": image("PNG", "x.png"), "remove_logo": "true"})
    assert both.status_code == 400
    assert [d["loc"] for d in both.json()["error"]["details"]] == [["form", "logo"]]
    assert QuoteTemplate.objects.get().logo.name == template.logo.name

    with django_capture_on_commit_callbacks(execute=True):
        removed = _put(api, template_id, {"remove_logo": "true"})

    assert removed.status_code == 200, removed.content
    assert removed.json()["has_logo"] is False
    replaced_name = template.logo.name
    template.refresh_from_db()
    assert not template.logo and template.name == "Standaard"
    assert not storage.exists(replaced_name)
    assert api.get(URL).json()[0]["has_logo"] is False
    assert _events().count() == 3 and _events().last().data["changed"] == ["logo"]


@pytest.mark.parametrize(
    "logo, message",
    [
        (
            io.BytesIO(b"%PDF-1.4 not an image"),
            "logo: The logo is not a readable image; upload a PNG or JPEG file.",
        ),
        (image("GIF", "logo.png"), "logo: The logo is a GIF image; upload a PNG or JPEG file."),
    ],
)
def test_a_logo_that_is_no_png_or_jpeg_is_refused_and_nothing_changes(api, logo, message):
    template_id = api.post(URL, _fields(logo=image("PNG", "logo.png"))).json()["id"]
    before = QuoteTemplate.objects.get()
    logo_bytes = _stored(before)
    logo.name = "logo.png"

    response = _put(api, template_id, {"name": "Nieuw", "is_default": "false", "logo": logo})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and error["message"] == message
    assert error["details"] == [{"loc": ["form", "logo"], "message": message[len("logo: ") :]}]
    after = QuoteTemplate.objects.get()
    assert (after.name, after.is_default, after.logo.name) == ("Standaard", True, before.logo.name)
    assert _stored(after) == logo_bytes
    assert _events().count() == 1  # only the creation
    logo.seek(0)
    assert api.post(URL, _fields(name="Ander", logo=logo)).status_code == 400
    assert QuoteTemplate.objects.count() == 1


def test_a_logo_over_one_megabyte_is_refused(api):
    side = 700  # random pixels do not compress: about 1.4 MB as PNG
    big = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(big, "PNG")
    assert big.tell() > MAX_LOGO_BYTES
    big.seek(0)
    big.name = "groot.png"

    response = api.post(URL, _fields(logo=big))

    assert response.status_code == 400
    assert (
        response.json()["error"]["message"]
        == "logo: The logo is 1.4\xa0MB; it may be 1 MB at most."
    )
    assert not QuoteTemplate.objects.exists() and not _events().exists()


def test_the_other_fields_are_checked_by_the_form(api):
    api.post(URL, _fields())

    response = api.post(
        URL, _fields(name=" standaard ", accent_colour="blue", validity_days="0", language="xx")
    )

    assert response.status_code == 400
    details = {d["loc"][-1]: d["message"] for d in response.json()["error"]["details"]}
    assert details["name"] == "Another template already has this name."
    assert details["accent_colour"] == "A colour like #1f5f8b."
    assert set(details) == {"name", "accent_colour", "validity_days", "language"}
    assert QuoteTemplate.objects.count() == 1 and _events().count() == 1
    # A misspelt field is not silently ignored, and JSON is not form data.
    typo = api.post(URL, _fields(name="Ander", isDefault="true"))
    assert typo.status_code == 400 and typo.json()["error"]["code"] == "unknown_fields"
    assert "isDefault" in typo.json()["error"]["message"]
    as_json = api.post(URL, {"name": "Ander"}, content_type="application/json")
    assert as_json.status_code == 415
    assert QuoteTemplate.objects.count() == 1


def test_messages_are_dutch_unless_asked_otherwise(manager, token_for):
    dutch = Client(HTTP_AUTHORIZATION=token_for(manager, SCOPES))
    fake = io.BytesIO(b"GIF89a but not really")
    fake.name = "logo.png"

    response = dutch.post(URL, _fields(logo=fake))

    assert response.status_code == 400
    with translation.override("nl"):
        expected = translation.gettext(
            "The logo is not a readable image; upload a PNG or JPEG file."
        )
    assert expected.startswith("Het logo")
    assert response.json()["error"]["details"][0]["message"] == expected


def test_one_default_at_a_time(api):
    a = api.post(URL, _fields(name="A")).json()["id"]
    b = api.post(URL, _fields(name="B", language="en")).json()["id"]

    def defaults():
        return set(QuoteTemplate.objects.filter(is_default=True).values_list("name", flat=True))

    assert defaults() == {"B"}  # a new default retires the old one
    assert _put(api, a, {"is_default": "on"}).json()["is_default"] is True
    assert defaults() == {"A"}
    assert [(t["id"], t["is_default"]) for t in api.get(URL).json()] == [(a, True), (b, False)]
    # A change that leaves the switch out keeps it, as the browser form shows it ticked.
    assert _put(api, a, {"closing": "Groet"}).json()["is_default"] is True
    assert defaults() == {"A"}
    assert _put(api, a, {"is_default": "0"}).json()["is_default"] is False
    assert defaults() == set()
    changes = [e.data["changed"] for e in _events()]
    assert changes[-3:] == [["is_default"], ["closing"], ["is_default"]]
    assert _events().count() == 5


def test_finance_may_keep_templates_too(team_a, token_for):
    finance = UserFactory(email="fenna@example.nl", teams=[team_a], role_codes=["finance"])
    client = Client(HTTP_AUTHORIZATION=token_for(finance, SCOPES))
    assert client.post(URL, _fields()).status_code == 201
    assert _events().get().actor_id == finance.pk


def test_people_without_the_role_or_scope_are_refused(api, manager, team_a, token_for, client_for):
    template_id = api.post(URL, _fields(logo=image("PNG", "logo.png"))).json()["id"]
    before = QuoteTemplate.objects.values().get()
    sales = UserFactory(email="sanne@example.nl", teams=[team_a], role_codes=["sales"])
    seller = Client(HTTP_AUTHORIZATION=token_for(sales, SCOPES))

    assert seller.post(URL, _fields(name="Eigen")).status_code == 403
    refused = _put(seller, template_id, {"name": "Eigen", "remove_logo": "true"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    session = client_for(sales)
    assert session.post(URL, _fields(name="Eigen")).status_code == 403
    read_only = Client(HTTP_AUTHORIZATION=token_for(manager, ["quotes:read"]))
    assert read_only.get(URL).status_code == 200
    assert read_only.post(URL, _fields(name="Eigen")).status_code == 403
    assert _put(read_only, template_id, {"name": "Eigen"}).status_code == 403
    assert _put(api, template_id + 1, {"name": "Eigen"}).status_code == 404

    assert QuoteTemplate.objects.values().get() == before
    assert _events().count() == 1
