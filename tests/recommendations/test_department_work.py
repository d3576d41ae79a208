import datetime
import io
import smtplib
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from communes.workdays import add_working_days
from recommendations import services
from recommendations.models import Attachment, ExtensionRequest, Recommendation, Response, Status
from recommendations.notifications import digest_send
from recommendations.queries import filter_choices
from tests import factories

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def routed(office_user, department_a, department_b, head_a, staff_a, head_b,
           django_capture_on_commit_callbacks):
    for user, address in ((head_a, "giamdoc@snv.vn"), (staff_a, "chuyenvien@snv.vn"),
                          (office_user, "vanphong@tinhuy.vn")):
        user.email = address
        user.save()
    session = factories.SessionFactory(group__round__province=department_a.province)
    # A text no subject or link can contain ("Kiến nghị số 2" is a prefix of "… số 215").
    recommendation = factories.RecommendationFactory(
        session=session, text="Đề nghị bổ sung biên chế công chức cho xã")
    with django_capture_on_commit_callbacks(execute=True):
        services.recommendation_route(recommendation=recommendation, by=office_user,
                                      lead_department=department_a,
                                      cooperating_departments=[department_b])
    recommendation.refresh_from_db()
    return recommendation


def test_routing_mails_the_departments_in_vietnamese_with_a_link_only(routed):
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    # The lead department's head and staff, and the co-operating department's head.
    assert sorted(message.to) == ["chuyenvien@snv.vn", "giamdoc@snv.vn", "head.b@example.vn"]
    assert "Kiến nghị số" in message.subject
    assert f"/recommendations/{routed.pk}/" in message.body
    assert routed.text not in message.body and routed.text not in message.subject


def test_the_whole_department_path_through_the_pages(
    client, routed, head_a, staff_a, office_user, django_capture_on_commit_callbacks
):
    url = reverse("recommendations:detail", args=[routed.pk])

    def act(user, action, data, files=None):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("recommendations:act", args=[routed.pk, action]),
                               {f"{action}-{k}": v for k, v in data.items()} | (files or {}))

    assert act(head_a, "accept", {}).status_code == 302
    assert act(head_a, "assign", {"assignee": staff_a.pk}).status_code == 302
    response = act(staff_a, "respond", {"text": "Sở đã tham mưu bổ sung biên chế"},
                   {"respond-files": SimpleUploadedFile("Công văn trả lời.pdf", PDF)})
    assert response.status_code == 302
    assert act(head_a, "resolve", {"answer": "Đã giải quyết"}).status_code == 302
    routed.refresh_from_db()
    assert routed.status == Status.RESOLVED and routed.assignee == staff_a
    attachment = Attachment.objects.get()
    assert attachment.original_name == "Công văn trả lời.pdf"
    client.force_login(office_user)
    page = client.get(url).content.decode()
    assert "Sở đã tham mưu bổ sung biên chế" in page and "Công văn trả lời.pdf" in page
    download = client.get(reverse("recommendations:attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == PDF
    disposition = download["Content-Disposition"]
    assert unquote(disposition.split("''", 1)[1]) == "Công văn trả lời.pdf"
    # The office was told of the response and of the resolution.
    to_office = [m for m in mail.outbox if m.to == ["vanphong@tinhuy.vn"]]
    assert len(to_office) == 2


def test_a_cooperating_department_contributes_but_cannot_resolve(client, routed, head_b):
    client.force_login(head_b)
    page = client.get(reverse("recommendations:detail", args=[routed.pk])).content.decode()
    assert "respond-text" in page and "resolve-answer" not in page
    services.recommendation_respond(recommendation=routed, by=head_b, text="Ý kiến phối hợp")
    contribution = routed.responses.get(kind=Response.Kind.CONTRIBUTION)
    assert contribution.department == head_b.profile.department
    response = client.post(reverse("recommendations:act", args=[routed.pk, "resolve"]),
                           {"resolve-answer": "x"}, follow=True)
    # Heads resolve, but not for a department that only co-operates: refused with a message.
    assert "không còn thực hiện được" in response.content.decode()
    routed.refresh_from_db()
    assert routed.status == Status.ROUTED


def test_an_executable_renamed_pdf_is_refused_and_nothing_is_saved(client, routed, head_a):
    client.force_login(head_a)
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100)
    response = client.post(reverse("recommendations:act", args=[routed.pk, "respond"]),
                           {"respond-text": "Kèm tệp", "respond-files": [
                               SimpleUploadedFile("that.pdf", PDF), fake]})
    assert response.status_code == 400
    assert "bao-cao.pdf" in response.content.decode()
    assert 'Kèm tệp' in response.content.decode()
    assert not Response.objects.filter(text="Kèm tệp").exists()
    assert not Attachment.objects.exists()


def test_an_oversized_file_is_refused_with_a_message(client, routed, head_a, settings):
    settings.ATTACHMENT_MAX_MB = 1
    client.force_login(head_a)
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (1024 * 1024 + 1))
    response = client.post(reverse("recommendations:act", args=[routed.pk, "respond"]),
                           {"respond-text": "Tệp lớn", "respond-files": big})
    assert response.status_code == 400
    assert "1 MB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_office_documents_are_checked_inside_the_zip():
    from recommendations.attachments import DOCX, XLSX, sniff

    def package(part):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(part, "<x/>")
        return SimpleUploadedFile("f", buffer.getvalue())

    assert sniff(package("word/document.xml")) == DOCX
    assert sniff(package("xl/workbook.xml")) == XLSX
    assert sniff(package("evil.exe")) is None


