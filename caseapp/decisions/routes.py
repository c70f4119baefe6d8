"""The public decisions page and its Atom feed (issue 6, item 7), and the coordinators' CSV exports
(issue 6, item 8).

The page and the feed are public (no sign-in) and are built only from
``caseapp.services.decisions``, which reads clear columns written for publication and never a
case vault, an encrypted column, a case reference or an organisation. They use no form that needs a
CSRF token, so an anonymous visit leaves no server-side session behind.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_sqlalchemy.pagination import SelectPagination
from wtforms import SelectChoice

from caseapp.core.extensions import db
from caseapp.core.resources import keyring
from caseapp.decisions.forms import DecisionFilterForm
from caseapp.domain import publication
from caseapp.domain.register import state_name
from caseapp.models.base import utcnow
from caseapp.services import decisions, exports, state_names
from caseapp.web.audit_hooks import audit_request
from caseapp.web.downloads import content_disposition
from caseapp.web.locales import language_addresses
from caseapp.web.pagination import page_number
from caseapp.web.security import current_user
from caseapp.web.translation import gettext as _

bp = Blueprint("decisions", __name__)

ATOM_TYPE = "application/atom+xml"
CSV_TYPE = "text/csv; charset=utf-8"


class RowPagination(SelectPagination):
    """``db.paginate`` for a select of columns: each item is the whole row, not only its first column."""

    def _query_items(self) -> list:
        query = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(query).all())


def _filter_form() -> DecisionFilterForm:
    form = DecisionFilterForm(formdata=request.args)
    states = decisions.published_states(db.session)
    asked = request.args.get("state", "")
    if asked and state_name(asked) and asked not in dict(states):
        # A State with nothing published (yet): no results, not an error.
        states.append((asked, state_names.name(asked)))
    form.state.choices = [SelectChoice("", _("All States"))] + [SelectChoice(code, name) for code, name in states]
    return form


@bp.route("/decisions")
def list_decisions():
    form = _filter_form()
    if not form.validate():
        abort(400)
    query = decisions.published(state=form.state.data or None, right=form.right.data or None)
    page = RowPagination(select=query, session=db.session, page=page_number(),
                         per_page=current_app.config["PAGE_SIZE"], error_out=False)
    published = [decisions.to_public(row) for row in page.items]
    return render_template("decisions/list_decisions.html", decisions=published, page=page, form=form,
                           filtered=bool(form.state.data or form.right.data),
                           page_languages=language_addresses("decisions.list_decisions"),
                           feed_languages=language_addresses("decisions.atom_feed"))


@bp.route("/decisions.atom")
def atom_feed():
    """The latest published decisions as an Atom feed (RFC 4287), built with feedgen."""
    latest = decisions.latest(db.session)
    language = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    # One feed per language (issue 18): its own address and id, and the page in the same language.
    page_url = url_for("decisions.list_decisions", _external=True, lang=language)
    feed = FeedGenerator()
    feed.id(url_for("decisions.atom_feed", _external=True, lang=language))
    feed.title(_("Published decisions — ESCR Case Desk"))
    feed.subtitle(_("Decisions of the UN Committee on Economic, Social and Cultural Rights on communications "
                    "brought by the coalition, as published by its coordinators."))
    feed.author({"name": _("ESCR Case Desk")})
    feed.link(href=url_for("decisions.atom_feed", _external=True, lang=language), rel="self", type=ATOM_TYPE)
    feed.link(href=page_url, rel="alternate", type="text/html", hreflang=language)
    for other, address in language_addresses("decisions.atom_feed"):
        if other != language:
            feed.link(href=address, rel="alternate", type=ATOM_TYPE, hreflang=other)
    feed.language(language)
    feed.updated(max((decision.published_at for decision in latest), default=None) or utcnow())
    for decision in latest:
        entry = feed.add_entry(order="append")
        entry.id(decision.urn)
        entry.title(publication.xml_text(publication.entry_title(
            decision.state or _("State not recorded"), decision.outcome or _("Decision"), decision.un_symbol)))
        entry.published(decision.published_at)
        entry.updated(decision.published_at)
        entry.content(publication.xml_text(decision.summary), type="text")
        entry.link(href=page_url, rel="alternate", type="text/html")
        for link in decision.links:
            if link.clickable:
                entry.link(href=publication.xml_text(link.url), rel="related")
    return Response(feed.atom_str(pretty=True), content_type=f"{ATOM_TYPE}; charset=utf-8")


@dataclass(frozen=True)
class _Requester:
    """Who asked for an export, as plain values: the body is written after the request's database
    session is gone, so the ``User`` row itself cannot be used there."""

    id: int
    role: str
    organisation_id: int | None
    awaiting_approval: bool


def _requester() -> _Requester:
    user = current_user()
    return _Requester(user.id, user.role, user.organisation_id, user.awaiting_approval)


def _csv_download(kind: str, columns, rows: Iterable) -> Response:
    """A CSV export as a dated attachment that no cache keeps (SESS-08), streamed as it is written.

    The first chunk (the header and up to ``exports.FLUSH_AT`` characters of rows: a small export
    whole) is written here, so a failure there is the app's error page rather than a cut-off file.
    Each later chunk is written inside an app context — and so a database session — of its own, pushed
    and popped around that chunk alone: no context stays pushed while the server holds the body, and a
    body the server abandons leaves nothing open. Those contexts have no request, so the downloader's language
    is carried into each (issue 18: headings and words in cells, "yes" or a decision, all in one language).
    """
    app = current_app._get_current_object()
    language = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
    chunks = exports.csv_chunks(exports.headings(columns), rows)
    first = next(chunks)

    def body():
        yield first
        while True:
            with app.app_context(), force_locale(language):
                chunk = next(chunks, None)
            if chunk is None:
                return
            yield chunk

    name = f"escr-{kind}-{utcnow().date().isoformat()}.csv"
    return Response(body(), headers={
        "Content-Type": CSV_TYPE,
        "Content-Disposition": content_disposition(name),
        "Cache-Control": "no-store",
    })


@bp.route("/exports/cases.csv")
def export_cases():
    """Every submitted case, with its title (decrypted) and its communication's numbers and dates."""
    requester, keys = _requester(), keyring()
    audit_request("export_downloaded", target_type="export", target_id="cases")  # AC-08
    return _csv_download("cases", exports.CASES_COLUMNS, exports.case_rows(db.session, keys, requester))


@bp.route("/exports/decisions.csv")
def export_decisions():
    """Every communication with a decision, with its publication and publicity status."""
    requester = _requester()
    audit_request("export_downloaded", target_type="export", target_id="decisions")  # AC-08
    return _csv_download("decisions", exports.DECISIONS_COLUMNS, exports.decision_rows(db.session, requester))
