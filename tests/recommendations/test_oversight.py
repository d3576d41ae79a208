import csv
import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from communes import roles
from communes.services import DATA_DIR
from inspections.models import InspectionRound
from recommendations import dashboard, services, tally
from recommendations.demo import SECOND_ROUND_TITLE
from recommendations.models import OPEN_STATUSES, Recommendation, Status, Tally, deadlines
from tests import factories
from tests.spreadsheets import read_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())
    return InspectionRound.objects.exclude(title=SECOND_ROUND_TITLE).get()


def direct_counts():
    """The same figures, counted one by one in Python."""
    today = timezone.localdate()
    soon, overdue = deadlines(today)
    items = list(Recommendation.objects.all())
    return {
        "total": len(items),
        "open": sum(r.status in OPEN_STATUSES for r in items),
        "overdue": Recommendation.objects.filter(overdue).count(),
        "due_soon": Recommendation.objects.filter(soon).count(),
        "resolved": sum(r.status == Status.RESOLVED for r in items),
        "by_status": {s: sum(r.status == s for r in items) for s in Status.values},
        "by_department": {d: sum(r.lead_department_id == d for r in items)
                          for d in {r.lead_department_id for r in items}},
    }


def dashboard_counts():
    figures = dashboard.figures(Tally.objects.all())
    return {
        **figures["totals"],
        "by_status": {bar.params["status"]: bar.count for bar in figures["statuses"]},
        "by_department": {row["lead_department_id"]: row["count"]
                          for row in figures["departments"]},
    }


def test_dashboard_equals_direct_counts_on_the_demo_and_after_each_transition(
    demo, office_user
):
    assert dashboard_counts() == direct_counts()
    assert dashboard_counts()["total"] == 22
    new = Recommendation.objects.filter(status=Status.NEW).first()
    department = demo.province.departments.get(short_code="SNV")
    head = factories.profile(factories.UserFactory(username="head.snv", role=roles.DEPARTMENT_HEAD),
                             province=demo.province, department=department)
    office_user.profile.province = demo.province
    office_user.profile.save()
    steps = [
        lambda: services.recommendation_route(recommendation=new, by=office_user,
                                              lead_department=department,
                                              due_date=datetime.date(2020, 1, 1)),
        lambda: services.recommendation_accept(recommendation=new, by=head),
        lambda: services.recommendation_start(recommendation=new, by=head),
        lambda: services.recommendation_resolve(recommendation=new, by=head, answer="Xong"),
        lambda: services.recommendation_reopen(recommendation=new, by=office_user,
                                               reason="Chưa xong"),
        lambda: services.recommendation_propose_central(recommendation=new, by=office_user,
                                                        central_body="Bộ Nội vụ"),
    ]
    for step in steps:
        step()
        assert dashboard_counts() == direct_counts()


@pytest.mark.slow
def test_dashboard_equals_direct_counts_on_ten_thousand_recommendations(province, department_a,
                                                                       department_b):
    rng = random.Random(7)
    session = factories.SessionFactory(group__round__province=province)
    category = factories.CategoryFactory()
    today = timezone.localdate()
    statuses = list(Status.values)
    Recommendation.objects.bulk_create(
        Recommendation(
            session=session, province=province, category=category, text=f"Kiến nghị {n}",
            status=(status := rng.choice(statuses)),
            lead_department=rng.choice([department_a, department_b])
            if status in OPEN_STATUSES or rng.random() < .5 else None,
            due_date=today + datetime.timedelta(days=rng.randint(-60, 60)),
            central_body="Bộ" if status == Status.PROPOSED_CENTRAL else "",
        )
        for n in range(10_000))
    tally.sessions_changed({session.pk})  # bulk_create sends no signals
    assert dashboard_counts() == direct_counts()


def test_dashboard_query_count_does_not_grow(client, leader, province, department_a,
                                            count_queries):
    session = factories.SessionFactory(group__round__province=province)
    category = factories.CategoryFactory()
    client.force_login(leader)

    def add(count):
        Recommendation.objects.bulk_create(
            Recommendation(session=session, province=province, category=category, text=f"k{n}",
                           status="routed", lead_department=department_a,
                           due_date=datetime.date(2020, 1, 1))
            for n in range(count))
        tally.sessions_changed({session.pk})  # bulk_create sends no signals

    add(3)
    few = count_queries(lambda: client.get(reverse("recommendations:dashboard")))
    add(300)
    assert count_queries(lambda: client.get(reverse("recommendations:dashboard"))) == few


