from django import forms
from django.forms.renderers import TemplatesSetting


class WorkbenchFormRenderer(TemplatesSetting):
    """Every form renders through the same field template, so every form looks the same."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class CorrectableForm(forms.ModelForm):
    """A form over a record that can be corrected later (workbench.corrections): it carries the
    version it was opened on, so a save over someone else's newer one is refused."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    @property
    def seen_version(self) -> int | None:
        return self.cleaned_data.get("version")
