"""`{{ cr|consistency_ratio }}`: an AHP consistency ratio shown so that it agrees with the
verdict beside it (stakeholders.ahp.shown_ratio)."""

from django import template

from stakeholders.ahp import shown_ratio

register = template.Library()


@register.filter
def consistency_ratio(cr):
    if cr is None or cr == "":
        return ""
    return shown_ratio(float(cr))
