"""Django admin in Vietnamese: its own strings, and History pages in the portal's words."""

import pytest
from django.urls import reverse

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


def test_admins_form_errors_read_in_vietnamese(client, admin_user_):
    client.force_login(admin_user_)
    page = client.post(reverse("admin:communes_calendarday_add"), {"name": ""})
    assert "Đề nghị kiểm tra, sửa các lỗi dưới đây." in page.content.decode()
