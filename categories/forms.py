from django import forms
from django.contrib.auth import get_user_model

from categories.models import Category
from workbench.roles import CATEGORY_MANAGER


class CategoryForm(forms.ModelForm):
    """What a category's owner may change: its name and scope. Administrators also reassign the
    owner (the field is removed for everyone else)."""

    class Meta:
        model = Category
        fields = ["name", "description", "owner"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, may_reassign_owner: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if may_reassign_owner:
            self.fields["owner"].queryset = (
                get_user_model()
                .objects.filter(groups__name=CATEGORY_MANAGER)
                .order_by("first_name", "last_name")
            )
            self.fields["owner"].label_from_instance = lambda user: (
                user.get_full_name() or user.username
            )
        else:
            del self.fields["owner"]
