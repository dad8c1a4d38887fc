"""Relationship plans with strategic partners: the five elements and governance meetings."""

from django.contrib import messages
from django.shortcuts import redirect

from suppliers import services
from suppliers.forms import GovernanceMeetingForm, RelationshipActionForm, RelationshipPlanForm
from suppliers.models import STRATEGIC_PARTNER, RelationshipPlan
from suppliers.views.common import render_form, saved, tab_url
from workbench.permissions import (
    editable_relationship_action_for_user,
    editable_supplier_for_user,
)


def plan_edit(request, pk):
    """Start (or restate) the plan. Only strategic partners get one: a plan for every
    supplier would spread the team's time thin, which is what segmentation is for."""
    supplier = editable_supplier_for_user(request, pk)
    plan = RelationshipPlan.objects.filter(supplier=supplier).first()
    if supplier.segment != STRATEGIC_PARTNER and plan is None:
        return render_form(
            request,
            None,
            title="Relationship plan",
            supplier=supplier,
            intro="Relationship plans are for strategic partners: set the supplier's segment "
            "to strategic partner first.",
        )
    form = RelationshipPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        services.relationship_plan_save(supplier=supplier, form=form, by=request.user)
        return saved(request, "The relationship plan is saved.", tab_url(supplier, "relationship"))
    return render_form(
        request,
        form,
        title="Relationship plan",
        supplier=supplier,
        cancel_url=tab_url(supplier, "relationship"),
        intro="What each side wants from the relationship; the five elements come next.",
    )


def _plan_or_redirect(request, supplier):
    plan = RelationshipPlan.objects.filter(supplier=supplier).first()
    if plan is None:
        messages.info(request, "Start the relationship plan first.")
    return plan


def action_add(request, pk):
    supplier = editable_supplier_for_user(request, pk)
    plan = _plan_or_redirect(request, supplier)
    if plan is None:
        return redirect("suppliers:relationship_plan", pk=supplier.pk)
    form = RelationshipActionForm(
        request.POST or None, initial={"element": request.GET.get("element")}
    )
    if request.method == "POST" and form.is_valid():
        action = services.relationship_action_create(plan=plan, form=form)
        return saved(
            request,
            f"Added under “{action.get_element_display()}”.",
            tab_url(supplier, "relationship"),
        )
    return render_form(
        request,
        form,
        title="Objective and action",
        supplier=supplier,
        cancel_url=tab_url(supplier, "relationship"),
    )


def meeting_add(request, pk):
    supplier = editable_supplier_for_user(request, pk)
    plan = _plan_or_redirect(request, supplier)
    if plan is None:
        return redirect("suppliers:relationship_plan", pk=supplier.pk)
    form = GovernanceMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.governance_meeting_record(plan=plan, form=form)
        return saved(request, "The meeting is recorded.", tab_url(supplier, "relationship"))
    return render_form(
        request,
        form,
        title="Governance meeting",
        supplier=supplier,
        cancel_url=tab_url(supplier, "relationship"),
    )


def action_edit(request, pk):
    """Move an objective along (planned, under way, done) or correct it."""
    action, supplier = editable_relationship_action_for_user(request, pk)
    form = RelationshipActionForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        services.relationship_action_update(form=form)
        return saved(request, "The objective is updated.", tab_url(supplier, "relationship"))
    return render_form(
        request,
        form,
        title="Objective and action",
        supplier=supplier,
        cancel_url=tab_url(supplier, "relationship"),
    )
