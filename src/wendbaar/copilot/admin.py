from django.contrib import admin

from wendbaar.accounts.models import visible_q
from wendbaar.common.admin import ReadOnlyAdminMixin
from wendbaar.copilot.models import Draft, DraftSource, FeedbackExample, Review


class DraftVisibilityAdminMixin(ReadOnlyAdminMixin):
    """The admin site honours draft visibility like the app: no administrator bypass.

    Drafts are made by capabilities and reviewed in the app, so nothing here adds, changes or
    deletes them.
    """

    draft_path = ""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(visible_q(Draft, request.user, prefix=self.draft_path))
        )


class DraftSourceInline(admin.TabularInline):
    model = DraftSource
    extra = 0
    readonly_fields = ["position", "ref", "kind", "title", "quote", "locator", "score"]
    can_delete = False


@admin.register(Draft)
class DraftAdmin(DraftVisibilityAdminMixin, admin.ModelAdmin):
    """Drafts are made by capabilities and reviewed in the app; the admin shows them for support."""

    list_select_related = ["assignee"]
    list_display = [
        "title",
        "capability",
        "kind",
        "status",
        "confidence",
        "engine",
        "assignee",
        "created_at",
    ]
    list_filter = ["capability", "status", "engine"]
    search_fields = ["title", "text"]
    inlines = [DraftSourceInline]


@admin.register(Review)
class ReviewAdmin(DraftVisibilityAdminMixin, admin.ModelAdmin):
    draft_path = "draft__"
    list_select_related = ["draft", "reviewer"]
    list_display = ["draft", "decision", "reviewer", "edit_ratio", "seconds_spent", "created_at"]
    list_filter = ["decision"]


@admin.register(FeedbackExample)
class FeedbackExampleAdmin(DraftVisibilityAdminMixin, admin.ModelAdmin):
    draft_path = "draft__"
    list_display = ["capability", "kind", "label", "created_at", "consumed_at"]
    list_filter = ["capability", "label"]