def test_department_b_cannot_download_department_as_attachment(client, routed, head_a, head_b):
    response = services.recommendation_respond(
        recommendation=routed, by=head_a, text="Trả lời",
        files=[SimpleUploadedFile("a.pdf", PDF)])
    client.force_login(head_b)
    # B co-operates on this one; a recommendation only A handles stays hidden from B.
    other = factories.RecommendationFactory(session=routed.session)
    services.recommendation_route(recommendation=other, by=None,
                                  lead_department=head_a.profile.department)
    hidden = services.recommendation_respond(recommendation=other, by=head_a, text="Riêng",
                                             files=[SimpleUploadedFile("b.pdf", PDF)])
    assert client.get(reverse("recommendations:attachment",
                              args=[response.attachments.get().pk])).status_code == 200
    assert client.get(reverse("recommendations:attachment",
                              args=[hidden.attachments.get().pk])).status_code == 404
    assert client.get(reverse("recommendations:detail", args=[other.pk])).status_code == 404


def test_extension_request_approved_by_the_office(routed, staff_a, office_user):
    new_date = add_working_days(routed.due_date, 20)
    request = services.extension_request(recommendation=routed, by=staff_a,
                                         proposed_due_date=new_date, reason="Chờ ý kiến Bộ")
    with pytest.raises(services.TransitionNotAllowed):
        services.extension_request(recommendation=routed, by=staff_a,
                                   proposed_due_date=new_date, reason="Lần hai")
    with pytest.raises(services.TransitionNotAllowed):
        services.extension_decide(request=request, by=staff_a, approve=True)
    services.extension_decide(request=request, by=office_user, approve=True)
    routed.refresh_from_db()
    assert routed.due_date == new_date
    assert ExtensionRequest.objects.get().decision == ExtensionRequest.Decision.APPROVED


def test_inbox_tabs_count_and_filter(client, routed, head_a, office_user, department_a):
    session = routed.session
    late = factories.RecommendationFactory(session=session, text="Quá hạn")
    services.recommendation_route(recommendation=late, by=office_user,
                                  lead_department=department_a,
                                  due_date=datetime.date(2020, 1, 1))
    client.force_login(head_a)
    response = client.get(reverse("recommendations:inbox"))
    counts = {name: count for name, _label, count in response.context["tabs"]}
    assert counts["new"] == 1 and counts["overdue"] == 1 and counts["all"] == 2
    # The inbox opens on the most urgent work there is.
    assert response.context["tab"] == "overdue"
    assert [r.pk for r in response.context["page"].object_list] == [late.pk]
    overdue = client.get(reverse("recommendations:inbox") + "?tab=overdue")
    assert [r.pk for r in overdue.context["page"].object_list] == [late.pk]


