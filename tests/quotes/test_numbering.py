"""Quote numbers: two people creating quotes at the same moment never get the same number."""

import threading

import pytest
from django.db import close_old_connections

from wendbaar.accounts.selectors import organisation_get
from wendbaar.quotes import services
from wendbaar.quotes.models import Quote


@pytest.mark.django_db(transaction=True)
def test_concurrent_quotes_get_distinct_consecutive_numbers(alice):
    # An installation has its organisation before anyone writes quotes (its lazy creation on
    # first use is not what this test is about).
    organisation_get()
    errors = []
    start = threading.Barrier(6)

    def create():
        try:
            start.wait()
            services.quote_create(actor=alice)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Quote.objects.values_list("number", flat=True))
    year = Quote.objects.first().year
    assert numbers == [f"OFF-{year}-{n:04d}" for n in range(1, 7)]
