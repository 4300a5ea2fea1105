from wendbaar.audit import context


class AuditContextMiddleware:
    """Remember the client address of each request for the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith("/api/") else "web"
        token = context.set_context(
            context.RequestContext(ip=request.META.get("REMOTE_ADDR"), channel=channel)
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)
