"""Model fields that keep Vietnamese text consistent on every write path.

`get_prep_value` runs for save(), bulk_create(), update() and lookups alike, so text typed in a
form, imported from a file or given to a filter is always NFC.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

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


class DerivedMixin:
    """A column computed from other fields of the row on every save.

    pre_save runs in save() and bulk_create(); bulk_update() callers refresh it with
    `refresh_derived_fields`.
    """

    defaults = {"editable": False, "default": ""}

    def __init__(self, *args, source: str | tuple = "name", **kwargs):
        self.source = source
        for key, value in self.defaults.items():
            kwargs.setdefault(key, value)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, value in self.defaults.items():
            if kwargs.get(key) == value:
                kwargs.pop(key)
        return name, path, args, kwargs

    def source_text(self, instance) -> str:
        sources = (self.source,) if isinstance(self.source, str) else self.source
        return " ".join(str(getattr(instance, name) or "") for name in sources)

    def derive(self, value: str) -> str:
        raise NotImplementedError

    def pre_save(self, model_instance, add):
        value = self.derive(self.source_text(model_instance))
        setattr(model_instance, self.attname, value)
        return value


class SortKeyField(DerivedMixin, models.CharField):
    """Filled from another field with `text.sort_key`, so lists order names the Vietnamese
    way on any database."""

    # Its label is a default too, left out of migrations like the rest: admin shows the
    # column read-only.
    defaults = {**DerivedMixin.defaults, "max_length": 600, "db_index": True,
                "verbose_name": _("dictionary-order key")}

    def derive(self, value):
        return text.sort_key(value)[: self.max_length]


class PersonSortKeyField(SortKeyField):
    """Filled from a person's full name with `text.person_sort_key`: lists of people order by
    given name, then family name, the Vietnamese way."""

    def derive(self, value):
        return text.person_sort_key(value)[: self.max_length]

    def pre_save(self, model_instance, add):
        # A source that is a property of the model (UserProfile.full_name) is missing on its
        # historical copy, which keeps the value copied from the row.
        if not hasattr(model_instance, self.source):
            return getattr(model_instance, self.attname)
        return super().pre_save(model_instance, add)


class SearchTextField(DerivedMixin, models.TextField):
    """The accent-folded, lower-case text of some fields ("Thiện Tân" → "thien tan"), so that
    search is insensitive to case and diacritics on both databases. Not B-tree indexed: a
    "contains" search cannot use one, and long texts overflow it on PostgreSQL; PostgreSQL
    gets a trigram GIN index instead (migration recommendations 0005)."""

    defaults = {**DerivedMixin.defaults, "verbose_name": _("search text")}

    def derive(self, value):
        return text.fold(value)


def refresh_derived_fields(instance) -> list[str]:
    """Recompute the derived columns of `instance` (for bulk_update); returns their names."""
    names = []
    for field in instance._meta.concrete_fields:
        if isinstance(field, DerivedMixin):
            field.pre_save(instance, False)
            names.append(field.name)
    return names
