"""A user's profile keeps their unit and department in their own province."""

import pytest
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("user", "field"), [("head_a", "department"), ("ward_a", "unit")])
def test_a_department_or_unit_of_another_province_is_refused(request, user, field,
                                                             other_province):
    profile = request.getfixturevalue(user).profile
    profile.province = other_province
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert field in refused.value.message_dict


def test_a_department_of_the_users_province_is_accepted(head_a):
    head_a.profile.full_clean()
