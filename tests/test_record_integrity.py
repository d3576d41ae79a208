"""The record stays true under edits, merges, reopenings, big sessions and hostile input
(issue 11): one test, or a few, per numbered item of the issue."""

import datetime
import io
import smtplib
import zipfile
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from communes.models import CalendarDay
from communes.workdays import add_working_days
from inspections.models import Directive, DirectiveFollowUp, Metric, ReportedFigure, Session
from recommendations import services
from recommendations.models import Recommendation, Status
from tests import factories
from tests.recording import as_posted

pytestmark = pytest.mark.django_db


def record_url(session):
    return reverse("recommendations:session_record", args=[session.pk])


@pytest.fixture
def session(province):
    units = [factories.UnitFactory(province=province, name=name)
             for name in ("Hữu Lũng", "Thiện Tân", "Yên Bình")]
    return factories.SessionFactory(group__round__province=province, units=units[:1],
                                    date=datetime.date(2025, 8, 5))


def figure_row(metric, value):
    """One grid of the recording page, for July 2025, with `value` in the units' joint row."""
    return {"figure-TOTAL_FORMS": 1, "figure-INITIAL_FORMS": 0, "figure-0-was": "",
            "figure-0-month": "07/2025", f"figure-0-vj_{metric.pk}": value}


# 1. Figures are read the Vietnamese way, or refused -----------------------------------------

@pytest.mark.parametrize(("typed", "metric_code", "stored"), [
    ("6.000", "received_total", Decimal("6000")),
    ("6.600", "received_total", Decimal("6600")),
    ("6 600", "received_total", Decimal("6600")),
    ("6600", "received_total", Decimal("6600")),
    ("87,76", "online_rate", Decimal("87.76")),
])
def test_the_recording_page_reads_vietnamese_numbers(client, office_user, session, typed,
                                                     metric_code, stored):
    client.force_login(office_user)
    metric = Metric.objects.get(code=metric_code)
    response = client.post(record_url(session), as_posted(
        session, lambda data: data.update(figure_row(metric, typed))))
    assert response.status_code == 302
    assert ReportedFigure.objects.get().value == stored


@pytest.mark.parametrize(("typed", "metric_code", "message"), [
    ("87.76", "online_rate", "could be read two ways"),
    ("6.60", "received_total", "could be read two ways"),
    ("0.600", "received_total", "could be read two ways"),  # not 600
    ("0,600", "online_rate", "more than 2 decimals"),  # never thousands
    ("6,600", "received_total", "Write thousands with a dot"),
    ("6,600", "online_rate", "Write thousands with a dot"),
    ("87,76", "received_total", "is a count"),
    ("120", "online_rate", "at most 100"),
])
def test_an_ambiguous_or_wrong_figure_is_refused_and_kept(client, office_user, session, typed,
                                                          metric_code, message):
    client.force_login(office_user)
    client.cookies["django_language"] = "en"
    metric = Metric.objects.get(code=metric_code)
    response = client.post(record_url(session), as_posted(
        session, lambda data: data.update(figure_row(metric, typed))))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page.replace("&#x27;", "'")
    assert f'value="{typed}"' in page  # what was typed is still in the box
    assert not ReportedFigure.objects.exists()


@pytest.mark.parametrize(("typed", "message"), [("07/1900", "is before 2000"),
                                               ("07/0000", "is not mm/yyyy"),
                                               ("08/2093", "has not come yet")])
def test_a_figures_month_out_of_reach_is_refused_on_the_page_and_in_the_import(
        client, office_user, session, typed, message):
    client.force_login(office_user)
    client.cookies["django_language"] = "en"
    metric = Metric.objects.get(code="received_total")
    response = client.post(record_url(session), as_posted(session, lambda data: data.update(
        {**figure_row(metric, "6.600"), "figure-0-month": typed})))
    assert response.status_code == 400
    assert message.replace("is not mm/yyyy", "Enter a month") in response.content.decode()
    rows = [["Mã đơn vị", "Tên", "Mã chỉ tiêu", "Tháng", "Giá trị", "Ước tính", "Ghi chú"],
            [session.units.get().code, "", "received_total", typed, "6.600", "", ""]]
    text = "\ufeff" + "\n".join(",".join(f'"{cell}"' for cell in row) for row in rows)
    response = client.post(
        reverse("inspections:figures_import", args=[session.group.round_id]),
        {"file": SimpleUploadedFile("so-lieu.csv", text.encode())})
    assert response.status_code == 400
    assert any(message in problem for problem in response.context["problems"])
    assert not ReportedFigure.objects.exists()


