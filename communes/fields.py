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


class DerivedTextField(models.CharField):
    """A column computed from other fields of the row on every save.

    pre_save runs in save() and bulk_create(); bulk_update() callers refresh it with
    `refresh_derived_fields`.
    """

    max_length_default = 600

    def __init__(self, *args, source: str | tuple = "name", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", self.max_length_default)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", self.max_length_default), ("editable", False),
                             ("db_index", True), ("default", "")):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def source_text(self, instance) -> str:
        sources = (self.source,) if isinstance(self.source, str) else self.source
        return " ".join(str(getattr(instance, name) or "") for name in sources)

    def derive(self, value: str) -> str:
        raise NotImplementedError

    def pre_save(self, model_instance, add):
        value = self.derive(self.source_text(model_instance))[: self.max_length]
        setattr(model_instance, self.attname, value)
        return value


class SortKeyField(DerivedTextField):
    """Filled from another field with `text.sort_key`, so lists order names the Vietnamese
    way on any database."""

    def derive(self, value):
        return text.sort_key(value)


class SearchTextField(DerivedTextField):
    """The accent-folded, lower-case text of some fields ("Thiện Tân" → "thien tan"), so that
    search is insensitive to case and diacritics with an indexed column on both databases
    (PostgreSQL adds a trigram index on it)."""

    max_length_default = 2000

    def derive(self, value):
        return text.fold(value)


def refresh_derived_fields(instance) -> list[str]:
    """Recompute the derived columns of `instance` (for bulk_update); returns their names."""
    names = []
    for field in instance._meta.concrete_fields:
        if isinstance(field, DerivedTextField):
            field.pre_save(instance, False)
            names.append(field.name)
    return names
