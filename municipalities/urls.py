from django.urls import path

from municipalities import views, views_people

app_name = "municipalities"
urlpatterns = [
    path("<str:code>/", views.overview, name="overview"),
    path("<str:code>/departments/", views.departments, name="departments"),
    path(
        "<str:code>/departments/defaults/",
        views.departments_add_defaults,
        name="departments_add_defaults",
    ),
    path("<str:code>/departments/<int:pk>/", views.department_edit, name="department_edit"),
    path("<str:code>/people/", views_people.people, name="people"),
    path(
        "<str:code>/people/<int:membership_id>/remove/",
        views_people.respondent_remove_confirm,
        name="respondent_remove",
    ),
    path(
        "<str:code>/people/<int:membership_id>/invitation/",
        views_people.invitation_resend,
        name="invitation_resend",
    ),
]
