"""The review service's pages (/reviews/): raising a concern and the raiser's cases, the review
team's cases and steps, a respondent's requests, and the published outcomes. The names
`raiser_case`, `team_case`, `respondent_case` and `published_case` are the ones the emails link
to (emails.py)."""

from django.urls import path

from . import views_public, views_raise, views_raiser, views_respondent, views_team

app_name = "reviews"

raise_patterns = [
    path("raise/", views_raise.start, name="raise_start"),
    path("raise/kind/", views_raise.kind, name="raise_kind"),
    path("raise/details/", views_raise.details, name="raise_details"),
    path("raise/who/", views_raise.who, name="raise_who"),
    path("raise/check/", views_raise.check, name="raise_check"),
    path("raise/done/<int:pk>/", views_raise.done, name="raise_done"),
]

raiser_patterns = [
    path("my-cases/", views_raiser.cases, name="raiser_cases"),
    path("my-cases/<int:pk>/", views_raiser.case, name="raiser_case"),
    path("my-cases/<int:pk>/add-evidence/", views_raiser.add_evidence, name="raiser_add_evidence"),
    path("my-cases/<int:pk>/evidence/<int:number>/", views_raiser.evidence, name="raiser_evidence"),
]

team_patterns = [
    path("team/cases/", views_team.cases, name="team_cases"),
    path("team/cases/<int:pk>/", views_team.case, name="team_case"),
    *(
        path(
            f"team/cases/<int:pk>/{step.replace('_', '-')}/",
            views_team.step,
            {"name": step},
            name=f"team_{step}",
        )
        for step in views_team.STEPS
    ),
    path("team/cases/<int:pk>/evidence/<int:number>/", views_team.evidence, name="team_evidence"),
    path(
        "team/requests/<int:request_id>/documents/<int:number>/",
        views_team.document,
        name="team_document",
    ),
]

respondent_patterns = [
    path("requests/", views_respondent.cases, name="respondent_cases"),
    path("requests/download/", views_respondent.cases_csv, name="respondent_cases_csv"),
    path("requests/<int:pk>/", views_respondent.case, name="respondent_case"),
    path("requests/<int:pk>/respond/", views_respondent.respond, name="respond"),
    path(
        "requests/<int:pk>/evidence/<int:number>/",
        views_respondent.evidence,
        name="respondent_evidence",
    ),
    path(
        "responses/<int:request_id>/documents/<int:number>/",
        views_respondent.document,
        name="respondent_document",
    ),
]

public_patterns = [
    path("outcomes/", views_public.outcomes, name="published_cases"),
    path("outcomes/yearly/", views_public.summary, name="yearly_summary"),
    path("outcomes/download/", views_public.outcomes_csv, name="published_cases_csv"),
    path("outcomes/<int:pk>/", views_public.outcome, name="published_case"),
]

urlpatterns = [
    *raise_patterns,
    *raiser_patterns,
    *team_patterns,
    *respondent_patterns,
    *public_patterns,
]
