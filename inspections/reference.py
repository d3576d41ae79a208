"""Reference lists every installation starts with: the difficulty/recommendation categories
of the scenario and the monthly one-stop figures (Decision 766/QĐ-TTg practice). Both stay
editable in admin; seeding never overwrites what the office changed."""

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

# (code, Vietnamese name, English name, kind): counts of dossiers, and the rates the one-stop
# reports give beside them (Lạng Sơn: 87,76 % online, 99 % on time).
METRICS = [
    ("received_total", "Hồ sơ tiếp nhận", "Dossiers received", "count"),
    ("received_online", "Hồ sơ tiếp nhận trực tuyến", "Dossiers received online", "count"),
    ("received_in_person", "Hồ sơ tiếp nhận trực tiếp", "Dossiers received in person", "count"),
    ("received_by_post", "Hồ sơ tiếp nhận qua bưu chính", "Dossiers received by post", "count"),
    ("resolved_on_time", "Hồ sơ giải quyết đúng hạn", "Dossiers resolved on time", "count"),
    ("overdue", "Hồ sơ quá hạn", "Overdue dossiers", "count"),
    ("with_fee", "Hồ sơ có thu phí, lệ phí", "Dossiers with a fee", "count"),
    ("paid_online", "Hồ sơ thanh toán trực tuyến", "Dossiers paid online", "count"),
    ("online_rate", "Tỷ lệ hồ sơ trực tuyến", "Online dossier rate", "percent"),
    ("on_time_rate", "Tỷ lệ hồ sơ giải quyết đúng hạn", "On-time resolution rate", "percent"),
    ("online_payment_rate", "Tỷ lệ thanh toán trực tuyến", "Online payment rate", "percent"),
]


def reference_seed(Category, Metric) -> None:
    """Create the categories and metrics that are missing.

    Takes the model classes (the tests reseed a flushed database with it); the data
    migrations carry their own copies of the lists, as they were when each was written.
    """
    for code, name, name_en in CATEGORIES:
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_name": sort_key(name)}
        )
    for position, (code, name, name_en, kind) in enumerate(METRICS, start=1):
        Metric.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "position": position, "kind": kind})
