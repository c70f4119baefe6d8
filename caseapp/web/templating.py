"""Template helpers: the signed-in user, navigation by role, dates, and the locale."""

import logging
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache

from babel import dates as babel_dates
from flask import Flask, current_app, g, request, session, url_for
from flask_babel import format_decimal, get_locale, get_timezone
from sqlalchemy.exc import SQLAlchemyError

from caseapp.core.extensions import db
from caseapp.domain import permissions, roles
from caseapp.domain.committee import one_year_limit_runs
from caseapp.domain.deadlines import badge_state, days_left, warning_level
from caseapp.models.base import utcnow
from caseapp.services import notifications, register
from caseapp.web.labels import CRITERION_STATUS_WORDS, DUPLICATE_MATCH_WORDS, TEAM_ACTION_LABELS
from caseapp.web.locales import language_choices, return_path, say
from caseapp.web.sorting import sort_url
from caseapp.web.translation import kept_for_the_reader
from caseapp.web.translation import lazy_gettext as _l

DATE_PATTERN = "d MMM y"  # 4 Mar 2026, 4 mar 2026, 4 mars 2026


def day_in_words(value: date | datetime | None) -> str:
    """The ``date`` filter: a day in the reader's language (a time first in the reader's time zone), or a
    dash. Remembered per day and language: a list of 50 rows formats about a hundred dates, and Babel
    builds the month names again for each one (issue 20's profile: 5 ms of a 25 ms page)."""
    if not value:
        return "—"
    language, zone = reader_language_and_zone()
    if isinstance(value, datetime):
        value = _in_zone(value, zone).date()
    return _day_in_words(value, language)


@lru_cache(maxsize=8192)
def _day_in_words(day: date, locale: str) -> str:
    return babel_dates.format_date(day, DATE_PATTERN, locale=locale)


def moment_in_words(value: datetime | None) -> str:
    """The ``datetime`` filter: "4 Mar 2026, 14:05" in the reader's language and time zone, or a dash. The
    pattern is ``DATE_PATTERN, HH:mm`` in every language, so the day comes from the cache of ``day_in_words``
    and the time is the same digits everywhere (a partner's list formats fifty of these)."""
    if not value:
        return "—"
    language, zone = reader_language_and_zone()
    local = _in_zone(value, zone)
    return f"{_day_in_words(local.date(), language)}, {local:%H:%M}"


def reader_language_and_zone() -> tuple[str, tzinfo]:
    """The reader's language (``"es"``) and time zone, looked up once per request rather than once per date:
    Flask-Babel finds both again on every call: 5.3 µs a moment formatted, 3.1 µs with them kept (issue 20,
    fifth pass; a list formats 50 to 150 dates). Kept beside the locale and zone they were read from
    (``translation.kept_for_the_reader``)."""
    return kept_for_the_reader("caseapp_reader", lambda: (str(get_locale()), get_timezone()), zone=True)


def _in_zone(moment: datetime, zone: tzinfo) -> datetime:
    """A stored moment (naive UTC) in the reader's time zone, as Flask-Babel's ``to_user_timezone``."""
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return zone.normalize(moment.astimezone(zone)) if hasattr(zone, "normalize") else moment.astimezone(zone)


# (endpoint, label, roles that see it)
NAVIGATION = (
    ("main.index", _l("Home"), roles.ROLES),
    ("intake.list_reports", _l("Reports"), (roles.PARTNER,)),
    ("screening.list_reports", _l("Inbox"), (roles.LAWYER,)),
    ("deadlines.dashboard", _l("Deadlines"), (roles.LAWYER, roles.COORDINATOR)),
    ("committee.list_cases", _l("Cases"), (roles.LAWYER, roles.COORDINATOR)),
    ("dashboard.show", _l("Dashboard"), (roles.LAWYER, roles.COORDINATOR)),
    ("admin.list_users", _l("Users"), (roles.ADMIN,)),
    ("admin.list_organisations", _l("Organisations"), (roles.ADMIN,)),
    ("register.list_states", _l("States register"), (roles.ADMIN,)),
    ("admin.audit_log", _l("Audit log"), (roles.ADMIN,)),
)

ROLE_LABELS = {
    roles.PARTNER: _l("Partner NGO member"),
    roles.LAWYER: _l("Lawyer"),
    roles.COORDINATOR: _l("Coordinator"),
    roles.ADMIN: _l("Administrator"),
}


log = logging.getLogger(__name__)


def page_url(number: int, arg: str = "page") -> str:
    """This page's URL with another page number, keeping its other query parameters (filters). ``arg``:
    the query parameter of the page number, for a page with more than one list (the deadlines)."""
    args = request.args.to_dict()
    args[arg] = number
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def one_year_limit(last_day, stage=None):
    """The one-year limit's last day with its warning level ("90", "30", "7" or "passed"), the days left and
    the badge's state, for the templates to say in the reader's language (``_macros/one_year_limit.html``,
    the lists' columns); None when it cannot be counted, or when the case's ``stage`` is past the point
    where the limit runs (submitted to the Committee, decided, closed, declined: no "passed 1,335 days ago"
    on a closed case). Called once per row of a list: nothing here formats or translates."""
    if last_day is None or (stage is not None and not one_year_limit_runs(stage)):
        return None
    today = utcnow().date()
    left = days_left(last_day, today)
    return {"level": warning_level(left), "last_day": last_day, "left": left, "state": badge_state(left)}


