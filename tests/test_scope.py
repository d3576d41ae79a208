"""One scope per user (communes/scope.py) decides what every model's `visible_to(user)` returns
and what the cached parts of pages are keyed by."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from communes.cache import page_part_key
from communes.models import AdministrativeUnit
from communes.scope import Scope, scope
from inspections.models import (
    Difficulty,
    Directive,
    DirectiveFollowUp,
    FieldVisit,
    InspectionRound,
    Metric,
    ReportedFigure,
    Session,
    UnitReport,
    WorkingGroup,
)
from recommendations import services
from recommendations.models import Attachment, Recommendation
from tests import factories

pytestmark = pytest.mark.django_db

SESSION_MODELS = (InspectionRound, WorkingGroup, Session, UnitReport, ReportedFigure,
                  Difficulty, Directive, DirectiveFollowUp, FieldVisit)


def pdf(name="Biên bản.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", "application/pdf")


@pytest.fixture
def world(province, other_province, department_a, department_b, office_user, head_a):
    """One of everything in province P, and a round in province Q."""
    unit = factories.UnitFactory(province=province)
    session = factories.SessionFactory(group__round__province=province, units=[unit])
    UnitReport.objects.create(session=session, unit=unit, achievements="Kết quả")
    ReportedFigure.objects.create(session=session, unit=unit, month=datetime.date(2025, 7, 1),
                                  metric=Metric.objects.first(), value=6600)
    Difficulty.objects.create(session=session, category=factories.CategoryFactory(),
                              text="Khó khăn")
    directive = Directive.objects.create(session=session, text="Nhiệm vụ")
    DirectiveFollowUp.objects.create(directive=directive, unit=unit)
    FieldVisit.objects.create(session=session, place="Trung tâm phục vụ hành chính công")
    routed = factories.RecommendationFactory(session=session, text="Của sở A")
    services.recommendation_route(recommendation=routed, by=office_user,
                                  lead_department=department_a)
    response = services.recommendation_respond(recommendation=routed, by=head_a,
                                               text="Trả lời", files=[pdf()])
    unrouted = factories.RecommendationFactory(session=session, text="Chưa chuyển")
    services.attachments_save(files=[pdf()], by=office_user, session=session)
    elsewhere = factories.SessionFactory(group__round__province=other_province,
                                         units=[factories.UnitFactory(province=other_province)])
    return {"session": session, "unit": unit, "routed": routed, "unrouted": unrouted,
            "response_file": response.attachments.get(), "elsewhere": elsewhere}


def test_the_scope_of_each_role(office_user, head_a, staff_a, leader, national_viewer,
                                admin_user_, department_a, province):
    assert scope(office_user) == Scope(Scope.PROVINCE, province.pk)
    assert scope(leader).kind == Scope.PROVINCE
    assert scope(head_a) == Scope(Scope.DEPARTMENT, province.pk, department_a.pk)
    assert scope(staff_a) == scope(head_a)
    assert scope(national_viewer).kind == scope(admin_user_).kind == Scope.ALL
    assert scope(factories.UserFactory(username="no.profile")).kind == Scope.NOTHING


@pytest.mark.parametrize("model", SESSION_MODELS)
def test_readers_see_their_provinces_records_and_departments_none(
        model, world, office_user, other_office_user, leader, head_a, national_viewer):
    mine = model.objects.visible_to(office_user)
    assert mine.exists()
    assert set(mine) == set(model.objects.visible_to(leader))
    assert not set(mine) & set(model.objects.visible_to(other_office_user))
    assert not model.objects.visible_to(head_a).exists()
    assert model.objects.visible_to(national_viewer).count() == model.objects.count()


def test_recommendations_by_scope(world, office_user, other_office_user, head_a, head_b,
                                  national_viewer):
    every = {world["routed"], world["unrouted"]}
    assert set(Recommendation.objects.visible_to(office_user)) == every
    assert set(Recommendation.objects.visible_to(head_a)) == {world["routed"]}
    assert not Recommendation.objects.visible_to(head_b).exists()
    assert not Recommendation.objects.visible_to(other_office_user).exists()
    assert set(Recommendation.objects.visible_to(national_viewer)) == every


def test_units_by_scope(world, office_user, other_office_user, head_a):
    assert set(AdministrativeUnit.objects.visible_to(office_user)) == {world["unit"]}
    # The province's official list serves a department's filter by unit.
    assert set(AdministrativeUnit.objects.visible_to(head_a)) == {world["unit"]}
    assert world["unit"] not in AdministrativeUnit.objects.visible_to(other_office_user)


def test_attachments_follow_what_they_are_attached_to(world, office_user, head_a, head_b,
                                                      other_office_user):
    session_file = Attachment.objects.get(session=world["session"])
    assert set(Attachment.objects.visible_to(office_user)) == {session_file,
                                                               world["response_file"]}
    assert set(Attachment.objects.visible_to(head_a)) == {world["response_file"]}
    assert not Attachment.objects.visible_to(head_b).exists()
    assert not Attachment.objects.visible_to(other_office_user).exists()


def test_a_new_department_changes_what_the_user_sees_and_the_cache_key(
        world, head_a, staff_a, department_b, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "test-scope"}}
    cache.clear()
    before_key = page_part_key(head_a, "page")
    # Users who see the same rows share cached parts.
    assert page_part_key(staff_a, "page") == before_key
    assert Recommendation.objects.visible_to(head_a).exists()
    head_a.profile.department = department_b
    head_a.profile.save()
    moved = get_user_model().objects.select_related("profile").get(pk=head_a.pk)
    assert page_part_key(moved, "page") != before_key
    assert scope(moved).department_id == department_b.pk
    assert not Recommendation.objects.visible_to(moved).exists()


def test_a_units_staff_see_their_units_records_only(world, ward_a, ward_a_unit, province):
    """Ward A attends the session of `world`; its staff see what names their unit there."""
    session = world["session"]
    session.units.add(ward_a_unit)
    mine = factories.RecommendationFactory(session=session, text="Của phường A")
    mine.units.set([ward_a_unit])
    directive = Directive.objects.create(session=session, text="Việc của phường A")
    DirectiveFollowUp.objects.create(directive=directive, unit=ward_a_unit)
    assert scope(ward_a) == Scope(Scope.UNIT, province.pk, None, ward_a_unit.pk)
    assert set(Recommendation.objects.visible_to(ward_a)) == {mine}
    assert set(Session.objects.visible_to(ward_a)) == {session}
    assert set(Directive.objects.visible_to(ward_a)) == {directive}
    assert set(AdministrativeUnit.objects.visible_to(ward_a)) == {ward_a_unit}
    assert not UnitReport.objects.visible_to(ward_a).exists()  # world's report is another's
    # The department's file on its response is its own; the session's documents are shared.
    assert set(Attachment.objects.visible_to(ward_a)) == {
        Attachment.objects.get(session=session)}
