"""What the server does for a unit's pages on a weak connection: each send from the clerk's
device saved once (its id refused as a duplicate), a send that came after the office closed
the session or task answered 409 for the device to keep it, the pages the device may keep
marked for their user, and the manifest and service worker that make them an app. The
browser's side is tests/browser/test_unit_offline.py."""

import json
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections.models import (
    DeviceSend,
    Directive,
    DirectiveFollowUp,
    DirectiveReport,
    Metric,
    Session,
    UnitSubmission,
)
from recommendations.models import Attachment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(province, ward_a_unit, ward_b_unit):
    return factories.SessionFactory(group__round__province=province,
                                    units=[ward_a_unit, ward_b_unit])


@pytest.fixture
def follow_up(session, ward_a_unit):
    directive = Directive.objects.create(session=session, text="Rà soát trang thiết bị")
    return DirectiveFollowUp.objects.create(directive=directive, unit=ward_a_unit)


def report_data(client_id, text="Tiếp nhận 6.600 hồ sơ"):
    metric = Metric.objects.get(code="received_total")
    return {"achievements": text, "facilities": "", "staffing_notes": "",
            "figure-month": "07/2025", f"figure-vu_{metric.pk}": "6.600",
            "client_id": str(client_id), "client_owner": "user-1", "client_label": "Báo cáo"}


def test_a_report_sent_twice_with_one_id_is_saved_once(client, ward_a, session):
    client.force_login(ward_a)
    url = reverse("recommendations:unit_session", args=[session.pk])
    sent = uuid.uuid4()
    assert client.post(url, report_data(sent)).status_code == 302
    # The answer was lost on the way; the device sends the same again.
    again = client.post(url, report_data(sent, text="Khác"), follow=True)
    assert again.status_code == 200
    assert "Nội dung này đã được nhận lúc" in again.content.decode()
    submission = UnitSubmission.objects.get()
    assert submission.achievements == "Tiếp nhận 6.600 hồ sơ"
    assert submission.history.count() == 1
    assert submission.figures.get().value == Decimal("6600")
    assert DeviceSend.objects.get().sent_by == ward_a
    # Another send (another id) is another version, as before.
    assert client.post(url, report_data(uuid.uuid4(), text="Bản sửa")).status_code == 302
    assert submission.history.count() == 2


def test_a_task_report_sent_twice_with_one_id_is_saved_once_with_its_file(
        client, ward_a, follow_up):
    client.force_login(ward_a)
    url = reverse("recommendations:unit_directive", args=[follow_up.pk])
    sent = str(uuid.uuid4())
    for _copy in range(2):
        response = client.post(url, {"text": "Đã rà soát", "done_on": "", "client_id": sent,
                                     "files": SimpleUploadedFile("Biên bản.pdf", b"%PDF-1.4 x",
                                                                 "application/pdf")})
        assert response.status_code == 302
    assert DirectiveReport.objects.count() == 1
    assert Attachment.objects.count() == 1


def test_a_send_after_the_session_was_recorded_answers_409_and_keeps_nothing(
        client, ward_a, session, follow_up):
    client.force_login(ward_a)
    Session.objects.filter(pk=session.pk).update(status=Session.Status.FINAL)
    response = client.post(reverse("recommendations:unit_session", args=[session.pk]),
                           report_data(uuid.uuid4()))
    assert response.status_code == 409
    assert "Buổi làm việc đã hoàn tất" in response.content.decode()
    assert not UnitSubmission.objects.exists() and not DeviceSend.objects.exists()
    DirectiveFollowUp.objects.filter(pk=follow_up.pk).update(
        status=DirectiveFollowUp.Status.DONE)
    response = client.post(reverse("recommendations:unit_directive", args=[follow_up.pk]),
                           {"text": "Đã xong", "client_id": str(uuid.uuid4())})
    assert response.status_code == 409
    assert not DirectiveReport.objects.exists()


def test_a_send_received_before_the_session_was_recorded_is_still_received(
        client, ward_a, session):
    """The first copy arrived, its answer was lost, the office recorded the session; the
    copy sent again is the one received, not a refusal the clerk would have to act on."""
    client.force_login(ward_a)
    url = reverse("recommendations:unit_session", args=[session.pk])
    sent = uuid.uuid4()
    assert client.post(url, report_data(sent)).status_code == 302
    Session.objects.filter(pk=session.pk).update(status=Session.Status.FINAL)
    assert client.post(url, report_data(sent)).status_code == 302
    assert client.post(url, report_data(uuid.uuid4())).status_code == 409


def test_an_id_that_is_not_one_is_ignored_and_the_send_saved(client, ward_a, session):
    client.force_login(ward_a)
    url = reverse("recommendations:unit_session", args=[session.pk])
    assert client.post(url, report_data("không-phải-mã")).status_code == 302
    assert UnitSubmission.objects.exists() and not DeviceSend.objects.exists()


