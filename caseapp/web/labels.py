"""What the pages call the domain's codes. Shared by the blueprints (a partner's reports, the screening
queue, the cases before the Committee, the dashboard), so none of them imports another for it."""

from flask_babel import lazy_gettext as _l

from caseapp.services import todo

# A case's stage (domain/stages.py) as the pages name it.
STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "screening": _l("In screening"),
    "info_requested": _l("Information requested"),
    "declined": _l("Declined"),
    "candidate": _l("Strategic candidate"),
    "preparing": _l("Communication in preparation"),
    "submitted_to_committee": _l("Submitted to the Committee"),
    "registered": _l("Registered by the Committee"),
    "observations": _l("State observations"),
    "comments": _l("Author's comments"),
    "decided": _l("Decided"),
    "follow_up": _l("Follow-up"),
    "closed": _l("Closed"),
    "withdrawn": _l("Withdrawn"),
    "discontinued": _l("Discontinued"),
    "friendly_settlement": _l("Friendly settlement"),
}

# A case team change on the case's timeline (``caseapp.services.case_teams``): who changed it follows the
# label, the member's name is the entry's note.
TEAM_ACTION_LABELS = {
    "team_added": _l("Case team: member added"),
    "team_removed": _l("Case team: member removed"),
}

# The filter a home page's count opens a list with (``?show=<preset>``, ``caseapp.services.todo``), as the
# list names it above its rows.
PRESET_LABELS = {
    todo.WAITING: _l("Requests for information waiting for your answer"),
    todo.DRAFTS: _l("Drafts not yet sent"),
    todo.DECISIONS: _l("Decisions on your reports in the last %(days)d days", days=todo.DECISION_DAYS),
    todo.NEW: _l("New reports, not yet screened"),
    todo.ANSWERED: _l("Answers from partners not yet read: back in screening, nothing saved or written since"),
    todo.ONE_YEAR: _l("One-year limits within %(days)d days on your cases", days=todo.ONE_YEAR_DAYS),
    todo.DEADLINES_DUE: _l("Deadlines overdue or due within %(days)d days", days=todo.DEADLINE_DAYS),
    todo.NO_PUBLICITY: _l("Decisions with no publicity action yet"),
    todo.FOLLOW_UP_OVERDUE: _l("Follow-up responses overdue"),
}
