"""Lists of units and people in Vietnamese dictionary order, on SQLite and PostgreSQL alike."""

import pytest

from communes import roles
from communes.models import AdministrativeUnit
from inspections.models import GroupMember
from recommendations.forms import AssignForm
from tests import factories

# In byte order these would come out "Dung, Hoa, Zê, Âu, Ăn, Đặng, Hòa, Hoà".
NAMES = ["Zê", "Âu", "Ăn", "Đặng", "Dung", "Hoa"]
DICTIONARY_ORDER = ["Ăn", "Âu", "Dung", "Đặng", "Hoa", "Zê"]


@pytest.mark.django_db
def test_units_sort_in_the_vietnamese_alphabet_with_either_tone_placement(province):
    for name in [*NAMES, "Hoà Bình", "Hòa An"]:
        factories.UnitFactory(province=province, name=name)
    assert [u.name for u in AdministrativeUnit.objects.filter(province=province)] == [
        "Ăn", "Âu", "Dung", "Đặng", "Hoa", "Hòa An", "Hoà Bình", "Zê"]


@pytest.mark.django_db
def test_group_members_sort_by_given_name_then_family_name():
    group = factories.GroupFactory()
    for family, given in zip(["Nguyễn", "Trần", "Lê", "Bùi", "Phạm", "Vũ"], NAMES, strict=True):
        GroupMember.objects.create(group=group, name=f"{family} Văn {given}")
    GroupMember.objects.create(group=group, name="Đặng Thị Hoà")
    GroupMember.objects.create(group=group, name="Bùi Văn Hòa")
    assert [m.name for m in group.members.all()] == [
        "Lê Văn Ăn", "Trần Văn Âu", "Phạm Văn Dung", "Bùi Văn Đặng", "Vũ Văn Hoa",
        "Bùi Văn Hòa", "Đặng Thị Hoà", "Nguyễn Văn Zê"]


@pytest.mark.django_db
def test_a_departments_people_are_offered_by_given_name(department_a):
    for number, name in enumerate(["Nguyễn Văn Zê", "Trần Thị Âu", "Lê Văn Ăn", "Hà Đặng"]):
        user = factories.UserFactory(username=f"nguoi{number}", first_name=name,
                                     role=roles.DEPARTMENT_STAFF)
        factories.profile(user, province=department_a.province, department=department_a)
    recommendation = factories.RecommendationFactory(session__group__round__province=(
        department_a.province))
    recommendation.lead_department = department_a
    form = AssignForm(recommendation=recommendation)
    assert [label for _value, label in form.fields["assignee"].choices][1:] == [
        "Lê Văn Ăn", "Trần Thị Âu", "Hà Đặng", "Nguyễn Văn Zê"]


@pytest.mark.django_db
def test_units_of_the_same_name_keep_one_order_by_official_code(province, other_province):
    """A tie in the name is broken by the official code, not by the order of the rows."""
    later = factories.UnitFactory(province=other_province, name="Hòa Bình", code="20002")
    earlier = factories.UnitFactory(province=province, name="Hoà Bình", code="20001")
    assert list(AdministrativeUnit.objects.filter(sort_name=earlier.sort_name)) == [earlier, later]


@pytest.mark.django_db
def test_a_directives_addressees_and_a_sessions_unit_reports_come_in_list_order(
        client, office_user, province):
    """Whatever order they were added in: units in Vietnamese order, then bodies in the
    province's protocol order."""
    from inspections.models import Directive, DirectiveFollowUp, UnitReport

    zê, ăn, đặng = (factories.UnitFactory(province=province, name=name)
                    for name in ("Zê", "Ăn", "Đặng"))
    finance = factories.DepartmentFactory(province=province, name="Sở Tài chính", position=2)
    office = factories.DepartmentFactory(province=province, name="Văn phòng UBND tỉnh",
                                         position=1)
    session = factories.SessionFactory(group__round__province=province, units=[zê, ăn, đặng])
    directive = Directive.objects.create(session=session, text="Rà soát biên chế")
    for addressee in (finance, zê, office, ăn):
        DirectiveFollowUp.objects.create(
            directive=directive, **({"unit": addressee} if isinstance(
                addressee, AdministrativeUnit) else {"department": addressee}))
    for unit in (zê, đặng, ăn):
        UnitReport.objects.create(session=session, unit=unit, achievements=f"Báo cáo {unit.name}")
    assert [str(f) for f in directive.follow_ups.all()] == [
        str(ăn), str(zê), office.name, finance.name]
    client.force_login(office_user)
    page = client.get(session.get_absolute_url(), {"tab": "directives"}).content.decode()
    positions = [page.index(f"<li>{name}:") for name in (str(ăn), str(zê), office.name,
                                                        finance.name)]
    assert positions == sorted(positions)
    reports = [page.index(f"Báo cáo {name}") for name in ("Ăn", "Đặng", "Zê")]
    assert reports == sorted(reports)


