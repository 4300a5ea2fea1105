"""Importing documents: versions, skipping unchanged files, folders with bad files, changes, removal."""

import pytest
from django.contrib.contenttypes.models import ContentType

from wendbaar.accounts.choices import Visibility
from wendbaar.ai.search.models import Chunk
from wendbaar.audit.models import AuditEvent
from wendbaar.common.errors import BusinessRuleError
from wendbaar.knowledge import selectors, services
from wendbaar.knowledge.models import Document, DocumentVersion

pytestmark = pytest.mark.django_db

HANDBOOK = (
    "Verlof vraag je minstens twee weken vooraf aan bij je leidinggevende. "
    "Bij ziekte meld je je voor negen uur telefonisch af."
)


def _chunks(document) -> int:
    return Chunk.objects.filter(
        content_type=ContentType.objects.get_for_model(Document), object_id=str(document.pk)
    ).count()


def test_import_stores_file_text_and_version_and_indexes_it(alice, team_a, import_text):
    document = import_text(actor=alice, text=HANDBOOK, filename="handboek.txt", team=team_a)
    version = document.current_version
    assert version.number == 1 and version.filename == "handboek.txt"
    assert version.file.read().decode() == HANDBOOK
    assert document.title == "handboek" and document.owner == alice
    assert document.language == "nl"
    assert _chunks(document) == 1
    assert AuditEvent.objects.filter(action="knowledge.document_imported").exists()
    hits = selectors.document_search(user=alice, query="Wat doe ik bij ziekte?")
    assert [h.document for h in hits] == [document]


def test_reimport_same_path_adds_a_version_and_skips_an_unchanged_file(
    alice, team_a, knowledge_storage, django_capture_on_commit_callbacks
):
    def run(text):
        with django_capture_on_commit_callbacks(execute=True):
            return services.document_import(
                actor=alice,
                filename="prijzen.md",
                data=text.encode(),
                team=team_a,
                source_path="/share/prijzen.md",
            )

    first = run("# Prijzen\n\nEen cv-ketel vervangen kost 2400 euro.")
    second = run("# Prijzen\n\nEen cv-ketel vervangen kost 2600 euro.")
    third = run("# Prijzen\n\nEen cv-ketel vervangen kost 2600 euro.")
    assert first.status == "created" and second.status == "new_version"
    assert third.status == "unchanged"
    assert first.document.pk == second.document.pk == third.document.pk
    assert DocumentVersion.objects.filter(document=first.document).count() == 2
    document = Document.objects.get(pk=first.document.pk)
    assert document.title == "Prijzen" and document.current_version.number == 2
    passages = selectors.passages_rank(user=alice, query="cv-ketel vervangen kosten")
    assert passages and "2600" in passages[0].text and "2400" not in passages[0].text


def test_a_file_that_cannot_be_read_leaves_no_trace(alice, team_a, knowledge_storage):
    with pytest.raises(BusinessRuleError) as error:
        services.document_import(
            actor=alice, filename="kapot.pdf", data=b"%PDF-1.4 nonsense", team=team_a
        )
    assert error.value.code == "corrupt" and "kapot.pdf" in error.value.message
    assert not Document.objects.exists()
    assert not list((knowledge_storage / "media").rglob("*.pdf"))


def test_team_document_needs_a_team_the_person_belongs_to(alice, team_b, knowledge_storage):
    with pytest.raises(BusinessRuleError) as error:
        services.document_import(actor=alice, filename="a.txt", data=b"tekst", team=team_b)
    assert error.value.code == "not_team_member"
    with pytest.raises(BusinessRuleError) as error:
        services.document_import(actor=alice, filename="a.txt", data=b"tekst", team=None)
    assert error.value.code == "no_team"
    assert not Document.objects.exists()


def test_only_owner_team_or_admin_may_change_a_document(alice, bob, team_a, import_text):
    document = import_text(
        actor=alice, text=HANDBOOK, team=team_a, visibility=Visibility.ORGANISATION
    )
    with pytest.raises(BusinessRuleError) as error:
        services.document_update(actor=bob, document=document, title="Overgenomen")
    assert error.value.code == "forbidden"
    with pytest.raises(BusinessRuleError):
        services.document_delete(actor=bob, document=document)
    assert Document.objects.get(pk=document.pk).title == document.title


