import datetime
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import translation

from communes import roles
from communes.workdays import add_working_days
from inspections.models import CategoryRouting
from recommendations import services
from recommendations.models import Recommendation, Status
from recommendations.similarity import likely_duplicates, similarity
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_with_items(province, department_a, department_b):
    training = factories.CategoryFactory(code="training", name="Đào tạo, bồi dưỡng")
    routing = CategoryRouting.objects.create(province=province, category=training,
                                             lead_department=department_a)
    routing.cooperating_departments.set([department_b])
    session = factories.SessionFactory(group__round__province=province)
    other_session = factories.SessionFactory(group__round=session.group.round)
    items = [
        factories.RecommendationFactory(session=session, category=training,
                                        text="Đào tạo, bồi dưỡng chuyên môn, nghiệp vụ"),
        factories.RecommendationFactory(
            session=other_session, category=training,
            text="Đào tạo, bồi dưỡng nâng cao kỹ năng chuyên môn, nghiệp vụ cho cán bộ, công chức"),
        factories.RecommendationFactory(
            session=other_session, category=training,
            text="Tổ chức các lớp tập huấn ngắn hạn về thủ tục hành chính"),
    ]
    return session.group.round, items


def rows_data(items, selected, overrides=None):
    data = {"form-TOTAL_FORMS": len(items), "form-INITIAL_FORMS": len(items)}
    for index, item in enumerate(items):
        data[f"form-{index}-recommendation"] = item.pk
        if item in selected:
            data[f"form-{index}-selected"] = "on"
        for key, value in (overrides or {}).get(index, {}).items():
            data[f"form-{index}-{key}"] = value
    return data


def test_a_reworded_duplicate_is_suggested_and_an_unrelated_item_is_not(round_with_items):
    _round, (short, reworded, unrelated) = round_with_items
    assert similarity(short.text, reworded.text) >= 0.6
    assert similarity(short.text, unrelated.text) == 0
    found = likely_duplicates(Recommendation.objects.all())
    assert found[short.pk] == [reworded] and found[reworded.pk] == [short]
    assert unrelated.pk not in found


def test_routing_screen_preselects_the_default_department_and_due_date(
    client, office_user, round_with_items, department_a, department_b
):
    inspection_round, items = round_with_items
    client.force_login(office_user)
    response = client.get(reverse("recommendations:routing", args=[inspection_round.pk]))
    assert response.status_code == 200
    form = response.context["rows"][0][0]
    assert form.initial["lead_department"] == department_a.pk
    assert form.initial["cooperating_departments"] == [department_b.pk]
    assert form.initial["due_date"] == add_working_days(datetime.date.today(), 15)
    page = response.content.decode()
    assert f'data-duplicate="{items[1].pk}"' in page


def test_route_many_in_one_action(client, office_user, round_with_items, department_a,
                                  department_b):
    inspection_round, items = round_with_items
    client.force_login(office_user)
    url = reverse("recommendations:routing", args=[inspection_round.pk])
    data = rows_data(items, items[:2], {
        i: {"lead_department": department_a.pk, "cooperating_departments": [department_b.pk],
            "due_date": "15/12/2026"} for i in range(3)})
    data["action"] = "route"
    assert client.post(url, data).status_code == 302
    routed = Recommendation.objects.filter(status=Status.ROUTED)
    assert set(routed) == set(items[:2])
    assert {r.due_date for r in routed} == {datetime.date(2026, 12, 15)}
    assert all(list(r.cooperating_departments.all()) == [department_b] for r in routed)
    items[2].refresh_from_db()
    assert items[2].status == Status.NEW


def test_a_row_missing_what_its_action_needs_changes_nothing(client, office_user,
                                                             round_with_items, department_a):
    inspection_round, items = round_with_items
    client.force_login(office_user)
    url = reverse("recommendations:routing", args=[inspection_round.pk])
    data = rows_data(items, items[:2], {0: {"central_body": "Bộ Nội vụ"}})
    data["action"] = "propose_central"
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["rows"][1][0].errors["central_body"]
    assert not Recommendation.objects.exclude(status=Status.NEW).exists()


def test_answer_on_the_spot_and_merge(client, office_user, round_with_items):
    inspection_round, (short, reworded, unrelated) = round_with_items
    unit = factories.UnitFactory(province=inspection_round.province)
    reworded.units.add(unit)
    client.force_login(office_user)
    url = reverse("recommendations:routing", args=[inspection_round.pk])
    items = [short, reworded, unrelated]
    data = rows_data(items, [short, reworded])
    data["action"] = "merge"
    assert client.post(url, data).status_code == 302
    reworded.refresh_from_db()
    assert reworded.consolidated_into == short
    # Who raised each is left as recorded; the merged one keeps its unit and its link.
    assert unit in reworded.units.all() and unit not in short.units.all()
    # The merged one leaves the routing screen; the target stays.
    page_rows = client.get(url).context["rows"]
    assert [r.pk for _f, r in page_rows] == [short.pk, unrelated.pk]
    data = rows_data([short, unrelated], [unrelated], {
        1: {"answered_by": "Giám đốc Sở Nội vụ", "answer": "Đã trả lời tại buổi làm việc"}})
    data["action"] = "answer"
    assert client.post(url, data).status_code == 302
    unrelated.refresh_from_db()
    assert unrelated.status == Status.ANSWERED_ON_THE_SPOT


