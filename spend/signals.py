"""A batch deleted by any road (undo, the admin, a demo reset) takes its partition with it, so
no empty partition is left attached to the lines table."""

from django.db import connection
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from spend import partitions
from spend.models import ImportBatch


@receiver(pre_delete, sender=ImportBatch, dispatch_uid="drop_batch_partition")
def drop_batch_partition(sender, instance, **kwargs):
    if partitions.is_partitioned():
        with connection.cursor() as cursor:
            partitions.drop_batch_partition(cursor, instance.pk)
