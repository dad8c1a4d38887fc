"""Keeps the request at hand for events recorded deep in the code, and records every file a
signed-in person downloads: an export of answers, priorities or spend is who took what."""

from audit import context
from audit.events import record
from audit.models import SecurityEvent


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.serving(request)
        try:
            response = self.get_response(request)
            if _is_download(response) and request.user.is_authenticated:
                _record_export(request, response)
            return response
        finally:
            context.finished(token)


def _is_download(response) -> bool:
    return response.get("Content-Disposition", "").startswith("attachment")


def _record_export(request, response):
    disposition = response["Content-Disposition"]
    filename = disposition.partition("filename=")[2].strip('"') or "file"
    query = request.GET.urlencode()
    address = request.path + (f"?{query}" if query else "")
    record(
        SecurityEvent.EXPORT,
        f"Downloaded {filename}",
        request=request,
        address=address,
        file=filename,
    )
