"""A commune's or ward's staff: their unit's sessions, reports, tasks and answers, and nothing
of any other unit's."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections.models import (
    Directive,
    DirectiveFollowUp,
    DirectiveReport,
    Metric,
    ReportedFigure,
    SubmittedFigure,
    UnitReport,
    UnitSubmission,
)
from recommendations import dashboard, services
from recommendations.models import AnswerReceipt, Recommendation, Status, Tally
from tests import factories
from tests.recording import as_posted

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(province, ward_a_unit, ward_b_unit):
    """A draft session of wards A and B, with what each raised."""
    session = factories.SessionFactory(group__round__province=province,
                                       units=[ward_a_unit, ward_b_unit])
    both = factories.RecommendationFactory(session=session, text="Của hai phường")
    both.units.set([ward_a_unit, ward_b_unit])
    only_b = factories.RecommendationFactory(session=session, text="Chỉ của Kỳ Lừa",
                                             raised_jointly=False)
    only_b.units.set([ward_b_unit])
    return session, both, only_b


def pdf():
    return SimpleUploadedFile("Biên bản.pdf", b"%PDF-1.4 test", "application/pdf")


def test_a_ward_sees_what_it_raised_and_nothing_raised_by_others_only(client, ward_a,
                                                                       meeting):
    session, both, only_b = meeting
    client.force_login(ward_a)
    home = client.get(reverse("recommendations:unit_home"))
    assert home.status_code == 200
    assert "Của hai phường" in home.content.decode()
    assert "Chỉ của Kỳ Lừa" not in home.content.decode()
    assert client.get(reverse("recommendations:unit_recommendation",
                              args=[both.pk])).status_code == 200
    assert client.get(reverse("recommendations:unit_recommendation",
                              args=[only_b.pk])).status_code == 404
    # The office's and departments' pages are not theirs.
    assert client.get(reverse("recommendations:detail", args=[both.pk])).status_code == 403
    assert client.get(session.get_absolute_url()).status_code == 403


def test_the_units_list_names_each_items_round_and_session_and_what_it_was_merged_into(
        client, ward_a, ward_a_unit, province, office_user):
    """Items of two rounds' "Working group no. 1" read apart: with the session's date and the
    round; one merged into another says so, with a link, instead of its frozen status."""
    first = factories.SessionFactory(group__round__province=province, group__number=1,
                                     group__round__title="Đợt tháng Tám",
                                     date=datetime.date(2025, 8, 4), units=[ward_a_unit])
    second = factories.SessionFactory(group__round__province=province, group__number=1,
                                      group__round__title="Đợt tháng Mười",
                                      group__round__period_start=datetime.date(2025, 10, 1),
                                      group__round__period_end=datetime.date(2025, 10, 31),
                                      date=datetime.date(2025, 10, 6), units=[ward_a_unit])
    earlier = factories.RecommendationFactory(session=first, text="Bổ sung biên chế")
    later = factories.RecommendationFactory(session=second, text="Bổ sung biên chế công chức")
    for item in (earlier, later):
        item.units.set([ward_a_unit])
    services.recommendation_merge(target=earlier, others=[later], by=office_user)
    client.force_login(ward_a)
    page = client.get(reverse("recommendations:unit_home")).content.decode()
    assert "Tổ công tác số 1, 04/08/2025 · Đợt tháng Tám" in page
    assert "Tổ công tác số 1, 06/10/2025 · Đợt tháng Mười" in page
    target = reverse("recommendations:unit_recommendation", args=[earlier.pk])
    assert f'Đã gộp vào <a href="{target}">#{earlier.pk}</a>' in page


def test_a_ward_sends_its_report_and_the_office_records_it(client, ward_a, ward_b,
                                                           office_user, meeting, ward_a_unit):
    session, _both, _only_b = meeting
    metric = Metric.objects.get(code="received_total")
    rate = Metric.objects.get(code="online_rate")
    client.force_login(ward_a)
    url = reverse("recommendations:unit_session", args=[session.pk])
    data = {"achievements": "Tiếp nhận 6.600 hồ sơ", "facilities": "", "staffing_notes": "",
            "figure-month": "07/2025", f"figure-vu_{metric.pk}": "6.600",
            f"figure-vu_{rate.pk}": "87,76"}
    assert client.post(url, data).status_code == 302
    submission = UnitSubmission.objects.get()
    assert sorted(submission.figures.values_list("value", flat=True)) == [
        Decimal("87.76"), Decimal("6600")]
    # The page shows the two figures sent in the month's table.
    data.update({"achievements": "Tiếp nhận 6.600 hồ sơ, 99% đúng hạn",
                 "figure-was": "07/2025"})
    assert client.post(url, data).status_code == 302
    assert submission.history.count() == 2  # what the unit sent first is kept
    # Another ward may not see, nor send for, this one.
    client.force_login(ward_b)
    assert "99% đúng hạn" not in client.get(url).content.decode()

    client.force_login(office_user)
    page = client.get(reverse("recommendations:session_record", args=[session.pk]))
    assert "99% đúng hạn" in page.content.decode()
    session.refresh_from_db()
    assert client.post(reverse("recommendations:session_record", args=[session.pk]),
                       as_posted(session)).status_code == 302
    assert UnitReport.objects.get(unit=ward_a_unit).achievements.endswith("99% đúng hạn")
    assert ReportedFigure.objects.get(unit=ward_a_unit, metric=rate).value == Decimal("87.76")


def test_a_table_of_one_months_figures_is_never_sent_as_another_months(client, ward_a, meeting):
    """A table is opened on a month; the one that holds June's figures cannot be sent as
    May's (June's untouched values would become May's, June's would be gone), and a month
    already sent cannot be typed over from another table. May has a table of its own."""
    session, _both, _only_b = meeting
    metrics = list(Metric.objects.order_by("pk")[:3])
    client.force_login(ward_a)
    url = reverse("recommendations:unit_session", args=[session.pk])
    report = {"achievements": "Báo cáo", "facilities": "", "staffing_notes": ""}
    june = {**report, "figure-month": "06/2025",
            **{f"figure-vu_{m.pk}": str(v) for m, v in zip(metrics, (10, 20, 30), strict=True)}}
    assert client.post(url, june).status_code == 302
    sent = SubmittedFigure.objects.filter(submission__session=session)

    def figures():
        return sorted((f"{f.month:%m/%Y}", f.metric_id, int(f.value)) for f in sent.all())

    before = figures()
    # The page opens on June's table; the clerk changes its month to May and types one value.
    page = client.get(url).content.decode()
    assert 'value="06/2025"' in page
    moved = {**june, "figure-was": "06/2025", "figure-month": "05/2025",
             f"figure-vu_{metrics[0].pk}": "11"}
    response = client.post(url, moved)
    assert response.status_code == 400
    assert "Bảng này đang giữ số liệu đã gửi của tháng 06/2025" in response.content.decode()
    assert figures() == before
    # May's own table opens empty (June's figures listed with a link to theirs) and sends.
    page = client.get(url + "?month=2025-05").content.decode()
    assert 'value="05/2025"' in page and "?month=2025-06" in page
    may = {**report, "figure-was": "05/2025", "figure-month": "05/2025",
           f"figure-vu_{metrics[0].pk}": "11"}
    assert client.post(url + "?month=2025-05", may).status_code == 302
    assert figures() == sorted(before + [("05/2025", metrics[0].pk, 11)])
    # An empty table given a month already sent is refused too.
    empty = {**report, "figure-was": "04/2025", "figure-month": "06/2025",
             f"figure-vu_{metrics[1].pk}": "99"}
    response = client.post(url + "?month=2025-04", empty)
    assert response.status_code == 400
    assert "Số liệu tháng 06/2025 đã được gửi" in response.content.decode()
    assert figures() == sorted(before + [("05/2025", metrics[0].pk, 11)])
    # A month that cannot be one opens the usual table rather than failing.
    assert client.get(url + "?month=2099-13").status_code == 200


def test_a_ward_reports_a_task_done_and_the_office_accepts_it(client, ward_a, ward_b,
                                                              office_user, meeting, ward_a_unit):
    session, _both, _only_b = meeting
    directive = Directive.objects.create(session=session, text="Rà soát trang thiết bị",
                                         due_date=datetime.date(2025, 10, 20))
    follow_up = DirectiveFollowUp.objects.create(directive=directive, unit=ward_a_unit)
    client.force_login(ward_a)
    url = reverse("recommendations:unit_directive", args=[follow_up.pk])
    refused = client.post(url, {"text": "", "done_on": "25/10/2025"})
    assert refused.status_code == 400 and 'value="25/10/2025"' in refused.content.decode()
    assert client.post(url, {"text": "Đã rà soát", "done_on": "25/10/2025",
                             "files": [pdf()]}).status_code == 302
    report = DirectiveReport.objects.get()
    file = report.attachments.get()
    assert client.get(reverse("recommendations:attachment", args=[file.pk])).status_code == 200
    client.force_login(ward_b)
    assert client.get(url).status_code == 404
    assert client.get(reverse("recommendations:attachment", args=[file.pk])).status_code == 404

    client.force_login(office_user)
    page = client.get(reverse("recommendations:follow_up"), {"show": "unit_reports"})
    assert "Đã rà soát" in page.content.decode()
    decide = reverse("recommendations:unit_report_decide", args=[report.pk])
    assert client.post(decide, {f"r{report.pk}-decision": "accept"}).status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.completed_on) == ("done", datetime.date(2025, 10, 25))
    timeline = client.get(reverse("inspections:directive_detail", args=[directive.pk]))
    assert "Đã rà soát" in timeline.content.decode()


def test_accepting_a_report_keeps_the_day_the_office_recorded(client, ward_a, office_user,
                                                              meeting, ward_a_unit):
    """The ward reports the task done on 25/10; the office had meanwhile recorded it done on
    15/10 with its own note. Accepting the report keeps the office's day and note."""
    session, *_rest = meeting
    directive = Directive.objects.create(session=session, text="Rà soát trang thiết bị",
                                         due_date=datetime.date(2025, 10, 20))
    follow_up = DirectiveFollowUp.objects.create(directive=directive, unit=ward_a_unit)
    report = services.unit_directive_report(follow_up=follow_up, by=ward_a, text="Xong",
                                            done_on=datetime.date(2025, 10, 25))
    client.force_login(office_user)
    prefix = f"f{follow_up.pk}"
    assert client.post(reverse("recommendations:follow_up_update", args=[follow_up.pk]), {
        f"{prefix}-status": "done", f"{prefix}-completed_on": "15/10/2025",
        f"{prefix}-note": "Văn phòng xác nhận"}).status_code == 302
    decide = reverse("recommendations:unit_report_decide", args=[report.pk])
    assert client.post(decide, {f"r{report.pk}-decision": "accept"}).status_code == 302
    follow_up.refresh_from_db()
    report.refresh_from_db()
    assert report.decision == DirectiveReport.Decision.ACCEPTED
    assert (follow_up.completed_on, follow_up.note) == (datetime.date(2025, 10, 15),
                                                        "Văn phòng xác nhận")


