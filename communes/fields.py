"""Model fields that keep Vietnamese text consistent on every write path.

`get_prep_value` runs for save(), bulk_create(), update() and lookups alike, so text typed in a
form, imported from a file or given to a filter is always NFC.
"""

from django.db import models

from . import text


class _NormalizedMixin:
    def to_python(self, value):
        value = super().to_python(value)
        return text.normalize(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return text.normalize(value) if isinstance(value, str) else value


class NormalizedCharField(_NormalizedMixin, models.CharField):
    """A CharField stored in Unicode NFC."""


class NormalizedTextField(_NormalizedMixin, models.TextField):
    """A TextField stored in Unicode NFC."""


class SortKeyField(models.CharField):
    """Filled from another field with `text.sort_key`, so lists order names the Vietnamese way.

    pre_save runs in save() and bulk_create(), so imports keep it right without extra code.
    """

    def __init__(self, *args, source: str = "name", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 600)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 600), ("editable", False), ("db_index", True)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = text.sort_key(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value