def test_the_import_reads_figures_like_the_page(client, office_user, session):
    unit = session.units.get()
    client.force_login(office_user)
    rows = [["Mã đơn vị", "Tên", "Mã chỉ tiêu", "Tháng", "Giá trị", "Ước tính", "Ghi chú"],
            [unit.code, "", "received_total", "07/2025", "6.600", "", ""],
            [unit.code, "", "online_rate", "07/2025", "87,76", "", ""]]
    text = "\ufeff" + "\n".join(",".join(f'"{cell}"' for cell in row) for row in rows)
    response = client.post(
        reverse("inspections:figures_import", args=[session.group.round_id]),
        {"file": SimpleUploadedFile("so-lieu.csv", text.encode())})
    assert response.status_code == 302
    assert dict(ReportedFigure.objects.values_list("metric__code", "value")) == {
        "received_total": Decimal("6600"), "online_rate": Decimal("87.76")}


@pytest.mark.parametrize(("metric_code", "typed", "month", "message"), [
    ("received_total", "87,76", "01/07/2025", "is a count"),
    ("online_rate", "250", "01/07/2025", "at most 100"),
    ("online_rate", "50", "01/07/2093", "has not come yet"),
])
def test_admin_refuses_the_figures_the_page_refuses(client, admin_user_, session, metric_code,
                                                    typed, month, message):
    figure = ReportedFigure.objects.create(
        session=session, metric=Metric.objects.get(code=metric_code),
        month=datetime.date(2025, 7, 1), value=Decimal("10"))
    client.force_login(admin_user_)
    client.cookies["django_language"] = "en"
    url = reverse("admin:inspections_reportedfigure_change", args=[figure.pk])
    response = client.post(url, {"session": session.pk, "metric": figure.metric_id,
                                 "month": month, "unit": "", "value": typed, "note": ""})
    assert response.status_code == 200 and message in response.content.decode()
    figure.refresh_from_db()
    assert figure.value == Decimal("10")


def test_a_rate_is_shown_with_its_decimals_and_a_count_grouped(client, leader, session):
    ReportedFigure.objects.create(session=session, metric=Metric.objects.get(code="online_rate"),
                                  month=datetime.date(2025, 7, 1), value=Decimal("87.76"))
    ReportedFigure.objects.create(session=session,
                                  metric=Metric.objects.get(code="received_total"),
                                  month=datetime.date(2025, 7, 1), value=Decimal("6600"))
    client.force_login(leader)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "87,76 %" in page and "6.600" in page and "6.600,00" not in page


# 2 and 3. A merge across sessions leaves both sessions workable, the merged one inert --------

@pytest.fixture
def merged(province, office_user):
    group = factories.GroupFactory(round__province=province)
    eight, nine = (factories.SessionFactory(group=group, units=[factories.UnitFactory(
        province=province)]) for _ in range(2))
    target = factories.RecommendationFactory(session=eight, raised_jointly=True)
    target.units.set(eight.units.all())
    duplicate = factories.RecommendationFactory(session=nine, raised_jointly=True)
    duplicate.units.set(nine.units.all())
    services.recommendation_merge(target=target, others=[duplicate], by=office_user)
    duplicate.refresh_from_db()
    return eight, nine, target, duplicate


