"""The task-tracking split (recommendations/tracking.py, issue 29): each task in the cell its
dates decide, an approved extension counting as the deadline; the dashboard's table, the
XLSX report and the API give the same numbers for the same filter, and each number of the
dashboard opens the list of exactly those tasks; a department sees only its own; the cost
does not grow with the rows."""

import datetime
import io
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from communes.audit import AuditEvent
from communes.models import IssuingBody
from communes.services import api_token_create
from communes.workdays import add_working_days
from inspections.models import Directive, DirectiveFollowUp, IssuedDocument
from recommendations import services, tracking
from recommendations.models import Recommendation, Status
from tests import factories
from tests.recommendations.test_dashboard_numbers import listed

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def _document(province, session, user, *, number, doc_type="Thông báo", day=None):
    body, _created = IssuingBody.objects.get_or_create(province=province,
                                                       kind=IssuingBody.Kind.PARTY)
    return IssuedDocument.objects.create(
        issuing_body=body, year=2025, number=number, number_text=f"Số {number}-TB/TU",
        issuer_name="Tỉnh ủy Lạng Sơn", date=day or datetime.date(2025, 8, 10),
        doc_type=doc_type, summary="Kết luận", file="register/2025/x.docx", issued_by=user,
        issued_at=timezone.now(), session=session)


def _recommendation(session, lead, status, due, *, resolved_on=None, cooperating=()):
    item = factories.RecommendationFactory(session=session)
    Recommendation.objects.filter(pk=item.pk).update(
        status=status, lead_department=lead, due_date=due,
        resolved_at=datetime.datetime.combine(resolved_on, datetime.time(10),
                                              tzinfo=timezone.get_current_timezone())
        if resolved_on else None)
    item.refresh_from_db()
    item.cooperating_departments.set(cooperating)
    return item


@pytest.fixture
def world(province, other_province, department_a, department_b, office_user, head_a):
    """Round 1 (sessions in August 2025) and round 2 (October 2025) of province P; a task in
    every cell, of both kinds, and tasks that are in none (new, merged); one of Q."""
    first = factories.SessionFactory(group__round__province=province,
                                     date=datetime.date(2025, 8, 4))
    second = factories.SessionFactory(group__round__province=province,
                                      date=datetime.date(2025, 10, 6))
    a, b = department_a, department_b
    notice = _document(province, first, office_user, number=5)
    items = {
        "on_time": _recommendation(first, a, Status.RESOLVED, days(5), resolved_on=days(-3),
                                   cooperating=[b]),
        "late": _recommendation(first, a, Status.RESOLVED, days(-10), resolved_on=days(-2)),
        "pending": _recommendation(first, b, Status.ROUTED, days(3)),
        "overdue": _recommendation(first, a, Status.ACCEPTED, days(-1)),
        "no_deadline": _recommendation(first, b, Status.IN_PROGRESS, None),
        "round_2": _recommendation(second, b, Status.REOPENED, days(-20)),
    }
    # Overdue without the extension the office approved: within the deadline with it.
    extended = _recommendation(first, a, Status.ACCEPTED, days(-2))
    later = add_working_days(TODAY, 10)
    request = services.extension_request(recommendation=extended, by=head_a,
                                         proposed_due_date=later, reason="Cần thêm thời gian")
    services.extension_decide(request=request, by=office_user, approve=True)
    items["extended"] = extended
    # In no cell: waiting for routing, and merged into another.
    factories.RecommendationFactory(session=first)
    merged = _recommendation(first, a, Status.ROUTED, days(-5))
    Recommendation.objects.filter(pk=merged.pk).update(consolidated_into=items["overdue"])
    # Another province's.
    _recommendation(factories.SessionFactory(group__round__province=other_province),
                    factories.DepartmentFactory(province=other_province), Status.ROUTED,
                    days(-5))

    unit = factories.UnitFactory(province=province, name="Đông Kinh")
    other_unit = factories.UnitFactory(province=province, name="Chi Lăng")
    cited = _document(province, first, office_user, number=9, doc_type="Kết luận")
    given = Directive.objects.create(session=first, text="Rà soát biên chế", due_date=days(-5),
                                     cited_document=cited)
    done = DirectiveFollowUp.Status.DONE
    follow_ups = {
        "d_on_time": DirectiveFollowUp.objects.create(directive=given, unit=unit, status=done,
                                                      completed_on=days(-6)),
        "d_late": DirectiveFollowUp.objects.create(directive=given, unit=other_unit,
                                                   status=done, completed_on=days(-1)),
        "d_overdue": DirectiveFollowUp.objects.create(directive=given, department=a),
    }
    open_ended = Directive.objects.create(session=first, text="Theo dõi thường xuyên")
    follow_ups["d_no_deadline"] = DirectiveFollowUp.objects.create(directive=open_ended,
                                                                   unit=unit)
    soon = Directive.objects.create(session=second, text="Báo cáo kết quả", due_date=days(7))
    follow_ups["d_pending"] = DirectiveFollowUp.objects.create(directive=soon, department=b)
    return {"first": first, "second": second, "items": items, "follow_ups": follow_ups,
            "notice": notice, "cited": cited, "unit": unit}