def test_the_units_pages_are_marked_for_their_user_and_no_other_page_is(
        client, ward_a, office_user, session, follow_up):
    client.force_login(ward_a)
    for url in (reverse("recommendations:unit_home"),
                reverse("recommendations:unit_session", args=[session.pk]),
                reverse("recommendations:unit_directive", args=[follow_up.pk])):
        response = client.get(url)
        key = f"user-{ward_a.pk}-unit-{ward_a.profile.unit_id}"
        assert response["X-Offline-Key"] == key
        # The browser session's owner of the kept pages (sw.js shows no one else's).
        assert response.cookies["unit_owner"].value == key
        assert response.cookies["unit_owner"]["path"] == "/unit/"
        assert not response.cookies["unit_owner"]["max-age"]  # gone with the browser session
        assert 'rel="manifest"' in response.content.decode()
    # A form sent back with its errors is not a page to keep.
    response = client.post(reverse("recommendations:unit_directive", args=[follow_up.pk]),
                           {"text": ""})
    assert response.status_code == 400 and "X-Offline-Key" not in response
    client.force_login(office_user)
    response = client.get(reverse("recommendations:home"))
    assert "X-Offline-Key" not in response
    assert 'rel="manifest"' not in response.content.decode()


def test_the_manifest_and_the_service_worker_are_public_and_in_vietnamese(client):
    manifest = client.get(reverse("recommendations:unit_manifest"))
    assert manifest.status_code == 200
    assert manifest["Content-Type"] == "application/manifest+json"
    content = json.loads(manifest.content)
    assert content["name"] == "Theo dõi Tổ công tác – xã, phường"
    assert (content["start_url"], content["scope"]) == ("/unit/", "/unit/")
    assert {icon["sizes"] for icon in content["icons"]} >= {"192x192", "512x512"}
    worker = client.get(reverse("recommendations:unit_sw"))
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    assert "no-cache" in worker["Cache-Control"]
    script = worker.content.decode()
    assert '"/static/css/portal.css"' in script and "__VERSION__" not in script
    offline = client.get(reverse("recommendations:unit_offline"))
    assert offline.status_code == 200
    assert "Không có kết nối mạng" in offline.content.decode()


def test_each_send_with_an_id_says_what_became_of_it_to_the_next_page(
        client, ward_a, session, follow_up):
    """The device keeps a copy of a send that went the usual way until the page after it says
    what became of it (static/js/offline.js reads the cookie)."""
    client.force_login(ward_a)
    url = reverse("recommendations:unit_session", args=[session.pk])
    sent = uuid.uuid4()
    response = client.post(url, report_data(sent))
    assert response.cookies["unit_send"].value == f"{sent}:received"
    response = client.post(url, report_data(sent))  # the copy: received already
    assert response.cookies["unit_send"].value == f"{sent}:received"
    wrong = uuid.uuid4()
    metric = Metric.objects.get(code="received_total")
    response = client.post(url, {**report_data(wrong), f"figure-vu_{metric.pk}": "6,600"})
    assert response.status_code == 400
    assert response.cookies["unit_send"].value == f"{wrong}:refused"
    Session.objects.filter(pk=session.pk).update(status=Session.Status.FINAL)
    late = uuid.uuid4()
    response = client.post(url, report_data(late))
    assert response.cookies["unit_send"].value == f"{late}:late"
    # A form sent without an id (no script) says nothing.
    response = client.post(reverse("recommendations:unit_directive", args=[follow_up.pk]),
                           {"text": "Đã làm"})
    assert response.status_code == 302 and "unit_send" not in response.cookies


def test_a_page_fetched_to_be_kept_leaves_the_users_messages_for_the_page_they_open(
        client, ward_a, session):
    client.force_login(ward_a)
    url = reverse("recommendations:unit_session", args=[session.pk])
    client.post(url, report_data(uuid.uuid4()))  # "sent to the provincial office"
    home = reverse("recommendations:unit_home")
    kept = client.get(home, headers={"X-Offline-Keep": "1"})
    assert kept.status_code == 200
    shown = client.get(url).content.decode()
    assert "Đã gửi báo cáo của đơn vị đến Văn phòng." in shown


def test_the_service_worker_answers_304_when_nothing_changed(client):
    url = reverse("recommendations:unit_sw")
    first = client.get(url)
    assert first["ETag"]
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert f'"unit-assets-{first["ETag"].strip(chr(34))}"' in first.content.decode()


def test_pages_are_gzipped_and_files_go_as_they_are(client, ward_a, follow_up):
    client.force_login(ward_a)
    page = client.get(reverse("recommendations:unit_home"), headers={"Accept-Encoding": "gzip"})
    assert page["Content-Encoding"] == "gzip"
    client.post(reverse("recommendations:unit_directive", args=[follow_up.pk]), {
        "text": "Đã làm", "files": SimpleUploadedFile("Biên bản.pdf", b"%PDF-1.4 " + b"x" * 500,
                                                      "application/pdf")})
    attachment = Attachment.objects.get()
    download = client.get(reverse("recommendations:attachment", args=[attachment.pk]),
                          headers={"Accept-Encoding": "gzip"})
    assert download.status_code == 200
    assert "Content-Encoding" not in download
