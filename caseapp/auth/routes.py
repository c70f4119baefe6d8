from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _

from caseapp.auth.forms import EnrolTwoFactorForm, LoginForm, SetupPasswordForm
from caseapp.core import two_factor
from caseapp.core.extensions import db, limiter
from caseapp.core.resources import hasher, keyring
from caseapp.services import ServiceError, accounts
from caseapp.web.actions import refusal_text
from caseapp.web.audit_hooks import audit_request
from caseapp.web.errors import render_error
from caseapp.web.forms import ActionForm
from caseapp.web.security import current_user

bp = Blueprint("auth", __name__)

PENDING_SECRET_KEY = "totp_pending"  # noqa: S105 — a session key name, not a secret
GENERIC_LOGIN_ERROR = "Sign-in failed. Check your e-mail, password and two-factor code, then try again."


def _login_rate_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def login():
    if current_user() is not None and session.two_factor_done:
        return redirect(url_for("main.index"))
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
            totp_required_roles=tuple(config["TOTP_REQUIRED_ROLES"]),
        )
        if result is not None:
            accounts.purge_expired_sessions(
                db.session, idle=config["SESSION_IDLE_TIMEOUT"], absolute=config["SESSION_ABSOLUTE_TIMEOUT"]
            )
            db.session.commit()
            session.start(result.user.id, two_factor_done=not result.needs_enrolment)
            if result.needs_enrolment:
                flash(_("Set up two-factor authentication to continue."), "info")
                return redirect(url_for("auth.enrol_two_factor"))
            return redirect(url_for("main.index"))
        db.session.commit()  # keep the failure count (AUTH-07)
        form.code.data = ""  # never echo a code back
        error = _(GENERIC_LOGIN_ERROR)  # AUTH-08: one message whatever failed
    return render_template("auth/login.html", form=form, error=error)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user() is not None:
        audit_request("logout", target_type="user", target_id=current_user().uuid)
        db.session.commit()
    session.end()
    flash(_("You have signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup_account(token: str):
    token_row = accounts.setup_token_user(db.session, token)
    if token_row is None:
        return render_error(404, message=_("This link is invalid, already used or expired. "
                                           "Ask an administrator for a new one."))
    form = SetupPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.complete_setup(db.session, token_row, form.password.data, hasher(),
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
    if user.has_totp:
        flash(_("Two-factor authentication is already set up for your account."), "info")
        return redirect(url_for("main.index"))
    secret = accounts.open_pending_secret(db.session, keyring(), user, session.get(PENDING_SECRET_KEY))
    if secret is None:
        secret = two_factor.new_secret()
        session[PENDING_SECRET_KEY] = accounts.seal_pending_secret(db.session, keyring(), user, secret)
        db.session.commit()  # the accounts data key may have just been created
    form = EnrolTwoFactorForm()
    if form.validate_on_submit():
        window = current_app.config["TOTP_VALID_WINDOW"]
        if accounts.enrol_two_factor(db.session, keyring(), user, secret, form.code.data, window=window):
            db.session.commit()
            session.start(user.id, two_factor_done=True)  # SESS-02: new id once two-factor is done
            flash(_("Two-factor authentication is on. You will need a code each time you sign in."), "success")
            return redirect(url_for("main.index"))
        form.code.errors.append(_("That code does not match. "
                                  "Check that your phone's clock is right and try the next code."))
    return render_template(
        "auth/enrol_two_factor.html",
        form=form,
        secret_groups=[secret[i : i + 4] for i in range(0, len(secret), 4)],
        logout_form=ActionForm(),
    )


@bp.route("/two-factor/setup/qr.svg")
def two_factor_qr():
    user = current_user()
    secret = accounts.open_pending_secret(db.session, keyring(), user, session.get(PENDING_SECRET_KEY))
    if user.has_totp or secret is None:
        abort(404)
    uri = two_factor.provisioning_uri(secret, user.email, current_app.config["TOTP_ISSUER"])
    return Response(two_factor.qr_svg(uri), mimetype="image/svg+xml")
