from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from caseapp.domain.passwords import MAX_LENGTH
from caseapp.services.tokens import MAX_NAME_LENGTH as MAX_TOKEN_NAME
from caseapp.web.forms import new_password_field, two_factor_code_field


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)],
                                     render_kw={"autocomplete": "current-password", "maxlength": MAX_LENGTH})
    password = new_password_field()
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password", "maxlength": MAX_LENGTH})
    # A TOTP code or a recovery code, so the change works without JavaScript and without the phone (AUTH-10).
    code = two_factor_code_field(_l("Your two-factor code, or a recovery code"), required=False, recovery=True)
    # The passkey's answer to the page's CONFIRM ceremony, put here by passkeys.js when no code is given.
    credential = HiddenField()


class NewTokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=MAX_TOKEN_NAME)],
                       description=_l("What will use it, e.g. “field survey app”."),
                       render_kw={"maxlength": MAX_TOKEN_NAME, "autocomplete": "off"})
