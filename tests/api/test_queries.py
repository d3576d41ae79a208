"""Every list endpoint reads a page in the same number of queries with 5 rows as with 500
(all on one page), each row holding what it holds (units, members, figures, events, ...)."""

import datetime
import functools
import itertools

import pytest
from django.urls import reverse

from communes.models import AdministrativeUnit, Department
from inspections.models import (
    Category,
    Difficulty,
    Directive,
    DirectiveFollowUp,
    FieldVisit,
    GroupMember,
    InspectionRound,
    Metric,
    ReportedFigure,
    Session,
    UnitReport,
    WorkingGroup,
)
from recommendations.models import (
    Attachment,
    Recommendation,
    RecommendationEvent,
    Response,
    Status,
)
from tests import factories

counter = itertools.count(1)


def _make(kind, n, *, province, department, unit, session):
    """`n` rows of `kind`, with their related rows, in bulk."""
    if kind == "round":
        InspectionRound.objects.bulk_create(
            InspectionRound(province=province, title=f"Đợt {i}",
                            period_start=datetime.date(2025, 8, 1),
                            period_end=datetime.date(2025, 8, 31)) for i in range(n))
    elif kind == "group":
        groups = WorkingGroup.objects.bulk_create(
            WorkingGroup(round=session.group.round, number=100 + next(counter),
                         leader_name="Tổ trưởng")
            for i in range(n))
        WorkingGroup.units.through.objects.bulk_create(
            WorkingGroup.units.through(workinggroup=g, administrativeunit=unit) for g in groups)
        GroupMember.objects.bulk_create(GroupMember(group=g, name="Thành viên") for g in groups)
    elif kind == "session":
        sessions = Session.objects.bulk_create(
            Session(group=session.group, date=datetime.date(2025, 8, 5)) for _ in range(n))
        Session.units.through.objects.bulk_create(
            Session.units.through(session=s, administrativeunit=unit) for s in sessions)
        UnitReport.objects.bulk_create(UnitReport(session=s, unit=unit) for s in sessions)
        metric = Metric.objects.first()
        ReportedFigure.objects.bulk_create(
            ReportedFigure(session=s, unit=unit, metric=metric, month=datetime.date(2025, 7, 1),
                           value=10) for s in sessions)
        FieldVisit.objects.bulk_create(FieldVisit(session=s, place="Trụ sở") for s in sessions)
    elif kind == "difficulty":
        items = Difficulty.objects.bulk_create(
            Difficulty(session=session, category=Category.objects.first(), text=f"Khó khăn {i}")
            for i in range(n))
        Difficulty.units.through.objects.bulk_create(
            Difficulty.units.through(difficulty=d, administrativeunit=unit) for d in items)
    elif kind == "directive":
        items = Directive.objects.bulk_create(
            Directive(session=session, text=f"Nhiệm vụ {i}") for i in range(n))
        DirectiveFollowUp.objects.bulk_create(
            f for d in items for f in (DirectiveFollowUp(directive=d, unit=unit),
                                       DirectiveFollowUp(directive=d, department=department)))
    elif kind in ("recommendation", "open311_requests"):
        items = Recommendation.objects.bulk_create(
            Recommendation(session=session, province=province, category=Category.objects.first(),
                           text=f"Kiến nghị {i}", status=Status.ROUTED,
                           lead_department=department, due_date=datetime.date(2025, 9, 1))
            for i in range(n))
        Recommendation.units.through.objects.bulk_create(
            Recommendation.units.through(recommendation=r, administrativeunit=unit)
            for r in items)
        Recommendation.cooperating_departments.through.objects.bulk_create(
            Recommendation.cooperating_departments.through(recommendation=r,
                                                           department=department)
            for r in items)
        RecommendationEvent.objects.bulk_create(
            e for r in items for e in (
                RecommendationEvent(recommendation=r, from_status="", to_status=Status.NEW),
                RecommendationEvent(recommendation=r, from_status=Status.NEW,
                                    to_status=Status.ROUTED)))
        responses = Response.objects.bulk_create(
            Response(recommendation=r, department=department, text="Trả lời") for r in items)
        Attachment.objects.bulk_create(
            Attachment(response=r, file="attachments/x", original_name="a.pdf",
                       content_type="application/pdf", size=10) for r in responses)
    elif kind == "unit":
        AdministrativeUnit.objects.bulk_create(
            AdministrativeUnit(province=province, code=f"{80000 + next(counter):05d}",
                               name=f"Xã {i}", kind="commune") for i in range(n))
    elif kind == "department":
        Department.objects.bulk_create(
            Department(province=province, short_code=f"D{next(counter)}", name=f"Sở {i}")
            for i in range(n))
    elif kind == "category":
        Category.objects.bulk_create(
            Category(code=f"c{next(counter)}", name=f"Lĩnh vực {i}") for i in range(n))


def _keep(answers, call):
    answers.append(call())


LISTS = {"round": "api:round-list", "group": "api:group-list", "session": "api:session-list",
         "difficulty": "api:difficulty-list", "directive": "api:directive-list",
         "recommendation": "api:recommendation-list", "unit": "api:unit-list",
         "department": "api:department-list", "category": "api:category-list",
         "open311_requests": "api:open311_requests"}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["office_user", "head_a"])
@pytest.mark.parametrize("kind", sorted(LISTS))
def test_a_list_reads_500_rows_in_the_queries_of_5(client, token_of, count_queries, request,
                                                   province, department_a, kind, who):
    user = request.getfixturevalue(who)
    unit = factories.UnitFactory(province=province)
    session = factories.SessionFactory(group__round__province=province, units=[unit])
    # Open311's window is on the sessions' day (August 2025 here).
    url = reverse(LISTS[kind]) + (
        "?start_date=2025-08-01T00:00:00Z&end_date=2025-08-31T00:00:00Z"
        if kind == "open311_requests" else "?page_size=500")
    counts = []
    for total in (5, 500):
        _make(kind, total - (counts and 5 or 0), province=province, department=department_a,
              unit=unit, session=session)
        # A new token each time: its first use is noted (one query) both times.
        call = functools.partial(client.get, url, HTTP_AUTHORIZATION=token_of(user))
        answers = []
        counts.append(count_queries(functools.partial(_keep, answers, call)))
        assert answers[0].status_code == 200
    assert counts[0] == counts[1], counts
