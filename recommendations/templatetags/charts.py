"""The dashboard's charts in its templates ({% load charts %}): recommendations/charts.py."""

from django import template

from .. import charts

register = template.Library()


@register.simple_tag
def month_columns(months, top, chart_id, title):
    return charts.month_columns(months, top, chart_id=chart_id, title=title)


@register.simple_tag
def rate_strip(cells, prefix, index, title):
    return charts.rate_strip(cells, chart_id=f"{prefix}-{index}", title=title)


@register.simple_tag
def stacked_bar(completion, rows, prefix, index, title):
    """One unit's bar, on the scale of the largest total among `rows`."""
    top = max((row.total for row in rows), default=0)
    return charts.stacked_bar(completion, top, chart_id=f"{prefix}-{index}", title=title)


@register.simple_tag
def months_legend():
    return charts.legend(charts.series_names(), dict(charts.SERIES))


@register.simple_tag
def completion_legend(with_central):
    names = charts.segment_names()
    names.pop("no_deadline")
    if not with_central:
        names.pop("central")
    return charts.legend(names, charts.SEGMENT_CLASSES)


@register.simple_tag
def tracking_legend():
    """The task-tracking split's parts (recommendations/tracking.py)."""
    names = charts.segment_names()
    names.pop("central")
    return charts.legend(names, charts.SEGMENT_CLASSES)


@register.filter
def month_label(month):
    return charts.month_label(month)