def _split_of(user, day=None, **period):
    from recommendations.filters import SessionPeriodFilterSet
    from recommendations.views.oversight import tracking_split

    class Request:  # what the FilterSet reads of a request
        pass

    request = Request()
    request.user = user
    filters = SessionPeriodFilterSet(period, Recommendation.objects.none(), request=request)
    return tracking_split(user, filters, False, day=day)


def _cells(parts):
    return {part.kind: {cell: getattr(part.totals, cell) for cell in tracking.CELLS}
            for part in parts}


def test_each_task_is_in_the_cell_its_dates_decide(world, leader):
    parts = _split_of(leader)
    assert _cells(parts) == {
        # The extension moved a deadline past today: within it, not overdue.
        "recommendation": {"on_time": 1, "late": 1, "pending": 2, "overdue": 2,
                           "no_deadline": 1},
        "directive": {"on_time": 1, "late": 1, "pending": 1, "overdue": 1, "no_deadline": 1},
    }
    recommendations = tracking.visible_recommendations(leader)
    for name, item in world["items"].items():
        cell = {"extended": "pending", "round_2": "overdue"}.get(name, name)
        assert tracking.in_cell(tracking.RECOMMENDATIONS, recommendations, cell).filter(
            pk=item.pk).exists(), name
    follow_ups = tracking.visible_follow_ups(leader)
    for name, item in world["follow_ups"].items():
        assert tracking.in_cell(tracking.DIRECTIVES, follow_ups, name[2:]).filter(
            pk=item.pk).exists(), name
    # Per lead body: department A leads on time, late, overdue and the extended one.
    rows = {row.name: row for row in parts[0].rows}
    a = rows["Sở Nội vụ"]
    assert (a.on_time, a.late, a.pending, a.overdue, a.no_deadline) == (1, 1, 1, 1, 0)


def test_as_of_an_earlier_day_what_was_completed_after_it_was_not_yet(world, leader):
    # Four days ago: the one resolved three days ago was open, within its deadline; the one
    # resolved late two days ago was open and already overdue.
    cells = _cells(_split_of(leader, day=days(-4)))["recommendation"]
    assert cells == {"on_time": 0, "late": 0, "pending": 4, "overdue": 2, "no_deadline": 1}


def test_the_period_filters_choose_the_sessions(world, leader):
    round_2 = world["second"].group.round_id
    assert _cells(_split_of(leader, round=str(round_2))) == {
        "recommendation": {"on_time": 0, "late": 0, "pending": 0, "overdue": 1,
                           "no_deadline": 0},
        "directive": {"on_time": 0, "late": 0, "pending": 1, "overdue": 0, "no_deadline": 0}}
    august = _cells(_split_of(leader, date_from="2025-08-01", date_to="2025-08-31"))
    assert sum(august["recommendation"].values()) == 6
    assert sum(august["directive"].values()) == 4


class TrackingTables(HTMLParser):
    """The dashboard's task-tracking tables: (kind, body, cell) → (number, href)."""

    def __init__(self):
        super().__init__()
        self.found, self.kind, self.body, self.cell, self.href = {}, None, None, None, None
        self.in_th, self.text = False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "tracking" in (attrs.get("class") or ""):
            self.kind = attrs["data-kind"]
        elif self.kind and tag == "th" and attrs.get("scope") == "row":
            self.in_th, self.text = True, []
        elif self.kind and tag == "td" and "data-cell" in attrs:
            self.cell = attrs["data-cell"]
        elif self.cell and tag == "a":
            self.href, self.text = attrs["href"], []

    def handle_endtag(self, tag):
        if tag == "table":
            self.kind = None
        elif tag == "th" and self.in_th:
            self.body, self.in_th = "".join(self.text).strip(), False
        elif tag == "a" and self.href:
            number = int("".join(self.text).strip().replace(".", ""))
            self.found[self.kind, self.body, self.cell] = (number, self.href)
            self.href, self.cell = None, None

    def handle_data(self, data):
        if self.in_th or self.href:
            self.text.append(data)


