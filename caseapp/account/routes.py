from uuid import UUID

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, ngettext, refresh

from caseapp.account.forms import ChangePasswordForm, LocaleForm, NewTokenForm, choices_form, kind_field_name
from caseapp.auth import ceremonies
from caseapp.auth.forms import PasskeyRegistrationForm
from caseapp.core.extensions import db
from caseapp.core.resources import blind_indexer, hasher, keyring
from caseapp.domain import notifications as kinds
from caseapp.domain import permissions, roles
from caseapp.services import (
    ServiceError,
    account_changes,
    accounts,
    calendar_feeds,
    notifications,
    passkeys,
    recovery_codes,
    tokens,
)
from caseapp.web.actions import refusal_text
from caseapp.web.audit_hooks import audit_request
from caseapp.web.forms import ActionForm
from caseapp.web.locales import language_choices, local_path
from caseapp.web.security import current_user
from caseapp.web.translation import gettext as _

bp = Blueprint("account", __name__, url_prefix="/account")


def render_account(form: ChangePasswordForm | None = None, status: int = 200, *, token_form: NewTokenForm | None = None,
                   new_token: tokens.NewToken | None = None, new_feed_url: str | None = None,
                   passkey_form: PasskeyRegistrationForm | None = None, locale_form: LocaleForm | None = None):
    user = current_user()
    sessions = accounts.active_sessions(db.session, user)
    # API tokens are for partners only; the section is not shown to anyone else.
    api_tokens = tokens.list_tokens(db.session, user) if permissions.can_hold_api_token(user) else None
    # The deadlines' calendar feed is for the caseworkers only (lawyers and coordinators).
    feed_allowed = permissions.can_hold_calendar_feed(user)
    feed = calendar_feeds.find_own(db.session, user) if feed_allowed else None
    return (
        render_template("account/show.html", user=user, form=form or ChangePasswordForm(formdata=None),
                        sessions=sessions, current_handle=session.handle, action_form=ActionForm(),
                        api_tokens=api_tokens, token_form=token_form or NewTokenForm(formdata=None),
                        new_token=new_token, feed_allowed=feed_allowed, calendar_feed=feed,
                        new_feed_url=new_feed_url,
                        passkey_form=passkey_form or PasskeyRegistrationForm(formdata=None),
                        # only a fully signed-in account with a second factor sees the passkeys section
                        passkey_options=ceremonies.open_ceremony(ceremonies.REGISTER, user)
                        if user.has_second_factor else None,
                        # the password change may be confirmed with a passkey (AUTH-10)
                        confirm_options=ceremonies.open_ceremony(ceremonies.CONFIRM, user)
                        if user.passkeys else None,
                        recovery_codes_left=recovery_codes.remaining(db.session, user),
                        locale_form=(locale_form or LocaleForm(formdata=None, locale=user.locale or str(get_locale()),
                                                               next=url_for("account.show"))
                                     ).with_languages(language_choices())),
        status,
    )


@bp.route("")
def show():
    return render_account(ChangePasswordForm())


@bp.route("/password", methods=["POST"])
def change_password():
    user = current_user()
    form = ChangePasswordForm()
    # Taken whatever happens next: one page's challenge answers one attempt only (AUTH-10).
    challenge = ceremonies.take_challenge(ceremonies.CONFIRM)
    sent_credential = form.credential.data
    # The page shown again asks the passkey afresh: its challenge is new, the answer sent is spent.
    form.credential.data = ""
    if not form.validate_on_submit():
        return render_account(form, 400)
    try:
        account_changes.change_password(
            db.session, keyring(), user, current=form.current_password.data, new=form.password.data,
            code=form.code.data, hasher=hasher(), totp_window=current_app.config["TOTP_VALID_WINDOW"],
            indexer=blind_indexer(), rp=ceremonies.relying_party(), credential_json=sent_credential,
            challenge=challenge, min_score=current_app.config["PASSWORD_MIN_SCORE"],
        )
    except ServiceError as exc:
        db.session.rollback()
        # Failed credentials are kept, as at sign-in (LOG-01); nothing else of the attempt.
        refusal = {"code": "two_factor_failed", "credential": "two_factor_failed",
                   "current_password": "password_change_refused"}.get(exc.field)
        if refusal:
            audit_request(refusal, target_type="user", target_id=user.uuid)
            db.session.commit()
        getattr(form, exc.field or "password").errors.append(refusal_text(exc))
        return render_account(form, 400)
    db.session.commit()
    session.start(user.id, two_factor_done=True)  # every other session has ended (SESS-05)
    if permissions.can_hold_api_token(user):  # AUTH-14: its tokens were revoked with the old password
        flash(_("Your password is changed. Your other sessions have been signed out and your API tokens revoked."),
              "success")
    else:
        flash(_("Your password is changed. Your other sessions have been signed out."), "success")
    return redirect(url_for("account.show"))


