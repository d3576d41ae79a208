"""Long lists paged by their ids first.

A page of a list shows 25 rows with their category, session, round, departments and units. Asked
as one query with OFFSET, the database joins those tables for every row it skips: page 40 of a
department's inbox joins a thousand rows to show 25. Here the page's ids are read alone (the
filter and the sort, on the list's own table) and then the 25 rows with what they show: a
"deferred join". The rows it skips are still read, but as ids, not joined.
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

    @property
    def ordered(self) -> bool:
        # Paginator warns of an unordered list, whose pages would not hold still.
        return self.queryset.ordered

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key:key + 1][0]
        ids = list(self.queryset.values_list("pk", flat=True)[key])
        # Read through the list's own filters again: a row that left the user's scope (or was
        # deleted) between the two reads is left out rather than shown or failing the page.
        by_id = {row.pk: row for row in self.queryset.order_by().filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id]