def dashboard_numbers(client, query) -> dict:
    page = client.get(reverse("recommendations:dashboard") + query)
    assert page.status_code == 200
    parser = TrackingTables()
    parser.feed(page.content.decode())
    return parser.found


XLSX_COLUMNS = {"total": 3, "on_time": 5, "late": 6, "pending": 8, "overdue": 9,
                "no_deadline": 10}


def xlsx_numbers(content) -> dict:
    """The report's summary: (kind, body, cell) → number. Under "I.", a row of one text is
    the title of a kind's table (recommendations, then directives)."""
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    found, kinds, kind, summary = {}, iter(["recommendation", "directive"]), None, False
    for row in rows:
        first = row[0] if row else None
        if isinstance(first, str) and first.startswith("II."):
            break
        if isinstance(first, str) and first.startswith("I."):
            summary = True
            continue
        values = [value for value in row if value is not None] if row else []
        if summary and len(values) == 1 and isinstance(first, str):
            kind = next(kinds)
        elif summary and len(row) > 3 and isinstance(row[3], int):
            for cell, index in XLSX_COLUMNS.items():
                found[kind, row[2], cell] = row[index]
    return found


def api_numbers(data) -> dict:
    return {(part["kind"], row["name"], cell): row[cell]
            for part in data["summary"] for row in [*part["rows"], part["totals"]]
            for cell in XLSX_COLUMNS}


@pytest.mark.parametrize("username", ["leader", "office"])
def test_the_export_and_the_api_give_the_dashboards_numbers(client, world, leader, office_user,
                                                            username):
    """Number by number, for several filters; and each number of the dashboard opens the
    list of exactly that many tasks."""
    user = {"leader": leader, "office": office_user}[username]
    client.force_login(user)
    round_1 = world["first"].group.round_id
    checked = 0
    for query in ("", f"?round={round_1}", "?date_from=2025-10-01",
                  "?date_from=2025-08-01&date_to=2025-08-31"):
        shown = dashboard_numbers(client, query)
        assert shown
        export = client.get(reverse("recommendations:tracking_export") + query)
        assert export.status_code == 200
        from_xlsx = xlsx_numbers(b"".join(export.streaming_content))
        from_api = api_numbers(client.get(reverse("api:task_tracking") + query).json())
        assert {key: number for key, (number, _href) in shown.items()} == from_xlsx == from_api
        for (_kind, _body, _cell), (number, href) in shown.items():
            assert listed(client, href) == number, href
            checked += 1
    assert checked > 60


def test_the_report_is_laid_out_as_offices_report(client, world, office_user):
    client.force_login(office_user)
    response = client.get(reverse("recommendations:tracking_export"))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="theo-doi-nhiem-vu-{TODAY:%Y%m%d}.xlsx"')
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
                .iter_rows(values_only=True))
    assert rows[0][0] == "TỈNH ỦY LẠNG SƠN"
    assert f"{TODAY:%d/%m/%Y}" in rows[3][0]
    detail_at = next(n for n, row in enumerate(rows) if row[0] and str(row[0]).startswith("II."))
    detail = [row for row in rows[detail_at + 3:] if row[0] is not None]
    assert [row[0] for row in detail] == list(range(1, 13))  # 7 + 5 tasks, numbered
    by_text = {row[2]: row for row in detail}
    on_time = by_text[world["items"]["on_time"].text]
    # The session's conclusion notice from the register, both bodies, the dates as dates.
    assert on_time[3:6] == ("Số 5-TB/TU", datetime.datetime(2025, 8, 10), "Tỉnh ủy Lạng Sơn")
    assert on_time[6:8] == ("Sở Nội vụ", "Sở Khoa học và Công nghệ")
    assert on_time[8].date() == days(5) and on_time[9].date() == days(-3)
    extended = by_text[world["items"]["extended"].text]
    assert extended[8].date() == add_working_days(TODAY, 10)  # the extended deadline
    # A directive: the document it cites, one row per addressee, completed or not.
    directive_rows = [row for row in detail if row[2] == "Rà soát biên chế"]
    assert len(directive_rows) == 3
    assert {row[3] for row in directive_rows} == {"Số 9-TB/TU"}
    assert {row[6] for row in directive_rows} == {"Đông Kinh", "Chi Lăng", "Sở Nội vụ"}
    open_ended = by_text["Theo dõi thường xuyên"]
    assert open_ended[3] == "Số 5-TB/TU"  # no citation: the session's notice
    assert open_ended[8] is None
    # Audited as every export is.
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).latest("pk")
    assert event.actor == office_user