def test_a_departments_overdue_number_links_to_that_list(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="lanhdao"))
    page = client.get(reverse("recommendations:dashboard"))
    row = next(r for r in page.context["figures"]["scorecard"] if r["overdue"])
    listed = client.get(reverse("recommendations:list"),
                        {"department": row["department_id"], "deadline": "overdue"})
    assert listed.context["page"].paginator.count == row["overdue"]


def test_search_without_diacritics_over_all_units_and_the_demo(client, demo):
    from django.contrib.auth import get_user_model

    call_command("import_units", str(DATA_DIR / "communes_vietnam_3321.csv"),
                 stdout=io.StringIO())
    national = factories.profile(factories.UserFactory(username="bo", role="Theo dõi toàn quốc"))
    client.force_login(national)

    def found(query, kind):
        return [str(x) for x in getattr(client.get(reverse("recommendations:search"),
                                                   {"q": query}).context["results"], kind)]

    assert "Xã Thiện Tân" in found("thien tan", "units")
    # Both words must be in one name: Thiện Long (formed partly from Tân Hòa) is not found.
    assert "Xã Thiện Long" not in found("thien tan", "units")
    assert "Xã Quý Hòa" in found("quy hoa", "units")
    assert "Xã Quý Hòa" in found("Quý Hoà", "units")
    assert any("Đồng Đăng" in name for name in found("dong dang", "units"))
    # Pre-merger names find the new unit.
    assert "Xã Thất Khê" in found("thi tran that khe", "units")
    assert any("biên chế" in text for text in found("bien che", "recommendations"))
    assert found("mang bi nghen", "difficulties")
    assert client.get(reverse("recommendations:search"), {"q": "a"}).context["too_short"]
    # A department's search returns only what is routed to it.
    sokhcn = get_user_model().objects.get(username="sokhcn")
    client.force_login(sokhcn)
    results = client.get(reverse("recommendations:search"), {"q": "bien che"}).context["results"]
    assert results.recommendations == [] and results.units == []
    mine = client.get(reverse("recommendations:search"), {"q": "phan mem"}).context["results"]
    assert mine.recommendations
    assert all(r.lead_department.short_code == "SKHCN" or
               r.cooperating_departments.filter(short_code="SKHCN").exists()
               for r in mine.recommendations)


def test_the_synthesis_report_holds_all_22_recommendations(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="lanhdao"))
    url = reverse("recommendations:round_report", args=[demo.pk])
    form = client.get(url).context["form"]
    params = {name: form.initial[name] for name in form.fields if name in form.initial}
    params.update(format="docx", date="15/08/2025")
    response = client.get(url, params)
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in cells[1] and "TỈNH ỦY LẠNG SƠN" in cells[0]
    assert "Lạng Sơn, ngày 15 tháng 8 năm 2025" in cells[3]
    for recommendation in Recommendation.objects.select_related("lead_department"):
        assert recommendation.text in cells
        status = recommendation.get_status_display()
        if recommendation.status == Status.PROPOSED_CENTRAL:
            # Named by the body it was proposed to, in the report's "Đề xuất cấp trên" too.
            status = f"đã đề xuất {recommendation.central_body}"
        assert status[:1].upper() + status[1:] in " ".join(cells)
    assert "TỔ CÔNG TÁC SỐ 9" in text
    form = client.get(url, {"issuer_kind": "state"}).context["form"]
    params = {name: form.initial[name] for name in form.fields if name in form.initial}
    params.update(format="docx", date="15/08/2025")
    state = Document(io.BytesIO(client.get(url, params).content))
    header = " ".join(c.text for c in state.tables[0]._cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header
    assert "Độc lập - Tự do - Hạnh phúc" in header
    assert "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN" in " ".join(header.split())
    workbook = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    # Under the title rows and the header (row 3), as the DOCX lists them.
    rows = list(workbook["Kiến nghị"].iter_rows(min_row=4, values_only=True))
    by_text = {row[2]: row for row in rows}
    assert len(by_text) == 22
    for recommendation in Recommendation.objects.select_related("lead_department"):
        row = by_text[recommendation.text]
        assert row[8] == recommendation.get_status_display()
        if recommendation.status == Status.PROPOSED_CENTRAL:
            # The body proposed to has its own column; it leads nothing.
            assert (row[5], row[7]) == (None, recommendation.central_body)
        elif recommendation.lead_department:
            assert row[5] == recommendation.lead_department.name


def test_exports_are_excel_friendly_and_a_department_gets_only_its_items(client, demo):
    from django.contrib.auth import get_user_model

    sonoivu = get_user_model().objects.get(username="sonoivu")
    client.force_login(sonoivu)
    response = client.get(reverse("recommendations:list"), {"format": "csv"})
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content[1:])))[1:]
    mine = Recommendation.objects.filter(
        Q(lead_department__short_code="SNV") | Q(cooperating_departments__short_code="SNV"),
        lead_department__province__code="20").distinct()
    assert sorted(int(row[0]) for row in rows) == sorted(r.pk for r in mine)
    xlsx = read_export(client.get(reverse("recommendations:list"), {"format": "xlsx"}))
    assert sorted(row[0] for row in xlsx.rows) == sorted(int(row[0]) for row in rows)