def test_the_inbox_tabs_partition_its_items_and_status_is_no_filter_of_its_own(
        client, head_a, office_user, department_a):
    """Each item is in one tab only, the counts adding up to "all": an overdue or nearly due
    item is in those tabs whatever its status ("new" and "due soon" were the same two items),
    and the status select that repeated the tabs is gone."""
    session = factories.SessionFactory(group__round__province=department_a.province)
    today = timezone.localdate()
    cases = {
        "overdue": [("routed", -3), ("accepted", -1), ("reopened", -10)],
        "due_soon": [("routed", 0), ("in_progress", 1)],
        "new": [("routed", 20), ("routed", None)],
        "in_progress": [("accepted", 20), ("in_progress", None), ("reopened", 30)],
        "done": [("resolved", -5), ("returned", 2), ("proposed_central", -1),
                 ("answered_on_the_spot", None)],
    }
    expected = {}
    for tab, items in cases.items():
        for status, days in items:
            due = None if days is None else add_working_days(today, days) if days >= 0 else \
                today - datetime.timedelta(days=-days)
            item = Recommendation.objects.create(
                session=session, province=department_a.province,
                category=factories.CategoryFactory(), text=f"{tab} {status}", status=status,
                lead_department=department_a, due_date=due,
                central_body="Bộ Nội vụ" if status == "proposed_central" else "")
            expected.setdefault(tab, set()).add(item.pk)
    client.force_login(head_a)
    inbox = reverse("recommendations:inbox")
    counts = {name: count for name, _label, count in client.get(inbox).context["tabs"]}
    assert counts == {**{tab: len(ids) for tab, ids in expected.items()}, "all": 14}
    for tab, ids in expected.items():
        shown = client.get(inbox, {"tab": tab}).context["page"].object_list
        assert {item.pk for item in shown} == ids
    page = client.get(inbox, {"tab": "all"})
    assert "status" not in page.context["filters"].form.fields
    assert 'name="status"' not in page.content.decode()


def test_inbox_query_count_is_the_same_for_5_and_500_items(client, head_a, office_user,
                                                           department_a, count_queries):
    session = factories.SessionFactory(group__round__province=department_a.province)
    category = factories.CategoryFactory()
    unit = factories.UnitFactory(province=department_a.province)

    def add(count):
        items = Recommendation.objects.bulk_create(
            Recommendation(session=session, province=department_a.province, category=category,
                           text=f"k{n}", status="routed", lead_department=department_a,
                           due_date=add_working_days(datetime.date.today(), n % 20 - 10))
            for n in range(count))
        Recommendation.units.through.objects.bulk_create(
            Recommendation.units.through(recommendation=r, administrativeunit=unit)
            for r in items)

    client.force_login(head_a)
    url = reverse("recommendations:inbox") + "?tab=all"
    add(5)
    few = count_queries(lambda: client.get(url))
    add(495)
    assert count_queries(lambda: client.get(url)) == few


