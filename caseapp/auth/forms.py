from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from caseapp.domain.passwords import MAX_LENGTH
from caseapp.services.passkeys import MAX_NAME_LENGTH as PASSKEY_NAME_LENGTH
from caseapp.web.forms import AppForm, new_password_field, two_factor_code_field
from caseapp.web.translation import lazy_gettext as _l


class LoginForm(AppForm):
    email = StringField(_l("E-mail"), validators=[DataRequired(), Length(max=254)],
                        render_kw={"autocomplete": "username", "type": "email", "maxlength": 254})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)],
                             render_kw={"autocomplete": "current-password", "maxlength": MAX_LENGTH})
    code = two_factor_code_field(
        required=False, recovery=True,
        description=_l("The six digits your authenticator app shows, or one of your recovery codes. "
                       "Leave empty if you use a passkey or have not set up two-factor yet."),
    )


class ForgotPasswordForm(AppForm):
    email = StringField(_l("E-mail"), validators=[DataRequired(), Length(max=254)],
                        render_kw={"autocomplete": "username", "type": "email", "maxlength": 254})


class SetupPasswordForm(AppForm):
    password = new_password_field()
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password", "maxlength": MAX_LENGTH})


class EnrolTwoFactorForm(AppForm):
    code = two_factor_code_field(_l("Code shown by your authenticator app"))


class PasskeySignInForm(AppForm):
    """The second page of a sign-in: the passkey's answer (filled in by passkeys.js), or a code instead."""
    credential = HiddenField()
    code = two_factor_code_field(
        required=False, recovery=True,
        description=_l("Without your passkey: the code of your authenticator app, or one of your recovery codes."),
    )


class PasskeyRegistrationForm(AppForm):
    """A new passkey's name; the browser's answer is put in ``credential`` by passkeys.js."""
    name = StringField(_l("Passkey name"), validators=[DataRequired(), Length(max=PASSKEY_NAME_LENGTH)],
                       description=_l("So you can tell your passkeys apart, e.g. “work laptop” or “blue key”."),
                       render_kw={"maxlength": PASSKEY_NAME_LENGTH, "autocomplete": "off"})
    credential = HiddenField()
