from django.urls import path

from edile.observatory import views

app_name = "observatory"
urlpatterns = [
    path("", views.index, name="index"),
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/import/", views.incident_import, name="incident_import"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/duplicates/", views.duplicate_list, name="duplicate_list"),
    path("incidents/merge/", views.incident_merge, name="incident_merge"),
    path(
        "incidents/merges/<int:merge_id>/undo/",
        views.incident_merge_undo,
        name="incident_merge_undo",
    ),
    path("incidents/publication/", views.incident_publication, name="incident_publication"),
    path("incidents/<str:reference>/", views.incident_detail, name="incident_detail"),
    path("incidents/<str:reference>/edit/", views.incident_edit, name="incident_edit"),
    path(
        "incidents/<str:reference>/status/",
        views.incident_transition,
        name="incident_transition",
    ),
    path("incidents/<str:reference>/publish/", views.incident_publish, name="incident_publish"),
    path("incidents/<str:reference>/preview/", views.incident_preview, name="incident_preview"),
    path(
        "incidents/<str:reference>/victims/<int:victim_id>/",
        views.victim_edit,
        name="victim_edit",
    ),
    path("incidents/<str:reference>/victims/", views.victim_add, name="victim_add"),
    path("incidents/<str:reference>/acts/", views.act_add, name="act_add"),
    path("incidents/<str:reference>/witnesses/", views.witness_add, name="witness_add"),
    path("incidents/<str:reference>/sources/", views.source_add, name="source_add"),
    path("incidents/<str:reference>/follow-ups/", views.follow_up_add, name="follow_up_add"),
    path(
        "incidents/<str:reference>/<str:kind>/<int:part_id>/",
        views.part_edit,
        name="part_edit",
    ),
    path("report/", views.report_create, name="report_create"),
    path("report/thanks/", views.report_thanks, name="report_thanks"),
    path("report/mine/", views.my_reports, name="my_reports"),
    path("triage/", views.report_queue, name="report_queue"),
    path("triage/<int:report_id>/", views.report_triage, name="report_triage"),
    path("access-log/", views.access_log, name="access_log"),
    path("statistics/", views.statistics, name="statistics"),
    path("map/", views.incident_map, name="map"),
    path("annual-report/<int:year>/", views.annual_report, name="annual_report"),
    path("annual-report/<int:year>.pdf", views.annual_report_pdf, name="annual_report_pdf"),
    path("legal-benchmark/", views.benchmark, name="benchmark"),
    path("legal-benchmark/countries/", views.benchmark_country_add, name="benchmark_country_add"),
    path("legal-benchmark/<str:country>/", views.benchmark_country, name="benchmark_country"),
    path("legal-benchmark/scores/<int:score_id>/edit/", views.score_edit, name="score_edit"),
]
