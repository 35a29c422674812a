from django.urls import path

from municipalities import views

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
]
