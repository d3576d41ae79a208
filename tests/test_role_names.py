"""The department roles' groups were renamed by a data migration; users keep their role."""

import importlib

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from communes import roles
from tests import factories

rename = importlib.import_module(
    "recommendations.migrations.0012_rename_department_roles")


@pytest.mark.django_db
def test_the_old_groups_are_renamed_with_their_users_and_permissions():
    Group.objects.filter(name=roles.DEPARTMENT_HEAD).update(name="Lãnh đạo sở")
    Group.objects.filter(name=roles.DEPARTMENT_STAFF).update(name="Chuyên viên sở")
    head = factories.UserFactory(username="giamdoc")
    head.groups.add(Group.objects.get(name="Lãnh đạo sở"))
    permissions = set(Group.objects.get(name="Lãnh đạo sở").permissions.all())
    # A group of the new name made meanwhile (by a later roles_sync) takes the old one's users.
    Group.objects.get(name="Chuyên viên sở").user_set.add(factories.UserFactory(username="cv"))
    Group.objects.create(name="Chuyên viên")

    rename.rename(Group, rename.RENAMES)

    assert not Group.objects.filter(name__in=["Lãnh đạo sở", "Chuyên viên sở"]).exists()
    assert head.groups.get().name == "Lãnh đạo cơ quan" == roles.DEPARTMENT_HEAD
    assert set(head.groups.get().permissions.all()) == permissions and permissions
    assert [u.username for u in Group.objects.get(name="Chuyên viên").user_set.all()] == ["cv"]


@pytest.mark.django_db
def test_the_department_staffs_group_says_whose_staff_they_are():
    """"Chuyên viên" also names the office's staff: the group is renamed, users kept."""
    staff_rename = importlib.import_module(
        "recommendations.migrations.0017_rename_department_staff_role")
    Group.objects.filter(name=roles.DEPARTMENT_STAFF).update(name="Chuyên viên")
    staff = factories.UserFactory(username="chuyenvien")
    staff.groups.add(Group.objects.get(name="Chuyên viên"))

    staff_rename.rename(Group, staff_rename.RENAMES)

    assert staff.groups.get().name == "Chuyên viên sở, ban, ngành" == roles.DEPARTMENT_STAFF
    assert not Group.objects.filter(name="Chuyên viên").exists()



def test_the_role_labels_read_as_the_documents_do():
    with translation.override("vi"):
        assert [str(roles.ROLE_LABELS[r]) for r in (roles.DEPARTMENT_HEAD,
                                                    roles.DEPARTMENT_STAFF)] == [
            "Lãnh đạo cơ quan", "Chuyên viên sở, ban, ngành"]