def test_merge_refuses_routed_items(round_with_items, office_user, department_a):
    _round, (short, reworded, _unrelated) = round_with_items
    services.recommendation_route(recommendation=reworded, by=office_user,
                                  lead_department=department_a)
    reworded.refresh_from_db()
    with translation.override("en"), pytest.raises(services.TransitionNotAllowed,
                                                   match="cannot be merged"):
        services.recommendation_merge(target=short, others=[reworded], by=office_user)


def test_routing_page_query_count_does_not_grow(client, office_user, round_with_items,
                                                count_queries):
    inspection_round, items = round_with_items
    client.force_login(office_user)
    url = reverse("recommendations:routing", args=[inspection_round.pk])
    few = count_queries(lambda: client.get(url))
    for n in range(30):
        factories.RecommendationFactory(session=items[0].session, category=items[0].category,
                                        text=f"Kiến nghị khác số {n} về đào tạo")
    assert count_queries(lambda: client.get(url)) == few


def test_rows_are_matched_by_id_when_a_colleague_routed_one_meanwhile(
    client, office_user, round_with_items, department_a
):
    inspection_round, items = round_with_items
    client.force_login(office_user)
    url = reverse("recommendations:routing", args=[inspection_round.pk])
    data = rows_data(items, [items[2]], {
        i: {"lead_department": department_a.pk, "due_date": "15/12/2026"} for i in range(3)})
    data["action"] = "route"
    services.recommendation_route(recommendation=items[0], by=office_user,
                                  lead_department=department_a)
    assert client.post(url, data).status_code == 302
    items[2].refresh_from_db()
    assert items[2].status == Status.ROUTED
    items[1].refresh_from_db()
    assert items[1].status == Status.NEW


def test_merge_cannot_make_a_cycle(round_with_items, office_user):
    _round, (short, reworded, _unrelated) = round_with_items
    services.recommendation_merge(target=short, others=[reworded], by=office_user)
    with pytest.raises(services.TransitionNotAllowed):
        services.recommendation_merge(target=reworded, others=[short], by=office_user)
    short.refresh_from_db()
    assert short.consolidated_into is None
    # The merged one is read-only on its session's recording page now: its version moved on.
    reworded.session.refresh_from_db()
    assert reworded.session.version == 2


def test_merging_a_merge_target_brings_its_duplicates_along(round_with_items, office_user):
    """A merge is one level: merging #2 (with #3 merged into it) into #1 points #3 at #1 too,
    so the unit that raised #3 still receives #1's answer and may open it."""
    _round, (first, second, third) = round_with_items
    unit = factories.UnitFactory(province=first.session.group.round.province)
    third.units.set([unit])
    services.recommendation_merge(target=second, others=[third], by=office_user)
    services.recommendation_merge(target=first, others=[second], by=office_user)
    third.refresh_from_db()
    assert third.consolidated_into == first
    assert unit in services.raising_units(first)
    ward = factories.profile(factories.UserFactory(role=roles.UNIT_STAFF), unit=unit,
                             province=unit.province)
    assert Recommendation.objects.visible_to(ward).filter(pk=first.pk).exists()
    note = third.events.order_by("pk").last().note
    assert f"{first.pk}" in note and f"{second.pk}" in note


def test_routing_checks_every_department_belongs_to_the_province(
    round_with_items, office_user, department_a, other_province
):
    _round, (short, _reworded, _unrelated) = round_with_items
    foreign = factories.DepartmentFactory(province=other_province)
    with pytest.raises(services.TransitionNotAllowed):
        services.recommendation_route(recommendation=short, by=office_user,
                                      lead_department=department_a,
                                      cooperating_departments=[foreign])
    short.refresh_from_db()
    assert short.status == Status.NEW


def test_a_returned_recommendation_shows_why(client, office_user, head_a, round_with_items,
                                             department_a):
    inspection_round, (short, *_rest) = round_with_items
    services.recommendation_route(recommendation=short, by=office_user,
                                  lead_department=department_a)
    services.recommendation_return(recommendation=short, by=head_a,
                                   reason="Không thuộc chức năng của Sở")
    client.force_login(office_user)
    page = client.get(reverse("recommendations:routing", args=[inspection_round.pk]))
    assert "Không thuộc chức năng của Sở" in page.content.decode()


