"""Nobody learns of a document they may not see: not in search results, answers, citations,
counts, hygiene views, downloads, or API responses.

Seven people in three teams (some in two, one with a custom role, an administrator, an outsider
in no team) and nineteen documents with every kind of audience. Every document holds the word
"zonnepaneelgarantie", so every search and every question matches every document, and only the
permission filters decide what comes back; each also holds a marker word of its own, so any
leak of its text shows. What each person may see is worked out here from the rules, not with the
app's `visible_to`. The last tests remove one filter at a time and show the checks then fail.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import RoleFactory, TeamFactory, UserFactory
from wendbaar.accounts.choices import Visibility
from wendbaar.accounts.models import Role
from wendbaar.ai.search.models import Chunk
from wendbaar.ai.search.selectors import chunk_search
from wendbaar.knowledge import hygiene, selectors, services
from wendbaar.knowledge.models import Document, DocumentVersion

pytestmark = pytest.mark.django_db

WORD = "zonnepaneelgarantie"
QUESTION = "Hoe lang geldt de zonnepaneelgarantie van het project?"

# marker, owner, team, visibility, shared with teams, shared with roles, expired
CORPUS = [
    ("anemoon", "alice", "t1", Visibility.PRIVATE, [], [], True),
    ("begonia", "alice", "t1", Visibility.TEAM, [], [], False),
    ("cactus", "bob", "t2", Visibility.TEAM, [], [], True),
    ("dahlia", "carol", "t1", Visibility.ORGANISATION, [], [], False),
    ("erica", "carol", None, Visibility.PRIVATE, [], [], False),
    ("fuchsia", "dave", "t3", Visibility.TEAM, [], [], False),
    ("gerbera", "bob", "t2", Visibility.NAMED, ["t3"], [], False),
    ("hortensia", "alice", "t1", Visibility.NAMED, [], ["kwaliteit"], True),
    ("ixia", "frank", "t3", Visibility.NAMED, ["t1"], ["kwaliteit"], False),
    ("jasmijn", "admin", "t1", Visibility.PRIVATE, [], [], False),
    ("krokus", "admin", "t1", Visibility.TEAM, [], [], False),
    # Everyone holds the built-in member role: shared with it, everyone may see it.
    ("lavendel", "bob", "t2", Visibility.NAMED, [], ["member"], False),
    ("magnolia", "dave", None, Visibility.ORGANISATION, [], [], False),
    ("narcis", "olaf", None, Visibility.PRIVATE, [], [], False),
    # Shares count only for "named" visibility: these two stay with their team, or owner.
    ("orchidee", "carol", "t2", Visibility.TEAM, ["t3"], [], False),
    ("petunia", "alice", "t1", Visibility.PRIVATE, ["t2"], ["kwaliteit"], True),
    ("ranonkel", "frank", "t2", Visibility.NAMED, [], [], False),
    # An administrator made it for a team they are not in: no administrator bypass either way.
    ("salvia", "admin", "t3", Visibility.TEAM, [], [], False),
    ("tulp", "olaf", None, Visibility.ORGANISATION, [], [], False),
]
MARKERS = [row[0] for row in CORPUS]
MARKER_RE = re.compile(r"\b(" + "|".join(MARKERS) + r")\b")


@dataclass
class Doc:
    marker: str
    owner: str
    team: str | None
    visibility: str
    shared_teams: list[str]
    shared_roles: list[str]
    expired: bool
    document: Document | None = None

    @property
    def pk(self) -> int:
        return self.document.pk


@dataclass
class World:
    people: dict  # name -> User
    teams_of: dict  # name -> set of team names
    roles_of: dict  # name -> set of role codes
    docs: list[Doc]
    teams: dict = field(default_factory=dict)

    def may_see(self, name: str, doc: Doc) -> bool:
        """The visibility rules, written out independently of the app."""
        if doc.owner == name or doc.visibility == Visibility.ORGANISATION:
            return True
        if (
            doc.visibility in (Visibility.TEAM, Visibility.NAMED)
            and doc.team in self.teams_of[name]
        ):
            return True
        return doc.visibility == Visibility.NAMED and bool(
            set(doc.shared_teams) & self.teams_of[name]
            or set(doc.shared_roles) & self.roles_of[name]
        )

    def visible(self, name: str) -> set[int]:
        return {d.pk for d in self.docs if self.may_see(name, d)}

    def visible_markers(self, name: str) -> set[str]:
        return {d.marker for d in self.docs if self.may_see(name, d)}

    def by_pk(self, pk: int) -> Doc:
        return next(d for d in self.docs if d.pk == pk)

    def names(self):
        return list(self.people)


def text_for(marker: str, years: int) -> str:
    """Nearly the same text for every document: the hygiene view sees near-duplicates, and a
    different number of years makes a likely conflict."""
    return (
        f"Garantievoorwaarden zonnepanelen. De {WORD} van project {marker} geldt {years} jaar na "
        "de installatie van de panelen door onze monteurs. Defecte omvormers worden binnen vijf "
        "werkdagen kosteloos vervangen. De klant meldt een storing via het servicenummer of het "
        "klantportaal. Schade door eigen toedoen valt buiten de garantie. Onderhoud aan de "
        "panelen wordt elk voorjaar uitgevoerd."
    )


@pytest.fixture
def world(alice, bob, admin_user, team_a, team_b, import_text) -> World:
    t3 = TeamFactory(name="Verkoop", slug="verkoop")
    teams = {"t1": team_a, "t2": team_b, "t3": t3}
    kwaliteit = RoleFactory(code="kwaliteit", name="Kwaliteit")
    carol = UserFactory(full_name="Carol Smit", teams=[team_a, team_b])
    dave = UserFactory(full_name="Dave Visser", teams=[t3])
    dave.roles.add(kwaliteit)
    frank = UserFactory(full_name="Frank Mulder", teams=[team_b, t3])
    olaf = UserFactory(full_name="Olaf Buiten", teams=[])
    people = {
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "dave": dave,
        "frank": frank,
        "olaf": olaf,
        "admin": admin_user,
    }
    teams_of = {
        "alice": {"t1"},
        "bob": {"t2"},
        "carol": {"t1", "t2"},
        "dave": {"t3"},
        "frank": {"t2", "t3"},
        "olaf": set(),
        "admin": {"t1"},
    }
    roles_of = {name: {"member"} for name in people}
    roles_of["dave"].add("kwaliteit")
    roles_of["admin"].add("admin")
    roles = {"kwaliteit": kwaliteit, "member": Role.objects.get(code="member")}
    past = timezone.localdate() - timedelta(days=10)
    docs = []
    for marker, owner, team, visibility, shared_teams, shared_roles, expired in CORPUS:
        doc = Doc(marker, owner, team, visibility, shared_teams, shared_roles, expired)
        doc.document = import_text(
            actor=people[owner],
            text=text_for(marker, 12 if marker in ("lavendel", "krokus") else 10),
            filename=f"garantie_{marker}.txt",
            title=f"Garantie {marker}",
            team=teams[team] if team else None,
            visibility=visibility,
            shared_with_teams=[teams[t] for t in shared_teams],
            shared_with_roles=[roles[r] for r in shared_roles],
            valid_until=past if expired else None,
        )
        docs.append(doc)
    # Everything is old, never found, and said to hold personal data: every hygiene list fills.
    Document.objects.update(created_at=timezone.now() - timedelta(days=60))
    DocumentVersion.objects.update(personal_data={"EMAIL": 2, "PHONE": 1})
    built = World(people=people, teams_of=teams_of, roles_of=roles_of, docs=docs, teams=teams)
    for doc in docs:
        doc.document.refresh_from_db()
    return built


def test_the_corpus_is_mixed_and_indexed(world):
    chunks = Chunk.objects.filter(
        content_type__model="document", content_type__app_label="knowledge"
    )
    assert sorted(int(c.object_id) for c in chunks) == sorted(d.pk for d in world.docs)
    everyone = set.intersection(*(world.visible(n) for n in world.names()))
    assert {world.by_pk(pk).marker for pk in everyone} == {"dahlia", "lavendel", "magnolia", "tulp"}
    for name in world.names():
        visible = world.visible(name)
        assert everyone < visible < {d.pk for d in world.docs}, name
        assert len(visible) <= 25  # one page of the browse list
    # Spot checks of the rules themselves.
    assert world.visible_markers("olaf") == {"dahlia", "lavendel", "magnolia", "narcis", "tulp"}
    assert "hortensia" in world.visible_markers("dave")  # by role
    assert "gerbera" in world.visible_markers("frank")  # by shared team
    assert "orchidee" not in world.visible_markers("dave")  # team visibility ignores shares
    assert "petunia" not in world.visible_markers("bob")  # private ignores shares
    assert "salvia" in world.visible_markers("admin") and "jasmijn" not in world.visible_markers(
        "alice"
    )


# -- selectors -------------------------------------------------------------------------------------


def selector_violations(world: World, name: str) -> list[str]:
    """Everything the selectors and hygiene checks give `name` that differs from the rules."""
    user = world.people[name]
    expected = world.visible(name)
    expired = {d.pk for d in world.docs if d.expired and d.pk in expected}
    problems = []

    def compare(what, got):
        got = set(got)
        if got != expected_for[what]:
            problems.append(
                f"{name}: {what} leaked {sorted(world.by_pk(p).marker for p in got - expected)} "
                f"missed {sorted(world.by_pk(p).marker for p in expected - got)}"
            )

    expected_for = {
        "document_list": expected,
        "document_search": expected,
        "passages_rank": expected,
        "hygiene_expired": expired,
        "hygiene_never_retrieved": expected,
        "expired_filter": expired,
        "personal": {d.pk for d in world.docs if d.visibility == Visibility.ORGANISATION},
        "similar": expected,
    }
    compare("document_list", selectors.document_list(user=user).values_list("pk", flat=True))
    compare(
        "expired_filter",
        selectors.document_list(user=user, expired=True).values_list("pk", flat=True),
    )
    hits = selectors.document_search(user=user, query=WORD, k=50)
    compare("document_search", [h.document.pk for h in hits])
    for hit in hits:
        compare_passages = {p.document.pk for p in hit.passages}
        if compare_passages != {hit.document.pk}:
            problems.append(f"{name}: a hit carries passages of another document")
    passages = selectors.passages_rank(user=user, query=WORD, k=200)
    compare("passages_rank", [p.document.pk for p in passages])
    leaked_text = {m for p in passages for m in MARKER_RE.findall(p.text)} - world.visible_markers(
        name
    )
    if leaked_text:
        problems.append(f"{name}: passage text of {sorted(leaked_text)}")
    counts = selectors.document_counts(user=user)
    if counts != {
        "total": len(expected),
        "expired": len(expired),
    }:
        problems.append(f"{name}: counts {counts}")
    compare("hygiene_expired", selectors.hygiene_expired(user=user).values_list("pk", flat=True))
    compare(
        "hygiene_never_retrieved",
        selectors.hygiene_never_retrieved(user=user).values_list("pk", flat=True),
    )
    pairs = hygiene.similar_passages(user=user)
    in_pairs = {d.pk for p in pairs for d in (p.first_document, p.second_document)}
    in_pairs |= {int(c.object_id) for p in pairs for c in (p.first, p.second)}
    if in_pairs - expected:
        problems.append(f"{name}: similar passages of {sorted(in_pairs - expected)}")
    compare("personal", [d.pk for d in hygiene.personal_data_org_wide(user=user)])
    for doc in world.docs:
        try:
            got = selectors.document_get(user=user, pk=doc.pk).pk
        except Http404:
            got = None
        if (got is not None) != (doc.pk in expected):
            problems.append(f"{name}: document_get of {doc.marker} gave {got}")
    return problems


def test_selectors_and_hygiene_checks_give_everyone_exactly_what_they_may_see(world):
    problems = [p for name in world.names() for p in selector_violations(world, name)]
    assert problems == []


def test_hygiene_has_content_for_the_checks_to_bite_on(world):
    """The hygiene lists are not trivially empty: near-duplicates, conflicts, expired documents."""
    pairs = hygiene.similar_passages(user=world.people["olaf"])
    assert len(pairs) == 10  # olaf sees five documents that all say nearly the same
    assert any(p.conflict for p in pairs) and not all(p.conflict for p in pairs)
    assert selectors.hygiene_expired(user=world.people["carol"]).exists()
    assert hygiene.personal_data_org_wide(user=world.people["olaf"])


def test_answers_and_their_citations_come_only_from_visible_documents(world):
    for name in world.names():
        user = world.people[name]
        outcome = services.question_ask(actor=user, question=QUESTION)
        assert outcome.found, name
        cited = {c["document_id"] for c in outcome.citations}
        assert cited and cited <= world.visible(name), name
        assert {p.document.pk for p in outcome.passages} <= world.visible(name), name
        answer_markers = set(MARKER_RE.findall(outcome.text))
        for sentence in outcome.sentences:
            answer_markers |= set(MARKER_RE.findall(sentence["text"]))
        for citation in outcome.citations:
            answer_markers |= set(MARKER_RE.findall(citation["quote"] + citation["title"]))
        assert answer_markers and answer_markers <= world.visible_markers(name), name
        draft = outcome.draft
        refs = {int(s.ref.split(":")[1].split("#")[0]) for s in draft.sources.all()}
        assert refs == cited, name
        assert draft.visibility == Visibility.PRIVATE and draft.owner_id == user.pk
        # Nobody else can open the answer (it quotes what its asker may see).
        for other in world.names():
            if other != name:
                response = login(world, other).get(f"/api/drafts/{draft.pk}")
                assert response.status_code == 404, (name, other)


def test_answers_are_limited_by_tag_and_team_filters_after_permissions(world):
    carol = world.people["carol"]
    passages = selectors.passages_rank(user=carol, query=WORD, k=50, team_id=world.teams["t3"].pk)
    # t3 documents carol may see: only by a share; fuchsia and salvia stay hidden.
    assert {p.document.pk for p in passages} == {
        d.pk for d in world.docs if d.team == "t3" and world.may_see("carol", d)
    }
    assert {world.by_pk(p.document.pk).marker for p in passages} == {"ixia"}
    current = selectors.passages_rank(user=carol, query=WORD, k=50, include_expired=False)
    assert {p.document.pk for p in current} == {
        d.pk for d in world.docs if world.may_see("carol", d) and not d.expired
    }


# -- web pages -------------------------------------------------------------------------------------


def login(world: World, name: str) -> Client:
    client = Client()
    client.force_login(world.people[name])
    return client


def markers_in(html: str) -> set[str]:
    return set(MARKER_RE.findall(html))


def test_the_markers_appear_nowhere_else_on_a_page(world):
    """A page with no documents on it holds no marker word, so any marker found is a leak."""
    html = login(world, "alice").get(reverse("knowledge:upload")).content.decode()
    assert markers_in(html) == set()


def test_hygiene_page_shows_only_visible_documents(world):
    for name in world.names():
        response = login(world, name).get(reverse("knowledge:hygiene"))
        assert response.status_code == 200
        # Every visible document is listed (never found), and nothing else is named or quoted.
        assert markers_in(response.content.decode()) == world.visible_markers(name), name


def test_browse_and_search_pages_show_only_visible_documents(world):
    for name in world.names():
        client = login(world, name)
        visible = world.visible_markers(name)
        browse = client.get(reverse("knowledge:home"))
        assert browse.status_code == 200
        html = browse.content.decode()
        assert markers_in(html) == visible, name
        assert f"Je kunt {len(visible)} documenten zien." in html, name  # Dutch UI
        search = client.get(reverse("knowledge:home"), {"q": WORD})
        found = markers_in(search.content.decode())
        assert found <= visible and len(found) == min(10, len(visible)), name
        partial = client.get(reverse("knowledge:home"), {"q": WORD}, HTTP_HX_REQUEST="true")
        assert markers_in(partial.content.decode()) <= visible, name


def test_hygiene_page_lists_pairs_and_expired_documents(world):
    html = login(world, "carol").get(reverse("knowledge:hygiene")).content.decode()
    assert 'data-testid="hygiene-pairs"' in html and 'data-testid="hygiene-expired"' in html
    assert 'data-testid="hygiene-never"' in html and 'data-testid="hygiene-personal"' in html


def test_ask_page_answers_only_from_visible_documents(world):
    for name in ("olaf", "dave", "bob"):
        response = login(world, name).post(reverse("knowledge:ask"), {"q": QUESTION})
        assert response.status_code == 200
        found = markers_in(response.content.decode())
        assert found and found <= world.visible_markers(name), name


def test_document_pages_passages_and_downloads_are_404_for_what_one_may_not_see(world):
    for name in world.names():
        client = login(world, name)
        visible = world.visible(name)
        for doc in world.docs:
            urls = [
                reverse("knowledge:document_detail", args=[doc.pk]),
                reverse("knowledge:passage", args=[doc.pk, 0]),
                reverse("knowledge:version_download", args=[doc.pk, 1]),
            ]
            for url in urls:
                response = client.get(url)
                if doc.pk in visible:
                    assert response.status_code == 200, (name, doc.marker, url)
                    body = (
                        b"".join(response.streaming_content)
                        if response.streaming
                        else response.content
                    ).decode()
                    assert markers_in(body) == {doc.marker}, (name, doc.marker, url)
                else:
                    assert response.status_code == 404, (name, doc.marker, url)
                    assert doc.marker not in response.content.decode()


def test_changing_pages_are_404_too(world):
    """Edit, new version and delete do not tell an outsider that the document exists."""
    alice_private = next(d for d in world.docs if d.marker == "anemoon")
    client = login(world, "bob")
    assert (
        client.get(reverse("knowledge:document_edit", args=[alice_private.pk])).status_code == 404
    )
    assert (
        client.post(reverse("knowledge:document_delete", args=[alice_private.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("knowledge:document_new_version", args=[alice_private.pk])).status_code
        == 404
    )
    assert Document.objects.filter(pk=alice_private.pk).exists()


# -- API -------------------------------------------------------------------------------------------


def api_clients(world: World, name: str, token_for) -> dict:
    token = token_for(world.people[name], ["knowledge:read", "knowledge:write"])
    read_only = token_for(world.people[name], ["knowledge:read"])
    return {
        "session": (login(world, name), {}),
        "token": (Client(), {"HTTP_AUTHORIZATION": token}),
        "read-token": (Client(), {"HTTP_AUTHORIZATION": read_only}),
    }


def test_api_lists_searches_and_reads_only_visible_documents(world, token_for):
    for name in world.names():
        visible = world.visible(name)
        expired = {d.pk for d in world.docs if d.expired and d.pk in visible}
        for channel, (client, headers) in api_clients(world, name, token_for).items():
            who = (name, channel)
            listing = client.get("/api/knowledge/documents?limit=100", **headers)
            assert listing.status_code == 200, who
            body = listing.json()
            assert {item["id"] for item in body["items"]} == visible, who
            assert body["count"] == len(visible), who
            old = client.get("/api/knowledge/documents?expired=true&limit=100", **headers).json()
            assert {item["id"] for item in old["items"]} == expired, who
            search = client.get(f"/api/knowledge/search?q={WORD}&k=50", **headers)
            assert search.status_code == 200, who
            hits = search.json()
            assert {h["document"]["id"] for h in hits} == visible, who
            passage_docs = {p["document_id"] for h in hits for p in h["passages"]}
            assert passage_docs == visible, who
            assert markers_in(search.content.decode()) == world.visible_markers(name), who
            for doc in world.docs:
                detail = client.get(f"/api/knowledge/documents/{doc.pk}", **headers)
                if doc.pk in visible:
                    assert detail.status_code == 200 and detail.json()["id"] == doc.pk, who
                else:
                    assert detail.status_code == 404, (who, doc.marker)
                    assert detail.json()["error"]["code"] == "not_found"
                    assert doc.marker not in detail.content.decode()


def test_api_answers_only_from_visible_documents(world, token_for):
    for name in world.names():
        visible = world.visible(name)
        clients = api_clients(world, name, token_for)
        for channel in ("session", "token"):
            client, headers = clients[channel]
            response = client.post(
                "/api/knowledge/ask",
                {"question": QUESTION},
                content_type="application/json",
                **headers,
            )
            assert response.status_code == 200, (name, channel)
            body = response.json()
            assert body["found"], (name, channel)
            assert {c["document_id"] for c in body["citations"]} <= visible, (name, channel)
            found = markers_in(response.content.decode())
            assert found and found <= world.visible_markers(name), (name, channel)


def test_a_read_token_may_ask_questions_as_its_scope_promises(world, token_for):
    client, headers = api_clients(world, "olaf", token_for)["read-token"]
    response = client.post(
        "/api/knowledge/ask", {"question": QUESTION}, content_type="application/json", **headers
    )
    assert response.status_code == 200


def test_api_changes_to_invisible_documents_are_404(world, token_for):
    client, headers = api_clients(world, "bob", token_for)["token"]
    alice_private = next(d for d in world.docs if d.marker == "anemoon")
    patch = client.patch(
        f"/api/knowledge/documents/{alice_private.pk}",
        {"title": "Overgenomen"},
        content_type="application/json",
        **headers,
    )
    assert patch.status_code == 404
    delete = client.delete(f"/api/knowledge/documents/{alice_private.pk}", **headers)
    assert delete.status_code == 404
    upload = client.post(
        "/api/knowledge/documents",
        {
            "file": SimpleUploadedFile("overname.txt", b"Een nieuwe versie van iets geheims."),
            "document_id": alice_private.pk,
        },
        **headers,
    )
    assert upload.status_code == 404
    alice_private.document.refresh_from_db()
    assert alice_private.document.title == "Garantie anemoon"
    assert alice_private.document.versions.count() == 1


# -- changes reach search at once ------------------------------------------------------------------


def found_by(world: World, name: str) -> set[int]:
    user = world.people[name]
    return {p.document.pk for p in selectors.passages_rank(user=user, query=WORD, k=200)}


def index_finds(world: World, name: str) -> set[int]:
    """What the search index alone lets `name` find (before the knowledge app's own check)."""
    hits = chunk_search(user=world.people[name], query=WORD, k=200, content_types=[Document])
    return {int(h.chunk.object_id) for h in hits}


def test_making_a_document_private_hides_it_from_search_before_the_commit(world):
    doc = next(d for d in world.docs if d.marker == "magnolia")  # organisation-wide, dave's
    assert all(doc.pk in found_by(world, name) for name in world.names())
    # No on-commit callback runs here: the index's permission keys change in this transaction.
    services.document_update(
        actor=world.people["dave"], document=doc.document, visibility=Visibility.PRIVATE
    )
    doc.visibility = Visibility.PRIVATE
    for name in world.names():
        expected = world.visible(name)
        assert (doc.pk in found_by(world, name)) == (name == "dave"), name
        assert (doc.pk in index_finds(world, name)) == (name == "dave"), name
        assert found_by(world, name) == expected, name
    api = login(world, "olaf").get(f"/api/knowledge/search?q={WORD}&k=50").json()
    assert doc.pk not in {h["document"]["id"] for h in api}


def test_sharing_a_document_with_a_team_shows_it_at_once(world):
    doc = next(d for d in world.docs if d.marker == "begonia")  # alice's, team t1
    assert doc.pk not in found_by(world, "dave")
    services.document_update(
        actor=world.people["alice"],
        document=doc.document,
        visibility=Visibility.NAMED,
        shared_with_teams=[world.teams["t3"]],
    )
    doc.visibility, doc.shared_teams = Visibility.NAMED, ["t3"]
    for name in world.names():
        assert found_by(world, name) == world.visible(name), name
    assert doc.pk in found_by(world, "dave") and doc.pk not in found_by(world, "bob")


def test_deleting_a_document_removes_it_from_search_and_the_index(
    world, django_capture_on_commit_callbacks
):
    doc = next(d for d in world.docs if d.marker == "tulp")
    pk = doc.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(actor=world.people["olaf"], document=doc.document)
    world.docs.remove(doc)
    assert not Chunk.objects.filter(object_id=str(pk)).exists()
    for name in world.names():
        assert pk not in found_by(world, name) and pk not in index_finds(world, name), name
        assert found_by(world, name) == world.visible(name), name
    response = login(world, "olaf").get(reverse("knowledge:document_detail", args=[pk]))
    assert response.status_code == 404


def test_a_document_made_private_behind_the_index_is_still_hidden(world):
    """Should a change reach the index late (here: a bulk update that skips it), the knowledge
    app's own check still hides the document: the index alone would show it."""
    doc = next(d for d in world.docs if d.marker == "dahlia")  # organisation-wide, carol's
    Document.objects.filter(pk=doc.pk).update(visibility=Visibility.PRIVATE)
    doc.visibility = Visibility.PRIVATE
    assert doc.pk in index_finds(world, "olaf")  # stale
    for name in world.names():
        assert found_by(world, name) == world.visible(name), name
        hits = selectors.document_search(user=world.people[name], query=WORD, k=50)
        assert {h.document.pk for h in hits} == world.visible(name), name
    outcome = services.question_ask(actor=world.people["olaf"], question=QUESTION)
    assert {c["document_id"] for c in outcome.citations} <= world.visible("olaf")
    assert "dahlia" not in outcome.text


# -- the checks above fail when a filter is removed -------------------------------------------------


def _everything(queryset, user):
    return queryset


def _get_anything(queryset, user, **lookup):
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


@pytest.mark.parametrize(
    ("target", "replacement"),
    [
        ("wendbaar.knowledge.selectors.visible_to", _everything),
        ("wendbaar.knowledge.selectors.get_visible_or_404", _get_anything),
        ("wendbaar.knowledge.hygiene.visible_to", _everything),
    ],
    ids=["selectors.visible_to", "selectors.get_visible_or_404", "hygiene.visible_to"],
)
def test_removing_a_filter_makes_the_checks_fail(world, monkeypatch, target, replacement):
    monkeypatch.setattr(target, replacement)
    problems = [p for name in world.names() for p in selector_violations(world, name)]
    assert problems


def test_removing_the_knowledge_check_behind_a_stale_index_makes_search_leak(world, monkeypatch):
    doc = next(d for d in world.docs if d.marker == "dahlia")
    Document.objects.filter(pk=doc.pk).update(visibility=Visibility.PRIVATE)
    doc.visibility = Visibility.PRIVATE
    monkeypatch.setattr("wendbaar.knowledge.selectors.visible_to", _everything)
    assert doc.pk in found_by(world, "olaf")
    assert any("passages_rank" in p for p in selector_violations(world, "olaf"))


def test_without_the_index_filter_the_knowledge_check_alone_holds(world, monkeypatch):
    """Each layer holds on its own: with the index's permission filter gone, the index returns
    everything, and passages_rank still gives each person only what they may see."""
    from wendbaar.ai.search.backends import SearchBackend

    monkeypatch.setattr(
        SearchBackend,
        "principal_subquery",
        lambda self, keys: ("SELECT chunk_id FROM search_chunkprincipal", []),
    )
    assert index_finds(world, "olaf") == {d.pk for d in world.docs}
    for name in world.names():
        assert found_by(world, name) == world.visible(name), name