def test_after_a_cross_session_merge_both_sessions_save_and_finalise(client, office_user,
                                                                     merged):
    eight, nine, target, duplicate = merged
    client.force_login(office_user)
    for session in (eight, nine):
        session.refresh_from_db()
        data = as_posted(session)
        data["finalise"] = "1"
        response = client.post(record_url(session), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        session.refresh_from_db()
        assert session.status == Session.Status.FINAL
        services_reopen = client.post(reverse("inspections:session_reopen", args=[session.pk]))
        assert services_reopen.status_code == 302
    target.refresh_from_db()
    assert list(target.units.all()) == list(eight.units.all())  # who raised it is kept


def test_a_merged_recommendation_takes_no_step(client, office_user, merged):
    _eight, _nine, target, duplicate = merged
    with pytest.raises(services.TransitionNotAllowed):
        services.recommendation_propose_central(recommendation=duplicate, by=office_user,
                                                central_body="Bộ Nội vụ")
    assert services.available_actions(recommendation=duplicate, user=office_user) == []
    client.force_login(office_user)
    response = client.post(reverse("recommendations:act", args=[duplicate.pk, "propose_central"]),
                           {"propose_central-central_body": "Bộ Nội vụ"})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == Status.NEW
    assert duplicate.events.count() == 1  # the merge, and nothing after it


def test_a_unit_counts_what_was_merged_into_another(client, leader, merged):
    _eight, nine, target, _duplicate = merged
    client.force_login(leader)
    unit = nine.units.get()
    listed = client.get(reverse("recommendations:list"), {"unit": unit.pk})
    assert [item.pk for item in listed.context["page"].object_list] == [target.pk]


# 4. Who raised an item is a fact of the day ---------------------------------------------------

def test_changing_the_sessions_units_keeps_who_raised_its_items(client, office_user, session):
    huu_lung = session.units.get()
    thien_tan = session.group.round.province.units.get(name="Thiện Tân")
    category = factories.CategoryFactory()
    client.force_login(office_user)

    def add_items(data):
        data.update({"recommendation-TOTAL_FORMS": 1, "recommendation-0-category": category.pk,
                     "recommendation-0-text": "Bổ sung biên chế", "recommendation-0-priority":
                     "normal", "recommendation-0-raised_jointly": "on",
                     "difficulty-TOTAL_FORMS": 1, "difficulty-0-category": category.pk,
                     "difficulty-0-text": "Thiếu người", "difficulty-0-raised_jointly": "on"})

    assert client.post(record_url(session), as_posted(session, add_items)).status_code == 302
    session.refresh_from_db()
    edit = client.post(reverse("inspections:session_edit", args=[session.pk]), {
        "date": "05/08/2025", "part_of_day": "morning", "venue": "", "units": [thien_tan.pk],
        "version": session.version})
    assert edit.status_code == 302
    session.refresh_from_db()
    assert client.post(record_url(session), as_posted(session)).status_code == 302
    recommendation = Recommendation.objects.get()
    assert list(recommendation.units.all()) == [huu_lung]
    assert list(session.difficulties.get().units.all()) == [huu_lung]
    page = client.get(reverse("recommendations:detail", args=[recommendation.pk]))
    assert "Thiện Tân" not in page.content.decode()


# 5. A session's date lies within its round ----------------------------------------------------

def test_a_session_outside_its_round_is_refused(client, office_user, session):
    client.force_login(office_user)
    response = client.post(reverse("inspections:session_edit", args=[session.pk]), {
        "date": "05/10/2025", "part_of_day": "morning", "units": [session.units.get().pk],
        "version": session.version})
    assert response.status_code == 200
    assert "01/08/2025" in response.content.decode()  # the round's period is named
    session.refresh_from_db()
    assert session.date == datetime.date(2025, 8, 5)


# 6. Reopening never shortens the deadline silently -------------------------------------------

@pytest.fixture
def resolved(session, office_user, head_a, department_a):
    recommendation = factories.RecommendationFactory(session=session)
    far = add_working_days(datetime.date.today(), 60)
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a, due_date=far)
    services.recommendation_accept(recommendation=recommendation, by=head_a)
    services.recommendation_resolve(recommendation=recommendation, by=head_a, answer="Xong")
    recommendation.refresh_from_db()
    return recommendation


