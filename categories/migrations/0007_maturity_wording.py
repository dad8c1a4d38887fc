"""Write the maturity model's starting wording (six dimensions, five levels each)."""

from django.db import migrations

from portfolio.maturity_wording import ensure_maturity_model


def write_wording(apps, schema_editor):
    ensure_maturity_model(
        apps.get_model("categories", "MaturityDimension"),
        apps.get_model("categories", "MaturityDescriptor"),
    )


class Migration(migrations.Migration):
    dependencies = [("categories", "0006_maturity")]

    operations = [migrations.RunPython(write_wording, migrations.RunPython.noop)]
