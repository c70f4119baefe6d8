from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
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
    code = two_factor_code_field(required=False, description=_l("Needed when two-factor is on for your account."))


class NewTokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=MAX_TOKEN_NAME)],
                       description=_l("What will use it, e.g. “field survey app”."),
                       render_kw={"maxlength": MAX_TOKEN_NAME, "autocomplete": "off"})
