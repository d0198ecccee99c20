from django.contrib import admin

from .models import RubricTable, Scorecard, ScoreEntry


class ScoreEntryInline(admin.TabularInline):
    model = ScoreEntry
    extra = 0

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_submitted

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ("website", "stage", "status", "result", "score", "submitted_at")
    list_filter = ("stage", "status", "result")
    inlines = [ScoreEntryInline]

    # A submitted card cannot be changed here either (and the database refuses it anyway).
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_submitted)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_submitted)


@admin.register(RubricTable)
class RubricTableAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "source", "loaded_at")