def test_a_report_sent_back_keeps_the_task_pending(ward_a, office_user, meeting, ward_a_unit):
    session, *_rest = meeting
    directive = Directive.objects.create(session=session, text="Bố trí trụ sở")
    follow_up = DirectiveFollowUp.objects.create(directive=directive, unit=ward_a_unit)
    report = services.unit_directive_report(follow_up=follow_up, by=ward_a, text="Đang làm",
                                            done_on=datetime.date(2025, 9, 1))
    from django.utils import translation

    from inspections.services import directive_report_decide

    with translation.override("en"), pytest.raises(Exception, match="Say why"):
        directive_report_decide(report=report, by=office_user, accept=False)
    directive_report_decide(report=report, by=office_user, accept=False,
                            note="Chưa có biên bản")
    follow_up.refresh_from_db()
    assert follow_up.status == "pending"
    with translation.override("en"), pytest.raises(Exception, match="Only the staff"):
        services.unit_directive_report(follow_up=follow_up, by=office_user, text="x")


@pytest.fixture
def resolved(meeting, office_user, head_a, department_a):
    _session, both, _only_b = meeting
    services.recommendation_route(recommendation=both, by=office_user,
                                  lead_department=department_a)
    services.recommendation_accept(recommendation=both, by=head_a)
    services.recommendation_resolve(recommendation=both, by=head_a,
                                    answer="Sở đã bố trí kinh phí")
    both.refresh_from_db()
    return both


