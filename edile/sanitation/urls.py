from django.urls import path

from edile.sanitation import views

app_name = "sanitation"

urlpatterns = [
    path("", views.index, name="index"),
    path("city/<slug:slug>/", views.city_dashboard, name="dashboard"),
    path("city/<slug:slug>/requests/", views.request_list, name="request_list"),
    path("city/<slug:slug>/requests.<str:fmt>", views.request_export, name="request_export"),
    path("city/<slug:slug>/containments/", views.containment_list, name="containment_list"),
    path(
        "city/<slug:slug>/containments.<str:fmt>",
        views.containment_export,
        name="containment_export",
    ),
    path(
        "city/<slug:slug>/containments/<int:pk>/",
        views.containment_detail,
        name="containment_detail",
    ),
    path("city/<slug:slug>/schedule/", views.schedule, name="schedule"),
    path("city/<slug:slug>/schedule.<str:fmt>", views.schedule_export, name="schedule_export"),
    path("city/<slug:slug>/fleet/", views.fleet, name="fleet"),
    path("city/<slug:slug>/registry/<slug:kind>/", views.registry_list, name="registry_list"),
    path(
        "city/<slug:slug>/registry/<slug:kind>.<str:fmt>",
        views.registry_export,
        name="registry_export",
    ),
    path("city/<slug:slug>/registry/<slug:kind>/new/", views.registry_edit, name="registry_new"),
    path(
        "city/<slug:slug>/registry/<slug:kind>/<int:pk>/",
        views.registry_edit,
        name="registry_edit",
    ),
    path("city/<slug:slug>/flags/", views.flag_list, name="flag_list"),
    path("city/<slug:slug>/flags.<str:fmt>", views.flag_export, name="flag_export"),
    path("flags/<int:pk>/resolve/", views.flag_resolve, name="flag_resolve"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/emptying/", views.emptying_new, name="emptying_new"),
    path("requests/<int:pk>/<slug:action>/", views.request_act, name="request_act"),
    path("jobs/", views.jobs, name="jobs"),
    path("plant/", views.plant, name="plant"),
    path("plant/<int:pk>/", views.plant, name="plant_site"),
    path("sfd/<int:pk>/", views.study_detail, name="study_detail"),
    path("sfd/<int:pk>/graphic.<str:fmt>", views.study_graphic, name="study_graphic"),
    path("sfd/<int:pk>/matrix/", views.study_matrix, name="study_matrix"),
    path("sfd/<int:pk>/propose/", views.study_propose, name="study_propose"),
    path("sfd/variables/<int:pk>/confirm/", views.variable_confirm, name="variable_confirm"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme_detail"),
]
