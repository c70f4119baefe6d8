"""Form pieces shared by the blueprints, and the forms more than one blueprint shows (the thread's message
form is on the partner's report page and the lawyers' workspace, and posts to the messages blueprint)."""

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from caseapp.domain.passwords import MAX_LENGTH, MIN_LENGTH
from caseapp.services.messages import MAX_MESSAGE


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=MAX_MESSAGE)],
                         description=_l("Encrypted; seen only by your organisation and the coalition's lawyers."))
    files = MultipleFileField(_l("Attach documents"), description=_l("Encrypted, like every evidence file."))


def new_password_field(label=None):
    return PasswordField(
        label or _l("New password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=_l("At least %(min)d characters. "
                       "A few unrelated words make a strong passphrase; paste is welcome.", min=MIN_LENGTH),
        render_kw={"autocomplete": "new-password", "maxlength": MAX_LENGTH},
    )


def two_factor_code_field(label=None, required=True, description="", *, recovery: bool = False):
    """A TOTP code field; with ``recovery`` it also takes a recovery code (letters, digits and dashes,
    AUTH-13), so the keyboard is not limited to digits."""
    if recovery:
        return StringField(
            label or _l("Two-factor code or recovery code"),
            description=description,
            validators=[DataRequired() if required else Optional(), Length(max=20),
                        Regexp(r"^[0-9A-Za-z \-]*$", message=_l("Digits, letters and dashes only."))],
            render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false",
                       "maxlength": 20},
        )
    return StringField(
        label or _l("Two-factor code"),
        description=description,
        validators=[DataRequired() if required else Optional(), Length(max=10),
                    Regexp(r"^[\d ]*$", message=_l("Digits only."))],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 10},
    )


def flash_filter_errors(form: FlaskForm) -> None:
    """A list's filter form that did not validate: say why, since the list is shown unfiltered (IN-01)."""
    problems = "; ".join(f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items()
                         if name != "csrf_token")
    flash(_("The filter was not applied. %(problems)s", problems=problems) if problems
          else _("The filter was not applied: the form had expired. Please try again."), "danger")
