"""Objects of province P (departments A and B) and of another province Q, and API tokens for
the standard cast of users (tests/conftest.py)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from communes.services import api_token_create
from inspections.models import (
    Difficulty,
    Directive,
    FieldVisit,
    GroupMember,
    Metric,
    ReportedFigure,
    UnitReport,
)
from recommendations import services
from tests import factories


def _session_with_everything(province, units):
    session = factories.SessionFactory(group__round__province=province, units=units)
    session.group.units.set(units)
    GroupMember.objects.create(group=session.group, name="Trần Văn B", title="Giám đốc Sở")
    UnitReport.objects.create(session=session, unit=units[0], achievements="Kết quả tốt")
    ReportedFigure.objects.create(session=session, unit=units[0], metric=Metric.objects.first(),
                                  month=datetime.date(2025, 7, 1), value=6600)
    FieldVisit.objects.create(session=session, place="Trung tâm Phục vụ hành chính công",
                              unit=units[0])
    return session


def _recommendation(session, *, lead, by, head=None, category=None):
    recommendation = factories.RecommendationFactory(
        session=session, **({"category": category} if category else {}))
    recommendation.units.set(session.units.all())
    services.recommendation_route(recommendation=recommendation, by=by, lead_department=lead)
    if head is not None:
        services.recommendation_respond(
            recommendation=recommendation, by=head, text="Sở đang xử lý",
            files=[SimpleUploadedFile("Báo cáo.pdf", b"%PDF-1.4 test", "application/pdf")])
    return recommendation


@pytest.fixture
def world(province, other_province, department_a, department_b, office_user,
          other_office_user, head_a, head_b):
    """P: a session with everything recorded at it, a recommendation routed to A (answered,
    with a file) and one routed to B; a difficulty and a directive. Q: the same, routed to
    Q's own department."""
    unit = factories.UnitFactory(province=province)
    session = _session_with_everything(province, [unit])
    for_a = _recommendation(session, lead=department_a, by=office_user, head=head_a)
    for_b = _recommendation(session, lead=department_b, by=office_user)
    difficulty = Difficulty.objects.create(session=session, category=for_a.category,
                                           text="Thiếu cán bộ")
    difficulty.units.set([unit])
    directive = Directive.objects.create(session=session, text="Rà soát biên chế")
    directive.follow_ups.create(unit=unit)
    directive.follow_ups.create(department=department_a)

    other_unit = factories.UnitFactory(province=other_province)
    other_department = factories.DepartmentFactory(province=other_province, short_code="SNV")
    other_session = _session_with_everything(other_province, [other_unit])
    other_recommendation = _recommendation(other_session, lead=other_department,
                                           by=other_office_user)
    other_difficulty = Difficulty.objects.create(
        session=other_session, category=for_a.category, text="Thiếu trụ sở")
    other_directive = Directive.objects.create(session=other_session, text="Bố trí trụ sở")
    return {
        "unit": unit, "session": session, "group": session.group, "round": session.group.round,
        "recommendation": for_a, "recommendation_b": for_b, "difficulty": difficulty,
        "directive": directive, "department": department_a, "category": for_a.category,
        "other": {"unit": other_unit, "department": other_department,
                  "session": other_session, "group": other_session.group,
                  "round": other_session.group.round, "recommendation": other_recommendation,
                  "difficulty": other_difficulty, "directive": other_directive},
    }


@pytest.fixture
def token_of():
    """The secret of a new token of `user`, as the Authorization header's value."""

    def make(user):
        _token, secret = api_token_create(user=user, name="Hệ thống thử")
        return f"Bearer {secret}"

    return make


@pytest.fixture
def api_get(client, token_of):
    """GET `path` as `user` (through a token), returning the response."""

    def get(user, path, **headers):
        return client.get(path, HTTP_AUTHORIZATION=token_of(user), **headers)

    return get