def test_a_failed_mail_is_retried_later(settings, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from communes import mail

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def mail_server_down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(mail, "send_mail", mail_server_down)
    mail.send_email.call(recipients=["a@b.vn"], subject="Tiêu đề", body="Nội dung")
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after > timezone.now()


def test_daily_digest_per_department(routed, office_user, department_a,
                                     django_capture_on_commit_callbacks):
    late = factories.RecommendationFactory(session=routed.session)
    services.recommendation_route(recommendation=late, by=office_user,
                                  lead_department=department_a,
                                  due_date=datetime.date(2020, 1, 1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        digest_send(today=datetime.date(2026, 11, 26))
    digest = [m for m in mail.outbox if "giamdoc@snv.vn" in m.to]
    assert len(digest) == 1
    assert "1 kiến nghị quá hạn" in digest[0].body
    mail.outbox.clear()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_digest", stdout=out)  # today: a working day or not, it says
    assert "department" in out.getvalue() or "not a working day" in out.getvalue()


def test_no_digest_on_tet(monkeypatch):
    from django.utils import timezone as django_timezone

    monkeypatch.setattr(django_timezone, "localdate", lambda: datetime.date(2026, 2, 17))
    out = io.StringIO()
    call_command("send_due_digest", stdout=out)
    assert "not a working day" in out.getvalue()


def test_a_long_answer_and_a_late_extension_are_handled(routed, head_a, staff_a, office_user):
    services.recommendation_accept(recommendation=routed, by=head_a)
    with pytest.raises(services.TransitionNotAllowed):
        services.extension_request(recommendation=routed, by=staff_a,
                                   proposed_due_date=datetime.date(2001, 1, 1), reason="Cũ")
    request = services.extension_request(
        recommendation=routed, by=staff_a, reason="Chờ ý kiến",
        proposed_due_date=add_working_days(routed.due_date, 7))
    # A long answer: the history keeps the step's name, the event the whole text.
    services.recommendation_resolve(recommendation=routed, by=head_a, answer="Trả lời " * 200)
    request.refresh_from_db()
    assert request.decision == ExtensionRequest.Decision.REFUSED  # lapsed with the item
    assert routed.events.last().note.startswith("Trả lời Trả lời")


def test_odd_filter_values_are_not_a_500(client, head_a, routed):
    client.force_login(head_a)
    for value in ("²", "99999999999999999999999", "-1", "abc"):
        assert client.get(reverse("recommendations:inbox"), {"category": value}).status_code == 200
        assert client.get(reverse("recommendations:list"), {"group": value}).status_code == 200


def test_after_returning_an_item_the_department_lands_on_its_inbox(client, routed, head_a):
    client.force_login(head_a)
    response = client.post(reverse("recommendations:act", args=[routed.pk, "return"]),
                           {"return-reason": "Không thuộc chức năng của Sở"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "recommendations:inbox")


def test_attachments_go_through_the_storage_api_only(client, routed, head_a, settings):
    """With the files in another storage (as an S3 bucket shared by several servers would be),
    uploading and downloading work unchanged and nothing is written to MEDIA_ROOT."""
    from django.core.files.storage import default_storage

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.InMemoryStorage"}}
    response = services.recommendation_respond(
        recommendation=routed, by=head_a, text="Trả lời", files=[
            SimpleUploadedFile("Báo cáo.pdf", PDF)])
    attachment = response.attachments.get()
    assert default_storage.exists(attachment.file.name)
    assert not (Path(settings.MEDIA_ROOT) / attachment.file.name).exists()
    client.force_login(head_a)
    download = client.get(reverse("recommendations:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_a_departments_filters_offer_the_rounds_and_groups_of_what_is_routed_to_it(
        client, province, department_a, department_b, head_a):
    led = factories.RecommendationFactory(session__group__round__province=province,
                                          lead_department=department_a)
    cooperated = factories.RecommendationFactory(session__group__round__province=province,
                                                 lead_department=department_b)
    cooperated.cooperating_departments.add(department_a)
    elsewhere = factories.RecommendationFactory(session__group__round__province=province,
                                                lead_department=department_b)
    choices = filter_choices(head_a, ("rounds", "groups"))
    rounds = {int(value) for value, _label in choices["rounds"]}
    groups = {int(value) for value, _label in choices["groups"]}
    assert rounds == {led.session.group.round_id, cooperated.session.group.round_id}
    assert groups == {led.session.group_id, cooperated.session.group_id}
    assert elsewhere.session.group.round_id not in rounds


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_timeline_tells_each_step_once_in_the_pages_language(client, routed, head_a,
                                                                 language):
    services.recommendation_accept(recommendation=routed, by=head_a)
    services.recommendation_start(recommendation=routed, by=head_a)
    client.force_login(head_a)
    client.cookies["django_language"] = language
    page = client.get(reverse("recommendations:detail", args=[routed.pk])).content.decode()
    # The steps' own entries say them ("Đã chuyển → Đã tiếp nhận"); the history records of the
    # same saves, which changed nothing else shown, add no entry with the step's code name.
    for code in ("route", "accept", "start"):
        assert f"</strong>: {code}<" not in page
        assert f"</strong>: {code}\n" not in page