def test_reopening_keeps_a_later_deadline_and_lets_the_office_choose(client, office_user,
                                                                     resolved):
    original = resolved.due_date
    client.force_login(office_user)
    page = client.get(reverse("recommendations:detail", args=[resolved.pk])).content.decode()
    assert f'value="{original:%d/%m/%Y}"' in page  # proposed: the later of the two
    chosen = add_working_days(original, 5)
    response = client.post(reverse("recommendations:act", args=[resolved.pk, "reopen"]), {
        "reopen-reason": "Chưa khắc phục", "reopen-due_date": f"{chosen:%d/%m/%Y}"})
    assert response.status_code == 302
    resolved.refresh_from_db()
    assert resolved.status == Status.REOPENED and resolved.due_date == chosen


# 7. The day a task was done is the day it was done -------------------------------------------

@pytest.fixture
def follow_up(session):
    directive = Directive.objects.create(session=session, text="Rà soát trang thiết bị",
                                         due_date=datetime.date(2025, 10, 20))
    return DirectiveFollowUp.objects.create(directive=directive, unit=session.units.get())


def test_a_row_not_saved_shows_the_follow_up_page_with_links_to_it(client, office_user,
                                                                   follow_up):
    """The page is rendered at the row's POST address: its tabs, exports, pages and the
    rows' way back must lead to /follow-up/, not to that address (which answers 405)."""
    import re

    client.force_login(office_user)
    prefix = f"f{follow_up.pk}"
    url = reverse("recommendations:follow_up_update", args=[follow_up.pk])
    refused = client.post(url, {f"{prefix}-status": "done", f"{prefix}-note": "Đã rà soát",
                                "next": "/follow-up/?show=directives"})
    assert refused.status_code == 400
    page = refused.content.decode()
    links = re.findall(r'href="([^"]*\?[^"]*)"', page)
    page_url = reverse("recommendations:follow_up")
    assert any("show=directives" in link for link in links)
    assert all(not link.startswith("?") and url not in link for link in links), links
    assert f'name="next" value="{page_url}?show=directives"' in page


def test_a_task_done_on_25_10_stays_done_on_25_10(client, office_user, follow_up):
    client.force_login(office_user)
    prefix = f"f{follow_up.pk}"
    url = reverse("recommendations:follow_up_update", args=[follow_up.pk])
    refused = client.post(url, {f"{prefix}-status": "done", f"{prefix}-note": "Đã rà soát",
                                "next": "/follow-up/?show=directives"})
    assert refused.status_code == 400
    assert 'value="Đã rà soát"' in refused.content.decode()  # kept
    follow_up.refresh_from_db()
    assert follow_up.status == "pending"
    client.post(url, {f"{prefix}-status": "done", f"{prefix}-completed_on": "25/10/2025",
                      f"{prefix}-note": "Đã rà soát"})
    client.post(url, {f"{prefix}-status": "done", f"{prefix}-completed_on": "25/10/2025",
                      f"{prefix}-note": "Đã rà soát, bổ sung máy tính"})
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.completed_on) == ("done", datetime.date(2025, 10, 25))


# 8. A deadline is a working day ----------------------------------------------------------------

def test_an_extension_to_new_years_day_is_refused(client, office_user, head_a, session,
                                                  department_a):
    CalendarDay.objects.get_or_create(date=datetime.date(2027, 1, 1), defaults={
        "kind": CalendarDay.Kind.DAY_OFF, "name": "Tết Dương lịch"})
    recommendation = factories.RecommendationFactory(session=session)
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a)
    client.force_login(head_a)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("recommendations:act", args=[recommendation.pk, "extension"]),
                           {"extension-proposed_due_date": "01/01/2027",
                            "extension-reason": "Chờ ý kiến Bộ"})
    assert response.status_code == 400
    assert "01/01/2027 is a day off" in response.content.decode()
    assert not recommendation.extension_requests.exists()
    with pytest.raises(services.TransitionNotAllowed):
        services.extension_request(recommendation=recommendation, by=head_a,
                                   proposed_due_date=datetime.date(2027, 1, 1), reason="x")


