"""Django admin in Vietnamese: its own strings, and History pages in the portal's words."""

import json
import re
import uuid
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from communes.documents import Letterhead
from communes.workdays import add_working_days
from inspections import services as inspection_services
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
    """docs/features.md says every model is in admin: each of the portal's models has a list there
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


# Words Django and the libraries write in English whatever the language, as they showed on the
# demo's admin pages before the portal named them: app and model names, columns, a task's states,
# object names, icon texts. None is a word of the demo's data.
ENGLISH = {
    "Axes", "Tasks", "Task", "Backend", "Enqueued", "Successful", "Ready", "Running", "Queue",
    "Worker", "Traceback", "Identifier", "Tallys", "tallys", "Kind", "Days", "Number", "Status",
    "Session", "Sort", "Historical", "historical", "relationship", "relationships", "object",
    "Search", "True", "False", "None", "Click", "models", "superuser", "Attempted", "Access",
    "Log", "Communes", "Inspections", "Recommendations", "Can", "chars", "route", "accept",
}
# A lookup across relations as Django heads its column ("Group  round  province").
ENGLISH_PHRASES = ("  round", "  province", "  date", "Task name", "Enqueued at")


class _Text(HTMLParser):
    """A page's text as a reader meets it: its text outside scripts and styles, and the texts
    of its titles, labels, alternatives and placeholders."""

    ATTRIBUTES = {"title", "alt", "aria-label", "placeholder"}

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")
        self.parts += [value for name, value in attrs if name in self.ATTRIBUTES and value]

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _english(html: str) -> set[str]:
    reader = _Text()
    reader.feed(html)
    text = " ".join(reader.parts)
    return ({word for word in re.findall(r"[A-Za-z]+", text) if word in ENGLISH}
            | {phrase for phrase in ENGLISH_PHRASES if phrase in text})


@pytest.fixture
def demo_with_every_model(settings, django_capture_on_commit_callbacks):
    """The demo, and a row of each model it leaves empty (the libraries' too)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from communes import services as communes_services
    from communes.mail import send_email
    from communes.models import IssuingBody
    from inspections.models import DeviceSend, GroupMember, UnitSubmission
    from recommendations.models import DigestSent, Recommendation, Status

    call_command("load_demo", stdout=StringIO())
    client = {"username": "vanphong", "ip_address": "127.0.0.1", "user_agent": "Chromium",
              "http_accept": "text/html", "path_info": "/accounts/login/"}
    AccessAttempt.objects.create(**client, get_data="", post_data="", failures_since_start=2)
    AccessLog.objects.create(**client)
    AccessFailureLog.objects.create(**client)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        send_email.enqueue(recipients=["vanphong@example.vn"], subject="Thử", body="Nội dung")
    recommendation = Recommendation.objects.filter(
        lead_department__short_code="SNV", status=Status.IN_PROGRESS).first()
    department = recommendation.lead_department
    head = department.people.get(user__username="sonoivu").user
    services.recommendation_respond(
        recommendation=recommendation, by=head, text="Báo cáo tiến độ", progress=True,
        files=[SimpleUploadedFile("Báo cáo.pdf", b"%PDF-1.4 test", "application/pdf")])
    services.extension_request(recommendation=recommendation, by=head, reason="Chờ kinh phí",
                               proposed_due_date=add_working_days(timezone.localdate(), 40))
    communes_services.api_token_create(user=head, name="Kho dữ liệu")
    communes_services.calendar_link_create(user=head)
    IssuingBody.objects.get_or_create(province=department.province, kind=IssuingBody.Kind.PARTY)
    # The register of outgoing documents: an entry and its body's counter.
    inspection_services.document_issue(
        province=department.province, by=get_user_model().objects.get(username="vanphong"),
        filename="thong-bao", session=recommendation.session,
        letterhead=Letterhead(kind="party", issuer="Tỉnh ủy Lạng Sơn", symbol="TU",
                              type_code="TB", doc_type="Thông báo", summary="kết luận",
                              place="Lạng Sơn", date=timezone.localdate(),
                              recipients="Như trên", signer="T/L BAN THƯỜNG VỤ"),
        write=lambda letterhead: b"PK docx")
    session = recommendation.session
    GroupMember.objects.create(group=session.group, name="Nguyễn Văn An", title="Giám đốc",
                               department=department)
    UnitSubmission.objects.create(session=session, unit=session.units.first(), submitted_by=head)
    DeviceSend.objects.create(client_id=uuid.uuid4(), sent_by=head)
    DigestSent.objects.create(department=department, day=timezone.localdate())


@pytest.mark.slow
def test_every_admin_page_reads_in_vietnamese(client, demo_with_every_model):
    """Every admin page an administrator opens, for every model (Django's and the libraries'
    included): the index and each app's, the list, the add form, an object's page, its
    History, a version in it and its delete confirmation, and admin's JavaScript strings."""
    from django.apps import apps
    from django.contrib import admin

    client.force_login(get_user_model().objects.get(username="admin"))
    pages = [reverse("admin:index")]
    pages += [reverse("admin:app_list", args=[app.label]) for app in apps.get_app_configs()
              if any(model._meta.app_config is app for model in admin.site._registry)]
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        obj = model._default_manager.order_by("-pk").first()
        assert obj is not None, f"no {model._meta.label} to open"
        pages += [reverse(f"{info}_changelist"), reverse(f"{info}_add"),
                  reverse(f"{info}_change", args=[obj.pk]),
                  reverse(f"{info}_history", args=[obj.pk]),
                  reverse(f"{info}_delete", args=[obj.pk])]
        if hasattr(model, "history") and obj.history.exists():
            pages.append(reverse(f"{info}_simple_history",
                                 args=[obj.pk, obj.history.latest("history_date").pk]))
    english = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 403), (url, response.status_code)
        if response.status_code == 200:
            for word in _english(response.content.decode()):
                english.setdefault(word, url)
    assert english == {}
    # The calendar's and the choosers' strings (escaped in the script).
    scripts = client.get(reverse("admin:jsi18n")).content.decode()
    for text in ("Chủ nhật", "Bấm để chọn tất cả %s một lần."):
        assert json.dumps(text) in scripts
