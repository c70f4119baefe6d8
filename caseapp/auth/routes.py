from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for

from caseapp.auth import ceremonies
from caseapp.auth.forms import (
    EnrolTwoFactorForm,
    ForgotPasswordForm,
    LoginForm,
    PasskeyRegistrationForm,
    PasskeySignInForm,
    SetupPasswordForm,
)
from caseapp.core import two_factor
from caseapp.core.extensions import db, limiter
from caseapp.core.resources import blind_indexer, hasher, keyring
from caseapp.services import ServiceError, account_changes, accounts, recovery_codes
from caseapp.web.actions import refusal_text
from caseapp.web.audit_hooks import audit_request
from caseapp.web.errors import render_error
from caseapp.web.forms import ActionForm
from caseapp.web.locales import adopt_page_language
from caseapp.web.security import current_user, return_path
from caseapp.web.translation import gettext as _

bp = Blueprint("auth", __name__)

PENDING_SECRET_KEY = "totp_pending"  # noqa: S105 — a session key name, not a secret
GENERIC_LOGIN_ERROR = "Sign-in failed. Check your e-mail, password and two-factor code, then try again."
RESET_SENT = "If an account exists for that address, we sent a link to set a new password. It works once."


def _login_rate_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def login():
    back_to = return_path(request.args.get("next"))
    if current_user() is not None and session.two_factor_done:
        return redirect(back_to or url_for("main.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        config = current_app.config
        result = accounts.authenticate(
            db.session,
            email=form.email.data,
            password=form.password.data,
            code=form.code.data,
            hasher=hasher(),
            keyring=keyring(),
            throttle_attempts=config["LOGIN_THROTTLE_ATTEMPTS"],
            throttle_window=config["LOGIN_THROTTLE_WINDOW"],
            totp_window=config["TOTP_VALID_WINDOW"],
            two_factor_required_roles=tuple(config["TWO_FACTOR_REQUIRED_ROLES"]),
            indexer=blind_indexer(),
        )
        if result is not None:
            accounts.purge_expired_sessions(
                db.session, idle=config["SESSION_IDLE_TIMEOUT"], absolute=config["SESSION_ABSOLUTE_TIMEOUT"]
            )
            adopt_page_language(result.user)
            db.session.commit()
            session.start(result.user.id, two_factor_done=not (result.needs_enrolment or result.needs_passkey))
            if result.needs_passkey:
                return redirect(url_for("auth.passkey_sign_in"))
            if result.needs_enrolment:
                flash(_("Set up two-factor authentication to continue."), "info")
                return redirect(url_for("auth.enrol_two_factor"))
            return redirect(back_to or url_for("main.index"))
        db.session.commit()  # keep the failure count (AUTH-07)
        form.code.data = ""  # never echo a code back
        error = _(GENERIC_LOGIN_ERROR)  # AUTH-08: one message whatever failed
    return render_template("auth/login.html", form=form, error=error, back_to=back_to)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user() is not None:
        audit_request("logout", target_type="user", target_id=current_user().uuid)
        db.session.commit()
    session.end()
    flash(_("You have signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def forgot_password():
    """Self-service reset (AUTH-12): a link to the account's own address. The answer is the same whether
    or not the address has an account; the link sets a password only, the second factor still guards."""
    if current_user() is not None and session.two_factor_done:
        return redirect(url_for("account.show"))
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        account_changes.request_password_reset(db.session, form.email.data,
                                               interval=current_app.config["PASSWORD_RESET_INTERVAL"])
        db.session.commit()
        flash(_(RESET_SENT), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), 400 if form.errors else 200


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup_account(token: str):
    token_row = accounts.setup_token_user(db.session, token)
    if token_row is None:
        return render_error(404, message=_("This link is invalid, already used or expired. Ask for a new one "
                                           "with “Forgot your password?” on the sign-in page, or ask an "
                                           "administrator."))
    form = SetupPasswordForm()
    if form.validate_on_submit():
        try:
            account_changes.complete_setup(db.session, token_row, form.password.data, hasher(),
                                           min_score=current_app.config["PASSWORD_MIN_SCORE"])
        except ServiceError as exc:
            form.password.errors.append(refusal_text(exc))
        else:
            db.session.commit()
            session.end()
            flash(_("Your password is set. Sign in with it now."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/setup_account.html", form=form, account=token_row.user)


@bp.route("/two-factor/setup", methods=["GET", "POST"])
def enrol_two_factor():
    user = current_user()
    if user.has_second_factor:
        return _already_enrolled(user)
    secret = accounts.open_pending_secret(db.session, keyring(), user, session.get(PENDING_SECRET_KEY))
    if secret is None:
        secret = two_factor.new_secret()
        session[PENDING_SECRET_KEY] = accounts.seal_pending_secret(db.session, keyring(), user, secret)
        db.session.commit()  # the accounts data key may have just been created
    form = EnrolTwoFactorForm()
    if form.validate_on_submit():
        window = current_app.config["TOTP_VALID_WINDOW"]
        if accounts.enrol_two_factor(db.session, keyring(), user, secret, form.code.data, window=window):
            return _first_factor_enrolled(user, _("Two-factor authentication is on. You will need a code each time "
                                                  "you sign in."))
        form.code.errors.append(_("That code does not match. "
                                  "Check that your phone's clock is right and try the next code."))
    return _render_enrolment(form, secret)


def _render_enrolment(form: EnrolTwoFactorForm, secret: str, passkey_form: PasskeyRegistrationForm | None = None,
                      status: int = 200):
    return render_template(
        "auth/enrol_two_factor.html",
        form=form,
        passkey_form=passkey_form or PasskeyRegistrationForm(formdata=None),
        passkey_options=ceremonies.open_ceremony(ceremonies.REGISTER, current_user()),
        secret_groups=[secret[i : i + 4] for i in range(0, len(secret), 4)],
        logout_form=ActionForm(),
    ), status


def _already_enrolled(user):
    """Enrolment pages for an account that has a second factor: a half-signed-in session (password only)
    must prove it, never enrol another one in its place (AUTH-01)."""
    if session.two_factor_done:
        flash(_("Two-factor authentication is already set up for your account."), "info")
        return redirect(url_for("main.index"))
    if user.passkeys:
        return redirect(url_for("auth.passkey_sign_in"))
    session.end()
    return redirect(url_for("auth.login"))


def _first_factor_enrolled(user, message: str):
    """The first second factor is on: a new session id (SESS-02), and the recovery codes shown on this
    response only (AUTH-13) — never put in the session or a flash message, which are stored."""
    codes = recovery_codes.generate(db.session, blind_indexer(), user, current_app.config["RECOVERY_CODE_COUNT"])
    db.session.commit()
    session.start(user.id, two_factor_done=True)
    flash(message, "success")
    return render_template("auth/recovery_codes.html", codes=codes, first_time=True)


@bp.route("/two-factor/passkey", methods=["POST"])
def enrol_passkey():
    """Register a passkey as the account's first second factor, from the enrolment page. Further passkeys
    are added on the account page (``account.add_passkey``), once the existing factor is proven."""
    user = current_user()
    if user.has_second_factor:
        abort(403)
    form = PasskeyRegistrationForm()
    if ceremonies.register_from_form(user, form):
        return _first_factor_enrolled(user, _("Your passkey is added. You will use it each time you sign in."))
    secret = accounts.open_pending_secret(db.session, keyring(), user, session.get(PENDING_SECRET_KEY))
    if secret is None:
        return redirect(url_for("auth.enrol_two_factor"))
    return _render_enrolment(EnrolTwoFactorForm(formdata=None), secret, form, 400)


@bp.route("/two-factor/passkey/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def passkey_sign_in():
    """The second page of a sign-in for an account with a passkey (AUTH-13): the password was right."""
    user = current_user()
    if session.two_factor_done:
        return redirect(url_for("main.index"))
    if not user.passkeys:
        return redirect(url_for("auth.enrol_two_factor"))
    form = PasskeySignInForm()
    error = None
    if form.validate_on_submit():
        config = current_app.config
        ok = accounts.verify_second_step(
            db.session, user, rp=ceremonies.relying_party(), credential_json=form.credential.data,
            challenge=ceremonies.take_challenge(ceremonies.SIGN_IN), code=form.code.data, keyring=keyring(),
            indexer=blind_indexer(),
            totp_window=config["TOTP_VALID_WINDOW"], throttle_attempts=config["LOGIN_THROTTLE_ATTEMPTS"],
            throttle_window=config["LOGIN_THROTTLE_WINDOW"],
        )
        db.session.commit()  # the success, or the failure count (AUTH-07)
        if ok:
            session.start(user.id, two_factor_done=True)  # SESS-02: new id once the second factor is done
            return redirect(url_for("main.index"))
        form.code.data = ""
        error = _("The passkey or code was not accepted. Try again, or sign out and start over.")
    return render_template("auth/passkey_sign_in.html", form=form, error=error, logout_form=ActionForm(),
                           passkey_options=ceremonies.open_ceremony(ceremonies.SIGN_IN, user))


@bp.route("/two-factor/setup/qr.svg")
def two_factor_qr():
    user = current_user()
    secret = accounts.open_pending_secret(db.session, keyring(), user, session.get(PENDING_SECRET_KEY))
    if user.has_second_factor or secret is None:
        abort(404)
    uri = two_factor.provisioning_uri(secret, user.email, current_app.config["TOTP_ISSUER"])
    return Response(two_factor.qr_svg(uri), mimetype="image/svg+xml")