@pytest.mark.parametrize("typed", ["25/12/9999", "31/12/9999", "03/01/2062"])
def test_a_deadline_years_ahead_is_a_mistyped_year(client, office_user, head_a, session,
                                                   department_a, typed):
    """Far enough ahead, counting the next working day overflowed (a 500); a deadline more
    than five years away is refused as a typing mistake, with what was typed kept."""
    recommendation = factories.RecommendationFactory(session=session)
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a)
    client.force_login(head_a)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("recommendations:act", args=[recommendation.pk, "extension"]),
                           {"extension-proposed_due_date": typed,
                            "extension-reason": "Chờ ý kiến Bộ"})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{typed} is more than 5 years ahead" in page and f'value="{typed}"' in page
    assert not recommendation.extension_requests.exists()


def test_routing_to_a_sunday_is_refused(office_user, session, department_a):
    recommendation = factories.RecommendationFactory(session=session)
    with pytest.raises(services.TransitionNotAllowed, match="03/01/2027"):
        services.recommendation_route(recommendation=recommendation, by=office_user,
                                      lead_department=department_a,
                                      due_date=datetime.date(2027, 1, 3))


# 9. The daily digest goes out once a day ------------------------------------------------------

def test_the_digest_run_twice_the_same_day_sends_once(overdue_in_a, head_a,
                                                     django_capture_on_commit_callbacks):
    from recommendations.notifications import digest_send

    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send(today=overdue_in_a) == 1
        assert digest_send(today=overdue_in_a) == 0
    assert len([m for m in mail.outbox if head_a.email in m.to]) == 1


# 10. A big session saves; a request that cannot be read gets the portal's 400 ----------------

def test_a_session_with_150_editable_recommendations_saves(client, office_user, session):
    category = factories.CategoryFactory()
    Recommendation.objects.bulk_create(
        Recommendation(session=session, province=session.group.round.province,
                       category=category, text=f"Kiến nghị {n}") for n in range(150))
    client.force_login(office_user)
    data = as_posted(session)
    assert len(data) > 1000
    assert client.post(record_url(session), data).status_code == 302


def test_a_request_too_large_to_read_gets_the_portals_400(client, office_user, session,
                                                         settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client.force_login(office_user)
    response = client.post(record_url(session), {f"f{n}": "x" for n in range(20)})
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode() or \
        "Chưa có gì được lưu" in response.content.decode()
    assert '<nav' in response.content.decode()  # the portal's layout


# 11. Hostile or unlucky input -----------------------------------------------------------------

def figures_post(client, session, upload):
    return client.post(reverse("inspections:figures_import", args=[session.group.round_id]),
                       {"file": upload})


def test_a_zip_bomb_is_refused_before_it_is_read(client, office_user, session, settings):
    settings.FIGURES_IMPORT_MAX_INFLATED_MB = 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/worksheets/sheet1.xml", b"0" * (3 * 1024 * 1024))
    assert len(buffer.getvalue()) < 50_000
    client.force_login(office_user)
    response = figures_post(client, session, SimpleUploadedFile("bom.xlsx", buffer.getvalue()))
    assert response.status_code == 400
    assert "MB" in response.content.decode()


def test_a_sheet_with_too_many_rows_is_refused(client, office_user, session, settings):
    settings.FIGURES_IMPORT_MAX_ROWS = 50
    workbook = Workbook()
    for n in range(60):
        workbook.active.append(["01001", "", "received_total", "07/2025", n])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(office_user)
    response = figures_post(client, session, SimpleUploadedFile("dai.xlsx", buffer.getvalue()))
    assert response.status_code == 400
    assert "50" in response.content.decode()


def test_thousands_of_bad_lines_name_the_first_hundred(client, office_user, session):
    lines = ["Mã đơn vị,Tên,Mã chỉ tiêu,Tháng,Giá trị,Ước tính,Ghi chú"]
    lines += [f"99999,,received_total,07/2025,{n}" for n in range(5000)]
    client.force_login(office_user)
    response = figures_post(client, session,
                            SimpleUploadedFile("sai.csv", "\n".join(lines).encode()))
    assert response.status_code == 400
    assert len(response.context["problems"]) == 101
    assert "4.900" in response.context["problems"][-1]
    assert len(response.content) < 100_000


def test_a_follow_up_saved_with_a_strange_next_goes_back_to_the_follow_up(client, office_user,
                                                                          follow_up):
    client.force_login(office_user)
    prefix = f"f{follow_up.pk}"
    for next_ in ("abc", "https://evil.example/", "//evil.example/x"):
        response = client.post(
            reverse("recommendations:follow_up_update", args=[follow_up.pk]),
            {f"{prefix}-status": "pending", "next": next_})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("recommendations:follow_up"))


