import datetime

import pytest
from django import forms
from django.db import IntegrityError, transaction
from django.utils import translation

from inspections.models import InspectionRound, Metric, ReportedFigure, WorkingGroup
from tests import factories

pytestmark = pytest.mark.django_db


def test_group_number_is_unique_in_its_round():
    group = factories.GroupFactory(number=9)
    factories.GroupFactory(number=9)  # another round
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingGroup.objects.create(round=group.round, number=9, leader_name="B")


def test_a_round_cannot_end_before_it_starts(province):
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionRound.objects.create(province=province, title="X",
                                       period_start=datetime.date(2025, 8, 31),
                                       period_end=datetime.date(2025, 8, 1))


def test_a_joint_figure_is_recorded_once_per_metric_and_month():
    session = factories.SessionFactory()
    metric = Metric.objects.get(code="received_total")
    month = datetime.date(2025, 7, 1)
    ReportedFigure.objects.create(session=session, metric=metric, month=month, value=6600)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportedFigure.objects.create(session=session, metric=metric, month=month, value=1)
    unit = factories.UnitFactory()
    ReportedFigure.objects.create(session=session, unit=unit, metric=metric, month=month, value=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportedFigure.objects.create(session=session, unit=unit, metric=metric, month=month,
                                      value=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportedFigure.objects.create(session=session, unit=unit, metric=metric,
                                      month=datetime.date(2025, 7, 15), value=6)


class SessionDateForm(forms.Form):
    date = forms.DateField()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_typed_as_dd_mm_yyyy(language):
    with translation.override(language):
        form = SessionDateForm(data={"date": "04/08/2025"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["date"] == datetime.date(2025, 8, 4)


def test_vietnamese_display_formats():
    from django.utils import formats

    with translation.override("vi"):
        assert formats.date_format(datetime.date(2025, 8, 4), "SHORT_DATE_FORMAT") == "04/08/2025"
        assert formats.number_format(6600, force_grouping=True) == "6.600"


def test_ids_are_printed_without_grouping_while_quantities_are_grouped():
    from django.template import Context, Template

    with translation.override("vi"):
        rendered = Template("{% load humanize %}{{ pk }}|{{ value|intcomma }}").render(
            Context({"pk": 11094, "value": 6600}))
    assert rendered == "11094|6.600"
