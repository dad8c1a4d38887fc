"""The classification review queue: the classifier learns from the team's classified lines,
rules win over it, suggestions are accepted in bulk (only into one's own categories), it
relearns in the background, and the page's queries do not grow with its rows."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from spend import services, suggestions
from spend.models import (
    ClassificationRule,
    ClassificationSuggestion,
    ClassifierTraining,
    SpendLine,
    SpendSummary,
)
from suppliers.models import Supplier
from tests.spend.learning_builders import add_ledger, add_lines

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def ledger(company):
    return add_ledger(company)


def _suggestion(supplier):
    return ClassificationSuggestion.objects.select_related("category").get(supplier=supplier)


def test_unclassified_lines_get_the_category_of_the_lines_like_them(company, ledger):
    training = suggestions.classifier_retrain()
    assert training.status == ClassifierTraining.DONE
    assert (training.lines_learnt, training.categories_learnt) == (29, 3)
    laptops = _suggestion(ledger["Currys Business"])
    assert laptops.category == company.hardware
    assert laptops.source == ClassificationSuggestion.MODEL
    assert (laptops.lines, laptops.spend) == (3, Decimal("2700.00"))
    assert "laptop" in " ".join(laptops.reasons)
    assert laptops.weighted_spend == pytest.approx(2700 * laptops.confidence)
    assert _suggestion(ledger["Sparkle Services"]).category == company.cleaning
    assert _suggestion(ledger["Adobe Systems"]).category == company.software
    # The queue: most spend times confidence first.
    order = [s.supplier.name for s in suggestions.suggestion_queue()]
    assert order == ["Currys Business", "Sparkle Services", "Adobe Systems"]


def test_a_rule_made_after_the_import_wins_over_the_model(company, ledger):
    # The laptops' words say hardware; a keyword rule made since says software.
    services.classification_rule_save(
        kind=ClassificationRule.KEYWORD,
        value="latitude",
        category=company.software,
        by=company.manager,
    )
    suggestions.classifier_retrain()
    laptops = _suggestion(ledger["Currys Business"])
    assert (laptops.category, laptops.source, laptops.confidence) == (
        company.software,
        ClassificationSuggestion.RULE,
        1.0,
    )
    assert laptops.reasons == ["Keyword rule “latitude”"]
    assert _suggestion(ledger["Sparkle Services"]).source == ClassificationSuggestion.MODEL


def test_rules_still_suggest_when_there_is_nothing_to_learn_from(company):
    supplier = company.suppliers[0]
    add_lines(company, supplier, "Paper", 2, category=company.hardware)  # one category only
    add_lines(company, supplier, "Toner", 1, gl="6400")
    add_lines(company, supplier, "Stapler", 1)  # no rule fits: for the model, which cannot learn
    services.classification_rule_save(
        kind=ClassificationRule.GL_ACCOUNT,
        value="6400",
        category=company.software,
        by=company.manager,
    )
    training = suggestions.classifier_retrain()
    assert training.status == ClassifierTraining.SKIPPED
    assert "fewer than two categories" in training.message
    [only] = suggestions.suggestion_queue()
    assert (only.description, only.category) == ("Toner", company.software)
    assert only.reasons == ["GL-account rule 6400"]


def test_retraining_replaces_the_last_suggestions(company, ledger):
    suggestions.classifier_retrain()
    SpendLine.objects.filter(supplier=ledger["Adobe Systems"]).update(category=company.software)
    suggestions.classifier_retrain()
    assert ClassificationSuggestion.objects.count() == 2
    assert not ClassificationSuggestion.objects.filter(supplier=ledger["Adobe Systems"]).exists()


def test_ticked_suggestions_are_accepted_and_their_lines_classified(
    client, company, ledger, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_QUEUE
    suggestions.classifier_retrain()
    laptops = _suggestion(ledger["Currys Business"])
    client.force_login(company.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("spend:unclassified"), {"accept": "ticked", "suggestion": [laptops.pk]}
        )
    assert response.status_code == 302
    assert set(
        SpendLine.objects.filter(supplier=ledger["Currys Business"]).values_list(
            "category", flat=True
        )
    ) == {company.hardware.pk}
    assert not ClassificationSuggestion.objects.filter(pk=laptops.pk).exists()
    # The cube's summary knows, and the model will relearn from the decision.
    assert SpendSummary.objects.filter(
        supplier=ledger["Currys Business"], category=company.hardware
    ).exists()
    assert DBTaskResult.objects.filter(task_path="spend.tasks.classifier_retrain").count() == 1
    page = client.get(reverse("spend:unclassified"))
    assert "1 suggestion(s) accepted: 3 lines classified" in page.content.decode()


def test_a_manager_cannot_accept_a_suggestion_into_another_managers_category(
    client, company, ledger
):
    suggestions.classifier_retrain()
    windows = _suggestion(ledger["Sparkle Services"])  # cleaning is the other manager's
    client.force_login(company.manager)
    page = client.get(reverse("spend:unclassified"))
    assert f'value="{windows.pk}"' not in page.content.decode()  # no box to tick
    client.post(reverse("spend:unclassified"), {"accept": "ticked", "suggestion": [windows.pk]})
    assert not SpendLine.objects.filter(
        supplier=ledger["Sparkle Services"], category__isnull=False
    ).exists()
    assert ClassificationSuggestion.objects.filter(pk=windows.pk).exists()


def test_accepting_every_confident_suggestion_takes_only_those_sure_enough_and_ones_own(
    client, company, ledger
):
    suggestions.classifier_retrain()
    ClassificationSuggestion.objects.filter(supplier=ledger["Currys Business"]).update(
        confidence=0.95
    )
    ClassificationSuggestion.objects.filter(supplier=ledger["Adobe Systems"]).update(
        confidence=0.55
    )
    ClassificationSuggestion.objects.filter(supplier=ledger["Sparkle Services"]).update(
        confidence=0.99
    )
    client.force_login(company.manager)
    client.post(reverse("spend:unclassified"), {"accept": "confident", "at_least": "90"})
    classified = set(
        SpendLine.objects.filter(category__isnull=False)
        .exclude(supplier__in=company.suppliers)
        .values_list("supplier__name", flat=True)
    )
    # Adobe's is not sure enough; Sparkle's is sure but into the other manager's category.
    assert classified == {"Currys Business"}
    client.force_login(company.administrator)
    client.post(reverse("spend:unclassified"), {"accept": "confident", "at_least": "50"})
    assert not SpendLine.objects.filter(category__isnull=True).exists()
    assert not ClassificationSuggestion.objects.exists()


def test_a_suggestion_whose_lines_were_classified_meanwhile_changes_nothing(company, ledger):
    suggestions.classifier_retrain()
    laptops = _suggestion(ledger["Currys Business"])
    SpendLine.objects.filter(supplier=ledger["Currys Business"]).update(category=company.software)
    result = suggestions.classification_suggestions_accept(
        suggestions=[laptops], by=company.manager
    )
    assert result == {"accepted": 1, "lines": 0, "refused": 0}
    assert set(
        SpendLine.objects.filter(supplier=ledger["Currys Business"]).values_list(
            "category", flat=True
        )
    ) == {company.software.pk}


def test_classifying_by_supplier_relearns_in_the_background(
    company, ledger, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE  # the worker, run in this process
    suggestions.classifier_retrain()
    with django_capture_on_commit_callbacks(execute=True):
        services.spend_classify(
            category=company.cleaning,
            supplier_ids=[ledger["Sparkle Services"].pk],
            by=company.other_manager,
        )
    latest = ClassifierTraining.objects.latest()
    assert latest.status == ClassifierTraining.DONE and latest.lines_learnt == 31
    assert not ClassificationSuggestion.objects.filter(supplier=ledger["Sparkle Services"]).exists()


def test_a_burst_of_classifications_queues_one_relearning(
    company, ledger, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_QUEUE
    for supplier in ledger.values():
        with django_capture_on_commit_callbacks(execute=True):
            services.spend_classify(
                category=company.hardware, supplier_ids=[supplier.pk], by=company.manager
            )
    assert DBTaskResult.objects.filter(task_path="spend.tasks.classifier_retrain").count() == 1


def test_the_page_shows_the_queue_with_its_reasons(client, company, ledger):
    suggestions.classifier_retrain()
    client.force_login(company.manager)
    page = client.get(reverse("spend:unclassified")).content.decode()
    assert "Suggested categories" in page
    assert "Learnt from 29 classified lines in 3 categories" in page
    assert '<span class="tag reason">laptop' in page
    assert page.index("Currys Business") < page.index("Sparkle Services")


def test_the_queue_exports_as_the_page_shows_it(client, company, ledger):
    suggestions.classifier_retrain()
    client.force_login(company.manager)
    response = client.get(reverse("spend:unclassified"), {"table": "suggestions", "format": "csv"})
    rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Supplier,Description,GL account,Lines,Spend,Suggested category")
    assert rows[1].startswith("Currys Business,Laptop Latitude,,3,2700.00,IT.HW,Hardware,Learnt")


def test_page_queries_do_not_grow_with_the_queue(
    client, company, ledger, django_assert_max_num_queries
):
    suggestions.classifier_retrain()
    client.force_login(company.manager)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("spend:unclassified"))
    for number in range(40):
        supplier = Supplier.objects.create(name=f"New supplier {number}", country="GB")
        add_lines(company, supplier, f"Laptop model {number}", 2, amount="300")
    suggestions.classifier_retrain()
    assert ClassificationSuggestion.objects.count() == 43
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("spend:unclassified"))


# --- The category picker -----------------------------------------------------------------


def test_the_picker_lists_the_categories_one_may_classify_into(client, company):
    client.force_login(company.manager)
    found = client.get(reverse("spend:category_picker"), {"category": "ha", "picker": "p"})
    assert "IT.HW" in found.content.decode()
    # Cleaning is the other manager's: not offered.
    none = client.get(reverse("spend:category_picker"), {"category": "clean"}).content.decode()
    assert "FM.CLEAN" not in none and "No category you may classify into" in none
    client.force_login(company.administrator)
    everything = client.get(reverse("spend:category_picker"), {"category": "clean"})
    assert "FM.CLEAN" in everything.content.decode()


def test_choosing_in_the_picker_fills_in_the_code(client, company):
    client.force_login(company.manager)
    chosen = client.get(
        reverse("spend:category_picker"), {"choose": "IT.SW", "picker": "classify-category"}
    ).content.decode()
    assert 'id="classify-category"' in chosen
    assert 'value="IT.SW"' in chosen and "Software" in chosen


def test_an_odd_picker_id_falls_back_to_a_safe_one(client, company):
    client.force_login(company.manager)
    answer = client.get(
        reverse("spend:category_picker"), {"choose": "IT.SW", "picker": '"><script>'}
    ).content.decode()
    assert "<script>" not in answer and 'id="category"' in answer


def test_without_javascript_a_typed_code_in_any_case_classifies(client, company):
    supplier = company.suppliers[0]
    add_lines(company, supplier, "Laptop", 2)
    client.force_login(company.manager)
    response = client.post(
        reverse("spend:unclassified"), {"category": "it.hw Hardware", "supplier": [supplier.pk]}
    )
    assert response.status_code == 302
    assert set(SpendLine.objects.values_list("category", flat=True)) == {company.hardware.pk}


def test_a_rule_added_with_the_picker_queues_its_suggestions(
    client, company, ledger, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    client.force_login(company.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("spend:classification_rules"),
            {"kind": "keyword", "value": "subscription", "category": "it.sw"},
        )
    assert response.status_code == 302
    rule = ClassificationRule.objects.get(keyword="subscription")
    assert rule.category == company.software
    adobe = _suggestion(ledger["Adobe Systems"])
    assert (adobe.source, adobe.reasons) == (
        ClassificationSuggestion.RULE,
        ["Keyword rule “subscription”"],
    )


def test_the_rules_page_refuses_a_code_that_names_no_category(client, company):
    client.force_login(company.manager)
    page = client.post(
        reverse("spend:classification_rules"),
        {"kind": "keyword", "value": "toner", "category": "NOPE"},
    )
    assert page.status_code == 200
    assert "No category has this code." in page.content.decode()
    assert 'value="NOPE"' in page.content.decode()  # what was typed stays in the picker
    assert not ClassificationRule.objects.exists()
