"""Words a Vietnamese provincial office would write (issue 16)."""

import gettext
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from inspections.models import DirectiveFollowUp, GroupMember, Session
from recommendations.models import Status
from tests import factories

ROOT = Path(__file__).resolve().parent.parent


def test_statuses_are_capitalised_with_one_pair_for_done_and_not_done():
    with translation.override("vi"):
        assert [str(label) for label in Status.labels][:3] == [
            "Mới", "Đã trả lời tại chỗ", "Đã chuyển xử lý"]
        assert [str(x) for x in DirectiveFollowUp.Status.labels] == [
            "Chưa hoàn thành", "Đã hoàn thành"]
        assert [str(x) for x in Session.Status.labels] == ["Đang ghi nhận", "Đã hoàn tất"]
        assert str(GroupMember._meta.get_field("title").verbose_name) == "chức vụ"
        assert translation.gettext("Lead department") == "Cơ quan chủ trì"
        assert translation.gettext("Resolve") == "Xác nhận đã giải quyết"


def test_issue_24_words_one_name_for_each_thing():
    """Read by a Vietnamese official: roles that say whose staff they are, the office's
    approval of a unit's task report not called what a department does with an item, a unit
    of any kind called đơn vị cấp xã, the export's column of item numbers named for them."""
    from communes.roles import DEPARTMENT_STAFF, OFFICE_STAFF, ROLE_LABELS
    from recommendations.forms import ReportDecisionForm, VerdictForm

    with translation.override("vi"):
        assert str(ROLE_LABELS[DEPARTMENT_STAFF]) == "Chuyên viên sở, ban, ngành"
        assert str(ROLE_LABELS[OFFICE_STAFF]) == "Cán bộ Văn phòng Tỉnh ủy"
        decisions = dict(ReportDecisionForm().fields["decision"].choices)
        assert str(decisions["accept"]) == "Công nhận hoàn thành"
        assert translation.gettext("Accept") == "Tiếp nhận"
        verdicts = [str(label) for _value, label in VerdictForm.base_fields["verdict"].choices]
        assert "Có – đơn vị thống nhất" in verdicts
        assert translation.gettext("Unit reports") == "Báo cáo của các đơn vị cấp xã"
        assert translation.gettext("Recommendation no.") == "Số kiến nghị"


@pytest.mark.django_db
def test_the_unit_page_says_which_district_the_unit_belonged_to(client, office_user, province):
    unit = factories.UnitFactory(province=province, former_districts="Huyện Hữu Lũng")
    client.force_login(office_user)
    page = client.get(reverse("recommendations:unit_profile", args=[unit.pk])).content.decode()
    assert "Trước sắp xếp thuộc huyện Hữu Lũng" in page


CATALOGUES = [ROOT / "locale/vi/LC_MESSAGES/django.mo",
              ROOT / "config/django_locale/vi/LC_MESSAGES/django.mo",
              ROOT / "config/django_locale/vi/LC_MESSAGES/djangojs.mo"]


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_one_register_everywhere_the_portal_speaks(catalogue):
    """The reader is "đồng chí" and a request "Đề nghị …" (issue 24: the API, token and 404
    texts said "bạn" and "Vui lòng"); the body that leads an item is the "cơ quan chủ trì"."""
    with catalogue.open("rb") as file:
        texts = [text for text in gettext.GNUTranslations(file)._catalog.values() if text]
    assert [text for text in texts
            if re.search(r"\bbạn\b|vui lòng|sở chủ trì", text, re.IGNORECASE)] == []

