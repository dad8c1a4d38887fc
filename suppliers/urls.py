from django.urls import path

from suppliers.views import (
    contracts,
    corrections,
    directory,
    engagement,
    merging,
    relationships,
    scorecards,
    segments,
)

app_name = "suppliers"
urlpatterns = [
    path("", directory.supplier_list, name="list"),
    path("segments/", segments.segment_overview, name="segments"),
    path("merges/", merging.merge_history, name="merges"),
    path("merges/<int:pk>/undo/", merging.undo, name="merge_undo"),
    path("match-suggestions/", merging.match_suggestions, name="match_suggestions"),
    path("contracts/", contracts.contract_list, name="contracts"),
    path("kpis/", scorecards.kpi_catalogue, name="kpis"),
    path("kpis/templates/new/", scorecards.template_add, name="template_add"),
    path("scorecards/<int:pk>/", scorecards.scorecard, name="scorecard"),
    path("scorecards/<int:pk>/print/", scorecards.scorecard_print, name="scorecard_print"),
    path("ideas/<int:pk>/status/", engagement.idea_status, name="idea_status"),
    path("objectives/<int:pk>/", relationships.action_edit, name="action_edit"),
    # Contracts, log entries, ideas and risks: kind is contract, engagement, idea or risk.
    path("records/<slug:kind>/<int:pk>/edit/", corrections.record_edit, name="record_edit"),
    path("records/<slug:kind>/<int:pk>/remove/", corrections.record_remove, name="record_remove"),
    path(
        "records/<slug:kind>/<int:pk>/restore/", corrections.record_restore, name="record_restore"
    ),
    path(
        "records/<slug:kind>/<int:pk>/history/", corrections.record_history, name="record_history"
    ),
    path("<int:pk>/", directory.supplier_detail, name="detail"),
    path("<int:pk>/segment/", segments.set_segment, name="segment"),
    path("<int:pk>/merge/", merging.merge, name="merge"),
    path("<int:pk>/relationship/", relationships.plan_edit, name="relationship_plan"),
    path("<int:pk>/relationship/actions/new/", relationships.action_add, name="action_add"),
    path("<int:pk>/relationship/meetings/new/", relationships.meeting_add, name="meeting_add"),
    path("<int:pk>/scorecards/new/", scorecards.evaluate, name="evaluate"),
    path("<int:pk>/contracts/new/", contracts.contract_add, name="contract_add"),
    path("<int:pk>/engagement/new/", engagement.engagement_add, name="engagement_add"),
    path("<int:pk>/ideas/new/", engagement.idea_add, name="idea_add"),
    path("<int:pk>/risks/new/", engagement.risk_add, name="risk_add"),
]