def test_an_answer_is_published_read_disputed_and_reopened(
        client, ward_a, ward_b, office_user, resolved, django_capture_on_commit_callbacks):
    client.force_login(office_user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("recommendations:act", args=[resolved.pk, "publish"]),
                               {"publish-text": "Tỉnh đã bố trí kinh phí sửa trụ sở."})
    assert response.status_code == 302
    assert {to for m in mail.outbox for to in m.to} >= {ward_a.email, ward_b.email}
    receipt = AnswerReceipt.objects.get(unit=ward_a.profile.unit)
    assert receipt.read_at is None

    client.force_login(ward_a)
    url = reverse("recommendations:unit_recommendation", args=[resolved.pk])
    page = client.get(url).content.decode()
    assert "Tỉnh đã bố trí kinh phí sửa trụ sở." in page
    assert "Sở đã bố trí kinh phí" not in page  # the department's own answer is not shown
    answer = receipt.answer_id
    refused = client.post(url, {"answer": answer, f"a{answer}-verdict": "not_satisfied"})
    assert refused.status_code == 400
    assert client.post(url, {"answer": answer, f"a{answer}-verdict": "not_satisfied",
                             f"a{answer}-reason": "Trụ sở vẫn dột"}).status_code == 302
    receipt.refresh_from_db()
    assert receipt.read_at and receipt.decision == AnswerReceipt.Decision.PENDING

    client.force_login(office_user)
    assert "Trụ sở vẫn dột" in client.get(reverse("recommendations:follow_up"),
                                          {"show": "reopening"}).content.decode()
    services.recommendation_reopen(recommendation=resolved, by=office_user,
                                   reason="Phường báo chưa khắc phục")
    receipt.refresh_from_db()
    assert receipt.decision == AnswerReceipt.Decision.REOPENED
    resolved.refresh_from_db()
    assert resolved.status == Status.REOPENED