def test_a_returned_item_merged_with_another_still_shows_why_it_was_returned(
        client, office_user, head_a, round_with_items, department_a):
    """The merge's note ("Recommendations merged into this one: #N") is a later event of the
    returned item: the page shows the department's reason, not that note."""
    inspection_round, (short, reworded, _unrelated) = round_with_items
    services.recommendation_route(recommendation=short, by=office_user,
                                  lead_department=department_a)
    services.recommendation_return(recommendation=short, by=head_a,
                                   reason="Không thuộc chức năng của Sở")
    short.refresh_from_db()
    services.recommendation_merge(target=short, others=[reworded], by=office_user)
    client.force_login(office_user)
    page = client.get(reverse("recommendations:routing", args=[inspection_round.pk]))
    returned = page.content.decode().split('class="returned"', 1)[1].split("</p>", 1)[0]
    assert "Không thuộc chức năng của Sở" in returned
    assert f"#{reworded.pk}" not in returned


def test_co_operating_bodies_are_checkboxes_with_the_defaults_ticked(
        client, office_user, round_with_items, department_a, department_b):
    """No Ctrl-click multiple select: a box per body, folded in a <details> whose summary
    names the default co-operating bodies."""
    inspection_round, items = round_with_items
    client.force_login(office_user)
    page = client.get(reverse("recommendations:routing",
                              args=[inspection_round.pk])).content.decode()
    assert "<select multiple" not in page and 'name="form-0-cooperating_departments" multiple' \
        not in page
    row = page.split('id="id_form-0-cooperating_departments"', 1)[1].split("</details>", 1)[0]
    assert f"<summary data-none=\"không có\">{department_b.name}</summary>" in row
    assert (f'<input type="checkbox" name="form-0-cooperating_departments" '
            f'value="{department_b.pk}" id="id_form-0-cooperating_departments_0" checked>') in row
    assert f'value="{department_a.pk}" id="id_form-0-cooperating_departments_1">' in row


def test_routing_with_the_defaults_is_ticking_the_rows_and_one_button(
        client, office_user, round_with_items, department_a, department_b):
    """What the page proposes is sent as it is: tick, press "Route the selected", done; a
    due date left empty is the usual one."""
    inspection_round, items = round_with_items
    client.force_login(office_user)
    url = reverse("recommendations:routing", args=[inspection_round.pk])
    forms = [form for form, _item in client.get(url).context["rows"]]
    data = rows_data(items, items, {index: {
        "lead_department": form.initial["lead_department"],
        "cooperating_departments": form.initial["cooperating_departments"],
        "due_date": form.initial["due_date"].strftime("%d/%m/%Y") if index else ""}
        for index, form in enumerate(forms)})
    assert client.post(url, {**data, "action": "route"}).status_code == 302
    due = add_working_days(datetime.date.today(), 15)
    for item in items:
        item.refresh_from_db()
        assert item.status == Status.ROUTED and item.lead_department == department_a
        assert list(item.cooperating_departments.all()) == [department_b]
        assert item.due_date == due


def test_a_refused_action_says_so_once_and_names_each_row_to_complete(
        client, office_user, round_with_items):
    inspection_round, items = round_with_items
    client.force_login(office_user)
    url = reverse("recommendations:routing", args=[inspection_round.pk])
    data = rows_data(items, items[:2], {0: {"lead_department": ""}, 1: {"lead_department": ""}})
    response = client.post(url, {**data, "action": "route"})
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("Chưa có thay đổi nào được lưu") == 1
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert f"#{items[0].pk} · Cơ quan chủ trì" in summary
    assert f"#{items[1].pk} · Cơ quan chủ trì" in summary
    assert not Recommendation.objects.exclude(status=Status.NEW).exists()


class _Deadlock(Exception):
    sqlstate = "40P01"


def test_a_deadlock_the_database_reports_is_a_message_on_the_page(client, office_user,
                                                                  round_with_items):
    """The last line, should a writer outside these services cross them: the page again with
    what was filled in, never a server error."""
    inspection_round, items = round_with_items
    client.force_login(office_user)
    url = reverse("recommendations:routing", args=[inspection_round.pk])
    error = OperationalError("deadlock detected")
    error.__cause__ = _Deadlock()
    with mock.patch.object(services, "recommendation_merge", side_effect=error):
        response = client.post(url, {**rows_data(items, items[:2]), "action": "merge"})
    assert response.status_code == 400
    # In the page's language (Vietnamese once the catalogue has the message).
    with translation.override("vi"):
        assert [str(m) for m in response.context["messages"]] == [translation.gettext(
            "Someone else changed these items at the same moment; try again.")]
    assert [r.pk for _form, r in response.context["rows"]] == [r.pk for r in items]
    assert response.context["rows"][0][0]["selected"].value()
    assert not Recommendation.objects.exclude(consolidated_into=None).exists()


def test_another_operational_error_is_still_a_fault(client, office_user, round_with_items):
    inspection_round, items = round_with_items
    client.force_login(office_user)
    url = reverse("recommendations:routing", args=[inspection_round.pk])
    with mock.patch.object(services, "recommendation_merge",
                           side_effect=OperationalError("disk full")), \
            pytest.raises(OperationalError):
        client.post(url, {**rows_data(items, items[:2]), "action": "merge"})
