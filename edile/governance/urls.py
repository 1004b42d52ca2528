from django.urls import path

from edile.governance import views, views_elections, views_report, views_setup

app_name = "governance"
urlpatterns = [
    path("", views.index, name="index"),
    path("bodies/<slug:slug>/", views.body_detail, name="body_detail"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<slug:slug>/attendance/", views.attendance_record, name="attendance_record"),
    path("meetings/<slug:slug>/roll/", views.session_roll, name="session_roll"),
    path("meetings/<slug:slug>/roll/mark/", views.session_roll_mark, name="session_roll_mark"),
    path(
        "meetings/<slug:slug>/roll/carry-over/",
        views.session_roll_carry_over,
        name="session_roll_carry_over",
    ),
    path("meetings/<slug:slug>/quorum/", views.session_quorum, name="session_quorum"),
    path("meetings/<slug:slug>/proxies/", views.proxy_grant, name="proxy_grant"),
    path("meetings/<slug:slug>/minutes/", views.minutes, name="minutes"),
    path("meetings/<slug:slug>/minutes/generate/", views.minutes_generate, name="minutes_generate"),
    path("meetings/<slug:slug>/minutes/edit/", views.minutes_edit, name="minutes_edit"),
    path("meetings/<slug:slug>/minutes/approve/", views.minutes_approve, name="minutes_approve"),
    path("meetings/<slug:slug>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("congresses/<slug:slug>/register/", views.register, name="register"),
    path("congresses/<slug:slug>/participants/", views.participants, name="participants"),
    path("congresses/<slug:slug>/statistics/", views.statistics, name="statistics"),
    path("congresses/<slug:slug>/check-in/", views.check_in, name="check_in"),
    path("congresses/<slug:slug>/moderation/", views.moderation, name="moderation"),
    path("registrations/<uuid:token>/", views.registration_detail, name="registration_detail"),
    path(
        "registrations/<uuid:token>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "registrations/<uuid:token>/badge.pdf", views.registration_badge, name="registration_badge"
    ),
    path("resolutions/", views.resolution_list, name="resolution_list"),
    path("resolutions/<slug:slug>/", views.resolution_detail, name="resolution_detail"),
    path(
        "resolutions/<slug:slug>/transition/",
        views.resolution_transition,
        name="resolution_transition",
    ),
    path("resolutions/<slug:slug>/amendments/", views.amendment_create, name="amendment_create"),
    path(
        "resolutions/<slug:slug>/amendments/<str:number>/",
        views.amendment_detail,
        name="amendment_detail",
    ),
    path("resolutions/<slug:slug>/votes/", views.vote_open, name="vote_open"),
    path("votes/<int:pk>/", views.vote_detail, name="vote_detail"),
    path("votes/<int:pk>/ballot/", views.ballot_cast, name="ballot_cast"),
    path("votes/<int:pk>/counts/", views.vote_counts, name="vote_counts"),
    path("votes/<int:pk>/close/", views.vote_close, name="vote_close"),
    path("setup/", views_setup.setup_index, name="setup"),
    path("setup/congresses/new/", views_setup.meeting_edit, name="setup_congress_new"),
    path(
        "setup/congresses/<slug:congress_slug>/sessions/new/",
        views_setup.meeting_edit,
        name="setup_session_new",
    ),
    path(
        "setup/congresses/<slug:slug>/registration-types/",
        views_setup.registration_type_list,
        name="setup_registration_types",
    ),
    path(
        "setup/congresses/<slug:slug>/registration-types/new/",
        views_setup.registration_type_edit,
        name="setup_registration_type_new",
    ),
    path(
        "setup/congresses/<slug:slug>/registration-types/<int:pk>/",
        views_setup.registration_type_edit,
        name="setup_registration_type",
    ),
    path("setup/meetings/<slug:slug>/", views_setup.meeting_edit, name="setup_meeting"),
    path("setup/meetings/<slug:slug>/agenda/", views_setup.agenda_edit, name="setup_agenda"),
    path("setup/rules/new/", views_setup.rule_edit, name="setup_rule_new"),
    path("setup/rules/<slug:code>/", views_setup.rule_edit, name="setup_rule"),
    path("setup/texts/new/", views_setup.resolution_new, name="setup_resolution_new"),
    path("setup/bodies/", views_setup.body_list, name="setup_bodies"),
    path("setup/bodies/new/", views_setup.body_edit, name="setup_body_new"),
    path("setup/bodies/<slug:slug>/", views_setup.body_edit, name="setup_body"),
    path("setup/bodies/<slug:slug>/seats/new/", views_setup.seat_edit, name="setup_seat_new"),
    path("setup/bodies/<slug:slug>/seats/<int:pk>/", views_setup.seat_edit, name="setup_seat"),
    path("setup/prize/", views_setup.edition_list, name="setup_editions"),
    path("setup/prize/new/", views_setup.edition_edit, name="setup_edition_new"),
    path("setup/prize/<slug:slug>/", views_setup.edition_edit, name="setup_edition"),
    path(
        "setup/prize/<slug:slug>/nominations/new/",
        views_setup.nomination_edit,
        name="setup_nomination_new",
    ),
    path(
        "setup/prize/<slug:slug>/nominations/<int:pk>/",
        views_setup.nomination_edit,
        name="setup_nomination",
    ),
    path("prize/", views.laureates, name="laureates"),
    path("prize/<slug:slug>/jury/", views.jury, name="jury"),
    # Elections and delegations
    path("elections/", views_elections.election_list, name="election_list"),
    path("elections/<int:pk>/", views_elections.election_detail, name="election_detail"),
    path("elections/<int:pk>/ballot/", views_elections.election_ballot, name="election_ballot"),
    path(
        "elections/<int:pk>/rounds/open/",
        views_elections.election_round_open,
        name="election_round_open",
    ),
    path(
        "elections/<int:pk>/rounds/close/",
        views_elections.election_round_close,
        name="election_round_close",
    ),
    path("elections/<int:pk>/tie/", views_elections.election_tie, name="election_tie"),
    path("elections/<int:pk>/publish/", views_elections.election_publish, name="election_publish"),
    path("setup/elections/new/", views_elections.election_edit, name="setup_election_new"),
    path("setup/elections/<int:pk>/", views_elections.election_edit, name="setup_election"),
    path(
        "setup/elections/<int:pk>/candidates/new/",
        views_elections.candidate_add,
        name="setup_candidate_new",
    ),
    path(
        "elections/<int:pk>/candidates/<int:candidate_pk>/withdraw/",
        views_elections.candidate_withdraw,
        name="election_candidate_withdraw",
    ),
    path(
        "setup/congresses/<slug:slug>/delegations/",
        views_elections.delegation_list,
        name="delegation_list",
    ),
    path(
        "setup/congresses/<slug:slug>/delegations/<slug:city>/",
        views_elections.delegation_edit,
        name="delegation_edit",
    ),
]

# Congress report
urlpatterns += [
    path(
        "congresses/<slug:slug>/report/",
        views_report.congress_report,
        name="congress_report",
    ),
    path(
        "congresses/<slug:slug>/report.pdf",
        views_report.congress_report_pdf,
        name="congress_report_pdf",
    ),
]
