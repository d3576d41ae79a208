"""Give the provincial bodies of communes/data/departments.csv (the 14 of Lạng Sơn's demo and of
every province the national data set builds) the province's protocol order instead of the
alphabet: the Office of the People's Committee, then the departments in the order of Decree
45/2025/NĐ-CP, art. 8 (Nội vụ, Tư pháp, Tài chính, …, Thanh tra tỉnh), then the bodies only some
provinces have. A body of another code keeps coming after them, by name, until the office
places it on its settings page. Positions already set by an office are left as they are."""

from django.db import migrations

PROTOCOL_ORDER = [
    "VPUBND", "SNV", "STP", "STC", "SCT", "SNNMT", "SXD", "SKHCN", "SVHTTDL", "SGDDT", "SYT",
    "TTT", "SNGV", "SDTTG",
]
UNPLACED = 1000


def place(apps, schema_editor):
    Department = apps.get_model("communes", "Department")
    for position, code in enumerate(PROTOCOL_ORDER, start=1):
        Department.objects.filter(short_code=code, position=UNPLACED).update(position=position)


def unplace(apps, schema_editor):
    Department = apps.get_model("communes", "Department")
    Department.objects.filter(short_code__in=PROTOCOL_ORDER).update(position=UNPLACED)


class Migration(migrations.Migration):

    dependencies = [
        ("communes", "0010_department_protocol_order_and_list_ties"),
    ]

    operations = [
        migrations.RunPython(place, unplace),
    ]
