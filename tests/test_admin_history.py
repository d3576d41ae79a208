"""Django admin in Vietnamese: its own strings, and History pages in the portal's words."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from communes.workdays import add_working_days
from recommendations import services
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_history_page_shows_labels_names_and_vietnamese(client, admin_user_, office_user,
                                                         department_a):
    recommendation = factories.RecommendationFactory(
        session__group__round__province=department_a.province)
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a)
    client.force_login(admin_user_)
    url = reverse("admin:recommendations_recommendation_history", args=[recommendation.pk])
    page = client.get(url).content.decode()
    assert "Người thực hiện" in page and "Nội dung thay đổi" in page
    assert "Mới" in page and "Đã chuyển xử lý" in page and department_a.name in page
    assert "routed" not in page.replace("Đã chuyển xử lý", "")


def test_a_history_page_shows_each_step_and_the_names_of_co_operating_departments(
        client, admin_user_, office_user, head_a, department_a, department_b):
    """Not the codes the services record ("route", "accept", None) nor the Python lists of a
    many-to-many field ("[] → [Sở Tài chính]")."""
    recommendation = factories.RecommendationFactory(
        session__group__round__province=department_a.province)
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a,
                                  cooperating_departments=[department_b])
    services.recommendation_accept(recommendation=recommendation, by=head_a)
    client.force_login(admin_user_)
    page = client.get(reverse("admin:recommendations_recommendation_history",
                              args=[recommendation.pk])).content.decode()
    reasons = re.findall(r"<td>([^<]*)</td>\s*<td>\s*(?:<ul>|</td>)", page)
    assert reasons == ["Tiếp nhận", "Chuyển xử lý", "Chuyển xử lý", "—"]
    assert f"— &nbsp;&rarr;&nbsp;&nbsp;{department_b.name}" in " ".join(page.split())
    assert "[" not in page.split('id="change-history"')[1]
    for raw in ("route", "accept", "None"):
        assert raw not in page


def test_admins_form_errors_read_in_vietnamese(client, admin_user_):
    client.force_login(admin_user_)
    page = client.post(reverse("admin:communes_calendarday_add"), {"name": ""})
    assert "Đề nghị kiểm tra, sửa các lỗi dưới đây." in page.content.decode()


def test_a_history_version_is_shown_but_never_reverted(client, admin_user_, office_user,
                                                      head_a, department_a):
    """A revert would save the old record whole: here the deadline an approved extension
    moved, with no lifecycle event. The version reads; posting it is refused."""
    recommendation = factories.RecommendationFactory(
        session__group__round__province=department_a.province)
    first_due = add_working_days(timezone.localdate(), 10)
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a, due_date=first_due)
    routed = recommendation.history.latest("history_date")
    services.recommendation_accept(recommendation=recommendation, by=head_a)
    request = services.extension_request(
        recommendation=recommendation, by=head_a, reason="Chờ kinh phí",
        proposed_due_date=add_working_days(timezone.localdate(), 30))
    services.extension_decide(request=request, by=office_user, approve=True, note="")
    client.force_login(admin_user_)
    url = reverse("admin:recommendations_recommendation_simple_history",
                  args=[recommendation.pk, routed.history_id])
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(url, {"text": recommendation.text}).status_code == 403
    recommendation.refresh_from_db()
    assert recommendation.due_date == request.proposed_due_date


def test_every_model_is_in_admin_and_its_list_searches(client, admin_user_, office_user,
                                                       department_a):
    """README says every model is in admin: each of the portal's models has a list there
    that opens and searches (or is shown inside its parent's page), and what the services
    write is view-only there."""
    from django.apps import apps
    from django.contrib import admin

    from communes.admin import RecordAdmin

    recommendation = factories.RecommendationFactory(
        session__group__round__province=department_a.province)
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a)
    client.force_login(admin_user_)
    inlines = {inline.model for model_admin in admin.site._registry.values()
               for inline in model_admin.inlines}
    for app in ("communes", "inspections", "recommendations"):
        for model in apps.get_app_config(app).get_models():
            if model._meta.label.startswith(f"{app}.Historical") or (
                    model in inlines and model not in admin.site._registry):
                continue  # a history table; a model shown only inside its parent
            assert model in admin.site._registry, f"{model._meta.label} is not in admin"
            model_admin = admin.site._registry[model]
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            query = {"q": "Sở"} if model_admin.search_fields else {}
            assert client.get(url, query).status_code == 200, model._meta.label
            if hasattr(model, "history"):  # its versions are shown (else NoReverseMatch)
                reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}"
                        "_simple_history", args=[1, 1])
            if isinstance(model_admin, RecordAdmin):
                add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
                assert client.get(add).status_code == 403
