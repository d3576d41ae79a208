import unicodedata

import pytest
from django.db import IntegrityError, transaction

from communes.models import AdministrativeUnit, Department, UserProfile
from tests import factories

pytestmark = pytest.mark.django_db


def test_text_is_stored_in_nfc_and_units_sort_the_vietnamese_way(province):
    for code, name in [("00001", "Đông Kinh"), ("00002", "Dương Xá"),
                       ("00003", unicodedata.normalize("NFD", "Hòa Bình")), ("00004", "Hoa Lư")]:
        AdministrativeUnit.objects.create(code=code, province=province, name=name, kind="ward")
    names = list(AdministrativeUnit.objects.values_list("name", flat=True))
    assert names == ["Dương Xá", "Đông Kinh", "Hoa Lư", "Hòa Bình"]
    assert AdministrativeUnit.objects.get(code="00003").name == "Hòa Bình"
    # Lookups are normalised too: a decomposed query finds the composed row.
    assert AdministrativeUnit.objects.filter(
        name=unicodedata.normalize("NFD", "Hòa Bình")).exists()


def test_unit_code_must_have_five_digits(province):
    with pytest.raises(IntegrityError), transaction.atomic():
        AdministrativeUnit.objects.create(code="12A", province=province, name="X", kind="ward")


def test_department_short_code_is_unique_in_its_province(province, other_province):
    Department.objects.create(province=province, short_code="SNV", name="Sở Nội vụ")
    Department.objects.create(province=other_province, short_code="SNV", name="Sở Nội vụ")
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(province=province, short_code="SNV", name="Trùng")


def test_a_department_user_belongs_to_a_province(department_a):
    user = factories.UserFactory(username="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserProfile.objects.create(user=user, province=None, department=department_a)
