from django.contrib import admin

from plans.models import (
    CategoryPlan,
    Initiative,
    InitiativeImpact,
    PlanEndorsement,
    PlanEvent,
    PlanObjective,
    RealisedSaving,
    StageProbability,
)


class PlanObjectiveInline(admin.TabularInline):
    model = PlanObjective
    extra = 0


@admin.register(CategoryPlan)
class CategoryPlanAdmin(admin.ModelAdmin):
    list_display = ["category", "fiscal_year", "title", "status", "revision"]
    list_filter = ["status", "fiscal_year"]
    list_select_related = ["category"]
    raw_id_fields = ["category", "created_by", "approved_by"]
    inlines = [PlanObjectiveInline]


class InitiativeImpactInline(admin.TabularInline):
    model = InitiativeImpact
    extra = 0


class RealisedSavingInline(admin.TabularInline):
    model = RealisedSaving
    extra = 0
    raw_id_fields = ["recorded_by"]


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "lever", "stage", "hard_savings", "cost_avoidance", "revenue"]
    list_filter = ["stage", "lever"]
    list_select_related = ["plan__category"]
    raw_id_fields = ["plan", "owner"]
    inlines = [InitiativeImpactInline, RealisedSavingInline]


@admin.register(PlanEndorsement)
class PlanEndorsementAdmin(admin.ModelAdmin):
    list_display = ["plan", "revision", "unit", "decision", "decided_by", "decided_at"]
    list_filter = ["decision"]


@admin.register(PlanEvent)
class PlanEventAdmin(admin.ModelAdmin):
    list_display = ["at", "plan", "action", "by"]
    readonly_fields = ["plan", "initiative", "revision", "action", "changes", "by", "at"]


admin.site.register(StageProbability)
