from django import template

from inbox.items import items_for

register = template.Library()


@register.inclusion_tag("inbox/_home_section.html", takes_context=True)
def inbox_section(context):
    """The inbox on a home page: what waits on the person viewing it."""
    return {"items": items_for(context["request"].user)}
