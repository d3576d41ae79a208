"""Who signs an issuing body's documents, per document: the former single signature becomes
the report's (what it was meant for), and the conclusion notice gets its own, which is left
empty so that it takes the new default (the office head, by order)."""

import communes.fields
from django.db import migrations


def _fields():
    return [
        ("report_signer", communes.fields.NormalizedTextField(
            blank=True, verbose_name="synthesis report: capacity and title",
            help_text="One per line: “T/M BAN THƯỜNG VỤ”, “PHÓ BÍ THƯ”; or “TM. ỦY BAN NHÂN "
                      "DÂN”, “KT. CHỦ TỊCH”, “PHÓ CHỦ TỊCH”.")),
        ("report_signer_name", communes.fields.NormalizedCharField(
            blank=True, max_length=150, verbose_name="synthesis report: signer's name")),
        ("notice_signer", communes.fields.NormalizedTextField(
            blank=True, verbose_name="conclusion notice: capacity and title",
            help_text="One per line: “T/L BAN THƯỜNG VỤ”, “CHÁNH VĂN PHÒNG”; or “TL. CHỦ TỊCH”, "
                      "“CHÁNH VĂN PHÒNG”.")),
        ("notice_signer_name", communes.fields.NormalizedCharField(
            blank=True, max_length=150, verbose_name="conclusion notice: signer's name")),
    ]


class Migration(migrations.Migration):
    dependencies = [("communes", "0011_departments_in_protocol_order")]

    operations = [
        *[operation
          for model in ("issuingbody", "historicalissuingbody")
          for operation in (
              migrations.RenameField(model, "signer", "report_signer"),
              migrations.RenameField(model, "signer_name", "report_signer_name"),
              *[migrations.AlterField(model, name, field) for name, field in _fields()[:2]],
              *[migrations.AddField(model, name, field) for name, field in _fields()[2:]])],
    ]
