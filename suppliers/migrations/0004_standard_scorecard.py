from django.db import migrations

STANDARD = [
    ("Quality", "quality", 25, "Defects, returns and conformance to specification."),
    ("Delivery on time in full", "delivery", 25, "Share of orders delivered on time in full."),
    ("Cost", "cost", 20, "Price against market and agreed reductions delivered."),
    ("Responsiveness", "responsiveness", 10, "Speed and quality of answers and fixes."),
    ("Innovation", "innovation", 10, "Ideas brought forward and delivered."),
    ("Sustainability", "sustainability", 10, "Emissions, packaging and social commitments."),
]


def add_standard_scorecard(apps, schema_editor):
    Kpi = apps.get_model("suppliers", "Kpi")
    ScorecardTemplate = apps.get_model("suppliers", "ScorecardTemplate")
    TemplateKpi = apps.get_model("suppliers", "TemplateKpi")
    template, _ = ScorecardTemplate.objects.get_or_create(
        name="Standard scorecard",
        defaults={"description": "The six KPIs every supplier is measured on."},
    )
    for name, kind, weight, description in STANDARD:
        kpi, _ = Kpi.objects.get_or_create(
            name=name, defaults={"kind": kind, "description": description}
        )
        TemplateKpi.objects.get_or_create(template=template, kpi=kpi, defaults={"weight": weight})


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0003_partners")]
    operations = [migrations.RunPython(add_standard_scorecard, migrations.RunPython.noop)]
