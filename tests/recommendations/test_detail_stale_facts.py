"""The recommendation page's facts (a part kept in the cache for everyone of the scope) are
rendered from the row as it is when the part is rendered, not as the request read it before
a step that failed because someone else took it first."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from recommendations import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_cache")]


def test_a_step_lost_to_a_colleague_leaves_no_stale_facts_in_the_cache(
        head_a, staff_a, routed_to_a, commit, monkeypatch):
    accept = services.recommendation_accept

    def taken_meanwhile(*, recommendation, by, **kwargs):
        # A colleague's accept commits while this request holds the row it read earlier.
        with commit():
            accept(recommendation=type(recommendation).objects.get(pk=recommendation.pk),
                   by=head_a)
        return accept(recommendation=recommendation, by=by, **kwargs)

    monkeypatch.setattr(services, "recommendation_accept", taken_meanwhile)
    client = Client()
    client.force_login(head_a)
    response = client.post(reverse("recommendations:act", args=[routed_to_a.pk, "accept"]), {})
    assert response.status_code == 400
    badges = re.findall(r"status-\w+", response.content.decode())
    assert badges == ["status-accepted"], badges

    colleague = Client()
    colleague.force_login(staff_a)
    page = colleague.get(reverse("recommendations:detail", args=[routed_to_a.pk]))
    assert "status-accepted" in page.content.decode()
    assert "status-routed" not in page.content.decode()
