"""The request being served, so that services deep below a view can log its user and address.

Services such as answer_save take the user but not the request; the audit
log still wants the client's IP address. The middleware keeps the request in
a context variable for the duration of the request (one per thread or task).
"""

from contextvars import ContextVar

_current_request: ContextVar = ContextVar("audit_current_request", default=None)


def current_request():
    return _current_request.get()


class CurrentRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
