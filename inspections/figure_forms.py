"""Monthly figures as they are typed: a month (mm/yyyy), values checked against their metric's
kind, and the two tables they are typed in, like a spreadsheet (static/js/grid.js):

- on the recording page, one grid per month: the session's units down (and a row for the
  figures they reported jointly), the metrics across;
- on a unit's page before a session, one table for the month: a row per metric.

Each table is one form whose month is chosen once for all its cells; a cell is a value, an
"estimate" mark and a note, stored as one ReportedFigure (or SubmittedFigure) when it has a
value. Only the cells that changed are written.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from communes.forms import VietnameseNumberField
from communes.numbers import format_number
from communes.text import normalize

from .models import Metric, ReportedFigure


class MonthField(forms.DateField):
    """A month typed as mm/yyyy (07/2025), stored as its first day."""

    input_formats = ["%m/%Y", "%d/%m/%Y", "%Y-%m-%d", "%Y-%m"]
    default_error_messages = {"invalid": _("Enter a month as mm/yyyy, for example 07/2025.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(format="%m/%Y",
                                                    attrs={"placeholder": _("mm/yyyy")}))
        kwargs.setdefault("help_text", _("Month and year, for example 07/2025."))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if value else value

    def validate(self, value):
        super().validate(value)
        problem = month_problem(value)
        if problem:
            raise forms.ValidationError(problem, code="month")


def month_problem(month) -> str | None:
    """Why a figure cannot be of `month` (its first day): before 2000, or a month that has
    not come yet (figures are results). The import checks its months the same way."""
    if month is None:
        return None
    if month.year < 2000:
        return _("%(month)s is before 2000: check the year.") % {"month": f"{month:%m/%Y}"}
    if month > timezone.localdate().replace(day=1):
        return _("%(month)s has not come yet: figures are for this month or months past.") % {
            "month": f"{month:%m/%Y}"}
    return None


def figure_kind_problem(metric, value) -> str | None:
    """What is wrong with `value` for `metric`'s kind: a count is whole, a rate at most 100."""
    if metric is None or value is None:
        return None
    if metric.kind == Metric.Kind.COUNT and value != value.to_integral_value():
        return _("%(metric)s is a count: give a whole number.") % {"metric": metric}
    if metric.kind == Metric.Kind.PERCENT and value > 100:
        return _("%(metric)s is a percentage: at most 100.") % {"metric": metric}
    return None


def add_figure_errors(form, cleaned) -> None:
    """A figure's value against its metric's kind, and its month (a month field of admin's
    is a plain date): in admin, as in the tables below and the import."""
    problem = figure_kind_problem(cleaned.get("metric"), cleaned.get("value"))
    if problem:
        form.add_error("value", problem)
    problem = "month" not in form.errors and month_problem(cleaned.get("month"))
    if problem:
        form.add_error("month", problem)


def previous_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def usual_month(day: datetime.date) -> datetime.date:
    """The month a unit reports at a meeting on `day`: the month before it (the last one
    complete), and never a month to come."""
    return previous_month(min(day, timezone.localdate()))


def month_label(month: datetime.date) -> str:
    return date_format(month, "m/Y")


# The cells of a table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A row of a grid: one unit, or the figures the session's units reported jointly."""

    key: str
    unit_id: int | None
    label: str


JOINT = "j"


@dataclass
class Cell:
    """What the template draws for one unit (or the joint row) and one metric."""

    row: Row
    metric: Metric
    value: object
    estimate: object
    note: object
    errors: list
    hint: str
    from_unit: bool
    sent: str
    disabled: bool
    # What the unit sent, as the page writes numbers: grid.js marks the cell while its value
    # is that one.
    unit_value: str = ""


class _Shown:
    """A field as the page shows it: its name, id and value (what was typed, on a refused
    save), without a widget template per cell (a grid has hundreds)."""

    def __init__(self, form, name):
        self.name = form.add_prefix(name)
        self.id = f"id_{self.name}"
        self._form, self._field_name = form, name

    def value(self):
        form, name = self._form, self._field_name
        field = form.fields[name]
        if form.is_bound and not field.disabled:
            typed = field.widget.value_from_datadict(form.data, form.files, self.name)
            return typed if typed is not None else ""
        value = field.prepare_value(form.initial.get(name, field.initial))
        return "" if value is None else value


