"""The admin pages of models that moved out of the categories app answered under
/admin/categories/<model>/ before; those addresses redirect to where the model lives now."""

from django.apps import apps
from django.http import Http404, HttpResponsePermanentRedirect

MOVED_FROM_CATEGORIES = ("spend", "plans", "portfolio")


def moved_admin_page(request, model, rest=""):
    for label in MOVED_FROM_CATEGORIES:
        if model in {m._meta.model_name for m in apps.get_app_config(label).get_models()}:
            query = f"?{request.META['QUERY_STRING']}" if request.META.get("QUERY_STRING") else ""
            return HttpResponsePermanentRedirect(f"/admin/{label}/{model}/{rest}{query}")
    raise Http404("No such administration page.")
