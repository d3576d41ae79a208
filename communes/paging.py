"""Long lists paged by their ids first.

A page of a list shows 25 rows with their category, session, round, departments and units. Asked
as one query with OFFSET, the database joins those tables for every row it skips: page 40 of a
department's inbox joins a thousand rows to show 25. Here the page's ids are read alone (the
filter and the sort, which an index on the list's own table serves) and then the 25 rows with
what they show, by primary key: a "deferred join". The page costs the same on page 1 and page
40, on the object nobody opened before as on the first.
"""

from django.db.models import QuerySet


class PagedByIds:
    """A queryset for django.core.paginator.Paginator: counted as it is, sliced as ids first.

    The queryset's filters and order decide which rows and in what order; its select_related
    and prefetch_related decide what each row of the page carries.
    """

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key:key + 1][0]
        ids = list(self.queryset.values_list("pk", flat=True)[key])
        # A fresh queryset of the same model with the same related reads, none of the list's
        # filters: the ids already say which rows.
        rows = self.queryset.model._base_manager.prefetch_related(
            *self.queryset._prefetch_related_lookups)
        rows.query.select_related = self.queryset.query.select_related
        by_id = rows.in_bulk(ids)
        # A row deleted between the two reads is left out rather than failing the page.
        return [by_id[pk] for pk in ids if pk in by_id]
