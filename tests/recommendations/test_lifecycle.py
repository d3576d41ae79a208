import datetime
import itertools

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from recommendations import services
from recommendations.models import Recommendation, Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; the Vietnamese catalogue is checked elsewhere."""
    with translation.override("en"):
        yield


@pytest.fixture
def recommendation(department_a):
    session = factories.SessionFactory(group__round__province=department_a.province)
    return factories.RecommendationFactory(session=session)


def test_route_accept_start_resolve_records_every_step(
    recommendation, office_user, head_a, staff_a, department_a, department_b
):
    services.recommendation_route(
        recommendation=recommendation, lead_department=department_a,
        cooperating_departments=[department_b], by=office_user,
    )
    recommendation.refresh_from_db()
    assert recommendation.status == Status.ROUTED
    assert recommendation.due_date > datetime.date.today()
    assert list(recommendation.cooperating_departments.all()) == [department_b]
    services.recommendation_accept(recommendation=recommendation, by=staff_a)
    services.recommendation_start(recommendation=recommendation, by=staff_a)
    services.recommendation_resolve(recommendation=recommendation, by=head_a, answer="Đã xong")
    recommendation.refresh_from_db()
    assert recommendation.status == Status.RESOLVED and recommendation.resolved_at
    steps = [(e.from_status, e.to_status, e.actor) for e in recommendation.events.all()]
    assert steps == [
        (Status.NEW, Status.ROUTED, office_user),
        (Status.ROUTED, Status.ACCEPTED, staff_a),
        (Status.ACCEPTED, Status.IN_PROGRESS, staff_a),
        (Status.IN_PROGRESS, Status.RESOLVED, head_a),
    ]
    # The history library records the same changes (a step that also sets co-operating
    # departments leaves two records with its status).
    statuses = [h.status for h in recommendation.history.order_by("history_id")]
    assert [status for status, _same in itertools.groupby(statuses)] == [
        Status.NEW, Status.ROUTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.RESOLVED]


def test_forbidden_steps_are_refused_with_a_message(
    recommendation, office_user, head_a, head_b, staff_a, department_a
):
    with pytest.raises(services.TransitionNotAllowed, match="not possible"):
        services.recommendation_accept(recommendation=recommendation, by=head_a)
    with pytest.raises(services.TransitionNotAllowed, match="role"):
        services.recommendation_route(recommendation=recommendation, by=head_a,
                                      lead_department=department_a)
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a)
    # Department B's head cannot act on department A's item, nor can staff resolve it.
    with pytest.raises(services.TransitionNotAllowed):
        services.recommendation_accept(recommendation=recommendation, by=head_b)
    services.recommendation_accept(recommendation=recommendation, by=staff_a)
    with pytest.raises(services.TransitionNotAllowed):
        services.recommendation_resolve(recommendation=recommendation, by=staff_a, answer="x")
    recommendation.refresh_from_db()
    assert recommendation.status == Status.ACCEPTED
    assert recommendation.events.count() == 2


def test_office_of_another_province_cannot_route(recommendation, other_office_user, department_a):
    with pytest.raises(services.TransitionNotAllowed):
        services.recommendation_route(recommendation=recommendation, by=other_office_user,
                                      lead_department=department_a)


def test_return_then_reroute_and_reopen(recommendation, office_user, head_a, department_a,
                                        department_b, head_b):
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a)
    with pytest.raises(services.TransitionNotAllowed, match="reason"):
        services.recommendation_return(recommendation=recommendation, by=head_a, reason=" ")
    services.recommendation_return(recommendation=recommendation, by=head_a,
                                   reason="Không thuộc thẩm quyền")
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_b)
    services.recommendation_accept(recommendation=recommendation, by=head_b)
    services.recommendation_resolve(recommendation=recommendation, by=head_b, answer="Xong")
    services.recommendation_reopen(recommendation=recommendation, by=office_user,
                                   reason="Xã báo chưa khắc phục")
    recommendation.refresh_from_db()
    assert recommendation.status == Status.REOPENED and recommendation.resolved_at is None


def test_proposed_to_central_level_names_the_body(recommendation, office_user):
    with pytest.raises(services.TransitionNotAllowed):
        services.recommendation_propose_central(recommendation=recommendation, by=office_user,
                                                central_body="")
    services.recommendation_propose_central(recommendation=recommendation, by=office_user,
                                            central_body="Bộ Nội vụ")
    recommendation.refresh_from_db()
    assert recommendation.authority_level == Recommendation.AuthorityLevel.CENTRAL


def test_open_recommendation_needs_a_lead_department(recommendation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.filter(pk=recommendation.pk).update(status=Status.ROUTED)


def test_visible_to_scopes_by_role(recommendation, office_user, other_office_user, head_a,
                                   head_b, leader, national_viewer, department_a, department_b):
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a)
    visible = {user.username: list(Recommendation.objects.visible_to(user))
               for user in (office_user, other_office_user, head_a, head_b, leader,
                            national_viewer)}
    assert visible == {
        "office": [recommendation], "office.other": [], "head.a": [recommendation],
        "head.b": [], "leader": [recommendation], "national": [recommendation],
    }
    recommendation.cooperating_departments.add(department_b)
    assert list(Recommendation.objects.visible_to(head_b)) == [recommendation]


def test_reopening_sets_a_fresh_due_date(recommendation, office_user, head_a, department_a):
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a,
                                  due_date=datetime.date(2025, 9, 3))
    services.recommendation_accept(recommendation=recommendation, by=head_a)
    services.recommendation_resolve(recommendation=recommendation, by=head_a, answer="Xong")
    services.recommendation_reopen(recommendation=recommendation, by=office_user,
                                   reason="Chưa khắc phục")
    recommendation.refresh_from_db()
    assert recommendation.due_date == services.default_due_date()


def test_a_department_that_returned_an_item_no_longer_acts_on_it(
    recommendation, office_user, head_a, department_a
):
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a)
    services.recommendation_return(recommendation=recommendation, by=head_a, reason="Không phải")
    with pytest.raises(services.TransitionNotAllowed):
        services.recommendation_propose_central(recommendation=recommendation, by=head_a,
                                                central_body="Bộ Nội vụ")
    services.recommendation_propose_central(recommendation=recommendation, by=office_user,
                                            central_body="Bộ Nội vụ")


@pytest.mark.parametrize("step", ["return", "propose_central"])
def test_a_department_that_lets_go_of_an_item_takes_its_assignee_with_it(
    recommendation, office_user, head_a, staff_a, department_a, department_b, head_b, step
):
    """An assignee is one of the lead department's people: returned or proposed upward, the
    item no longer names department A's colleague, routed to B then neither (the lifecycle
    machine's model found it kept)."""
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a)
    services.recommendation_accept(recommendation=recommendation, by=head_a)
    services.recommendation_assign(recommendation=recommendation, by=head_a, assignee=staff_a)
    if step == "return":
        services.recommendation_return(recommendation=recommendation, by=head_a,
                                       reason="Không thuộc sở")
        services.recommendation_route(recommendation=recommendation, by=office_user,
                                      lead_department=department_b)
    else:
        services.recommendation_propose_central(recommendation=recommendation, by=head_a,
                                                central_body="Bộ Nội vụ")
    recommendation.refresh_from_db()
    assert recommendation.assignee is None
    assert recommendation.events.filter(note__contains="staff.a").exists()  # history keeps it


