"""Response headers that every page of the app needs."""

from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """Marks every response to a logged-in person `Cache-Control: private, no-store`: spend,
    answers and exports must not stay in a shared proxy or on a shared computer's disk after
    the person has gone. Static files never get here (whitenoise answers them earlier)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read after the view: logging in makes the person known, logging out forgets them.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
