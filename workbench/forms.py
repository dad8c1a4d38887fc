from django.forms.renderers import TemplatesSetting


class WorkbenchFormRenderer(TemplatesSetting):
    """Every form renders through the same field template, so every form looks the same."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
