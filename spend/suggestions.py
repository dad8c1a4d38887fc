"""The classification review queue: learning from the lines classified so far, storing a
suggestion for each group of unclassified lines (rules first, then the classifier of
spend.learning), reading the queue and accepting suggestions. Learning runs in the background
(spend.tasks) after imports and classifications: call `classifier_retrain_soon()`."""

import logging
import time
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from categories.models import Category
from spend import learning
from spend.importing.storing import load_rules
from spend.models import ClassificationSuggestion, ClassifierTraining, SpendLine
from spend.summary import refresh_spend_summary
from spend.tasks import classifier_retrain_soon
from workbench.permissions import classifiable_categories

logger = logging.getLogger(__name__)

# The queue holds suggestions for at most this many groups of unclassified lines, the largest
# by spend first: past it nobody reviews one by one, and relearning stays bounded.
MAX_SUGGESTIONS = 100_000
# Lines accepted per UPDATE: one statement per group would be thousands on a bulk accept.
ACCEPT_CHUNK = 200
GROUP = ("supplier_id", "description", "gl_account")


def unclassified_groups():
    """Unclassified lines grouped by what the classifier reads (supplier, description, GL
    account), with their lines and spend, the largest spend first."""
    return (
        SpendLine.objects.filter(category__isnull=True)
        .values(*GROUP, "supplier__name")
        .annotate(lines=Count("id"), spend=Sum("amount"))
        .order_by("-spend", *GROUP)
    )


def classified_texts():
    """The lines classified so far, grouped the same way, with their category and count."""
    return (
        SpendLine.objects.filter(category__isnull=False)
        .values("supplier__name", "description", "gl_account", "category_id")
        .annotate(lines=Count("id"))
        .order_by()
    )


def classifier_retrain() -> ClassifierTraining:
    """Learn from every classified line and replace the queue's suggestions: a rule that
    applies to a group gives its category (rules win over the model; a GL-account or keyword
    rule made after an import has not classified its lines yet); the classifier suggests the
    rest. Never raises: the training records what went wrong."""
    training = ClassifierTraining.objects.create()
    started = time.perf_counter()
    try:
        groups = list(unclassified_groups()[:MAX_SUGGESTIONS])
        rows, message = _suggestion_rows(groups, training)
        with transaction.atomic():
            _one_training_stores_at_a_time()
            ClassificationSuggestion.objects.all().delete()
            ClassificationSuggestion.objects.bulk_create(rows, batch_size=2000)
        training.status = ClassifierTraining.SKIPPED if message else ClassifierTraining.DONE
        training.message = message
        training.suggestions = len(rows)
    except Exception as error:  # the page must say learning failed, whatever the cause
        logger.exception("Classifier training %s failed", training.pk)
        training.status = ClassifierTraining.FAILED
        training.message = f"Learning stopped on an unexpected error: {error}"
    training.finished_at = timezone.now()
    training.seconds = time.perf_counter() - started
    training.save()
    # Older trainings' records stay for a while to show the history; their suggestions are gone.
    stale = ClassifierTraining.objects.order_by("-started_at", "-pk").values_list("pk")[20:]
    ClassifierTraining.objects.filter(pk__in=list(stale)).delete()
    return training


# Any constant will do, as long as nothing else takes an advisory lock with it.
LEARNING_LOCK = 0x4C4541524E  # "LEARN"


