"""The knowledge capability through its three doors: the API, the browser pages and the CLI."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from wendbaar.accounts.choices import Visibility
from wendbaar.knowledge.models import Document

pytestmark = pytest.mark.django_db

TEXT = "De garantie op een warmtepomp is zeven jaar. Onderhoud is elk jaar verplicht."


def test_api_upload_search_ask_update_and_delete(
    alice, team_a, token_for, knowledge_storage, django_capture_on_commit_callbacks
):
    api = Client()
    auth = token_for(alice, ["knowledge:read", "knowledge:write"])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/knowledge/documents",
            {
                "file": _upload("garantie.txt", TEXT),
                "team_id": team_a.pk,
                "visibility": "team",
                "tags": "garantie, warmtepomp",
            },
            HTTP_AUTHORIZATION=auth,
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "created" and body["version"] == 1
    assert sorted(body["document"]["tags"]) == ["garantie", "warmtepomp"]
    document_id = body["document"]["id"]

    again = api.post(
        "/api/knowledge/documents",
        {"file": _upload("garantie.txt", TEXT), "document_id": document_id},
        HTTP_AUTHORIZATION=auth,
    )
    assert again.status_code == 200 and again.json()["status"] == "unchanged"

    search = api.get("/api/knowledge/search", {"q": "garantie warmtepomp"}, HTTP_AUTHORIZATION=auth)
    assert search.status_code == 200
    hit = search.json()[0]
    assert hit["document"]["id"] == document_id and "zeven jaar" in hit["passages"][0]["text"]

    ask = api.post(
        "/api/knowledge/ask",
        {"question": "Hoe lang is de garantie op een warmtepomp?"},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(alice, ["knowledge:read"]),
    )
    assert ask.status_code == 200
    answer = ask.json()
    assert answer["found"] and "zeven jaar" in answer["text"]
    assert answer["citations"][0]["document_id"] == document_id and answer["draft_id"]

    patch = api.patch(
        f"/api/knowledge/documents/{document_id}",
        {"visibility": "organisation", "title": "Garantie warmtepompen"},
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert patch.status_code == 200 and patch.json()["visibility"] == "organisation"

    with django_capture_on_commit_callbacks(execute=True):
        deleted = api.delete(f"/api/knowledge/documents/{document_id}", HTTP_AUTHORIZATION=auth)
    assert deleted.status_code == 204 and not Document.objects.exists()


def _upload(name, text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def test_api_gives_a_clear_error_for_a_bad_file_and_needs_the_write_scope(
    alice, team_a, token_for, knowledge_storage
):
    api = Client()
    broken = api.post(
        "/api/knowledge/documents",
        {"file": _upload("kapot.docx", "geen zip"), "team_id": team_a.pk},
        HTTP_AUTHORIZATION=token_for(alice, ["knowledge:write"]),
    )
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == "corrupt"
    assert "kapot.docx" in broken.json()["error"]["message"]
    read_only = api.post(
        "/api/knowledge/documents",
        {"file": _upload("a.txt", TEXT), "team_id": team_a.pk},
        HTTP_AUTHORIZATION=token_for(alice, ["knowledge:read"]),
    )
    assert read_only.status_code == 403
    empty = api.get(
        "/api/knowledge/search",
        {"q": " "},
        HTTP_AUTHORIZATION=token_for(alice, ["knowledge:read"]),
    )
    assert empty.status_code == 400


def test_upload_page_adds_several_files_and_reports_bad_ones(
    alice, team_a, client_for, knowledge_storage, django_capture_on_commit_callbacks
):
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("knowledge:upload"),
            {
                "files": [_upload("goed.txt", TEXT), _upload("leeg.txt", "")],
                "team": team_a.pk,
                "visibility": Visibility.TEAM,
                "tags": "",
            },
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "leeg.txt: het bestand is leeg." in html  # the person's language: Dutch
    assert Document.objects.get().title == "goed"
    home = client.get(reverse("knowledge:home"), {"q": "garantie"})
    assert "<mark>garantie</mark>" in home.content.decode().lower()


def test_pages_of_a_document_edit_new_version_download_and_passage(
    alice, team_a, client_for, import_text, django_capture_on_commit_callbacks
):
    document = import_text(actor=alice, text=TEXT, filename="garantie.txt", team=team_a)
    client = client_for(alice)
    detail = client.get(reverse("knowledge:document_detail", args=[document.pk]))
    assert detail.status_code == 200 and "zeven jaar" in detail.content.decode()
    download = client.get(reverse("knowledge:version_download", args=[document.pk, 1]))
    assert b"".join(download.streaming_content).decode() == TEXT
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("knowledge:document_new_version", args=[document.pk]),
            {"file": _upload("garantie.txt", TEXT.replace("zeven", "tien"))},
        )
    assert Document.objects.get(pk=document.pk).current_version.number == 2
    passage = client.get(reverse("knowledge:passage", args=[document.pk, 0]))
    assert "tien jaar" in passage.content.decode()
    edit = client.post(
        reverse("knowledge:document_edit", args=[document.pk]),
        {
            "title": "Garantie",
            "team": team_a.pk,
            "visibility": Visibility.ORGANISATION,
            "tags": "garantie",
            "valid_until": "2020-01-01",
        },
    )
    assert edit.status_code == 302
    hygiene = client.get(reverse("knowledge:hygiene"))
    assert "Garantie" in hygiene.content.decode()


def test_cli_imports_a_folder_and_reports_bad_files(
    alice, team_a, tmp_path, knowledge_storage, capsys
):
    folder = tmp_path / "map"
    folder.mkdir()
    (folder / "garantie.md").write_text("# Garantie\n\n" + TEXT, encoding="utf-8")
    (folder / "stuk.pdf").write_bytes(b"%PDF-1.7 kapot")
    call_command(
        "import_docs",
        str(folder),
        "--user",
        alice.email,
        "--team",
        team_a.name,
        "--tag",
        "service",
    )
    out, err = capsys.readouterr()
    assert "1 new" in out and "1 failed" in out
    assert "stuk.pdf: the PDF is damaged" in err
    document = Document.objects.get()
    assert document.title == "Garantie" and document.team == team_a
    with pytest.raises(CommandError):
        call_command("import_docs", str(folder / "nergens"), "--user", alice.email)
    with pytest.raises(CommandError):
        call_command("import_docs", str(folder), "--user", alice.email, "--team", "Onbekend")


def test_cli_spelling_with_a_hyphen_maps_to_the_command():
    from wendbaar import cli

    assert cli.HYPHENATED_COMMANDS["import-docs"] == "import_docs"


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    alice, team_a, token_for, client_for, settings, knowledge_storage
):
    settings.KNOWLEDGE_MAX_FILE_BYTES = 1024
    big = "woord " * 1000
    response = Client().post(
        "/api/knowledge/documents",
        {"file": _upload("groot.txt", big), "team_id": team_a.pk},
        HTTP_AUTHORIZATION=token_for(alice, ["knowledge:write"]),
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert "groot.txt" in response.json()["error"]["message"]
    page = client_for(alice).post(
        reverse("knowledge:upload"),
        {"files": [_upload("groot.txt", big)], "team": team_a.pk, "visibility": "team"},
    )
    assert "groot.txt: het bestand is groter dan 1,0" in page.content.decode()
    assert not Document.objects.exists()