class FigureCellsForm(forms.Form):
    """A month chosen once and, for each row and metric, a value, an estimate mark and a
    note. A cell needs a value for its mark or note; a value needs the month."""

    month = MonthField(label=_("Month"), required=False)
    # The month the table was read at: the figures it holds, whatever month it is given now.
    was = forms.DateField(widget=forms.HiddenInput, required=False,
                          input_formats=["%Y-%m-%d", "%m/%Y"])

    def __init__(self, *args, rows, metrics, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows, self.metrics = rows, metrics
        # Three field objects serve every cell: a page holds hundreds of cells, and the fields
        # keep nothing of a cell's own.
        value = VietnameseNumberField(decimal_places=2, min_value=0, required=False,
                                      help_text="")
        estimate = forms.BooleanField(required=False)
        note = forms.CharField(required=False)
        for _row, _metric, key in self.cells_keys():
            self.fields[f"v{key}"], self.fields[f"e{key}"], self.fields[f"n{key}"] = (
                value, estimate, note)
        self.original_month = self._original_month()
        self.initial["was"] = self.original_month
        self.initial.setdefault("month", self.original_month)

    def _original_month(self):
        if not self.is_bound:
            return self.initial.get("was")
        try:
            return self.fields["was"].clean(self.data.get(self.add_prefix("was")))
        except forms.ValidationError:
            return None

    def cells_keys(self):
        for row in self.rows:
            for metric in self.metrics:
                yield row, metric, f"{row.key}_{metric.pk}"

    def set_cell(self, key, *, value, approximate, note):
        self.initial.update({f"v{key}": value, f"e{key}": approximate, f"n{key}": note})

    def clean(self):
        cleaned = super().clean()
        typed = False
        for _row, metric, key in self.cells_keys():
            value = cleaned.get(f"v{key}")
            if value is None and f"v{key}" in self.errors:
                typed = True
            elif value is None:
                if cleaned.get(f"e{key}") or cleaned.get(f"n{key}"):
                    self.add_error(f"v{key}", _(
                        "Give the value, or clear its estimate mark and its note."))
            else:
                typed = True
                problem = figure_kind_problem(metric, value)
                if problem:
                    self.add_error(f"v{key}", problem)
        if typed and not cleaned.get("month") and "month" not in self.errors:
            self.add_error("month", _("Give the month of these figures."))
        return cleaned

    def values(self):
        """(row, metric, value, estimate, note) of every cell with a value."""
        for row, metric, key in self.cells_keys():
            value = self.cleaned_data.get(f"v{key}")
            if value is not None:
                yield (row, metric, value, self.cleaned_data.get(f"e{key}", False),
                       normalize(self.cleaned_data.get(f"n{key}", "")))

    @property
    def holds_figures(self) -> bool:
        """Whether the table, as it will be saved, holds a figure of its month."""
        if self.cleaned_data:
            return any(True for _cell in self.values())
        return any(self.initial.get(f"v{key}") is not None for *_rest, key in self.cells_keys())

    @property
    def hint_month(self) -> str:
        """The month of the hints under the cells: the one before the table's."""
        month = self.original_month or self.initial.get("month")
        return month_label(previous_month(month)) if month else ""

    @property
    def shown_month(self):
        """The table's month as it is saved: the one typed, or the one it was read at."""
        return self.cleaned_data.get("month") if self.cleaned_data else self.original_month

    def cell(self, row, metric, key, *, hint="", from_unit=False, sent="", unit_value=""):
        errors = self.errors.get(f"v{key}", []) if self.is_bound else []
        return Cell(row=row, metric=metric, value=_Shown(self, f"v{key}"),
                    estimate=_Shown(self, f"e{key}"), note=_Shown(self, f"n{key}"),
                    errors=errors, hint=hint, from_unit=from_unit, sent=sent,
                    disabled=self.fields[f"v{key}"].disabled, unit_value=unit_value)

    def shown_number(self, key):
        """A cell's value as the page shows it: what was typed on a refused save (None if it
        could not be read), else the value the table was read with."""
        if self.is_bound and getattr(self, "cleaned_data", None):
            return self.cleaned_data.get(f"v{key}")
        return self.initial.get(f"v{key}")

    def error_list(self):
        """(cell id, what it is, message) of every error, for the page's summary."""
        names = {f"v{key}": f"{row.label} – {metric.name}" for row, metric, key in
                 self.cells_keys()}
        names["month"] = str(self.fields["month"].label)
        return [(f"id_{self.add_prefix(name)}", names.get(name, ""), message)
                for name, messages in self.errors.items() for message in messages]


# The recording page: one grid per month -------------------------------------------------------


@dataclass
class SessionFigures:
    """What a session's grids are built from, read once for all of them: the rows, the
    metrics, the figures recorded, those the units sent (for units and months not recorded
    yet) and the units' figures of the months before, as hints."""

    rows: list
    metrics: list
    recorded: dict  # month -> {(unit_id, metric_id): ReportedFigure}
    sent: dict  # month -> {(unit_id, metric_id): SubmittedFigure}
    earlier: dict  # (month, unit_id, metric_id) -> value recorded for the unit
    default_month: datetime.date

    def months(self) -> list:
        return sorted(set(self.recorded) | set(self.pending_months()))

    def pending_months(self):
        """Months for which a unit sent figures the office has not recorded for it yet."""
        for month, cells in self.sent.items():
            recorded_units = {unit_id for unit_id, _metric in self.recorded.get(month, {})}
            if any(unit_id not in recorded_units for unit_id, _metric in cells):
                yield month


def session_figures(session, *, units, metrics, submissions) -> SessionFigures:
    """The figures of `session`'s grids. `units` are (pk, name) of the session's units,
    `submissions` the units' reports before it with their figures prefetched."""
    recorded, extra_units = {}, {}
    unit_ids = {pk for pk, _name in units}
    for figure in session.figures.select_related("unit"):
        recorded.setdefault(figure.month, {})[(figure.unit_id, figure.metric_id)] = figure
        if figure.unit_id is not None and figure.unit_id not in unit_ids:
            extra_units[figure.unit_id] = str(figure.unit)  # recorded before it left
    sent = {}
    for submission in submissions:
        for figure in submission.figures.all():
            sent.setdefault(figure.month, {})[(submission.unit_id, figure.metric_id)] = figure
    rows = [Row(str(pk), pk, name) for pk, name in [*units, *extra_units.items()]]
    rows.append(Row(JOINT, None, str(_("Joint figure of the units"))))
    default = usual_month(session.date)
    months = {*recorded, *sent, default}
    earlier = {}
    for unit_id, metric_id, month, value in ReportedFigure.objects.filter(
            unit_id__in=[row.unit_id for row in rows if row.unit_id],
            month__in={previous_month(month) for month in months}).order_by(
            "session__date", "pk").values_list("unit_id", "metric_id", "month", "value"):
        earlier[(month, unit_id, metric_id)] = value  # the latest session's, when several
    return SessionFigures(rows=rows, metrics=metrics, recorded=recorded, sent=sent,
                          earlier=earlier, default_month=default)


class FigureGridForm(FigureCellsForm):
    """One month of a session's figures: units down, metrics across. A grid left as it was
    is not checked again, and its cells are not written."""

    def __init__(self, *args, figures: SessionFigures, **kwargs):
        self.figures = figures
        super().__init__(*args, rows=figures.rows, metrics=figures.metrics, **kwargs)
        month = self.original_month
        self.existing = figures.recorded.get(month, {}) if month else {}
        sent = figures.sent.get(month, {}) if month else {}
        recorded_units = {unit_id for unit_id, _metric in self.existing}
        self.sent_cells = sent
        # Cells shown from what a unit sent, not yet recorded: saved as they stand, changed or
        # not (clear a cell to leave it out).
        self.pending = set()
        for row, metric, key in self.cells_keys():
            figure = self.existing.get((row.unit_id, metric.pk))
            if figure is None and row.unit_id not in recorded_units:
                # What the unit sent, for a unit whose figures of this month the office has
                # not recorded yet (once it has, the unit's are taken in).
                figure = sent.get((row.unit_id, metric.pk))
                if figure is not None:
                    self.pending.add(key)
            if figure is not None:
                self.set_cell(key, value=figure.value, approximate=figure.approximate,
                              note=figure.note)

    def has_changed(self):
        return bool(self.pending) or super().has_changed()

    def full_clean(self):
        """A grid left as it was needs no checking and is not written: a big session's page
        posts hundreds of cells."""
        if self.is_bound and not self.has_changed():
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def grid_rows(self):
        """[(row, [cell, …]), …] for the template."""
        month = self.original_month or self.initial.get("month")
        before = previous_month(month) if month else None
        earlier, recorded_before = self.figures.earlier, self.figures.recorded.get(before, {})
        cells = {}
        for row, metric, key in self.cells_keys():
            # Marked as the unit's while it is what the unit sent: not a value the office
            # typed over it on a save that was refused.
            value = self.shown_number(key)
            hint = earlier.get((before, row.unit_id, metric.pk)) if row.unit_id else None
            if hint is None and row.unit_id is None:
                figure = recorded_before.get((None, metric.pk))
                hint = figure.value if figure else None
            sent = self.sent_cells.get((row.unit_id, metric.pk))
            from_unit = sent is not None and value is not None and sent.value == value
            cells.setdefault(row, []).append(self.cell(
                row, metric, key, hint="" if hint is None else format_number(hint),
                from_unit=from_unit,
                sent="" if sent is None or from_unit else format_number(sent.value),
                unit_value="" if sent is None else format_number(sent.value)))
        return list(cells.items())



class BaseFigureGridFormSet(forms.BaseFormSet):
    """The session's grids, one per month: those recorded, those the units sent figures for,
    or one for the usual month when there are none; "Add a month" adds one more."""

    def __init__(self, *args, session, figures: SessionFigures, **kwargs):
        self.session = session
        self.figures = figures
        months = figures.months() or [None]
        kwargs.setdefault("initial", [{"was": month, "month": month or figures.default_month}
                                      for month in months])
        kwargs["form_kwargs"] = {"figures": figures}
        super().__init__(*args, **kwargs)

    @property
    def recorded_count(self) -> int:
        return sum(len(cells) for cells in self.figures.recorded.values())

    def clean(self):
        held, taken = set(), {}
        for form in self.forms:
            if form.original_month is not None and form.original_month in held:
                raise forms.ValidationError(_(
                    "Two tables hold the same month's figures: reload the page (what you "
                    "typed is kept on this computer)."))
            held.add(form.original_month)
        for form in self.forms:
            month = form.shown_month
            if month is None or not form.holds_figures:
                continue
            if month in taken:
                form.add_error("month", _(
                    "The figures of %(month)s are already in a table above: type them there.")
                    % {"month": month_label(month)})
            taken[month] = form

    def save(self):
        """Write the cells that changed: a value cleared deletes its figure, a grid given
        another month moves its figures there. Cells left as they were are not written."""
        deleted, updated, created = [], [], []
        for form in self.forms:
            if not form.cleaned_data:
                continue  # left as it was
            month = form.cleaned_data.get("month")
            kept = set()
            for row, metric, value, approximate, note in form.values():
                figure = form.existing.get((row.unit_id, metric.pk))
                if figure is None or figure.month != month:
                    created.append(ReportedFigure(
                        session=self.session, unit_id=row.unit_id, metric=metric, month=month,
                        value=value, approximate=approximate, note=note))
                    continue
                kept.add(figure.pk)
                if (figure.value, figure.approximate, figure.note) != (value, approximate, note):
                    figure.value, figure.approximate, figure.note = value, approximate, note
                    updated.append(figure)
            deleted += [f for f in form.existing.values() if f.pk not in kept]
        # Deleted first: a grid moved to another month makes room for the one moved into its.
        for figure in deleted:
            figure.delete()  # one by one, so that the history records each
        for figure in updated:
            figure.save(update_fields=["value", "approximate", "note"])
        bulk_create_with_history(created, ReportedFigure)
        return [*updated, *created]


FigureGridFormSet = forms.formset_factory(FigureGridForm, formset=BaseFigureGridFormSet,
                                          extra=0, can_delete=False)


# A unit's figures before a session: one table, a row per metric ----------------------------


class MonthChoiceForm(forms.Form):
    """Which month's table the unit's page opens (a GET form, and ?month= of its links)."""

    month = MonthField(label=_("Open the table of another month"), help_text="")


class UnitFiguresForm(FigureCellsForm):
    """What a unit sends for one month: every metric in one table, with its figure of the
    month before as a hint. Sending again replaces that month's figures. A table holds one
    month's: it is opened on a month (the page's ?month=), and an empty one may be given
    another month; one that holds a month's figures may not, nor may a month already sent
    be typed over from another table (each would put one month's figures under another's
    name, or drop them)."""

    def __init__(self, *args, unit, metrics, sent: dict, month, earlier: dict, **kwargs):
        """`sent`: month -> {metric_id: SubmittedFigure} already sent; `earlier`: metric_id
        -> the unit's figure of the month before `month`."""
        kwargs.setdefault("initial", {"was": month, "month": month})
        super().__init__(*args, rows=[Row("u", unit.pk, str(unit))], metrics=metrics,
                         **kwargs)
        self.earlier, self.sent = earlier, sent
        for _row, metric, key in self.cells_keys():
            figure = sent.get(self.original_month, {}).get(metric.pk)
            if figure is not None:
                self.set_cell(key, value=figure.value, approximate=figure.approximate,
                              note=figure.note)

    def table_rows(self):
        return [self.cell(row, metric, key, hint="" if self.earlier.get(metric.pk) is None
                          else format_number(self.earlier[metric.pk]))
                for row, metric, key in self.cells_keys()]

    def clean(self):
        cleaned = super().clean()
        month, was = cleaned.get("month"), self.original_month
        if month and was and month != was:
            if self.sent.get(was):
                self.add_error("month", _(
                    "This table holds the figures sent for %(was)s. To send another month, "
                    "open that month's table (below the table).") % {"was": month_label(was)})
            elif self.sent.get(month):
                self.add_error("month", _(
                    "The figures of %(month)s were already sent: open that month's table "
                    "(below the table) to change them.") % {"month": month_label(month)})
        return cleaned

    def figures(self) -> list[dict]:
        """The cells with a value, as unit_submission_save takes them."""
        month = self.cleaned_data.get("month")
        return [{"metric": metric, "month": month, "value": value, "approximate": approximate,
                 "note": note} for _row, metric, value, approximate, note in self.values()]

    def months(self) -> set:
        """The month whose figures this table replaces: the one it is sent for (a table
        given another month held none, clean() sees to it)."""
        month = self.cleaned_data.get("month")
        return {month} if month else set()
