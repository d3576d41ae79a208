"""The pages inspections links to but recommendations serves (inspections/links.py): each one
inspections asks for is filled in by recommendations' ready(), at an address of the portal."""

import inspect

from django.urls import resolve

from inspections import links


def test_every_page_inspections_links_to_is_served():
    assert set(links.PAGES) == {"session", "session_record", "unit_session", "unit_home",
                                "unit_directive", "unit_reports"}
    for page, path_of in links.PAGES.items():
        ids = [7] * len(inspect.signature(path_of).parameters)
        path = links.url(page, *ids)
        assert resolve(path.split("?")[0]).app_name == "recommendations", page
    assert links.url("session", 7) == "/sessions/7/"
    assert links.url("unit_reports") == "/follow-up/?show=unit_reports"
