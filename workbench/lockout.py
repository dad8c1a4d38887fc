"""What a person sees when django-axes has locked logging in after too many wrong passwords."""

import math

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render


def lockout_message() -> str:
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return (
        f"Logging in is locked after {settings.AXES_FAILURE_LIMIT} wrong passwords for this "
        f"user name or from this computer. Wait {minutes} minutes and try again, or ask an "
        "administrator to unlock it."
    )


def lockout_page(request, original_response=None, credentials=None):
    """The login page again, with the lockout explained, answered 429 Too Many Requests (the
    AXES_LOCKOUT_CALLABLE)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return render(
        request,
        "registration/login.html",
        {
            "form": AuthenticationForm(request, initial={"username": username}),
            "next": request.POST.get("next", ""),
            "lockout_message": lockout_message(),
        },
        status=429,
    )
