"""Recording a security event: one function, which fills in the actor and address from the
request being served when the caller has no better knowledge of them."""

from audit.context import current_request
from audit.models import SecurityEvent

LONGEST_SUMMARY = 500


def client_address(request) -> str | None:
    # REMOTE_ADDR, as django-axes reads it (behind a proxy both need django-ipware).
    return request.META.get("REMOTE_ADDR") or None if request is not None else None


def record(kind: str, summary: str, *, actor=None, actor_name: str = "", request=None, **detail):
    """Store one event. `actor`: the person who did it, else the request's signed-in user;
    `actor_name`: for an attempt without an account (a failed sign-in's username)."""
    request = request or current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None and not actor_name:
        actor_name = actor.get_username()
    return SecurityEvent.objects.create(
        kind=kind,
        actor=actor,
        actor_name=actor_name[:150],
        ip_address=client_address(request),
        summary=summary[:LONGEST_SUMMARY],
        detail=detail,
    )