def test_the_api_pages_the_tasks_and_documents_itself(client, world, office_user):
    client.force_login(office_user)
    url = reverse("api:task_tracking")
    first = client.get(url + "?page_size=5").json()
    assert first["count"] == 12 and len(first["results"]) == 5 and first["previous"] is None
    seen = [(row["kind"], row["id"]) for row in first["results"]]
    page = first
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [(row["kind"], row["id"]) for row in page["results"]]
    assert len(seen) == len(set(seen)) == 12
    whole = client.get(url).json()["results"]
    assert [(row["kind"], row["id"]) for row in whole] == seen
    on_time = next(row for row in whole if row["id"] == world["items"]["on_time"].pk
                   and row["kind"] == "recommendation")
    assert on_time["document"] == {"number": "Số 5-TB/TU", "date": "2025-08-10",
                                   "issuer": "Tỉnh ủy Lạng Sơn"}
    assert on_time["split"] == "on_time" and on_time["cooperating"] == "Sở Khoa học và Công nghệ"
    for bad in ("?page=0", "?page=x", "?page_size=501", "?as_of=2025-13-01", "?round=abc",
                "?date_from=yesterday"):
        assert client.get(url + bad).status_code == 400, bad
    assert client.get(url + "?page=99999999999999999999").json()["results"] == []
    schema = client.get(reverse("api:schema") + "?format=json").json()
    assert "/api/v1/task-tracking/" in schema["paths"]


def test_a_department_sees_only_its_own(client, world, head_a, head_b, ward_a):
    token = api_token_create(user=head_a, name="test")[1]
    data = client.get(reverse("api:task_tracking"),
                      HTTP_AUTHORIZATION=f"Bearer {token}").json()
    mine = {(row["kind"], row["id"]) for row in data["results"]}
    items, follow_ups = world["items"], world["follow_ups"]
    # Routed to A as lead, or with A co-operating (on_time is B's co-operation... and A's lead).
    assert mine == {("recommendation", items[name].pk)
                    for name in ("on_time", "late", "overdue", "extended")} | {
        ("directive", follow_ups["d_overdue"].pk)}
    client.force_login(head_b)
    response = client.get(reverse("recommendations:tracking_export"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
                .iter_rows(values_only=True))
    texts = {row[2] for row in rows if isinstance(row[0], int) and row[1]}
    # B leads pending, no_deadline and round 2's; co-operates on on_time; the directive to B.
    assert texts == {items[name].text for name in ("pending", "no_deadline", "round_2",
                                                   "on_time")} | {"Báo cáo kết quả"}
    client.force_login(ward_a)
    assert client.get(reverse("recommendations:tracking_export")).status_code == 403


def test_the_cost_does_not_grow_with_the_rows(client, world, office_user, department_a,
                                              count_queries):
    client.force_login(office_user)
    session = world["first"]

    def add(count):
        made = Recommendation.objects.bulk_create(
            Recommendation(session=session, province=session.group.round.province,
                           category=world["items"]["late"].category, text=f"k{n}",
                           status=Status.ROUTED, lead_department=department_a,
                           due_date=days(n % 7 - 3))
            for n in range(count))
        Recommendation.cooperating_departments.through.objects.bulk_create(
            Recommendation.cooperating_departments.through(recommendation_id=item.pk,
                                                           department_id=department_a.pk)
            for item in made)
        directive = Directive.objects.create(session=session, text="Việc", due_date=days(2))
        DirectiveFollowUp.objects.bulk_create(
            DirectiveFollowUp(directive=directive,
                              unit=factories.UnitFactory(province=department_a.province))
            for _n in range(count))

    urls = [reverse("recommendations:tracking_export"),
            reverse("api:task_tracking") + "?page_size=500",
            reverse("recommendations:dashboard")]

    def cost(url):
        from django.core.cache import cache
        cache.clear()
        return count_queries(lambda: b"".join(client.get(url).streaming_content)
                             if url.endswith(".xlsx") else client.get(url))

    few = [cost(url) for url in urls]
    add(150)
    many = [cost(url) for url in urls]
    assert all(after <= before for after, before in zip(many, few, strict=True)), (many, few)
