"""Uploaded files are now named in the imports storage (spend/importing/files.py) instead of by
a path on one machine's disk: a job kept from before holds "/srv/.../var/imports/<hash>.csv",
and the storage, whose folder is that same IMPORTS_DIR by default, knows it as "<hash>.csv"."""

from pathlib import PurePath

from django.db import migrations


def name_in_storage(apps, schema_editor):
    ImportJob = apps.get_model("spend", "ImportJob")
    for job in ImportJob.objects.filter(stored_path__startswith="/").only("stored_path"):
        job.stored_path = PurePath(job.stored_path).name
        job.save(update_fields=["stored_path"])


class Migration(migrations.Migration):
    dependencies = [
        ("spend", "0008_classification_rule_history"),
    ]

    operations = [
        migrations.RunPython(name_in_storage, migrations.RunPython.noop, elidable=True),
    ]
