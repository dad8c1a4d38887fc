"""The request being served, for events recorded far from the view (a model signal after an
undo, a group added in the admin): who did it and from where."""

import contextvars

_request = contextvars.ContextVar("audit_request", default=None)


def current_request():
    return _request.get()


def serving(request):
    """Set `request` as the current one; returns the token `finished` takes."""
    return _request.set(request)


def finished(token):
    _request.reset(token)