@bp.route("/language", methods=["POST"])
def change_locale():
    """The person's language (issue 18): their pages, and the e-mails sent to them, from now on. Sent by the
    account page's form and by the layout's switcher, which come back to the page they were on."""
    user = current_user()
    form = LocaleForm().with_languages(language_choices())
    if not form.validate_on_submit():
        return render_account(status=400, locale_form=form)
    user.locale = form.locale.data
    db.session.commit()
    refresh()  # this request's locale was settled before the change: the message below is in the new one
    flash(_("Your language is saved: your pages and e-mails use it from now on."), "success")
    return redirect(local_path(form.next.data) or url_for("account.show"))


@bp.route("/sessions/<handle>/end", methods=["POST"])
def end_session(handle: str):
    user = current_user()
    record = accounts.find_session_by_handle(db.session, handle)
    if record is None or not permissions.can_end_session(user, record.user_id) or record.user_id != user.id:
        abort(404)  # AC-04: someone else's session looks like no session
    if record.handle == session.handle:
        session.end()
        flash(_("You have signed out."), "success")
        return redirect(url_for("auth.login"))
    db.session.delete(record)
    db.session.commit()
    flash(_("That session has been ended."), "success")
    return redirect(url_for("account.show"))


@bp.route("/sessions/end-others", methods=["POST"])
def end_other_sessions():
    user = current_user()
    count = accounts.end_sessions(db.session, user, keep_id_hash=session.id_hash)
    db.session.commit()
    flash(ngettext("%(num)d other session ended.", "%(num)d other sessions ended.", count), "success")
    return redirect(url_for("account.show"))


@bp.route("/tokens", methods=["POST"])
def create_token():
    """Make an API token and show its secret on this response only: it is never stored (only its hash
    is) and never put in the session or a flash message, which live in the database."""
    form = NewTokenForm()
    if not form.validate_on_submit():
        return render_account(status=400, token_form=form)
    try:
        new_token = tokens.create(db.session, current_user(), form.name.data)
    except ServiceError as exc:
        db.session.rollback()
        form.name.errors = [*form.name.errors, refusal_text(exc)]
        return render_account(status=400, token_form=form)
    audit_request("api_token_created", target_type="token", target_id=new_token.token.uuid)
    db.session.commit()
    return render_account(new_token=new_token)


@bp.route("/tokens/<uuid:token_uuid>/revoke", methods=["POST"])
def revoke_token(token_uuid: UUID):
    token = tokens.find_own_token(db.session, current_user(), token_uuid)
    if token is None:
        abort(404)  # AC-04: someone else's token looks like no token
    if tokens.revoke(db.session, token):
        audit_request("api_token_revoked", target_type="token", target_id=token.uuid)
        # No token name in the message: flash messages wait in the session, which holds no user text.
        flash(_("The token is revoked: nothing can use it any more."), "success")
    db.session.commit()
    return redirect(url_for("account.show", _anchor="api-tokens"))


@bp.route("/calendar-feed", methods=["POST"])
def create_calendar_feed():
    """Make (or replace) the user's calendar feed and show its secret URL on this response only: only
    its hash is stored, and the URL is never put in the session or a flash message. The CSRF token is
    checked by CSRFProtect, as for every POST."""
    try:
        new_feed = calendar_feeds.create(db.session, current_user())
    except ServiceError as exc:
        db.session.rollback()
        flash(refusal_text(exc), "danger")
        return redirect(url_for("account.show"))
    audit_request("calendar_feed_created", target_type="calendar_feed", target_id=new_feed.feed.id)
    db.session.commit()
    feed_url = url_for("deadlines.calendar_feed", token=new_feed.secret, _external=True)
    return render_account(new_feed_url=feed_url)


