"""/api/v1/ (the portal's API, its schema and documentation) and /api/open311/v2/."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from . import open311, views

app_name = "api"

router = SimpleRouter()
router.register("rounds", views.RoundViewSet, basename="round")
router.register("groups", views.GroupViewSet, basename="group")
router.register("sessions", views.SessionViewSet, basename="session")
router.register("recommendations", views.RecommendationViewSet, basename="recommendation")
router.register("difficulties", views.DifficultyViewSet, basename="difficulty")
router.register("directives", views.DirectiveViewSet, basename="directive")
router.register("units", views.UnitViewSet, basename="unit")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("categories", views.CategoryViewSet, basename="category")

urlpatterns = [
    path("v1/", views.ApiRoot.as_view(), name="root"),
    path("v1/", include(router.urls)),
    path("v1/dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("v1/task-tracking/", views.TrackingView.as_view(), name="task_tracking"),
    path("v1/schema/", views.SchemaView.as_view(), name="schema"),
    path("v1/docs/", views.docs, name="docs"),
    path("open311/v2/services.json", open311.ServiceList.as_view(), {"format": "json"},
         name="open311_services"),
    path("open311/v2/requests.json", open311.RequestList.as_view(), {"format": "json"},
         name="open311_requests"),
    path("open311/v2/requests/<int:pk>.json", open311.RequestDetail.as_view(),
         {"format": "json"}, name="open311_request"),
    # GeoReport v2's XML, the specification's default format. Left out of the OpenAPI schema,
    # which describes JSON: the same operations, the same parameters (docs/api.md, "Open311").
    path("open311/v2/services.xml", open311.ServiceList.as_view(schema=None),
         {"format": "xml"}, name="open311_services_xml"),
    path("open311/v2/requests.xml", open311.RequestList.as_view(schema=None),
         {"format": "xml"}, name="open311_requests_xml"),
    path("open311/v2/requests/<int:pk>.xml", open311.RequestDetail.as_view(schema=None),
         {"format": "xml"}, name="open311_request_xml"),
    # Last: every other address under /api/ answers a problem (JSON), even with DEBUG on.
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
