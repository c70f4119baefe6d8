"""Form pieces shared by the blueprints, and the forms more than one blueprint shows (the thread's message
form is on the partner's report page and the lawyers' workspace, and posts to the messages blueprint)."""

from email_validator import EmailNotValidError, validate_email
from flask import current_app, flash
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import MultipleFileField, PasswordField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import Select, html_params

from caseapp.domain.passwords import MAX_LENGTH, MIN_LENGTH
from caseapp.services.messages import MAX_MESSAGE
from caseapp.web.locales import say
from caseapp.web.templating import ROLE_LABELS
from caseapp.web.translation import gettext as _
from caseapp.web.translation import lazy_gettext as _l

# "My cases": the cases whose team includes the signed-in user — the same ``mine=yes`` on every list of cases.
MINE_CHOICES = [SelectChoice("", _l("All cases")), SelectChoice("yes", _l("My cases only"))]


class QuickSelect(Select):
    """WTForms' select with its plain options written directly: the same markup (attributes in WTForms'
    sorted order, ``<option selected value="…">``), without building a parameter dict and sorting it for
    each of them. The lawyers' queue renders about 250 options a view (193 States among them), which took
    a quarter of its time (issue 20). An option with attributes of its own, or no value, goes the usual way."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or choice.value is None or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        # A plain string of escaped parts: Select.__call__ joins the options and marks the whole as safe.
        return f'<option {selected}value="{escape(choice.value)}">{label}</option>'


QUICK_SELECT, QUICK_MULTIPLE_SELECT = QuickSelect(), QuickSelect(multiple=True)


class FixedOptionsSelect(QuickSelect):
    """A select whose options are the same for every reader of a language — the States, the rights, the
    queue's stages, windows and orders — written once per language and process: a view then only marks
    the chosen option. Writing the queue filter's eight selects (about 250 options, each label looked up
    in the catalogue and escaped) took about 1.5 ms of a 14 ms page (issue 20). The options are known by
    their values: never for options whose labels change with the data (people, cases), which would show
    a stale label. An option with attributes of its own goes the usual way. One widget per field (the
    options it remembers are that field's), made with the form's class."""

    MAX_WRITTEN = 64  # lists of options kept per field: the languages, and a State list per register change

    def __init__(self, multiple: bool = False):
        super().__init__(multiple=multiple)
        self._written: dict[tuple, tuple[tuple[str, str], ...]] = {}

    def __call__(self, field, **kwargs):
        choices = field.iter_choices()
        if any(choice.render_kw or choice.value is None or isinstance(choice.value, bool) for choice in choices):
            return super().__call__(field, **kwargs)
        key = (str(get_locale()), tuple(choice.value for choice in choices))
        options = self._written.get(key)
        if options is None:
            if len(self._written) >= self.MAX_WRITTEN:
                self._written.clear()
            options = self._written[key] = tuple(
                (f'<option value="{escape(choice.value)}">{label}</option>',
                 f'<option selected value="{escape(choice.value)}">{label}</option>')
                for choice in choices for label in (escape(choice.label or choice.value),))
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        flags = getattr(field, "flags", {})
        for name in dir(flags):
            if name in self.validation_attrs and name not in kwargs:
                kwargs[name] = getattr(flags, name)
        written = "".join(options[index][1 if choice.selected else 0] for index, choice in enumerate(choices))
        # Safe: the values and labels were escaped above, and html_params escapes the attributes.
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{written}</select>")  # noqa: S704



class AppForm(FlaskForm):
    """The base of every form of the app. Its CSRF token is written without an ``id``: WTForms would give
    each form's hidden token ``id="csrf_token"``, and a page with two forms would repeat the id (issue 17
    point 9); no label or script points at the token, so it needs none. Found by its name, as before.
    Its selects are written by ``QuickSelect``."""

    class Meta:
        def render_field(self, field, render_kw):
            if field.name == self.csrf_field_name:
                render_kw = {"id": False, **render_kw}  # WTForms leaves an attribute that is False out
            if type(field.widget) is Select:  # every plain select of the app's forms
                render_kw = dict(field.render_kw or {}, **render_kw)
                return (QUICK_MULTIPLE_SELECT if field.widget.multiple else QUICK_SELECT)(field, **render_kw)
            return super().render_field(field, render_kw)


class ActionForm(AppForm):
    """A button that changes something: only the CSRF token."""


class CaseTeamForm(AppForm):
    """Add someone to a case's team (on the screening workspace and the committee case page); the view
    offers the active lawyers and coordinators not on it yet (``case_teams.candidates``)."""

    member = SelectField(_l("Add to the case team"), validators=[DataRequired()])

    def offer(self, people) -> "CaseTeamForm":
        self.member.choices = [SelectChoice("", _l("Choose a lawyer or coordinator"))] + [
            SelectChoice(str(user.uuid), f"{user.label} ({ROLE_LABELS.get(user.role, user.role)})") for user in people]
        return self


class MessageForm(AppForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=MAX_MESSAGE)],
                         description=_l("Encrypted; seen only by your organisation and the coalition's lawyers."),
                         render_kw={"rows": 4, "maxlength": MAX_MESSAGE})
    files = MultipleFileField(_l("Attach documents"), description=_l("Encrypted, like every evidence file."))


class EmailAddress:
    """An e-mail address's syntax, checked by email_validator without a DNS lookup. Special-use domains
    (``.test``, ``.localhost``…) are refused unless ``EMAIL_TEST_DOMAINS_ALLOWED`` is set, as it is under
    ``make run``, where the demo accounts live at ``@demo.escr.test`` and a newcomer adds colleagues beside them."""

    def __call__(self, form, field):
        try:
            validate_email(field.data or "", check_deliverability=False,
                           test_environment=current_app.config["EMAIL_TEST_DOMAINS_ALLOWED"])
        except EmailNotValidError as problem:
            raise ValidationError(_("Invalid email address.")) from problem


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


def attach_problems(problems: dict[str, str], field_of) -> list[tuple[str, str]]:
    """The domain's problems (field name → sentence, ``domain.report.problems`` and the like), each in the
    reader's language (``say``) beside the field ``field_of(name)`` gives; (name, sentence) for each one that
    no field of the page shows, for the error summary."""
    unplaced = []
    for name, problem in problems.items():
        message = say(problem)
        field = field_of(name)
        if field is None:
            unplaced.append((name, message))
        else:
            field.errors = [*field.errors, message]
    return unplaced


def flash_filter_errors(form: FlaskForm) -> None:
    """A list's filter form that did not validate: say why, since the list is shown unfiltered (IN-01)."""
    problems = "; ".join(f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items()
                         if name != "csrf_token")
    flash(_("The filter was not applied. %(problems)s", problems=problems) if problems
          else _("The filter was not applied: the form had expired. Please try again."), "danger")
