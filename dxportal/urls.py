from django.contrib import admin
from django.urls import include, path

from dxportal import health

urlpatterns = [
    # Exempt from the HTTPS redirect by these paths (settings.SECURE_REDIRECT_EXEMPT).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("portal.urls")),
    path("accounts/", include("accounts.urls")),
    path("m/", include("municipalities.urls")),
    path("m/", include("assessments.urls.rounds")),
    path("questionnaires/", include("assessments.urls.questionnaires")),
    path("questionnaires/", include("assessments.urls.workbooks")),
    path("catalogue/", include("frameworks.urls")),
    path("results/", include("results.urls")),
    path("results/", include("results.urls_benchmarks")),
    path("plans/", include("plans.urls")),
    path("reports/", include("reports.urls")),
    path("exports/", include("exports.urls")),
    path("audit/", include("audit.urls")),
    path("open-data/", include("opendata.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
