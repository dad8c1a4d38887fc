"""Changes the inbox pages make: a person's delivery choices, an item marked seen."""

from django.db import transaction

from inbox.models import DeliveryPreference, SeenItem


def preferences_save(*, person, choices: dict):
    """`person`'s choice for each kind in `choices` ({kind: how}, validated by the form)."""
    with transaction.atomic():
        for kind, how in choices.items():
            DeliveryPreference.objects.update_or_create(
                person=person, kind=kind, defaults={"how": how}
            )


def item_seen(*, person, key: str):
    SeenItem.objects.get_or_create(person=person, key=key)
