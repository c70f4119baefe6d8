"""The coordinators' dashboard: where the cases stand, decisions per year, overdue follow-up and the
publicity of each decision (issue 6, items 5 and 6). Lawyers and coordinators (CASEWORKERS).

Seven queries make the page (caseapp/services/dashboard.py), all aggregated in the database; nothing
is decrypted, so no case title or victim appears here.
"""

from flask import Blueprint, current_app, render_template

from caseapp.core.extensions import db
from caseapp.dashboard import charts
from caseapp.domain.committee import PUBLICITY_REMINDER_DAYS
from caseapp.models.base import utcnow
from caseapp.services import dashboard
from caseapp.web.labels import STATUS_LABELS

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

CASE_PAGE = "committee.show_case"


@bp.route("")
def show():
    today = utcnow().date()
    by_stage = dashboard.cases_by_stage(db.session)
    publicity = dashboard.publicity_coverage(db.session)
    # The lists are capped (most urgent first); the rest is counted and, where one exists, linked to.
    cap = current_app.config["DASHBOARD_LIST_SIZE"]
    overdue = dashboard.overdue_follow_ups(db.session, today=today)
    reminders = dashboard.publicity_reminders(db.session, today=today)
    return render_template(
        "dashboard/show.html",
        today=today,
        headline=dashboard.headline(by_stage),
        stages_chart=charts.stages_chart(by_stage),
        states_chart=charts.states_chart(dashboard.cases_by_state(db.session)),
        rights_chart=charts.rights_chart(dashboard.cases_by_right(db.session)),
        decisions_chart=charts.decisions_chart(dashboard.decisions_by_year(db.session)),
        overdue=overdue[:cap],
        overdue_more=max(len(overdue) - cap, 0),
        deadlines_page="deadlines.dashboard" if "deadlines.dashboard" in current_app.view_functions else None,
        publicity=publicity,
        progress={row.case_uuid: charts.publicity_progress(row) for row in publicity.rows},
        reminders=reminders[:cap],
        reminders_more=max(len(reminders) - cap, 0),
        reminder_days=PUBLICITY_REMINDER_DAYS,
        decision_labels=charts.DECISION_LABELS,
        publicity_labels=charts.PUBLICITY_LABELS,
        status_labels=STATUS_LABELS,
        # The committee blueprint's case page when it is registered; otherwise references are plain text.
        case_page=CASE_PAGE if CASE_PAGE in current_app.view_functions else None,
    )
