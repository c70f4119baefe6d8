"""The one shape of a view that changes something (ESCR issue 13): validate the form, call the service,
then either

* the service refused (``ServiceError``, whose message is safe to show): roll back, and show the page
  again with status 400, keeping what the user typed, the refusal next to its field or in the page's
  summary; or
* commit, flash what was done and redirect (Post/Redirect/Get).

The view commits once and only here, after the service has run; a refusal leaves nothing behind
(DESIGN.md §1, one transaction per request). Used by the screening decisions, the committee's case
actions and the admin's account and organisation forms.
"""

from collections.abc import Callable
from typing import TypeVar

from flask import flash, redirect
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from caseapp.core.extensions import db
from caseapp.services import ServiceError
from caseapp.web.locales import say

T = TypeVar("T")


def refusal_text(exc: ServiceError) -> str:
    """The refusal as the user reads it, in their language (the services word it in English, marked)."""
    return say(exc.message)


def run_action(
    form: FlaskForm | None,
    call: Callable[[], T],
    *,
    then: str | Callable[[T], ResponseReturnValue],
    done: str | Callable[[T], str] | None = None,
    page: Callable[[str | None], ResponseReturnValue] | None = None,
    field: str | None = None,
) -> ResponseReturnValue:
    """Validate ``form``, run ``call`` and answer.

    ``form``: validated first; None for a button without fields (CSRFProtect has checked its token).
    ``call``: calls the service; what it returns is passed to ``done`` and ``then`` when they are functions.
    ``then``: on success, the URL to redirect to — or a function of the result that answers, for a page
    that must be shown once rather than redirected to (a new account's setup link).
    ``done``: the success message flashed, or a function of the result that words it; None flashes nothing.
    ``page``: renders the form's page again (sent with status 400); it is given the refusal to show in
    the page's summary, or None when the form shows it. Without ``page`` the action has no page of its
    own (a button on another page): a refusal is flashed and the user goes back to ``then``.
    ``field``: the form shows refusals next to its fields — the one the ``ServiceError`` names, or this
    one when it names none of the form's; None shows every refusal in the page's summary.
    """
    if form is not None and not form.validate():
        return page(None), 400
    try:
        result = call()
    except ServiceError as exc:
        db.session.rollback()  # whatever the service flushed before refusing is undone
        if page is None:
            flash(refusal_text(exc), "danger")
            return redirect(then)
        if field is None:
            return page(refusal_text(exc)), 400
        target = form[exc.field] if exc.field and exc.field in form else form[field]
        target.errors = [*target.errors, refusal_text(exc)]
        return page(None), 400
    db.session.commit()
    if done is not None:
        flash(done(result) if callable(done) else done, "success")
    return then(result) if callable(then) else redirect(then)
