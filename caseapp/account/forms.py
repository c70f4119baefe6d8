from wtforms import HiddenField, IntegerField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange

from caseapp.domain import notifications as kinds
from caseapp.domain.passwords import MAX_LENGTH
from caseapp.services import digests
from caseapp.services.tokens import MAX_NAME_LENGTH as MAX_TOKEN_NAME
from caseapp.web.forms import AppForm, new_password_field, two_factor_code_field
from caseapp.web.locales import MAX_RETURN_PATH
from caseapp.web.translation import lazy_gettext as _l


class ChangePasswordForm(AppForm):
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


class LocaleForm(AppForm):
    """The language of the person's pages and e-mails (issue 18), from the account page or the layout's switcher.
    The choices are the configured languages, each named in its own language (``with_languages``)."""

    locale = SelectField(_l("Language"), validators=[InputRequired()], choices=[],
                         description=_l("Your pages and the e-mails the app sends you are in this language."))
    # The page to go back to: the switcher's page, or the account page (checked by ``local_path``). A path and
    # query of this app's pages stays far below the limit (IN-01).
    next = HiddenField(validators=[Length(max=MAX_RETURN_PATH)])

    def with_languages(self, languages: list[tuple[str, str]]) -> "LocaleForm":
        # lang on each option: a screen reader reads "Español" in Spanish on an English page (WCAG 3.1.2).
        self.locale.choices = [SelectChoice(code, name, render_kw={"lang": code}) for code, name in languages]
        return self


class NewTokenForm(AppForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=MAX_TOKEN_NAME)],
                       description=_l("What will use it, e.g. “field survey app”."),
                       render_kw={"maxlength": MAX_TOKEN_NAME, "autocomplete": "off"})


DELIVERY_CHOICES = [SelectChoice(kinds.IMMEDIATE, _l("At once")), SelectChoice(kinds.DIGEST, _l("In the digest")),
                    SelectChoice(kinds.NEVER, _l("Never (in the app only)"))]


class DaysField(IntegerField):
    """A number of days whose one error, for a number out of range or no number at all, is its range's."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None  # NumberRange refuses it with the field's own message


class NotificationChoicesForm(AppForm):
    """The digest's frequency and reach; ``choices_form`` adds one field per kind the person may choose."""

    digest_frequency = SelectField(_l("Deadline digest"), validators=[InputRequired()],
                                   choices=[SelectChoice(digests.DAILY, _l("Daily")),
                                            SelectChoice(digests.WEEKLY, _l("Weekly")),
                                            SelectChoice(digests.NEVER, _l("Never"))])
    digest_within_days = DaysField(
        _l("Deadlines due within (days)"),
        validators=[InputRequired(message=_l("Give a number of days from 1 to 90.")),
                    NumberRange(min=digests.WITHIN_DAYS_MIN, max=digests.WITHIN_DAYS_MAX,
                                message=_l("Give a number of days from 1 to 90."))],
        description=_l("The digest lists the deadlines due from today to this many days ahead, and those overdue."),
        render_kw={"min": digests.WITHIN_DAYS_MIN, "max": digests.WITHIN_DAYS_MAX, "inputmode": "numeric"})

    @property
    def kind_fields(self) -> list:
        return [field for name, field in self._fields.items() if name.startswith("kind_")]


def kind_field_name(kind: str) -> str:
    return f"kind_{kind}"


for _code in kinds.CHOOSABLE_KINDS:
    setattr(NotificationChoicesForm, kind_field_name(_code),
            SelectField(_l(kinds.KINDS[_code].label), choices=DELIVERY_CHOICES, validators=[InputRequired()]))


def choices_form(kind_codes: tuple[str, ...], **kwargs) -> NotificationChoicesForm:
    """The form for a person who may choose these kinds: the others' fields are taken out."""
    form = NotificationChoicesForm(**kwargs)
    for code in kinds.CHOOSABLE_KINDS:
        if code not in kind_codes:
            del form[kind_field_name(code)]
    return form