@bp.route("/calendar-feed/revoke", methods=["POST"])
def revoke_calendar_feed():
    if calendar_feeds.revoke(db.session, current_user()):
        audit_request("calendar_feed_revoked", target_type="user", target_id=current_user().uuid)
        flash(_("Your calendar feed is revoked: its address no longer works."), "success")
    else:
        flash(_("You have no calendar feed."), "info")
    db.session.commit()
    return redirect(url_for("account.show", _anchor="calendar-feed"))


@bp.route("/passkeys/<uuid:passkey_uuid>/remove", methods=["POST"])
def remove_passkey(passkey_uuid: UUID):
    user = current_user()
    passkey = passkeys.find_own(user, passkey_uuid)
    if passkey is None:
        abort(404)  # AC-04: someone else's passkey looks like no passkey
    name = passkey.name
    try:
        passkeys.remove(db.session, user, passkey,
                        required_roles=tuple(current_app.config["TWO_FACTOR_REQUIRED_ROLES"]))
    except ServiceError as exc:
        db.session.rollback()
        flash(refusal_text(exc), "danger")
        return redirect(url_for("account.show", _anchor="passkeys"))
    db.session.commit()
    flash(_("The passkey “%(name)s” is removed.", name=name), "success")
    return redirect(url_for("account.show", _anchor="passkeys"))


@bp.route("/recovery-codes", methods=["POST"])
def regenerate_recovery_codes():
    """New recovery codes, shown on this response only; the earlier ones stop working (AUTH-13)."""
    user = current_user()
    if not user.has_second_factor:
        flash(_("Set up a second factor first: recovery codes stand in for it."), "info")
        return redirect(url_for("account.show"))
    codes = recovery_codes.generate(db.session, blind_indexer(), user, current_app.config["RECOVERY_CODE_COUNT"])
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, first_time=False)


@bp.route("/passkeys", methods=["POST"])
def add_passkey():
    """Add another passkey (AUTH-13). An account without a second factor sets up its first one on the
    enrolment page, which also gives the recovery codes."""
    user = current_user()
    if not user.has_second_factor:
        return redirect(url_for("auth.enrol_two_factor"))
    form = PasskeyRegistrationForm()
    if ceremonies.register_from_form(user, form):
        db.session.commit()
        flash(_("The passkey “%(name)s” is added.", name=" ".join(form.name.data.split())), "success")
        return redirect(url_for("account.show", _anchor="passkeys"))
    return render_account(status=400, passkey_form=form)


@bp.route("/notifications", methods=["GET", "POST"])
def notification_choices():
    """Each person's choices: per kind of notification they may receive, at once, in the digest or never (in
    the app only); and the deadline digest's frequency and reach. The e-mails' footer links here."""
    user = current_user()
    choosable = kinds.choosable_for(user.role)
    takes_digest = user.role != roles.ADMIN
    if request.method == "GET":
        chosen = notifications.chosen_deliveries(db.session, user)
        form = choices_form(choosable, formdata=None, digest_frequency=user.digest_frequency,
                            digest_within_days=user.digest_within_days,
                            **{kind_field_name(code): chosen[code] for code in choosable})
        return render_template("account/notifications.html", form=form, choosable=choosable,
                               takes_digest=takes_digest)
    form = choices_form(choosable)
    if not takes_digest:
        del form["digest_frequency"], form["digest_within_days"]
    if not form.validate_on_submit():
        return render_template("account/notifications.html", form=form, choosable=choosable,
                               takes_digest=takes_digest), 400
    for code in choosable:
        notifications.set_preference(db.session, user, code, form[kind_field_name(code)].data)
    if takes_digest:
        user.digest_frequency = form.digest_frequency.data
        user.digest_within_days = form.digest_within_days.data
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("account.notification_choices"))
