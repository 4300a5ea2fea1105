"""Quotes API, one part (pilot); added to the quotes router in quotes/api.py.

`GET /api/quotes/pilot`: the same figures as the pilot page, for managers and finance."""

import datetime as dt

from ninja import Query, Router, Schema

from wendbaar.quotes import pilot

router = Router()


class PilotFilter(Schema):
    since: dt.date | None = None
    until: dt.date | None = None
    maker: int | None = None


@router.get("/pilot", response=dict)
def pilot_report(request, filters: Query[PilotFilter]):
    """Headline comparisons (with bootstrap interval, p-value and verdict), draft survival,
    adoption, the trend per week and every quote measured."""
    report = pilot.pilot_report(
        user=request.user, since=filters.since, until=filters.until, maker_id=filters.maker
    )
    return pilot.report_as_dict(report)
