from django.urls import path

from accounts import invitation_views, two_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("session/", views.session_status, name="session"),
    path("two-factor/", two_factor_views.VerifyView.as_view(), name="two_factor_verify"),
    path("two-factor/enrol/", two_factor_views.EnrolView.as_view(), name="two_factor_enrol"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/set/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("invitations/<int:pk>/", invitation_views.invitation, name="invitation"),
    path(
        "password/set/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