def _one_training_stores_at_a_time():
    """Two workers replacing the queue at once could each miss the other's new rows when they
    delete: the second waits for the first to commit. SQLite lets one writer in anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LEARNING_LOCK])


def _suggestion_rows(groups: list[dict], training) -> tuple[list, str]:
    """The suggestions for the groups, and why the classifier had nothing to say if so."""
    if not groups:
        return [], "No unclassified lines."
    rules = load_rules()
    rows, undecided = [], []
    rule_text = {
        "supplier": "Supplier rule",
        "gl": "GL-account rule {}",
        "keyword": "Keyword rule “{}”",
    }
    for group in groups:
        reason, category_id = _rule_for(rules, group, rule_text)
        if category_id is None:
            undecided.append(group)
        else:
            rows.append(
                _row(training, group, category_id, ClassificationSuggestion.RULE, 1.0, [reason], [])
            )
    if not undecided:
        return rows, ""
    examples = list(classified_texts())
    texts = [
        learning.line_text(e["supplier__name"], e["description"], e["gl_account"]) for e in examples
    ]
    labels = [e["category_id"] for e in examples]
    counts = [e["lines"] for e in examples]
    try:
        classifier = learning.train(texts, labels, counts)
    except learning.TooLittleToLearn:
        return rows, "The classified lines hold fewer than two categories: nothing to learn yet."
    training.lines_learnt = classifier.lines
    training.texts_learnt = classifier.texts
    training.categories_learnt = len(classifier.labels)
    suggestions = learning.suggest(
        classifier,
        [
            learning.line_text(g["supplier__name"], g["description"], g["gl_account"])
            for g in undecided
        ],
    )
    named = Category.objects.in_bulk([int(label) for label in classifier.labels])
    for group, suggestion in zip(undecided, suggestions, strict=True):
        if int(suggestion.label) not in named:
            continue  # the category was removed while the model learnt
        runners_up = [
            {
                "code": named[int(label)].code,
                "name": named[int(label)].name,
                "confidence": round(chance, 4),
            }
            for label, chance in suggestion.alternatives
            if int(label) in named
        ]
        rows.append(
            _row(
                training,
                group,
                int(suggestion.label),
                ClassificationSuggestion.MODEL,
                suggestion.confidence,
                list(suggestion.words),
                runners_up,
            )
        )
    return rows, ""


def _rule_for(rules, group, text) -> tuple[str, int | None]:
    """The rule that would classify the group, strongest kind first, as the import does."""
    if (category := rules.by_supplier.get(group["supplier_id"])) is not None:
        return text["supplier"], category
    if group["gl_account"] and (category := rules.by_gl_account.get(group["gl_account"])):
        return text["gl"].format(group["gl_account"]), category
    for keyword, category in rules.keywords:
        if keyword in (group["description"] or "").lower():
            return text["keyword"].format(keyword), category
    return "", None


def _row(training, group, category_id, source, confidence, reasons, alternatives):
    spend = group["spend"] or Decimal(0)
    return ClassificationSuggestion(
        training=training,
        supplier_id=group["supplier_id"],
        description=group["description"],
        gl_account=group["gl_account"],
        category_id=category_id,
        source=source,
        confidence=confidence,
        reasons=reasons,
        alternatives=alternatives,
        lines=group["lines"],
        spend=spend,
        weighted_spend=learning.weighted_spend(spend, confidence),
    )


# --- Reading the queue ---------------------------------------------------------------------


def suggestion_queue():
    """The suggestions, most spend times confidence first."""
    return ClassificationSuggestion.objects.select_related("supplier", "category").order_by(
        "-weighted_spend", "pk"
    )


def queue_totals() -> dict:
    return ClassificationSuggestion.objects.aggregate(
        suggestions=Count("id"), spend=Sum("spend"), lines=Sum("lines")
    )


def latest_training():
    """The last training that finished (None before the first)."""
    return (
        ClassifierTraining.objects.exclude(status=ClassifierTraining.RUNNING)
        .order_by("-started_at", "-pk")
        .first()
    )


def learning_now() -> bool:
    """A training began in the last half hour and has not finished (one older than that was
    cut short: its worker died, and the next import or classification starts another)."""
    since = timezone.now() - timedelta(minutes=30)
    return ClassifierTraining.objects.filter(
        status=ClassifierTraining.RUNNING, started_at__gte=since
    ).exists()


# --- Accepting -----------------------------------------------------------------------------


def classification_suggestions_accept(*, suggestions, by) -> dict:
    """Classify the lines of each suggestion the person may classify into (their categories;
    every one for an administrator) with its category. Lines a suggestion stood for that were
    classified meanwhile, or removed, are left alone. Returns how many suggestions were
    accepted, how many lines classified and how many suggestions were refused."""
    suggestions = list(suggestions)
    allowed_ids = set(
        classifiable_categories(by)
        .filter(pk__in={s.category_id for s in suggestions})
        .values_list("pk", flat=True)
    )
    accepted = [s for s in suggestions if s.category_id in allowed_ids]
    changed = 0
    with transaction.atomic():
        by_category: dict[int, list] = {}
        for suggestion in accepted:
            by_category.setdefault(suggestion.category_id, []).append(suggestion)
        for category_id, group in by_category.items():
            for start in range(0, len(group), ACCEPT_CHUNK):
                chunk = group[start : start + ACCEPT_CHUNK]
                which = Q(pk__in=[])
                for s in chunk:
                    which |= Q(
                        supplier_id=s.supplier_id,
                        description=s.description,
                        gl_account=s.gl_account,
                    )
                changed += SpendLine.objects.filter(which, category__isnull=True).update(
                    category_id=category_id
                )
        ClassificationSuggestion.objects.filter(pk__in=[s.pk for s in accepted]).delete()
        if accepted:
            classifier_retrain_soon()
    if changed:
        refresh_spend_summary()
    return {
        "accepted": len(accepted),
        "lines": changed,
        "refused": len(suggestions) - len(accepted),
    }
