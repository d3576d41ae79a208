"""factory-boy factories for the portal's models."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from communes.models import AdministrativeUnit, Department, Province, UserProfile
from inspections.models import Category, InspectionRound, Session, WorkingGroup
from recommendations.models import Recommendation


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{(n % 89) + 10:02d}")
    name = factory.Sequence(lambda n: f"Tỉnh thử {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{90000 + n:05d}")
    province = factory.SubFactory(ProvinceFactory)
    name = factory.Sequence(lambda n: f"Xã thử {n}")
    kind = AdministrativeUnit.Kind.COMMUNE


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    province = factory.SubFactory(ProvinceFactory)
    short_code = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"Sở thử {n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = "staffing"
    name = "Tổ chức bộ máy, biên chế, cán bộ"


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionRound

    province = factory.SubFactory(ProvinceFactory)
    title = factory.Sequence(lambda n: f"Đợt kiểm tra {n}")
    period_start = datetime.date(2025, 8, 1)
    period_end = datetime.date(2025, 8, 31)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    round = factory.SubFactory(RoundFactory)
    number = factory.Sequence(lambda n: n + 1)
    leader_name = "Nguyễn Văn A"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    group = factory.SubFactory(GroupFactory)
    date = datetime.date(2025, 8, 4)

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create and extracted:
            self.units.set(extracted)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    session = factory.SubFactory(SessionFactory)
    category = factory.SubFactory(CategoryFactory)
    text = factory.Sequence(lambda n: f"Kiến nghị số {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    password = factory.django.Password("matkhau-thu-2025")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


def profile(user, *, province=None, department=None, unit=None):
    UserProfile.objects.update_or_create(
        user=user, defaults={"province": province, "department": department, "unit": unit})
    return user