def test_a_256_character_username_is_refused_not_a_500(client):
    response = client.post(reverse("login"), {"username": "a" * 256, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_mail_has_a_timeout(settings):
    from django.core.mail import get_connection

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert get_connection().timeout == 30


def test_the_password_reset_mail_waits_in_the_queue_when_smtp_is_down(
        client, office_user, settings, monkeypatch, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from communes import mail as portal_mail

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def smtp_down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(portal_mail, "send_mail", smtp_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": office_user.email})
    assert response.status_code == 302
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["kwargs"]["recipients"] == [office_user.email]


def test_a_departments_filters_offer_only_its_own_rounds_and_groups(client, head_a, office_user,
                                                                    department_a, province):
    mine = factories.SessionFactory(group__round__province=province,
                                    group__round__title="Đợt có việc của sở")
    factories.SessionFactory(group__round__province=province,
                             group__round__title="Đợt không liên quan")
    recommendation = factories.RecommendationFactory(session=mine)
    services.recommendation_route(recommendation=recommendation, by=office_user,
                                  lead_department=department_a)
    client.force_login(head_a)
    for path in ("/inbox/", "/recommendations/"):
        page = client.get(path).content.decode()
        assert "Đợt có việc của sở" in page
        assert "Đợt không liên quan" not in page


def test_no_document_is_attached_to_a_final_session(client, office_user, session):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.FINAL)
    client.force_login(office_user)
    response = client.post(
        reverse("recommendations:session_attachment_add", args=[session.pk]),
        {"files": [SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 x", "application/pdf")]})
    assert response.status_code == 302
    assert not session.attachments.exists()


def test_a_final_sessions_page_offers_no_upload_the_server_would_refuse(client, office_user,
                                                                       session):
    client.force_login(office_user)
    upload = reverse("recommendations:session_attachment_add", args=[session.pk])
    assert upload in client.get(session.get_absolute_url()).content.decode()
    Session.objects.filter(pk=session.pk).update(status=Session.Status.FINAL)
    page = client.get(session.get_absolute_url()).content.decode()
    assert upload not in page and 'type="file"' not in page
    assert "Buổi làm việc đã hoàn tất: cần mở lại để đính kèm tài liệu." in page


def test_the_session_page_labels_each_unit_report_text_and_names_the_notice_link(
        client, office_user, session):
    from inspections.models import UnitReport

    UnitReport.objects.create(session=session, unit=session.units.get(),
                              achievements="Tiếp nhận 6.600 hồ sơ",
                              facilities="Trụ sở chật", staffing_notes="Thiếu 2 công chức")
    client.force_login(office_user)
    page = client.get(session.get_absolute_url()).content.decode()
    for label, text in (("Kết quả đạt được", "Tiếp nhận 6.600 hồ sơ"),
                        ("Cơ sở vật chất", "Trụ sở chật"),
                        ("Tình hình đội ngũ cán bộ", "Thiếu 2 công chức")):
        assert f"<dt>{label}</dt><dd class=\"pre\">{text}</dd>" in page
    notice = reverse("recommendations:session_notice", args=[session.pk])
    assert f'<a href="{notice}">Soạn Thông báo kết luận</a>' in page


def test_logged_in_pages_and_downloads_are_not_cached(client, office_user, session):
    client.force_login(office_user)
    for response in (client.get(session.get_absolute_url()),
                     client.get(reverse("recommendations:list"), {"format": "csv"})):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]
