from django.contrib import admin

from claims.models import (
    Affiliation,
    Article,
    Caveat,
    Claim,
    Correction,
    Evidence,
    ReviewEvent,
    Source,
    Topic,
)


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "reliability", "affiliation", "country"]
    list_filter = ["reliability", "kind", "affiliation"]
    search_fields = ["name", "description", "affiliation__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["affiliation"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on"]
    search_fields = ["title", "url"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["publisher"]


class EvidenceInline(admin.StackedInline):
    model = Evidence
    extra = 0
    fields = [
        ("stance", "credibility"),
        ("source", "origin"),
        "title",
        ("url", "archive_url"),
        "excerpt",
        ("published_on", "accessed_on"),
        "note",
    ]
    autocomplete_fields = ["source", "origin"]


class CaveatInline(admin.TabularInline):
    model = Caveat
    extra = 0


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["headline", "status", "is_published", "claimant", "topic", "review_by"]
    list_filter = ["status", "is_published", "topic", "claimant"]
    search_fields = ["headline", "wording", "slug", "claimant__name"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["claimant", "appeared_in"]
    readonly_fields = ["status", "is_published", "published_at", "version", "created_by"]
    inlines = [CaveatInline, EvidenceInline, ReviewEventInline]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "wording", "claimant", "topic"]}),
        ("Where and when", {"fields": ["made_on", "appeared_in", "appearance_url", "context"]}),
        ("For readers", {"fields": ["verdict_summary", "review_by"]}),
        (
            "Workflow",
            {"fields": ["status", "is_published", "published_at", "version", "created_by"]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, Evidence) and instance.added_by_id is None:
                instance.added_by = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    """The audit trail: readable by the desk, writable by nobody."""

    list_display = ["created_at", "claim", "action", "from_status", "to_status", "actor"]
    list_filter = ["action", "to_status"]
    search_fields = ["claim__headline", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["published_at", "claim", "kind"]
    list_filter = ["kind"]
    search_fields = ["claim__headline", "note"]
    autocomplete_fields = ["claim"]
