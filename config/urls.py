from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from communes import views as communes_views
from communes.forms import LoginForm
from communes.mail import QueuedPasswordResetForm

admin.site.site_header = _("Working-group inspections portal")
admin.site.site_title = _("Inspections portal")
admin.site.index_title = _("Administration")
# Django admin sees every province: it is for the portal's administrators (superusers) only,
# whatever model permissions a role's group carries.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

# Reset links point at SITE_URL, never at whatever Host header the request carried.
_site = urlsplit(settings.SITE_URL)

urlpatterns = [
    path("", include("inspections.urls")),
    path("", include("recommendations.urls")),
    path("api/", include("recommendations.api.urls")),
    path("webhooks/", include("recommendations.webhooks.urls")),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(
            form_class=QueuedPasswordResetForm,
            extra_email_context={"domain": _site.netloc, "protocol": _site.scheme}),
        name="password_reset",
    ),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm),
         name="login"),
    # The second factor (communes/second_factor.py): the code after the password, enrolment,
    # and the user's own page.
    path("accounts/two-factor/", communes_views.second_factor, name="second_factor"),
    path("accounts/two-factor/code/", communes_views.second_factor_verify,
         name="second_factor_verify"),
    path("accounts/two-factor/setup/", communes_views.second_factor_enrol,
         name="second_factor_enrol"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
if settings.OIDC_RP_CLIENT_ID:
    # Single sign-on (communes/sso.py): its URLs, and its logout in place of Django's.
    from communes import sso

    urlpatterns[:0] = sso.urlpatterns
if settings.BENCH_FLOOR:
    from config.views import benchmark_floor

    urlpatterns.append(path("bench/floor/", benchmark_floor))

handler400 = "config.views.bad_request"

# MEDIA_ROOT is never served directly, not even in development: attachments go through
# recommendations:attachment, which checks who may see them.

# Under /api/ an unknown address or a server error answers a problem (JSON), like the API.
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