def test_inbox_and_follow_up_lists_export_too(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="sokhcn"))
    inbox = client.get(reverse("recommendations:inbox"), {"tab": "all", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(inbox.streaming_content).decode()[1:])))[1:]
    assert rows and all(
        Recommendation.objects.visible_to(get_user_model().objects.get(username="sokhcn"))
        .filter(pk=int(row[0])).exists() for row in rows)
    client.force_login(get_user_model().objects.get(username="vanphong"))
    for section in ("overdue", "due_soon", "extensions", "directives"):
        response = client.get(reverse("recommendations:follow_up"),
                              {"show": section, "format": "xlsx"})
        assert read_export(response).header


def test_exports_and_reports_survive_formulas_and_control_characters(client, demo):
    from django.contrib.auth import get_user_model

    Recommendation.objects.filter(pk=Recommendation.objects.first().pk).update(
        text="=HYPERLINK(\"http://x\")\x0bdòng hai\x01")
    client.force_login(get_user_model().objects.get(username="lanhdao"))
    xlsx = read_export(client.get(reverse("recommendations:list"), {"format": "xlsx"}))
    texts = [row[1] for row in xlsx.rows]
    assert any(text.startswith("'=HYPERLINK") for text in texts)
    url = reverse("recommendations:round_report", args=[demo.pk])
    assert client.get(url, {"format": "xlsx"}).status_code == 200
    form = client.get(url).context["form"]
    params = {name: form.initial[name] for name in form.fields if name in form.initial}
    params.update(format="docx", date="05/01/2026", summary="kết quả\x01 kiểm tra")
    response = client.get(url, params)
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    header = " ".join(c.text for c in document.tables[0]._cells)
    assert "ngày 05 tháng 01 năm 2026" in header
    # Formula escaping is for spreadsheets only: Word lines keep their own first character.
    assert not any(p.text.startswith("'") for p in document.paragraphs)


def test_a_merged_duplicate_counts_once(demo, office_user):
    office_user.profile.province = demo.province
    office_user.profile.save()
    first, second = Recommendation.objects.filter(status=Status.NEW)[:2]
    services.recommendation_merge(target=first, others=[second], by=office_user)
    assert dashboard.figures(Tally.objects.all())["totals"]["total"] == 21


def test_nationally_departments_count_by_kind_and_link_to_that_list(
        client, national_viewer, province, other_province, department_a):
    other_snv = factories.DepartmentFactory(province=other_province, short_code="SNV",
                                            name="Sở Nội vụ")
    for department, count in ((department_a, 2), (other_snv, 3)):
        session = factories.SessionFactory(group__round__province=department.province)
        for _ in range(count):
            factories.RecommendationFactory(session=session, status=Status.ROUTED,
                                            lead_department=department)
    client.force_login(national_viewer)
    page = client.get(reverse("recommendations:dashboard"))
    row = next(r for r in page.context["figures"]["scorecard"] if r["name"] == "Sở Nội vụ")
    assert row["routed"] == 5 and row["params"] == {"department_type": "SNV"}
    assert "department_type=SNV" in page.content.decode()
    listed = client.get(reverse("recommendations:list"), {"department_type": "SNV"})
    assert listed.context["page"].paginator.count == 5
    # A malformed kind is no filter, not an error.
    malformed = client.get(reverse("recommendations:list"), {"department_type": "SNV'--"})
    assert malformed.status_code == 200 and "department_type" not in malformed.context["chosen"]


