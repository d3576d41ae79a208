"""The search page (recommendations/search.py does the searching)."""

from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from communes.cache import page_part_key
from communes.decorators import read_only, scoped_reader_required
from communes.pages import cached_page

from ..search import MIN_LENGTH, search, searchable


@read_only
@scoped_reader_required
@cached_page()
def search_view(request):
    """One box over units, recommendations, difficulties, directives and unit reports."""
    query = request.GET.get("q", "").strip()[:100]
    return render(request, "recommendations/search.html", {
        "query": query, "too_short": bool(query) and not searchable(query),
        # Searched only when the results are not in the cache (communes/cache.py).
        "searching": searchable(query),
        "results": SimpleLazyObject(lambda: search(request.user, query)),
        "cache_key": page_part_key(request.user, query),
        "min_length": MIN_LENGTH,
    })
