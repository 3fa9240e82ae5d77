"""Blueprint registration and the names every template can use."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_decimal, get_locale

from advisory import wording
from advisory.admin.forms import ROLE_LABELS
from advisory.admin.views import bp as admin
from advisory.api import spec as api_spec
from advisory.api.docs import bp as api_docs
from advisory.assessments.views import bp as assessments
from advisory.associations.views import bp as associations
from advisory.auth.views import bp as auth
from advisory.catalogue.views import bp as catalogue
from advisory.content import questionnaire_name
from advisory.cooperation.views import bp as cooperation
from advisory.directory import ATTRIBUTION
from advisory.main.views import bp as main
from advisory.municipalities.views import bp as municipalities
from advisory.plan.views import bp as plan
from advisory.portfolio.views import bp as portfolio
from advisory.procurement.views import bp as procurement
from advisory.regions.views import bp as regions
from advisory.report.views import bp as report
from advisory.review.views import bp as review
from advisory.team.views import bp as team
from advisory.tokens.views import bp as tokens
from advisory.training.views import bp as training


def register_blueprints(app: Flask) -> None:
    """Register every area of the application."""
    for blueprint in (
        main,
        auth,
        municipalities,
        assessments,
        catalogue,
        procurement,
        admin,
        report,
        plan,
        review,
        portfolio,
    ):
        app.register_blueprint(blueprint)
    for blueprint in (team, training, regions, cooperation, associations):
        app.register_blueprint(blueprint)
    for blueprint in (tokens, api_docs):
        app.register_blueprint(blueprint)
    api_spec.init_app(app)

    app.jinja_env.globals.update(
        error_text=wording.error_text,
        attribution=ATTRIBUTION,
        current_locale=lambda: str(get_locale()),
        role_label=lambda role: ROLE_LABELS.get(role, role),
        event_label=wording.event_label,
        status_label=wording.status_label,
        progress_label=wording.progress_label,
        level_label=wording.level_label,
        questionnaire_name=lambda questionnaire_id: questionnaire_name(
            questionnaire_id, str(get_locale())
        ),
        horizon_label=wording.horizon_label,
        kind_label=wording.kind_label,
        plan_status_label=wording.plan_status_label,
        licence_label=wording.licence_label,
        condition_label=wording.condition_label,
        trace_label=wording.trace_label,
        participant_status_label=wording.participant_status_label,
        finding_kind_label=wording.finding_kind_label,
        severity_label=wording.severity_label,
        step_label=wording.step_label,
        size_label=wording.size_label,
        density_label=wording.density_label,
        peer_group_text=wording.peer_group_text,
        cooperation_status_label=wording.cooperation_status_label,
        association_kind=wording.association_kind,
    )
    app.jinja_env.filters.update(format_number=format_decimal, format_decimal=format_decimal)
    app.jinja_env.add_extension("jinja2.ext.do")