@pytest.mark.django_db
def test_exports_name_units_in_vietnamese_order_and_bodies_in_protocol_order(province):
    from recommendations.exports import recommendation_rows
    from recommendations.models import Recommendation

    finance = factories.DepartmentFactory(province=province, name="Sở Tài chính", position=2)
    office = factories.DepartmentFactory(province=province, name="Văn phòng UBND tỉnh",
                                         position=1)
    home = factories.DepartmentFactory(province=province, name="Sở Nội vụ", position=3)
    recommendation = factories.RecommendationFactory(session__group__round__province=province,
                                                     lead_department=home)
    recommendation.cooperating_departments.add(finance, office)
    recommendation.units.add(*(factories.UnitFactory(province=province, name=name)
                               for name in ("Zê", "Đặng", "Ăn")))
    header, row = recommendation_rows(Recommendation.objects.all())
    assert row[6] == "Ăn, Đặng, Zê"
    assert row[9] == f"{office.name}, {finance.name}"


@pytest.mark.django_db
def test_imported_bodies_come_in_the_files_order_after_those_the_office_placed(province):
    """communes/data/departments.csv lists the bodies in protocol order: a province imported
    from it lists them so; a body the office placed keeps its place."""
    import csv

    from communes.models import Department
    from communes.services import DATA_DIR, departments_import

    placed = factories.DepartmentFactory(province=province, short_code="BTG",
                                         name="Ban Tuyên giáo", position=1)
    departments_import(path=DATA_DIR / "departments.csv", province_code=province.code)
    with open(DATA_DIR / "departments.csv", encoding="utf-8") as file:
        in_file = [row["short_code"] for row in csv.DictReader(file)]
    assert [d.short_code for d in Department.objects.filter(province=province)] == [
        placed.short_code, *in_file]
    assert in_file[:2] == ["VPUBND", "SNV"]


@pytest.mark.django_db
def test_names_written_into_messages_and_documents_follow_the_vietnamese_alphabet(province):
    """Not the code points: "Đ" after "D", "đặc khu" before "phường" and "xã"."""
    from inspections.forms import SessionForm
    from inspections.models import UnitReport
    from recommendations.documents import units_list

    kinds = [AdministrativeUnit(name="Kỳ Lừa", kind="ward"),
             AdministrativeUnit(name="Bắc Sơn", kind="commune"),
             AdministrativeUnit(name="Cô Tô", kind="special_zone")]
    assert units_list(kinds).startswith("các đặc khu, phường, xã:")
    units = [factories.UnitFactory(province=province, name=name)
             for name in ("Yên Phúc", "Điềm He", "Dân Chủ")]
    kept = factories.UnitFactory(province=province, name="Ăn")
    session = factories.SessionFactory(group__round__province=province, units=[*units, kept])
    for unit in units:
        UnitReport.objects.create(session=session, unit=unit, achievements="Báo cáo")
    form = SessionForm({"date": "04/08/2025", "part_of_day": session.part_of_day,
                        "units": [kept.pk], "version": session.version},
                       instance=session, group=session.group)
    assert not form.is_valid()
    assert "Xã Dân Chủ, Xã Điềm He, Xã Yên Phúc" in str(form.errors["units"])
