"""The casework screens."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/open/", views.open_case, name="open_case"),
    path("cases/<str:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<str:case_id>/act/", views.act, name="act"),
    path("cases/<str:case_id>/assign/", views.assign, name="assign"),
    path("cases/<str:case_id>/handover/", views.handover, name="handover"),
    path("cases/<str:case_id>/unassign/", views.unassign, name="unassign"),
    path("cases/<str:case_id>/call-in/", views.call_in, name="call_in"),
    path("cases/<str:case_id>/follow-up/", views.follow_up, name="follow_up"),
    path("cases/<str:case_id>/documents/<str:artifact_id>/", views.document, name="document"),
    path("cases/<str:case_id>/actions/<str:action_id>/", views.action_form, name="action_form"),
    path("notifications/", views.notifications, name="notifications"),
]
