from django.shortcuts import render
from django.views import defaults

from communes.decorators import read_only
from recommendations.api.problems import problem_response

API_PREFIX = "/api/"


@read_only
def benchmark_floor(request):
    """The benchmark's floor: a small template from one indexed query, under the same
    settings and middleware as every page (only routed when BENCH_FLOOR is set)."""
    from communes.models import Province

    return render(request, "bench_floor.html", {"province": Province.objects.filter(
        code=request.GET.get("code", "20")).first()})


def bad_request(request, exception=None):
    """400 in the portal's layout and language (Django's own renders the template without the
    request, so without the layout's navigation and language)."""
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    """The CSRF failure page in the portal's language and layout, not Django's English one."""
    return render(request, "403_csrf.html", status=403)


def page_not_found(request, exception):
    if request.path.startswith(API_PREFIX):
        return problem_response(request, 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith(API_PREFIX):
        return problem_response(request, 500)
    return defaults.server_error(request)
