from django.urls import path

from edile.datagov import views

app_name = "datagov"
urlpatterns = [
    path("", views.index, name="index"),
    path("datasets/new/", views.dataset_create, name="dataset_create"),
    path("datasets/<slug:slug>/", views.dataset_detail, name="dataset_detail"),
    path("datasets/<slug:slug>/edit/", views.dataset_edit, name="dataset_edit"),
    path("datasets/<slug:slug>/distributions/", views.distribution_add, name="distribution_add"),
    path("datasets/<slug:slug>/distributions/<int:pk>/download/", views.download, name="download"),
    path("datasets/<slug:slug>/distributions/<int:pk>/preview/", views.preview, name="preview"),
    path(
        "datasets/<slug:slug>/distributions/<int:pk>/edit/",
        views.distribution_edit,
        name="distribution_edit",
    ),
    path(
        "datasets/<slug:slug>/distributions/<int:pk>/dictionary/",
        views.distribution_dictionary,
        name="distribution_dictionary",
    ),
    path(
        "datasets/<slug:slug>/distributions/<int:pk>/remove/",
        views.distribution_remove,
        name="distribution_remove",
    ),
    path("datasets/<slug:slug>/downloads/", views.dataset_downloads, name="dataset_downloads"),
    path(
        "datasets/<slug:slug>/request/", views.access_request_create, name="access_request_create"
    ),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/decide/", views.access_request_decide, name="access_request_decide"),
    path("requests/<int:pk>/revoke/", views.access_request_revoke, name="access_request_revoke"),
    path(
        "requests/<int:pk>/withdraw/", views.access_request_withdraw, name="access_request_withdraw"
    ),
    path("licences/", views.licences, name="licences"),
    path("harvest/", views.harvest_upload, name="harvest"),
    path("harvest/sources/", views.harvest_sources, name="harvest_sources"),
    path("harvest/sources/<int:pk>/", views.harvest_source_detail, name="harvest_source_detail"),
    path("harvest/sources/<int:pk>/run/", views.harvest_source_run, name="harvest_source_run"),
    path("register/", views.register_index, name="register_index"),
    path("register/<slug:controller>/", views.register_detail, name="register_detail"),
    path(
        "register/<slug:controller>/new/", views.register_record_edit, name="register_record_create"
    ),
    path(
        "register/<slug:controller>/<int:pk>/edit/",
        views.register_record_edit,
        name="register_record_edit",
    ),
    path("roadmap/", views.roadmap, name="roadmap"),
    path("roadmap/actions/new/", views.action_create, name="action_create"),
    path("roadmap/actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("retention/<int:pk>/edit/", views.retention_edit, name="retention_edit"),
    path("maturity/framework/", views.maturity_framework, name="maturity_framework"),
    path("maturity/<slug:slug>/", views.maturity_city, name="maturity_city"),
    path("maturity/<slug:slug>/assess/", views.maturity_assess, name="maturity_assess"),
]
