from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:round_pk>/groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:group_pk>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/history/", views.session_history, name="session_history"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/reopen/", views.session_reopen_view, name="session_reopen"),
    path("directives/<int:pk>/", views.directive_detail, name="directive_detail"),
    path("directives/<int:pk>/cite/", views.directive_cite_view, name="directive_cite"),
    # The register of outgoing documents (views/register.py).
    path("register/", views.register_list, name="register_list"),
    path("register/<int:pk>/", views.register_detail, name="register_detail"),
    path("register/<int:pk>/file/<slug:which>/", views.register_file, name="register_file"),
    path("register/<int:pk>/withdraw/", views.register_withdraw, name="register_withdraw"),
    path("register/<int:pk>/signed/", views.register_upload, name="register_upload"),
    path("rounds/<int:pk>/figures/", views.figures_import_view, name="figures_import"),
    # The office's settings for its province (views/settings.py).
    path("settings/", views.settings_home, name="settings"),
    path("settings/calendar/", views.calendar, name="settings_calendar"),
    path("settings/calendar/<int:pk>/", views.calendar_day, name="settings_calendar_day"),
    path("settings/departments/", views.departments, name="settings_departments"),
    path("settings/routing/", views.routing_list, name="settings_routing"),
    path("settings/routing/<int:category_pk>/", views.routing_edit,
         name="settings_routing_edit"),
    path("settings/issuers/", views.issuers, name="settings_issuers"),
    path("settings/issuers/<int:pk>/", views.issuer_edit, name="settings_issuer_edit"),
    path("settings/issuers/new/<str:kind>/", views.issuer_edit, name="settings_issuer_create"),
    path("settings/audit/", views.audit_log, name="settings_audit"),
    path("settings/users/", views.people, name="settings_people"),
    path("settings/users/new/", views.person_edit, name="settings_person_create"),
    path("settings/users/<int:pk>/", views.person_edit, name="settings_person_edit"),
]
