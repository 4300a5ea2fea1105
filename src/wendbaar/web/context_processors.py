from wendbaar.web.navigation import CAPABILITIES


def navigation(request):
    """The navigation shell: capabilities and, for a signed-in person, their open drafts."""
    user = getattr(request, "user", None)
    context = {"nav_capabilities": CAPABILITIES}
    if user is not None and user.is_authenticated:
        from wendbaar.copilot.selectors import draft_inbox

        context["nav_inbox_count"] = lambda: draft_inbox(user=user).count()
    return context
