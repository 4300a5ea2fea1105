from wendbaar.audit import context
from wendbaar.common.net import client_ip


class AuditContextMiddleware:
    """Remember the client address of each request for the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith("/api/") else "web"
        token = context.set_context(context.RequestContext(ip=client_ip(request), channel=channel))
        try:
            return self.get_response(request)
        finally:
            context.reset(token)
