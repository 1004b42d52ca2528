from django.urls import path

from edile.grants import views

app_name = "grants"
urlpatterns = [
    path("", views.index, name="index"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/export.<str:fmt>", views.project_export, name="project_export"),
    path("projects/import/", views.project_import, name="project_import"),
    path("projects/<slug:reference>/", views.project_detail, name="project_detail"),
    path("calls/export.<str:fmt>", views.call_export, name="call_export"),
    path("calls/<slug:slug>/", views.call_detail, name="call_detail"),
    path("calls/<slug:slug>/apply/", views.application_new, name="application_new"),
    path("calls/<slug:slug>/ranking/", views.call_ranking, name="call_ranking"),
    path("calls/<slug:slug>/decisions/", views.call_decide, name="call_decide"),
    path("calls/<slug:slug>/reviewers/", views.reviews_assign_bulk, name="reviews_assign_bulk"),
    path("partners/export.<str:fmt>", views.partner_export, name="partner_export"),
    path("open-data/check/", views.iati_problems, name="iati_problems"),
    path("workspace/", views.workspace, name="workspace"),
    path("staff/calls/", views.staff_calls, name="staff_calls"),
    path("staff/calls/new/", views.call_form, name="call_new"),
    path("staff/calls/<slug:slug>/edit/", views.call_form, name="call_edit"),
    path("staff/partners/", views.staff_partners, name="staff_partners"),
    path("staff/partners/<slug:slug>/", views.staff_partners, name="staff_partner_edit"),
    path("staff/rates/", views.staff_rates, name="staff_rates"),
    path("applications/export.<str:fmt>", views.application_export, name="application_export"),
    path("applications/<slug:reference>/", views.application_detail, name="application_detail"),
    path("applications/<slug:reference>/edit/", views.application_edit, name="application_edit"),
    path(
        "applications/<slug:reference>/submit/", views.application_submit, name="application_submit"
    ),
    path(
        "applications/<slug:reference>/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path("applications/<slug:reference>/reviewers/", views.review_assign, name="review_assign"),
    path(
        "applications/<slug:reference>/<str:kind>/add/",
        views.application_line_add,
        name="application_line_add",
    ),
    path(
        "applications/<slug:reference>/<str:kind>/<int:pk>/remove/",
        views.application_line_remove,
        name="application_line_remove",
    ),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("grants/<int:pk>/", views.grant_detail, name="grant_detail"),
    path("grants/<int:pk>/agreement.pdf", views.grant_agreement, name="grant_agreement"),
    path(
        "grants/<int:pk>/agreement-signed/",
        views.grant_agreement_signed,
        name="grant_agreement_signed",
    ),
    path("grants/<int:pk>/<str:action>/", views.grant_action, name="grant_action"),
    path("reports/<int:pk>/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
]
