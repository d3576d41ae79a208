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