def test_only_superusers_open_django_admin(client, office_user, admin_user_):
    office_user.is_staff = True
    office_user.save()
    client.force_login(office_user)
    assert client.get("/admin/").status_code == 302
    client.force_login(admin_user_)
    assert client.get("/admin/").status_code == 200


def test_an_admin_edit_of_a_recommendation_moves_its_sessions_version(
    admin_client, recommendation
):
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    response = admin_client.post(url, {
        "session": recommendation.session_id, "text": "Sửa trong quản trị",
        "category": recommendation.category_id, "raised_jointly": "on", "priority": "normal",
        "responses-TOTAL_FORMS": 0, "responses-INITIAL_FORMS": 0,
        "events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0})
    assert response.status_code == 302, response.content.decode()[:3000]
    recommendation.session.refresh_from_db()
    assert recommendation.session.version == 2


def test_admin_cannot_move_a_recommendation_or_its_session_to_another_province(
    admin_client, recommendation, other_province
):
    """A recommendation keeps its session's province on its row, which access checks read."""
    elsewhere = factories.SessionFactory(group__round__province=other_province)
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    admin_client.post(url, {
        "session": elsewhere.pk, "text": "Chuyển sang tỉnh khác",
        "category": recommendation.category_id, "raised_jointly": "on", "priority": "normal",
        "responses-TOTAL_FORMS": 0, "responses-INITIAL_FORMS": 0,
        "events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0})
    recommendation.refresh_from_db()
    assert recommendation.session_id != elsewhere.pk
    assert recommendation.province_id == recommendation.session.group.round.province_id
    for model, field in (("session", "group"), ("workinggroup", "round"),
                         ("inspectionround", "province")):
        page = admin_client.get(reverse(f"admin:inspections_{model}_change", args=[
            {"session": recommendation.session, "workinggroup": recommendation.session.group,
             "inspectionround": recommendation.session.group.round}[model].pk]))
        assert f'name="{field}"' not in page.content.decode()
