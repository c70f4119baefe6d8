"""The paths that moved when each workflow took one name (ESCR issue 13) answer with a redirect to their
new address, so bookmarks, links in old e-mails and pages left open across the upgrade keep working.

``MOVED`` is the one table of them: each old path, as a rule with its converters (a malformed id is still
not found), and the endpoint that serves it now. An old path answers the methods of its new endpoint and
keeps its path parameters and query string. The JSON API (``/api/…``), the calendar feeds
(``/calendar/…``) and the public decisions (``/decisions``) did not move and are not here
(tests/web/test_moved_paths.py pins them).

Status 308 (Permanent Redirect) for every method. Unlike 301 and 302, a browser repeats a POST as a POST
with the same body, so a form filled in on a page opened before the upgrade — a long report, a decline
reason — reaches its new address with its CSRF token instead of being lost or turned into a GET the new
route refuses; and being permanent, browsers and bookmark managers learn the new address.

The policy table lists the old paths at level USER (domain/permissions.py): an anonymous visitor is sent
to sign in and learns nothing of where a path leads; a signed-in user is redirected, and the new path's
own policy and scoped loader decide what they see (a partner following an old /inbox link gets 403).
"""

from urllib.parse import quote

from flask import Blueprint, Flask, redirect, request, url_for

BLUEPRINT = "moved"

# The blueprint each old path belonged to names its redirect endpoint ("moved.reports", …): one policy
# entry per old blueprint instead of one per path.
MOVED: dict[str, tuple[tuple[str, str], ...]] = {
    "reports": (
        ("/reports", "intake.list_reports"),
        ("/reports/new", "intake.new_report"),
        ("/reports/<uuid:case_uuid>", "intake.show_report"),
        ("/reports/<uuid:case_uuid>/edit", "intake.edit_report"),
        ("/reports/<uuid:case_uuid>/submitted", "intake.submitted"),
        ("/reports/<uuid:case_uuid>/delete", "intake.delete_draft"),
        ("/reports/<uuid:case_uuid>/documents/<uuid:document_uuid>/delete", "intake.delete_document"),
    ),
    "inbox": (
        ("/inbox", "screening.list_reports"),
        ("/inbox/search", "screening.search_victims"),
        ("/inbox/<uuid:case_uuid>", "screening.show_report"),
        ("/inbox/<uuid:case_uuid>/assessment", "screening.assess_report"),
        ("/inbox/<uuid:case_uuid>/request-information", "screening.request_information"),
        ("/inbox/<uuid:case_uuid>/decline", "screening.decline_report"),
        ("/inbox/<uuid:case_uuid>/accept", "screening.accept_report"),
        ("/inbox/<uuid:case_uuid>/reopen", "screening.reopen_report"),
    ),
    "tracking": (
        ("/tracking", "committee.list_cases"),
        ("/tracking/<uuid:case_uuid>", "committee.show_case"),
        ("/tracking/<uuid:case_uuid>/record", "committee.edit_record"),
        ("/tracking/<uuid:case_uuid>/move", "committee.move_case"),
        ("/tracking/<uuid:case_uuid>/interim-measures", "committee.add_interim_measure"),
        ("/tracking/<uuid:case_uuid>/interim-measures/<uuid:measure_uuid>", "committee.update_interim_measure"),
        ("/tracking/<uuid:case_uuid>/follow-up/assessments", "committee.add_follow_up_assessment"),
        ("/tracking/<uuid:case_uuid>/follow-up/submissions", "committee.add_follow_up_submission"),
        ("/tracking/<uuid:case_uuid>/publicity", "committee.record_publicity"),
        ("/tracking/<uuid:case_uuid>/media", "committee.add_media"),
        ("/tracking/<uuid:case_uuid>/media/<uuid:item_uuid>/delete", "committee.delete_media"),
        ("/tracking/<uuid:case_uuid>/publication", "committee.publish"),
        ("/tracking/<uuid:case_uuid>/publication/withdraw", "committee.withdraw_publication"),
    ),
    "cases": (
        ("/cases/<uuid:case_uuid>/documents/<uuid:document_uuid>/download", "documents.download_document"),
    ),
}
NEW_ENDPOINT = {old: new for paths in MOVED.values() for old, new in paths}

# Characters a query string may carry as they are; anything else (a raw byte a client failed to encode)
# is percent-encoded, so the Location header stays ASCII and means what the client sent.
QUERY_SAFE = "!$&'()*+,-./:;=?@_~%"


def init_app(app: Flask) -> None:
    """Register the old paths. Call it after the blueprints: each old path takes its new endpoint's methods
    from the URL map, and a new endpoint missing from it fails here, at start-up (KeyError)."""
    moved = Blueprint(BLUEPRINT, __name__)  # one per app: the rules depend on the app's URL map
    for name, paths in MOVED.items():
        for old, new in paths:
            methods = set().union(*(rule.methods or () for rule in app.url_map.iter_rules(new)))
            moved.add_url_rule(old, name, _to_new_path, methods=sorted(methods - {"HEAD", "OPTIONS"}))
    app.register_blueprint(moved)


def _to_new_path(**values):
    target = url_for(NEW_ENDPOINT[request.url_rule.rule], **values)
    if request.query_string:
        target += "?" + quote(request.query_string, safe=QUERY_SAFE)
    return redirect(target, code=308)
