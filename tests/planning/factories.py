from datetime import UTC, datetime, timedelta

import factory
from factory.django import DjangoModelFactory

from tests.accounts.factories import LocationFactory, UserFactory
from wendbaar.planning.choices import FetchStatus, SourceKind
from wendbaar.planning.models import CalendarEvent, CalendarSource, WorkPattern


class WorkPatternFactory(DjangoModelFactory):
    class Meta:
        model = WorkPattern
        skip_postgeneration_save = True

    person = factory.SubFactory(UserFactory)
    contract_days = ["mon", "tue", "wed", "thu", "fri"]
    min_office_days = 1
    max_office_days = 3


class CalendarSourceFactory(DjangoModelFactory):
    class Meta:
        model = CalendarSource

    person = factory.SubFactory(UserFactory)
    kind = SourceKind.FILE
    name = factory.Sequence(lambda n: f"agenda-{n}.ics")
    status = FetchStatus.OK


class CalendarEventFactory(DjangoModelFactory):
    class Meta:
        model = CalendarEvent

    source = factory.SubFactory(CalendarSourceFactory)
    person = factory.SelfAttribute("source.person")
    uid = factory.Sequence(lambda n: f"event-{n}@example.nl")
    summary = "Overleg"
    start = datetime(2026, 12, 7, 9, tzinfo=UTC)
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=1))


__all__ = ["LocationFactory"]
