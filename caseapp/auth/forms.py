from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from caseapp.domain.passwords import MAX_LENGTH
from caseapp.web.forms import new_password_field, two_factor_code_field


class LoginForm(FlaskForm):
    email = StringField(_l("E-mail"), validators=[DataRequired(), Length(max=254)],
                        render_kw={"autocomplete": "username", "type": "email", "maxlength": 254})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)],
                             render_kw={"autocomplete": "current-password", "maxlength": MAX_LENGTH})
    code = two_factor_code_field(
        required=False,
        description=_l("The six digits your authenticator app shows. "
                       "Leave empty if you have not set up two-factor yet."),
    )


class SetupPasswordForm(FlaskForm):
    password = new_password_field()
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password", "maxlength": MAX_LENGTH})


class EnrolTwoFactorForm(FlaskForm):
    code = two_factor_code_field(_l("Code shown by your authenticator app"))
