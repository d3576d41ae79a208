"""The recording page's POST, as a browser sends it."""

from recommendations.views.sessions import record_formsets


def as_posted(session, change=None):
    """The recording page's POST as a browser sends it when nothing is changed (disabled
    fields are not sent); `change(data)` edits it first."""
    data = {"version": session.version, "save": "1"}
    for formset in record_formsets(session).values():
        for field in formset.management_form:
            data[field.html_name] = field.value()
        for form in formset.forms:
            for field in form:
                value = field.value()
                if field.field.disabled or value in (False, []) or (
                        value is None and field.widget_type == "checkbox"):
                    continue  # not sent: disabled, an unticked box, no box ticked
                data[field.html_name] = [str(v) for v in value] if isinstance(
                    value, list | tuple) else ("on" if value is True else
                                               "" if value is None else str(value))
    if change:
        change(data)
    return data
