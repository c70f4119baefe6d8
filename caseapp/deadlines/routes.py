"""Routes of the deadlines blueprint: the caseworkers' dashboard of open deadlines and the personal
iCalendar feed (issue 6, item 3). Both read ``caseapp.services.deadlines.deadline_items``: clear
columns only. The dashboard adds the titles of the cases on the pages it shows, for readers who may read
them (issue 17, point 6); the feed never carries a title."""

import logging

from flask import Blueprint, Response, abort, current_app, g, render_template, request
from flask_babel import force_locale

from caseapp.core.database import write_apart
from caseapp.core.extensions import db, limiter
from caseapp.core.resources import keyring
from caseapp.deadlines.forms import WindowForm
from caseapp.domain import committee, roles
from caseapp.domain.deadlines import format_day
from caseapp.models.base import utcnow
from caseapp.services import calendar_feeds, todo, tokens
from caseapp.services.case_titles import readable_titles
from caseapp.services.deadlines import Item, deadline_items, items_page
from caseapp.web.labels import PRESET_LABELS
from caseapp.web.pagination import CountedPagination
from caseapp.web.security import current_user
from caseapp.web.translation import gettext as _

bp = Blueprint("deadlines", __name__)

log = logging.getLogger("caseapp.deadlines")

# The case pages each role opens: the lawyers' screening workspace; the case's page before the Committee.
CASE_PAGES = {roles.LAWYER: "screening.show_report", roles.COORDINATOR: "committee.show_case"}


def kind_labels() -> dict[str, str]:
    """The kinds of deadline as the dashboard names them (domain/OP-ICESCR.md §6)."""
    return {
        committee.ONE_YEAR_LIMIT: _("One-year limit to submit (art. 3(2)(a))"),
        committee.STATE_OBSERVATIONS: _("State's observations (art. 6(2))"),
        committee.MERITS_OBSERVATIONS: _("State's observations on the merits (rule 15(2))"),
        committee.AUTHOR_COMMENTS: _("Author's comments (Secretariat's letter)"),
        committee.FOLLOW_UP_RESPONSE: _("State's follow-up response (art. 9(2))"),
    }


def event_summaries() -> dict[str, str]:
    """What follows the case's reference in a calendar event: "ESCR-2026-0001 — State's observations due"."""
    return {
        committee.ONE_YEAR_LIMIT: _("Last day to submit to the Committee"),
        committee.STATE_OBSERVATIONS: _("State's observations due"),
        committee.MERITS_OBSERVATIONS: _("State's observations on the merits due"),
        committee.AUTHOR_COMMENTS: _("Author's comments due"),
        committee.FOLLOW_UP_RESPONSE: _("State's follow-up response due"),
    }


def _case_endpoint() -> str | None:
    endpoint = CASE_PAGES.get(current_user().role)
    return endpoint if endpoint in current_app.view_functions else None


def _deadline_page(*, overdue: bool, number: int, within: int | None, member: int | None) -> CountedPagination:
    """One page of one of the two lists, cut and counted by the database (the stored deadlines)."""
    per_page = current_app.config["DEADLINES_PAGE_SIZE"]
    items, total, shown = items_page(db.session, today=utcnow().date(), overdue=overdue, within=within, page=number,
                                     per_page=per_page, team_member_id=member)
    return CountedPagination(items, total=total, page=shown, per_page=per_page)


@bp.route("/deadlines")
def dashboard():
    form = WindowForm(formdata=request.args)
    show = request.args.get("show") or None
    if (request.args and not form.validate()) or (show is not None and show not in todo.DEADLINE_PRESETS):
        abort(400)
    if show:  # a home page's count (``todo.DEADLINES_DUE``): every case's, overdue or due within its days
        form.within.data, form.mine.data = todo.DEADLINE_DAYS, ""
    within = form.within.data
    member = current_user().id if form.mine.data == "yes" else None
    overdue = _deadline_page(overdue=True, number=form.overdue_page.data or 1, within=within, member=member)
    upcoming = _deadline_page(overdue=False, number=form.page.data or 1, within=within, member=member)
    # Titles beside references, for the two pages shown only, and only where the reader may read them.
    titles = readable_titles(db.session, keyring(), current_user(),
                             list({item.case.uuid for item in [*overdue.items, *upcoming.items]}))
    return render_template("deadlines/dashboard.html", form=form, within=within, overdue=overdue, upcoming=upcoming,
                           titles=titles, kind_labels=kind_labels(), case_endpoint=_case_endpoint(),
                           preset=PRESET_LABELS.get(show) if show else None)


# --- the calendar feed ------------------------------------------------------------------------------


def _feed_key() -> str:
    """Feeds are counted by the hash of their secret (the key they are stored under): many calendars
    fetched from one address (a calendar service, an office) do not share a count."""
    return f"calendar-feed:{tokens.digest(request.view_args.get('token', '') if request.view_args else '')}"


def _address() -> str:
    return f"address:{request.remote_addr or ''}"


def _describe(item: Item) -> str:
    label = kind_labels()[item.kind]
    if item.basis_date is None:
        return label
    return _("%(label)s, counted from %(date)s.", label=label, date=format_day(item.basis_date))


@bp.route("/calendar/<token>.ics")
@limiter.limit(lambda: current_app.config["RATELIMIT_CALENDAR_FEED"], key_func=_feed_key)
# Per address, counting only unknown secrets: guessing gets nowhere fast.
@limiter.limit(lambda: current_app.config["RATELIMIT_CALENDAR_FEED_FAILURES"], key_func=_address,
               deduct_when=lambda response: response.status_code == 404)
def calendar_feed(token: str):
    """The owner's open deadlines as iCalendar. The secret in the URL is the only credential; an unknown
    or revoked one, or an owner disabled or no longer a lawyer or coordinator, gets the same 404."""
    found = calendar_feeds.authenticate(db.session, token)
    if found is None:
        abort(404)
    feed, owner = found
    g.calendar_feed_use = (feed.id, feed.last_used_at)
    now = utcnow()
    items = deadline_items(db.session, today=now.date())
    # In the owner's language (issue 18): a calendar client sends no useful Accept-Language and no session.
    with force_locale(owner.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = calendar_feeds.calendar(items, now=now, name=_("ESCR Case Desk deadlines"),
                                       summaries=event_summaries(), describe=_describe)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    return response


@bp.after_request
def record_feed_use(response):
    """Write the feed's "last used" time, at most once an hour, on a connection of its own after the view
    is done (as API tokens do), so a calendar polling the feed does not turn every read into a write."""
    use = g.pop("calendar_feed_use", None)
    now = utcnow()
    if use is not None and response.status_code == 200 and calendar_feeds.needs_touch(use[1], now):
        db.session.rollback()
        if not write_apart(db.engine, lambda session: calendar_feeds.record_use(session, use[0], now)):
            log.warning("calendar_feed.touch_failed", extra={"feed_id": use[0]})
    return response
