from django.tasks import task

from wendbaar.planning import services


@task(queue_name="default")
def plan_solve_task(plan_id: int, time_limit: float = 20.0) -> bool:
    """Solve a week's office plan; a plan no longer waiting for the solver is left alone, so a
    retry does no harm."""
    return services.plan_solve(plan_id=plan_id, time_limit=time_limit)


@task(queue_name="default")
def calendar_refresh_task(source_id: int) -> bool:
    """Fetch one subscription again (scheduled by `wendbaar refresh_calendars`)."""
    from wendbaar.planning.models import CalendarSource

    source = CalendarSource.objects.filter(pk=source_id, kind="url").first()
    if source is None:
        return False
    return services.calendar_refresh(actor=None, source=source).ok