def days_to(due_date):
    """Days from today to ``due_date`` (negative once passed), its warning level and its badge's state
    (domain rules)."""
    left = days_left(due_date, utcnow().date())
    return {"left": left, "level": warning_level(left), "state": badge_state(left)}


# Who is told when the States register is getting old (issue 14, point 6): admins, who keep it, and lawyers,
# whose screening relies on it. Partners and coordinators never see its conclusions on who is a party.
REGISTER_NOTICE_ROLES = (roles.ADMIN, roles.LAWYER)


# The navigation bar's badge counts unread notifications up to this many and then says "99+", as mail and
# chat apps do: every page pays for the count, and a lawyer with 12,000 unread notifications (every
# submission tells the lawyers) made it 0.7 ms of each page at 100,000 cases (issue 20).
UNREAD_BADGE_MAX = 99


def unread_notifications() -> int:
    """How many of the signed-in user's notifications are unread, for the navigation bar's badge, counted up
    to ``UNREAD_BADGE_MAX + 1`` (more than the badge shows): one small query per page, only for a fully
    signed-in user (not before the second factor)."""
    user = g.get("user")
    if user is None or not getattr(session, "two_factor_done", False):
        return 0
    if "unread_notifications" not in g:
        try:
            g.unread_notifications = notifications.unread_count_up_to(db.session, user, UNREAD_BADGE_MAX)
        except SQLAlchemyError:
            g.unread_notifications = 0
    return g.unread_notifications


def register_notice():
    """The States register's date and the configured limit when the register is older than
    ``REGISTER_MAX_AGE_MONTHS``, for the layout's notice to admins and lawyers; None otherwise. One small
    query per request, only for those roles."""
    user = g.get("user")
    if user is None or user.role not in REGISTER_NOTICE_ROLES:
        return None
    if "register_notice" not in g:
        months = current_app.config["REGISTER_MAX_AGE_MONTHS"]
        try:
            as_of = register.register_as_of(db.session)
        except SQLAlchemyError:
            as_of = None  # an error page over a broken database: the notice must not raise again
        g.register_notice = ({"as_of": as_of, "months": months}
                             if as_of is not None and register.is_stale(as_of, months) else None)
    return g.register_notice


def _navigation(user) -> list:
    """The navigation's links for ``user``. The policy module has the last word (an account awaiting approval
    sees no case pages, AUTH-12); should the check itself fail, no link shows (fail closed, AC-07) and the
    error page that follows still renders in the app's layout."""
    if user is None:
        return []
    try:
        return [(endpoint, label) for endpoint, label, allowed in NAVIGATION
                if user.role in allowed
                and permissions.level_allows(permissions.access_level(endpoint, "GET"), user, two_factor_done=True)]
    except Exception as error:  # noqa: BLE001 — any failure hides the links; the request's own check refuses
        log.warning("navigation.policy_check_failed", extra={"error": type(error).__name__})  # no message (LOG-02)
        return []


def init_app(app: Flask) -> None:
    @app.context_processor
    def inject():
        user = g.get("user")
        return {"current_user": user, "navigation": _navigation(user), "role_labels": ROLE_LABELS,
                "get_locale": get_locale, "page_url": page_url, "register_notice": register_notice,
                "unread_notifications": unread_notifications, "unread_badge_max": UNREAD_BADGE_MAX,
                "team_actions": TEAM_ACTION_LABELS,
                "language_choices": language_choices, "return_path": return_path}

    # A global, not a context variable: the imported table macros (templates/_macros/table.html) call it.
    app.jinja_env.globals["sort_url"] = sort_url
    app.jinja_env.globals["criterion_status_words"] = CRITERION_STATUS_WORDS
    app.jinja_env.globals["duplicate_match_words"] = DUPLICATE_MATCH_WORDS
    app.jinja_env.filters["one_year_limit"] = one_year_limit
    app.jinja_env.filters["days_to"] = days_to
    app.jinja_env.filters["date"] = day_in_words
    app.jinja_env.filters["datetime"] = moment_in_words
    # Counts with the locale's grouping: 1,234 in English, 1.234 in Spanish, 1 234 in French; "{:,}" wrote 1,234
    # everywhere, which a Spanish or French reader takes for a decimal.
    app.jinja_env.filters["number"] = lambda value: format_decimal(value) if value is not None else "—"
    # A sentence the domain or a service said (a timeline's note written by the app), in the reader's language.
    app.jinja_env.filters["say"] = say
