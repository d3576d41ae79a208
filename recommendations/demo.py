"""The Lạng Sơn demo: reference data and the August 2025 round from the scenario.

The round is built from inspections/demo/langson-2025-08.json (the project's own copy) and the
recommendations are moved to their statuses through the lifecycle services, so each one has the
history that led to it. Due dates are counted from today, so the demo always has items due soon
and overdue.
"""

import datetime
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from communes import mail, roles
from communes.models import AdministrativeUnit, Department, IssuingBody, Province, UserProfile
from communes.services import DATA_DIR, departments_import, units_import
from communes.text import fold
from communes.workdays import add_working_days, calendar_seed
from inspections.models import (
    Category,
    CategoryRouting,
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

from . import services as lifecycle
from . import tally
from .models import Recommendation

SCENARIO_FILE = Path(__file__).resolve().parent / "data" / "langson-2025-08.json"
LANG_SON = "20"
DEMO_PASSWORD = "langson2025"
FIRST_SESSION = datetime.date(2025, 8, 4)

# Default routing for Lạng Sơn: category → (lead department, co-operating departments).
LANG_SON_ROUTING = {
    "staffing": ("SNV", []),
    "training": ("SNV", []),
    "facilities": ("STC", ["SXD"]),
    "equipment": ("STC", []),
    "budget": ("STC", []),
    "it_digital": ("SKHCN", []),
    "telecom_power": ("SKHCN", ["SCT"]),
    "transport": ("SXD", []),
    "legal_guidance": ("STP", []),
    "admin_procedures": ("VPUBND", []),
}

# username → (role, department short code, full name, job title); no role = superuser
DEMO_ACCOUNTS = {
    "vanphong": (roles.OFFICE_STAFF, None, "Nguyễn Thị Lan", "Chuyên viên Văn phòng Tỉnh ủy"),
    "sonoivu": (roles.DEPARTMENT_HEAD, "SNV", "Hoàng Văn Minh", "Giám đốc Sở Nội vụ"),
    "sonoivu.cv": (roles.DEPARTMENT_STAFF, "SNV", "Lý Thị Hoa", "Chuyên viên Sở Nội vụ"),
    "sokhcn": (roles.DEPARTMENT_HEAD, "SKHCN", "Vi Văn Đức", "Giám đốc Sở Khoa học và Công nghệ"),
    "lanhdao": (roles.LEADER, None, "Lương Thế Anh", "Thường trực Tỉnh ủy"),
    "admin": (None, None, "Quản trị hệ thống", ""),
}

UNIT_KINDS = {"ward": AdministrativeUnit.Kind.WARD, "commune": AdministrativeUnit.Kind.COMMUNE}
# Working groups whose units each get a demo account of a commune's or ward's staff.
UNIT_ACCOUNT_GROUPS = (1, 9)
UNIT_KIND_WORDS = {AdministrativeUnit.Kind.WARD: "phường", AdministrativeUnit.Kind.COMMUNE: "xã",
                   AdministrativeUnit.Kind.SPECIAL_ZONE: "đặc khu"}
SECOND_ROUND_TITLE = "Kiểm tra, khảo sát hoạt động của chính quyền địa phương hai cấp (đợt 2)"


def unit_username(unit) -> str:
    """A demo login for a unit's staff: "Phường Đông Kinh" → "phuongdongkinh"."""
    return fold(f"{UNIT_KIND_WORDS[unit.kind]} {unit.name}").replace(" ", "")

# The statuses the 22 demo recommendations end in, in scenario order: every status at least
# once, Sở Nội vụ's items spread over its inbox tabs, a few overdue. A negative due offset is
# overdue (working days from today).
STATUS_PLAN = [
    ("resolved", -5), ("in_progress", -3), ("routed", 2), ("accepted", 8),
    ("answered_on_the_spot", None), ("in_progress", 10), ("routed", -2),
    ("new", None), ("proposed_central", None), ("routed", 12), ("accepted", -1),
    ("returned", 6), ("in_progress", 4), ("resolved", 3), ("reopened", 5),
    ("routed", -4), ("accepted", 9), ("new", None), ("in_progress", 7), ("routed", 15),
    ("resolved", 1), ("routed", 3),
]


def reference_load_langson() -> dict:
    """Provinces, Lạng Sơn's 65 units with their predecessors, its departments and default
    routing, and the working-day calendar; idempotent."""
    summaries = {
        "units": units_import(path=DATA_DIR / "communes_langson.csv", province_code=LANG_SON),
        "predecessors": units_import(path=DATA_DIR / "communes_langson_merge_detail.csv"),
        "departments": departments_import(path=DATA_DIR / "departments.csv",
                                          province_code=LANG_SON),
    }
    province = Province.objects.get(code=LANG_SON)
    departments = {d.short_code: d for d in Department.objects.filter(province=province)}
    for category in Category.objects.filter(code__in=LANG_SON_ROUTING):
        lead, cooperating = LANG_SON_ROUTING[category.code]
        routing, _created = CategoryRouting.objects.update_or_create(
            province=province, category=category,
            defaults={"lead_department": departments[lead]},
        )
        routing.cooperating_departments.set([departments[code] for code in cooperating])
    today = timezone.localdate()
    calendar_seed(years=range(2025, today.year + 3))
    return summaries


def accounts_load(province) -> list[str]:
    """Create or reset the demo accounts, all with the password `langson2025`."""
    User = get_user_model()
    departments = {d.short_code: d for d in Department.objects.filter(province=province)}
    for username, (role, department_code, full_name, job_title) in DEMO_ACCOUNTS.items():
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                # Vietnamese names read family name first: keep the whole name together, so
                # "Nguyễn Thị Lan" is not shown as "Lan Nguyễn Thị".
                "first_name": full_name, "last_name": "", "email": f"{username}@example.vn",
                "is_staff": role is None, "is_superuser": role is None, "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=role)] if role else [])
        UserProfile.objects.update_or_create(
            user=user,
            defaults={
                "province": province,
                "department": departments.get(department_code),
                "job_title": job_title,
            },
        )
    return list(DEMO_ACCOUNTS)


def unit_accounts_load(units) -> list[str]:
    """One account of a unit's staff per unit (password `langson2025`), e.g. phuongdongkinh."""
    User = get_user_model()
    role = Group.objects.get(name=roles.UNIT_STAFF)
    usernames = []
    for unit in units:
        username = unit_username(unit)
        user, _created = User.objects.update_or_create(username=username, defaults={
            "first_name": f"Cán bộ {unit}", "last_name": "", "email": f"{username}@example.vn",
            "is_staff": False, "is_superuser": False, "is_active": True})
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([role])
        UserProfile.objects.update_or_create(user=user, defaults={
            "province": unit.province, "department": None, "unit": unit,
            "job_title": f"Công chức Văn phòng HĐND và UBND {unit}"})
        usernames.append(username)
    return usernames


def unit_accounts() -> list[tuple[str, str]]:
    """(username, unit) of the demo's accounts of units' staff, for `load_demo` to print."""
    title = json.loads(SCENARIO_FILE.read_text(encoding="utf-8"))["round"]["title_vi"]
    units = AdministrativeUnit.objects.filter(
        working_groups__round__title=title, working_groups__number__in=UNIT_ACCOUNT_GROUPS,
        people__isnull=False).distinct()
    return [(unit_username(unit), str(unit)) for unit in units]


def issuing_bodies_load(province) -> None:
    """The province's Tỉnh ủy and UBND tỉnh as its office sets them: the Văn phòng Tỉnh ủy
    signs the Standing Committee's notices by order, a deputy secretary its reports; the UBND's
    office head signs the notices of its chairman's conclusions by order, a vice-chairman its
    reports. The signers' names are the office's to type (Settings, "Issuing bodies"); what
    the office already set is kept."""
    for kind in IssuingBody.Kind.values:
        IssuingBody.objects.get_or_create(
            province=province, kind=kind, defaults=IssuingBody.defaults(province, kind))


@transaction.atomic
@tally.deferred()
def demo_load() -> dict:
    """Load (or load again) the whole demo; returns what was created. Its history sends no
    mail (what a user does in the demo afterwards does)."""
    with mail.muted():
        return _demo_load()


def _demo_load() -> dict:
    reference_load_langson()
    province = Province.objects.get(code=LANG_SON)
    accounts_load(province)
    issuing_bodies_load(province)
    scenario = json.loads(SCENARIO_FILE.read_text(encoding="utf-8"))
    # Loading again replaces the round rather than adding a second one.
    InspectionRound.objects.filter(province=province, title__in=[
        scenario["round"]["title_vi"], SECOND_ROUND_TITLE]).delete()
    inspection_round = InspectionRound.objects.create(
        province=province,
        title=scenario["round"]["title_vi"],
        period_start=datetime.date(2025, 8, 1),
        period_end=datetime.date(2025, 8, 31),
        convened_by="Ban Thường vụ Tỉnh ủy Lạng Sơn",
    )
    units = {
        (unit.name, unit.kind): unit
        for unit in AdministrativeUnit.objects.filter(province=province)
    }
    categories = {c.code: c for c in Category.objects.all()}
    received = Metric.objects.get(code="received_total")
    recommendations = []
    for position, group_data in enumerate(scenario["working_groups"]):
        session_units = []
        for commune in group_data["communes"]:
            unit = units[(commune["name"], UNIT_KINDS[commune["type"]])]
            if commune.get("hq") and unit.headquarters != commune["hq"]:
                unit.headquarters = commune["hq"]
                unit.save(update_fields=["headquarters"])
            session_units.append(unit)
        leader = group_data["leader"]
        group = WorkingGroup.objects.create(
            round=inspection_round, number=group_data["number"],
            leader_name=leader["name"], leader_title=leader.get("title_vi", ""),
        )
        group.units.set(session_units)
        session = Session.objects.create(
            group=group,
            date=add_working_days(FIRST_SESSION, position),
            part_of_day=group_data.get("session_part_of_day") or Session.PartOfDay.MORNING,
            venue=f"Trụ sở Đảng ủy {session_units[0]}",
            unit_side=group_data.get("commune_side_vi", ""),
            leader_assessment=group_data.get("leader_assessment_vi", ""),
            status=Session.Status.FINAL,
        )
        session.units.set(session_units)
        achievements = "\n".join(group_data.get("achievements_vi", []))
        UnitReport.objects.bulk_create(
            UnitReport(
                session=session, unit=unit, achievements=achievements,
                facilities=(f"Trụ sở {unit.get_headquarters_display()}"
                            if unit.headquarters else ""),
            )
            for unit in session_units
        )
        for figure in group_data.get("reported_figures", []):
            ReportedFigure.objects.create(
                session=session, unit=None, metric=received, month=datetime.date(2025, 7, 1),
                value=figure["value"], approximate=figure.get("approximate", False),
                note=figure.get("note_vi", ""),
            )
        for item in group_data["difficulties"]:
            difficulty = Difficulty.objects.create(
                session=session, category=categories[item["category"]], text=item["text_vi"],
                raised_jointly=True,
            )
            difficulty.units.set(session_units)
        for number, text in enumerate(group_data.get("directives_vi", [])):
            directive = Directive.objects.create(
                session=session, text=text,
                due_date=add_working_days(timezone.localdate(), 10 * (number % 3) - 5),
            )
            DirectiveFollowUp.objects.bulk_create(
                DirectiveFollowUp(
                    directive=directive, unit=unit,
                    status=(DirectiveFollowUp.Status.DONE if (number + index) % 3 == 0
                            else DirectiveFollowUp.Status.PENDING),
                    completed_on=(session.date + datetime.timedelta(days=14)
                                  if (number + index) % 3 == 0 else None),
                )
                for index, unit in enumerate(session_units)
            )
        for place in group_data.get("field_visits_vi", []):
            FieldVisit.objects.create(
                session=session, place=place,
                unit=next((u for u in session_units if place.endswith(u.name)), None),
            )
        for item in group_data["recommendations"]:
            raised_by = item["raised_by"]
            recommendation = Recommendation.objects.create(
                session=session, category=categories[item["category"]], text=item["text_vi"],
                raised_jointly=raised_by == "all",
            )
            recommendation.units.set(
                session_units if raised_by == "all"
                else [u for u in session_units if u.name in raised_by]
            )
            recommendations.append(recommendation)
    _walk_lifecycle(province, recommendations)
    account_units = [u for g in inspection_round.groups.filter(number__in=UNIT_ACCOUNT_GROUPS)
                     .prefetch_related("units") for u in g.units.all()]
    unit_accounts_load(account_units)
    _units_life(province, recommendations, inspection_round, account_units)
    return {
        "groups": inspection_round.groups.count(),
        "sessions": Session.objects.filter(group__round=inspection_round).count(),
        "units": len({u for s in Session.objects.filter(group__round=inspection_round)
                      for u in s.units.all()}),
        "difficulties": Difficulty.objects.filter(session__group__round=inspection_round).count(),
        "recommendations": len(recommendations),
        "directives": Directive.objects.filter(session__group__round=inspection_round).count(),
    }


def _units_life(province, recommendations, inspection_round, account_units):
    """What the units' staff find in the demo: the answers to what was answered or resolved,
    a report on a task waiting for the office, and a coming session of group 1 (a second
    round) to send their report before."""
    office = get_user_model().objects.get(username="vanphong")
    for recommendation in recommendations:
        recommendation.refresh_from_db()
        answers = list(recommendation.responses.filter(kind__in=("answer", "on_the_spot")))
        if recommendation.status in ("resolved", "answered_on_the_spot") and answers:
            lifecycle.answer_publish(recommendation=recommendation, by=office,
                                     text=answers[-1].text)
    follow_up = DirectiveFollowUp.objects.filter(
        directive__session__group__round=inspection_round, unit__in=account_units,
        status=DirectiveFollowUp.Status.PENDING, directive__session__group__number=9,
    ).select_related("unit").order_by("id").first()
    if follow_up:
        lifecycle.unit_directive_report(
            follow_up=follow_up, by=get_user_model().objects.get(
                username=unit_username(follow_up.unit)),
            # Whichever task it is: the demo picks the first one pending.
            text="Đã triển khai thực hiện nhiệm vụ được giao; kết quả cụ thể như báo cáo "
                 "kèm theo.",
            done_on=add_working_days(timezone.localdate(), -2))
    today = timezone.localdate()
    second = InspectionRound.objects.create(
        province=province, title=SECOND_ROUND_TITLE, period_start=today,
        period_end=today + datetime.timedelta(days=90),
        convened_by="Ban Thường vụ Tỉnh ủy Lạng Sơn")
    first_group = inspection_round.groups.get(number=1)
    group = WorkingGroup.objects.create(round=second, number=1,
                                        leader_name=first_group.leader_name,
                                        leader_title=first_group.leader_title)
    units = list(first_group.units.all())
    group.units.set(units)
    session = Session.objects.create(group=group, date=add_working_days(today, 10),
                                     venue=f"Trụ sở Đảng ủy {units[0]}")
    session.units.set(units)


def _walk_lifecycle(province, recommendations):
    """Move each demo recommendation to its planned status through the lifecycle services."""
    User = get_user_model()
    office = User.objects.get(username="vanphong")
    heads = {
        profile.department_id: profile.user
        for profile in UserProfile.objects.filter(
            department__province=province, user__groups__name=roles.DEPARTMENT_HEAD
        ).select_related("user")
    }
    routings = {
        r.category_id: r
        for r in CategoryRouting.objects.filter(province=province).prefetch_related(
            "cooperating_departments")
    }
    today = timezone.localdate()
    now = timezone.now()
    for recommendation, (target, due_offset) in zip(recommendations, STATUS_PLAN, strict=True):
        routing = routings[recommendation.category_id]
        head = heads.get(routing.lead_department_id)  # None acts as the system
        step_time = now - datetime.timedelta(days=30)

        def later(days=2):
            nonlocal step_time
            step_time += datetime.timedelta(days=days)
            return step_time

        if target == "new":
            continue
        if target == "answered_on_the_spot":
            lifecycle.recommendation_answer_on_the_spot(
                recommendation=recommendation, by=office, at=later(),
                answered_by="Giám đốc Sở Nội vụ",
                answer="Thành viên Tổ công tác trả lời trực tiếp tại buổi làm việc.",
            )
            continue
        if target == "proposed_central":
            lifecycle.recommendation_propose_central(
                recommendation=recommendation, by=office, at=later(),
                central_body="Bộ Nội vụ",
                note="Vượt thẩm quyền của tỉnh; đề xuất Bộ Nội vụ xem xét.",
            )
            continue
        lifecycle.recommendation_route(
            recommendation=recommendation, by=office, at=later(),
            lead_department=routing.lead_department,
            cooperating_departments=routing.cooperating_departments.all(),
            due_date=add_working_days(today, due_offset or 10),
            note="Chuyển theo phân công mặc định của lĩnh vực.",
        )
        if target == "routed":
            continue
        if target == "returned":
            lifecycle.recommendation_return(
                recommendation=recommendation, by=head, at=later(),
                reason="Nội dung không thuộc chức năng, nhiệm vụ của Sở; đề nghị chuyển cơ quan "
                       "khác.",
            )
            continue
        lifecycle.recommendation_accept(recommendation=recommendation, by=head, at=later())
        if target == "accepted":
            continue
        lifecycle.recommendation_start(recommendation=recommendation, by=head, at=later())
        if target == "in_progress":
            continue
        lifecycle.recommendation_resolve(
            recommendation=recommendation, by=head, at=later(),
            answer="Sở đã tham mưu UBND tỉnh giải quyết; kết quả đã thông báo cho các xã, phường.",
        )
        if target == "reopened":
            lifecycle.recommendation_reopen(
                recommendation=recommendation, by=office, at=later(),
                reason="Xã báo cáo vấn đề chưa được khắc phục dứt điểm.",
            )
