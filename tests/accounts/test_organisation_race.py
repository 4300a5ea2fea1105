"""The installation's organisation is made once, even when the first requests arrive together."""

import threading

import pytest
from django.db import close_old_connections

from wendbaar.accounts.models import Organisation
from wendbaar.accounts.selectors import organisation_get


@pytest.mark.django_db(transaction=True)
def test_first_requests_at_once_share_one_organisation():
    Organisation.objects.all().delete()
    found, errors = [], []
    start = threading.Barrier(4)

    def first_use():
        try:
            start.wait()
            found.append(organisation_get().pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=first_use) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Wendbaar"]
    assert set(found) == {Organisation.objects.get().pk}
