"""Spend, plans and maturity move to apps of their own (spend/, plans/, portfolio/). Only
Django's picture of the models changes: their tables keep their names and every row (each
model names its table in Meta.db_table), so an existing database migrates in place."""

from django.db import migrations

MOVED = {
    "spend": [
        "importbatch",
        "spendline",
        "columnmapping",
        "exchangerate",
        "classificationrule",
        "importjob",
        "spendsummary",
        "kraljicassessment",
    ],
    "plans": [
        "categoryplan",
        "planobjective",
        "stageprobability",
        "initiative",
        "initiativeimpact",
        "realisedsaving",
        "planendorsement",
        "planversion",
        "planevent",
    ],
    "portfolio": [
        "maturitydimension",
        "maturitydescriptor",
        "maturityassessment",
        "maturityscore",
    ],
}


def follow(apps, schema_editor):
    """What names the moved models by app follows them: their content types (so admin history
    and any permission granted on them stay attached) and the supplier merges' records of what
    they moved ("app.model.field"), which undoing a merge looks up."""
    for app, models in MOVED.items():
        _relabel(apps, models, "categories", app)


def go_back(apps, schema_editor):
    for app, models in MOVED.items():
        _relabel(apps, models, app, "categories")


def _relabel(apps, models, old, new):
    content_types = apps.get_model("contenttypes", "ContentType")
    taken = content_types.objects.filter(app_label=new, model__in=models)
    content_types.objects.filter(app_label=old, model__in=models).exclude(
        model__in=taken.values("model")
    ).update(app_label=new)
    merges = apps.get_model("suppliers", "SupplierMerge")
    for merge in merges.objects.all():
        moved = {}
        for label, ids in merge.moved.items():
            app, model, field = label.split(".")
            moved[f"{new}.{model}.{field}" if app == old and model in models else label] = ids
        if moved != merge.moved:
            merge.moved = moved
            merge.save(update_fields=["moved"])


class Migration(migrations.Migration):

    dependencies = [
        ('categories', '0012_import_job_sheets'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('suppliers', '0003_partners'),
    ]

    state_operations = [
        migrations.RemoveField(
            model_name='categoryplan',
            name='approved_by',
        ),
        migrations.RemoveField(
            model_name='categoryplan',
            name='category',
        ),
        migrations.RemoveField(
            model_name='categoryplan',
            name='created_by',
        ),
        migrations.RemoveField(
            model_name='planendorsement',
            name='plan',
        ),
        migrations.RemoveField(
            model_name='planversion',
            name='plan',
        ),
        migrations.RemoveField(
            model_name='initiative',
            name='plan',
        ),
        migrations.RemoveField(
            model_name='planevent',
            name='plan',
        ),
        migrations.RemoveField(
            model_name='planobjective',
            name='plan',
        ),
        migrations.RemoveField(
            model_name='classificationrule',
            name='category',
        ),
        migrations.RemoveField(
            model_name='classificationrule',
            name='created_by',
        ),
        migrations.RemoveField(
            model_name='classificationrule',
            name='supplier',
        ),
        migrations.RemoveField(
            model_name='columnmapping',
            name='created_by',
        ),
        migrations.RemoveField(
            model_name='importjob',
            name='mapping',
        ),
        migrations.DeleteModel(
            name='ExchangeRate',
        ),
        migrations.RemoveField(
            model_name='importbatch',
            name='created_by',
        ),
        migrations.RemoveField(
            model_name='importjob',
            name='batch',
        ),
        migrations.RemoveField(
            model_name='spendline',
            name='import_batch',
        ),
        migrations.RemoveField(
            model_name='importjob',
            name='created_by',
        ),
        migrations.RemoveField(
            model_name='initiative',
            name='affected_units',
        ),
        migrations.RemoveField(
            model_name='initiative',
            name='owner',
        ),
        migrations.RemoveField(
            model_name='initiative',
            name='source_contract',
        ),
        migrations.RemoveField(
            model_name='initiative',
            name='source_idea',
        ),
        migrations.RemoveField(
            model_name='initiativeimpact',
            name='initiative',
        ),
        migrations.RemoveField(
            model_name='planevent',
            name='initiative',
        ),
        migrations.RemoveField(
            model_name='realisedsaving',
            name='initiative',
        ),
        migrations.RemoveField(
            model_name='initiativeimpact',
            name='driver',
        ),
        migrations.RemoveField(
            model_name='kraljicassessment',
            name='category',
        ),
        migrations.RemoveField(
            model_name='kraljicassessment',
            name='set_by',
        ),
        migrations.RemoveField(
            model_name='maturityassessment',
            name='assessed_by',
        ),
        migrations.RemoveField(
            model_name='maturityassessment',
            name='category',
        ),
        migrations.RemoveField(
            model_name='maturityscore',
            name='assessment',
        ),
        migrations.RemoveField(
            model_name='maturitydescriptor',
            name='dimension',
        ),
        migrations.RemoveField(
            model_name='maturityscore',
            name='dimension',
        ),
        migrations.RemoveField(
            model_name='planendorsement',
            name='decided_by',
        ),
        migrations.RemoveField(
            model_name='planendorsement',
            name='unit',
        ),
        migrations.RemoveField(
            model_name='planevent',
            name='by',
        ),
        migrations.RemoveField(
            model_name='planversion',
            name='approved_by',
        ),
        migrations.RemoveField(
            model_name='realisedsaving',
            name='recorded_by',
        ),
        migrations.RemoveField(
            model_name='spendline',
            name='business_unit',
        ),
        migrations.RemoveField(
            model_name='spendline',
            name='category',
        ),
        migrations.RemoveField(
            model_name='spendline',
            name='supplier',
        ),
        migrations.RemoveField(
            model_name='spendsummary',
            name='business_unit',
        ),
        migrations.RemoveField(
            model_name='spendsummary',
            name='category',
        ),
        migrations.RemoveField(
            model_name='spendsummary',
            name='supplier',
        ),
        migrations.DeleteModel(
            name='StageProbability',
        ),
        migrations.DeleteModel(
            name='CategoryPlan',
        ),
        migrations.DeleteModel(
            name='PlanObjective',
        ),
        migrations.DeleteModel(
            name='ClassificationRule',
        ),
        migrations.DeleteModel(
            name='ColumnMapping',
        ),
        migrations.DeleteModel(
            name='ImportBatch',
        ),
        migrations.DeleteModel(
            name='ImportJob',
        ),
        migrations.DeleteModel(
            name='Initiative',
        ),
        migrations.DeleteModel(
            name='InitiativeImpact',
        ),
        migrations.DeleteModel(
            name='KraljicAssessment',
        ),
        migrations.DeleteModel(
            name='MaturityAssessment',
        ),
        migrations.DeleteModel(
            name='MaturityDescriptor',
        ),
        migrations.DeleteModel(
            name='MaturityDimension',
        ),
        migrations.DeleteModel(
            name='MaturityScore',
        ),
        migrations.DeleteModel(
            name='PlanEndorsement',
        ),
        migrations.DeleteModel(
            name='PlanEvent',
        ),
        migrations.DeleteModel(
            name='PlanVersion',
        ),
        migrations.DeleteModel(
            name='RealisedSaving',
        ),
        migrations.DeleteModel(
            name='SpendLine',
        ),
        migrations.DeleteModel(
            name='SpendSummary',
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(follow, go_back),
    ]
