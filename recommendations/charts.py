"""The dashboard's charts, drawn on the server as SVG: no script, no chart library, nothing the
Content-Security-Policy refuses (colours come from classes in portal.css, sizes are
presentation attributes). Each chart is an image with a name and a description
(role="img", aria-labelledby its <title> and <desc>) and stands beside a table of its numbers,
each a link to the list it counts."""

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


def month_label(month) -> str:
    """8/2025: a month as Vietnamese tables write it."""
    return f"{month.month}/{month.year}"


def _n(value) -> str:
    return number_format(value, force_grouping=True)


def _svg(chart_id, width, height, title, desc, body, css_class, view_box=None):
    return format_html(
        '<svg class="{}" role="img" aria-labelledby="{}-title {}-desc" viewBox="{}" width="{}" '
        'height="{}" preserveAspectRatio="xMinYMin meet" focusable="false">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        css_class, chart_id, chart_id, view_box or f"0 0 {width} {height}", width, height,
        chart_id, title, chart_id, desc, body)


# Raised, resolved and missed per month: a group of three columns a month.
SERIES = (("raised", "s-raised"), ("resolved", "s-resolved"), ("missed", "s-missed"))
_GROUP, _BAR, _LEFT, _TOP, _PLOT, _BOTTOM = 66, 16, 44, 12, 150, 40


def series_names() -> dict:
    return {"raised": _("Raised"), "resolved": _("Resolved"),
            "missed": _("Missed the due date")}


def month_columns(months, top, *, chart_id, title) -> str:
    """The months' raised, resolved and missed, side by side, on one scale from 0 to the
    largest (its gridline labelled)."""
    names = series_names()
    width = _LEFT + _GROUP * max(len(months), 1) + 8
    height = _TOP + _PLOT + _BOTTOM
    scale = _PLOT / (top or 1)
    base = _TOP + _PLOT
    parts = [format_html(
        '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
        '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
        '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>'
        '<text class="tick" x="{}" y="{}" text-anchor="end">0</text>',
        _LEFT, base, width - 4, base, _LEFT, _TOP, width - 4, _TOP,
        _LEFT - 6, _TOP + 5, _n(top), _LEFT - 6, base + 5)]
    for index, month in enumerate(months):
        left = _LEFT + index * _GROUP + 8
        for offset, (name, css) in enumerate(SERIES):
            value = getattr(month, name)
            height_ = round(value * scale, 1)
            parts.append(format_html(
                '<rect class="{}" x="{}" y="{}" width="{}" height="{}"><title>{}: {} {}</title>'
                '</rect>', css, left + offset * (_BAR + 2), round(base - height_, 1), _BAR,
                height_, month_label(month.start), names[name], _n(value)))
        parts.append(format_html(
            '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>',
            left + (3 * _BAR + 4) / 2, base + 20, month_label(month.start)))
    desc = "; ".join(
        _("%(month)s: %(raised)s raised, %(resolved)s resolved, %(missed)s missed") % {
            "month": month_label(month.start), "raised": _n(month.raised),
            "resolved": _n(month.resolved), "missed": _n(month.missed)}
        for month in months) or _("None.")
    return _svg(chart_id, width, height, title, desc, mark_safe("".join(parts)),
                "chart months")


def rate_strip(cells, *, chart_id, title) -> str:
    """A body's on-time rate month by month: a column from 0 to 100 % for each month it
    resolved anything, a short dash where it resolved nothing."""
    step, height = 22, 44
    width = step * max(len(cells), 1)
    parts = [format_html('<line class="axis" x1="0" y1="{}" x2="{}" y2="{}"></line>',
                         height - 2, width, height - 2)]
    described = []
    for index, cell in enumerate(cells):
        x = index * step + 3
        label = month_label(cell.month.start)
        if cell.rate is None:
            parts.append(format_html(
                '<rect class="none" x="{}" y="{}" width="16" height="2"></rect>', x, height - 6))
            described.append(_("%(month)s: nothing resolved") % {"month": label})
            continue
        bar = max(round(cell.rate * (height - 4) / 100, 1), 1)
        text = _("%(month)s: %(rate)s %% on time (%(on_time)s of %(resolved)s)") % {
            "month": label, "rate": cell.rate, "on_time": _n(cell.on_time),
            "resolved": _n(cell.resolved)}
        described.append(text)
        parts.append(format_html(
            '<rect class="{}" x="{}" y="{}" width="16" height="{}"><title>{}</title></rect>',
            "rate-low" if cell.rate < 50 else "rate", x, round(height - 2 - bar, 1), bar, text))
    return _svg(chart_id, width, height, title, "; ".join(described) or _("None."),
                mark_safe("".join(parts)), "chart rate-strip")


SEGMENT_CLASSES = {"on_time": "c-on-time", "late": "c-late", "pending": "c-pending",
                   "overdue": "c-overdue", "central": "c-central",
                   "no_deadline": "c-no-deadline"}


def segment_names() -> dict:
    return {"on_time": _("Completed on time"), "late": _("Completed late"),
            "pending": _("Not completed, within the deadline"),
            "overdue": _("Not completed, overdue"),
            "central": _("Proposed to central level"), "no_deadline": _("No deadline")}


def stacked_bar(completion, top, *, chart_id, title) -> str:
    """A unit's split as one bar, its parts in the split's order, its length that of the
    unit's total against the largest of the table (`top`)."""
    names = segment_names()
    width, height = 200, 14
    scale = width / (top or 1)
    parts, left, described = [], 0.0, []
    for name, count in completion.segments():
        if count:
            size = round(count * scale, 2)
            parts.append(format_html(
                '<rect class="{}" x="{}" y="0" width="{}" height="{}"><title>{}: {}</title>'
                '</rect>', SEGMENT_CLASSES[name], round(left, 2), size, height, names[name],
                _n(count)))
            left += size
            described.append(f"{names[name]}: {_n(count)}")
    return _svg(chart_id, width, height, title, "; ".join(described) or _("None."),
                mark_safe("".join(parts)), "chart stacked")


def legend(names, classes) -> str:
    return format_html('<ul class="legend">{}</ul>', format_html_join(
        "", '<li><span class="swatch {}"></span>{}</li>',
        ((classes[key], label) for key, label in names.items())))
