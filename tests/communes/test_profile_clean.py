"""A user's profile keeps their unit and department in their own province."""

import pytest
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


def test_a_department_of_another_province_is_refused(head_a, other_province):
    profile = head_a.profile
    profile.province = other_province
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert "department" in refused.value.message_dict


def test_a_unit_of_another_province_is_refused(ward_a, other_province):
    profile = ward_a.profile
    profile.province = other_province
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert "unit" in refused.value.message_dict


def test_a_department_of_the_users_province_is_accepted(head_a):
    head_a.profile.full_clean()
