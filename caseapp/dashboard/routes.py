"""The coordinators' dashboard: where the cases stand, decisions per year, overdue follow-up and the
publicity of each decision (issue 6, items 5 and 6). Lawyers and coordinators (CASEWORKERS).

Eight queries make the page (caseapp/services/dashboard.py), all aggregated in the database; nothing
is decrypted, so no case title or victim appears here. What needs action comes first; every headline
number links to the list of its cases; a schematic tile map shows the cases per State party with the same
numbers in a table (issue 17, point 8).
"""

from flask import Blueprint, current_app, render_template, url_for

from caseapp.core.extensions import db
from caseapp.dashboard import charts
from caseapp.domain import permissions
from caseapp.domain.committee import PUBLICITY_REMINDER_DAYS
from caseapp.models.base import utcnow
from caseapp.services import dashboard
from caseapp.web.labels import STATUS_LABELS
from caseapp.web.security import current_user

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

CASE_PAGE = "committee.show_case"


def _reachable(endpoint: str) -> bool:
    """Whether the signed-in user may open ``endpoint`` (the policy module decides, as for the navigation)."""
    return endpoint in current_app.view_functions and permissions.level_allows(
        permissions.access_level(endpoint, "GET"), current_user(), two_factor_done=True)


def _headline_links() -> dict[str, str | None]:
    """Where each headline number leads: the list of exactly those cases, filtered (issue 17, point 8);
    None where the reader has no such list (coordinators do not screen)."""
    links = {
        "screening": ("screening.list_reports", {"stage": "queue"}),
        "candidates": ("committee.list_cases", {"group": "candidates"}),
        "before_committee": ("committee.list_cases", {"group": "before_committee"}),
        "decided": ("committee.list_cases", {"group": "decided"}),
    }
    return {name: url_for(endpoint, **args) if _reachable(endpoint) else None
            for name, (endpoint, args) in links.items()}


@bp.route("")
def show():
    today = utcnow().date()
    by_stage = dashboard.cases_by_stage(db.session)
    publicity = dashboard.publicity_coverage(db.session)
    # The lists are capped (most urgent first); the rest is counted and, where one exists, linked to.
    cap = current_app.config["DASHBOARD_LIST_SIZE"]
    overdue = dashboard.overdue_follow_ups(db.session, today=today, limit=cap)
    reminders = dashboard.publicity_reminders(db.session, today=today, limit=cap)
    by_state = dashboard.cases_by_state(db.session)
    states_map, map_rows = charts.states_map(dashboard.states_parties(db.session), by_state.every)
    parties = {code for code, _name, _count in map_rows}
    return render_template(
        "dashboard/show.html",
        today=today,
        headline=dashboard.headline(by_stage),
        stages_chart=charts.stages_chart(by_stage),
        states_chart=charts.states_chart(by_state),
        states_map=states_map,
        map_rows=map_rows,
        # Submitted cases about a State the register does not list as a party (or none recorded): said in words.
        outside_map=sum(count for code, count in by_state.every.items() if code not in parties),
        headline_links=_headline_links(),
        state_list=_reachable("screening.list_reports"),
        rights_chart=charts.rights_chart(dashboard.cases_by_right(db.session)),
        decisions_chart=charts.decisions_chart(dashboard.decisions_by_year(db.session)),
        overdue=overdue,
        overdue_more=max(dashboard.count_overdue_follow_ups(db.session, today=today) - cap, 0),
        deadlines_page="deadlines.dashboard" if "deadlines.dashboard" in current_app.view_functions else None,
        publicity=publicity,
        progress={row.case_uuid: charts.publicity_progress(row) for row in publicity.rows},
        reminders=reminders,
        reminders_more=max(dashboard.count_publicity_reminders(db.session, today=today) - cap, 0),
        reminder_days=PUBLICITY_REMINDER_DAYS,
        decision_labels=charts.DECISION_LABELS,
        publicity_labels=charts.PUBLICITY_LABELS,
        status_labels=STATUS_LABELS,
        # The committee blueprint's case page when it is registered; otherwise references are plain text.
        case_page=CASE_PAGE if CASE_PAGE in current_app.view_functions else None,
    )