def test_nationally_one_kind_counts_once_whatever_its_departments_are_called(
        client, national_viewer, province, other_province, department_a, office_user):
    other_snv = factories.DepartmentFactory(province=other_province, short_code="SNV",
                                            name="Sở Nội vụ tỉnh Cao Bằng")
    for department in (department_a, other_snv):
        session = factories.SessionFactory(group__round__province=department.province)
        factories.RecommendationFactory(session=session, status=Status.RESOLVED,
                                        lead_department=department,
                                        resolved_at=timezone.now())
    client.force_login(national_viewer)
    scorecard = client.get(reverse("recommendations:dashboard")).context["figures"]["scorecard"]
    assert [(row["routed"], row["resolved"]) for row in scorecard] == [(2, 2)]


def test_search_matches_whole_syllables_and_lists_what_starts_with_them_first(client, office_user,
                                                                           province):
    for name in ["Yên Khoái", "Hòa Bình", "Quý Hòa", "Hoà", "Hoàng Đồng"]:
        factories.UnitFactory(province=province, name=name)
    session = factories.SessionFactory(group__round__province=province)
    for text in ["Sửa trụ sở xã Yên Khoái", "Hòa mạng cáp quang cho xã",
                 "Đề nghị hỗ trợ xã Quý Hòa"]:
        factories.RecommendationFactory(session=session, text=text)
    client.force_login(office_user)

    def found(query, kind):
        results = client.get(reverse("recommendations:search"), {"q": query}).context["results"]
        return [getattr(x, "name", None) or x.text for x in getattr(results, kind)]

    # "hoa" is not inside "Khoái" nor "Hoàng"; the exact name first, then those starting so.
    assert found("Hòa", "units") == ["Hoà", "Hòa Bình", "Quý Hòa"]
    assert found("hoa", "recommendations") == ["Hòa mạng cáp quang cho xã",
                                              "Đề nghị hỗ trợ xã Quý Hòa"]
    assert found("khoai", "units") == ["Yên Khoái"]
    assert found("hoan", "units") == []


def test_search_shows_a_merged_recommendation_as_merged_into_its_target(client, office_user,
                                                                       province):
    """A merged item keeps the status it had ("new"): search says what it became instead."""
    session = factories.SessionFactory(group__round__province=province)
    target = factories.RecommendationFactory(session=session, text="Bổ sung biên chế cho xã")
    merged = factories.RecommendationFactory(session=session, text="Bổ sung biên chế công chức")
    services.recommendation_merge(target=target, others=[merged], by=office_user)
    client.force_login(office_user)
    page = client.get(reverse("recommendations:search"), {"q": "bien che"}).content.decode()
    line = page.split(f"#{merged.pk} Bổ sung biên chế công chức", 1)[1].split("</li>", 1)[0]
    link = reverse("recommendations:detail", args=[target.pk])
    assert f'Đã gộp vào <a href="{link}">#{target.pk}</a>' in line and "Mới" not in line


@pytest.mark.parametrize(("name", "user", "refused"), [
    ("recommendations:list", "office_user", ["date_from", "status"]),
    ("recommendations:dashboard", "office_user", ["date_from"]),
    ("recommendations:inbox", "head_a", ["category"]),
])
def test_a_filter_value_refused_says_so_beside_its_box(client, request, name, user, refused):
    """A date or a choice the filter cannot take is left out of the query, and the page says
    which and why, where the input points (aria-describedby)."""
    client.force_login(request.getfixturevalue(user))
    client.cookies["django_language"] = "en"
    typed = {"date_from": "abc", "status": "zzz", "category": "zzz"}
    page = client.get(reverse(name), {key: typed[key] for key in refused}).content.decode()
    for key in refused:
        assert f'aria-describedby="id_{key}_error"' in page and f'id="id_{key}_error"' in page
    if "date_from" in refused:
        assert "Enter a valid date." in page
    if "status" in refused or "category" in refused:
        assert "zzz is not one of" in page
