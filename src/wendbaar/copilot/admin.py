from django.contrib import admin

from wendbaar.copilot.models import Draft, DraftSource, FeedbackExample, Review


class DraftSourceInline(admin.TabularInline):
    model = DraftSource
    extra = 0
    readonly_fields = ["position", "ref", "kind", "title", "quote", "locator", "score"]
    can_delete = False


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    """Drafts are made by capabilities and reviewed in the app; the admin shows them for support."""

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
    readonly_fields = [f.name for f in Draft._meta.fields if f.name != "id"]
    inlines = [DraftSourceInline]

    def has_add_permission(self, request):
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["draft", "decision", "reviewer", "edit_ratio", "seconds_spent", "created_at"]
    list_filter = ["decision"]
    readonly_fields = [f.name for f in Review._meta.fields if f.name != "id"]

    def has_add_permission(self, request):
        return False


@admin.register(FeedbackExample)
class FeedbackExampleAdmin(admin.ModelAdmin):
    list_display = ["capability", "kind", "label", "created_at", "consumed_at"]
    list_filter = ["capability", "label"]
    readonly_fields = [f.name for f in FeedbackExample._meta.fields if f.name != "id"]

    def has_add_permission(self, request):
        return False
