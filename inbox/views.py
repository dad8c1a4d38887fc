from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from inbox import services
from inbox.forms import PreferencesForm
from inbox.items import items_for
from inbox.models import DeliveryPreference
from workbench.page_cache import kept_for_the_person
from workbench.permissions import import_job_for_user


@kept_for_the_person
def inbox(request):
    """Everything waiting on the person, with why, since when and where to act."""
    return render(request, "inbox/inbox.html", {"items": items_for(request.user)})


@kept_for_the_person
def count(request):
    """The header's count, fetched by htmx after the page so no page waits for it."""
    return render(request, "inbox/_count.html", {"count": len(items_for(request.user))})


def preferences(request):
    current = dict(
        DeliveryPreference.objects.filter(person=request.user).values_list("kind", "how")
    )
    form = PreferencesForm(request.POST or None, person=request.user, current=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(person=request.user, choices=form.cleaned_data)
        messages.success(request, "Your email choices are saved.")
        return redirect("inbox:preferences")
    return render(request, "inbox/preferences.html", {"form": form, "email": request.user.email})


def open_import(request, pk):
    """An import from the inbox: seen now, so it leaves the inbox; on to its page."""
    job = import_job_for_user(request, pk)
    services.item_seen(person=request.user, key=f"import:{job.pk}")
    return redirect(reverse("spend:import_job", args=[job.pk]))