def test_the_office_may_keep_it_closed_with_a_reason(ward_a, office_user, resolved):
    answer = services.answer_publish(recommendation=resolved, by=office_user, text="Đã xong")
    receipt = answer.receipts.get(unit=ward_a.profile.unit)
    services.answer_respond(receipt=receipt, by=ward_a, satisfied=False, reason="Chưa xong")
    resolved.refresh_from_db()
    assert "decline_reopening" in services.available_actions(recommendation=Recommendation
                                                              .objects.prefetch_related(
                                                                  "published_answers__receipts")
                                                              .get(pk=resolved.pk),
                                                              user=office_user)
    services.reopening_decline(recommendation=resolved, by=office_user,
                               note="Đã nghiệm thu, đề nghị phường bảo quản")
    receipt.refresh_from_db()
    assert receipt.decision == AnswerReceipt.Decision.DECLINED
    with pytest.raises(services.TransitionNotAllowed):
        services.answer_respond(receipt=receipt, by=ward_a, satisfied=True)


def test_the_units_are_told_of_a_session_and_of_their_tasks(ward_a, office_user, province,
                                                           ward_a_unit,
                                                           django_capture_on_commit_callbacks):
    from inspections.forms import SessionForm
    from inspections.services import session_save

    group = factories.GroupFactory(round__province=province)
    form = SessionForm({"date": "05/08/2025", "part_of_day": "morning",
                        "units": [ward_a_unit.pk]}, group=group)
    assert form.is_valid(), form.errors
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session_save(form=form, expected_version=None)
    assert [m.to for m in mail.outbox] == [[ward_a.email]]


def test_the_unit_home_page_reads_few_queries_with_many_items(client, ward_a, meeting,
                                                              ward_a_unit, count_queries):
    session, *_rest = meeting
    client.force_login(ward_a)
    url = reverse("recommendations:unit_home")

    def add(count):
        for n in range(count):
            directive = Directive.objects.create(session=session, text=f"Nhiệm vụ {n}")
            follow_up = DirectiveFollowUp.objects.create(directive=directive, unit=ward_a_unit)
            services.unit_directive_report(follow_up=follow_up, by=ward_a, text="Đang làm")
            factories.RecommendationFactory(session=session).units.set([ward_a_unit])

    add(1)
    few = count_queries(lambda: client.get(url))
    add(40)
    assert count_queries(lambda: client.get(url)) == few


def test_the_dashboard_splits_each_units_tasks_the_vietnamese_way(leader, meeting, ward_a_unit):
    session, *_rest = meeting
    today = datetime.date.today()
    cases = [("done", today - datetime.timedelta(days=5), today - datetime.timedelta(days=6)),
             ("done", today - datetime.timedelta(days=5), today - datetime.timedelta(days=1)),
             ("pending", today + datetime.timedelta(days=5), None),
             ("pending", today - datetime.timedelta(days=5), None),
             ("pending", today - datetime.timedelta(days=9), None)]
    for status, due, done_on in cases:
        directive = Directive.objects.create(session=session, text="Việc", due_date=due)
        DirectiveFollowUp.objects.create(directive=directive, unit=ward_a_unit, status=status,
                                         completed_on=done_on)
    row = next(r for r in dashboard.completion(
        Tally.objects.visible_to(leader), Tally.Kind.DIRECTIVES) if r.unit_id == ward_a_unit.pk)
    assert (row.on_time, row.late, row.pending, row.overdue) == (1, 1, 1, 2)
