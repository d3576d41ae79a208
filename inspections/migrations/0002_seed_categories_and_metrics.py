"""Seed the categories and the first eight monthly metrics, as they were when this migration
was written (inspections/reference.py holds today's lists)."""

from django.db import migrations

from communes.text import sort_key

CATEGORIES = [
    ("staffing", "Tổ chức bộ máy, biên chế, cán bộ", "Organisation, headcount and staff"),
    ("training", "Đào tạo, bồi dưỡng", "Training and skills"),
    ("facilities", "Trụ sở, cơ sở vật chất", "Headquarters and premises"),
    ("equipment", "Trang thiết bị, phương tiện", "Equipment and vehicles"),
    ("it_digital", "Hạ tầng CNTT, phần mềm, chuyển đổi số",
     "IT infrastructure, software, digital transformation"),
    ("telecom_power", "Sóng viễn thông, điện lưới", "Phone signal and electricity"),
    ("transport", "Giao thông", "Roads and transport"),
    ("legal_guidance", "Văn bản hướng dẫn, thể chế", "Legal framework and guidance documents"),
    ("budget", "Kinh phí, ngân sách", "Funding and budget"),
    ("admin_procedures", "Thủ tục hành chính, dịch vụ công",
     "Administrative procedures and public services"),
]
METRICS = [
    ("received_total", "Hồ sơ tiếp nhận", "Dossiers received"),
    ("received_online", "Hồ sơ tiếp nhận trực tuyến", "Dossiers received online"),
    ("received_in_person", "Hồ sơ tiếp nhận trực tiếp", "Dossiers received in person"),
    ("received_by_post", "Hồ sơ tiếp nhận qua bưu chính", "Dossiers received by post"),
    ("resolved_on_time", "Hồ sơ giải quyết đúng hạn", "Dossiers resolved on time"),
    ("overdue", "Hồ sơ quá hạn", "Overdue dossiers"),
    ("with_fee", "Hồ sơ có thu phí, lệ phí", "Dossiers with a fee"),
    ("paid_online", "Hồ sơ thanh toán trực tuyến", "Dossiers paid online"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("inspections", "Category")
    Metric = apps.get_model("inspections", "Metric")
    for code, name, name_en in CATEGORIES:
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_name": sort_key(name)})
    for position, (code, name, name_en) in enumerate(METRICS, start=1):
        Metric.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position})


def unseed(apps, schema_editor):
    apps.get_model("inspections", "Metric").objects.filter(
        code__in=[c for c, *_ in METRICS]).delete()
    apps.get_model("inspections", "Category").objects.filter(
        code__in=[c for c, *_ in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
