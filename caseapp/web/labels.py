"""What the pages call the domain's codes. Shared by the blueprints (a partner's reports, the screening
queue, the cases before the Committee, the dashboard), so none of them imports another for it."""

from flask_babel import lazy_gettext as _l

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