def test_folder_import_goes_on_past_bad_files_and_reports_them(
    alice, team_a, tmp_path, knowledge_storage, django_capture_on_commit_callbacks
):
    folder = tmp_path / "docs"
    (folder / "hr").mkdir(parents=True)
    (folder / "hr" / "verlof.md").write_text("# Verlof\n\n" + HANDBOOK, encoding="utf-8")
    (folder / "leeg.txt").write_bytes(b"")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4 broken")
    (folder / "foto.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "faq.html").write_text(
        "<html><head><title>FAQ</title><script>alert(1)</script></head>"
        "<body><p>Garantie op ketels is vijf jaar.</p></body></html>",
        encoding="utf-8",
    )
    seen = []
    with django_capture_on_commit_callbacks(execute=True):
        results = services.folder_import(
            actor=alice,
            path=folder,
            team=team_a,
            tags=["HR"],
            progress=lambda done, total, result: seen.append((done, total)),
        )
    by_name = {r.name: r for r in results}
    assert by_name["verlof.md"].status == "created" and by_name["faq.html"].status == "created"
    assert by_name["leeg.txt"].code == "empty"
    assert by_name["scan.pdf"].code == "corrupt"
    assert by_name["foto.jpg"].code == "unsupported_type"
    assert seen[-1] == (5, 5)
    faq = Document.objects.get(title="FAQ")
    assert "alert" not in faq.current_version.text
    assert list(faq.tags.values_list("name", flat=True)) == ["hr"]
    with django_capture_on_commit_callbacks(execute=True):
        again = services.folder_import(actor=alice, path=folder, team=team_a)
    assert {r.name: r.status for r in again}["verlof.md"] == "unchanged"


def test_making_a_document_private_hides_it_from_others_at_once(alice, bob, team_a, import_text):
    document = import_text(
        actor=alice, text=HANDBOOK, team=team_a, visibility=Visibility.ORGANISATION
    )
    assert selectors.document_search(user=bob, query="verlof aanvragen")
    services.document_update(actor=alice, document=document, visibility=Visibility.PRIVATE)
    assert selectors.document_search(user=bob, query="verlof aanvragen") == []
    assert selectors.document_search(user=alice, query="verlof aanvragen")


def test_delete_removes_versions_files_and_passages(
    alice, team_a, import_text, knowledge_storage, django_capture_on_commit_callbacks
):
    document = import_text(actor=alice, text=HANDBOOK, team=team_a)
    path = document.current_version.file.path
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(actor=alice, document=document)
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert _chunks(document) == 0
    assert not (knowledge_storage / "media").joinpath(path).exists()
    assert selectors.document_search(user=alice, query="verlof") == []


def test_personal_data_is_counted_for_the_hygiene_view(alice, team_a, import_text):
    document = import_text(
        actor=alice,
        text="Contact: jan.jansen@voorbeeld.nl, IBAN NL91ABNA0417164300.",
        team=team_a,
        visibility=Visibility.ORGANISATION,
    )
    counts = Document.objects.get(pk=document.pk).current_version.personal_data
    assert counts.get("EMAIL") == 1 and counts.get("IBAN") == 1


def test_a_new_version_keeps_the_title_people_gave_the_document(
    alice, team_a, import_text, django_capture_on_commit_callbacks
):
    document = import_text(actor=alice, text=HANDBOOK, filename="handboek.txt", team=team_a)
    services.document_update(actor=alice, document=document, title="Personeelshandboek")
    with django_capture_on_commit_callbacks(execute=True):
        services.document_import(
            actor=alice,
            filename="handboek-v2.md",
            data=b"# Handboek 2027\n\nVerlof vraag je drie weken vooraf aan.",
            document=document,
        )
    assert Document.objects.get(pk=document.pk).title == "Personeelshandboek"


def test_a_team_member_may_edit_but_not_change_who_sees_a_document(alice, team_a, import_text):
    from tests.accounts.factories import UserFactory

    colleague = UserFactory(email="carla@example.nl", full_name="Carla Smit", teams=[team_a])
    document = import_text(actor=alice, text=HANDBOOK, team=team_a)
    services.document_update(actor=colleague, document=document, title="Verlof en ziekte")
    with pytest.raises(BusinessRuleError) as error:
        services.document_update(
            actor=colleague, document=document, visibility=Visibility.ORGANISATION
        )
    assert error.value.code == "forbidden"
    assert Document.objects.get(pk=document.pk).visibility == Visibility.TEAM
