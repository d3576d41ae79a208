"""Keep each recommendation's province on its row, for province-scoped lists and figures;
indexes for the lists' default order."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    Recommendation = apps.get_model("recommendations", "Recommendation")
    Session = apps.get_model("inspections", "Session")
    Recommendation.objects.update(province_id=Subquery(
        Session.objects.filter(pk=OuterRef("session_id")).values("group__round__province_id")[:1]
    ))


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0003_search_text"),
        ("inspections", "0003_search_text"),
        ("recommendations", "0005_search_backfill_and_trigram_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="recommendation",
            name="province",
            field=models.ForeignKey(
                null=True, editable=False, db_index=False, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="communes.province", verbose_name="province"),
        ),
        migrations.AddField(
            model_name="historicalrecommendation",
            name="province",
            field=models.ForeignKey(
                blank=True, db_constraint=False, null=True, editable=False,
                on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                to="communes.province", verbose_name="province"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="recommendation",
            name="province",
            field=models.ForeignKey(
                editable=False, db_index=False, on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="communes.province", verbose_name="province"),
        ),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(fields=["province", "due_date", "id"], name="rec_province_due_idx",
                               condition=models.Q(consolidated_into=None)),
        ),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(fields=["due_date", "id"], name="rec_due_idx",
                               condition=models.Q(consolidated_into=None)),
        ),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(fields=["province", "status", "due_date"],
                               name="rec_province_status_idx",
                               condition=models.Q(consolidated_into=None)),
        ),
        migrations.AddIndex(
            model_name="recommendation",
            index=models.Index(fields=["lead_department", "due_date", "id"],
                               name="rec_lead_due_idx"),
        ),
    ]
