from wtforms import DateField, EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from caseapp.domain import audit as audit_rules
from caseapp.domain import roles
from caseapp.web.forms import AppForm, EmailAddress
from caseapp.web.templating import ROLE_LABELS
from caseapp.web.translation import lazy_gettext as _l

ROLE_CHOICES = [SelectChoice(role, ROLE_LABELS[role]) for role in roles.ROLES]
SORT_CHOICES = [
    SelectChoice("email", _l("E-mail")),
    SelectChoice("role", _l("Role")),
    SelectChoice("created", _l("Newest first")),
    SelectChoice("last_login", _l("Last sign-in")),
]


class _AccountFields(AppForm):
    display_name = StringField(_l("Name"), validators=[Optional(), Length(max=120)], render_kw={"maxlength": 120})
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()])
    organisation = SelectField(
        _l("Organisation"), choices=[], validate_choice=True,
        description=_l("Required for partner NGO members; optional for staff."),
    )


def _email_field(description=None):
    return EmailField(_l("E-mail"), validators=[DataRequired(), EmailAddress(), Length(max=254)],
                      description=description, render_kw={"maxlength": 254, "autocomplete": "off"})


class NewUserForm(_AccountFields):
    email = _email_field(_l("The set-up link is sent to this address; nobody else sees it."))


class UpdateUserForm(_AccountFields):
    email = _email_field(_l("A new address is told to the old one too; set-up links not yet used stop working."))


class OrganisationForm(AppForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], render_kw={"maxlength": 200})


class UserFilterForm(AppForm):
    q = StringField(_l("E-mail or name contains"), validators=[Optional(), Length(max=254)],
                    render_kw={"maxlength": 254})
    role = SelectField(_l("Role"), choices=[SelectChoice("", _l("All roles"))] + ROLE_CHOICES, validators=[Optional()])
    status = SelectField(_l("Status"), choices=[SelectChoice("", _l("All")), SelectChoice("active", _l("Active")),
                                                SelectChoice("disabled", _l("Disabled")),
                                                SelectChoice("waiting", _l("Waiting for approval"))],
                         validators=[Optional()])
    sort = SelectField(_l("Sort by"), choices=SORT_CHOICES, validators=[Optional()])


# --- the audit log -------------------------------------------------------------------------------

CASE_REFERENCE_PATTERN = r"^ESCR-\d{4}-\d{4,}$"


class AuditFilterForm(AppForm):
    """The audit viewer's filters: ids and codes only, so they travel in the URL (DATA-01). The actor
    is chosen from the accounts by their opaque id, never typed."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    actor = SelectField(_l("Actor"), choices=[], validators=[Optional()], validate_choice=True)
    case = StringField(_l("Case reference"),
                       validators=[Optional(), Length(max=audit_rules.MAX_CASE_REFERENCE),
                                   Regexp(CASE_REFERENCE_PATTERN,
                                          message=_l("Give a reference such as ESCR-2025-0001."))],
                       render_kw={"maxlength": audit_rules.MAX_CASE_REFERENCE, "placeholder": "ESCR-2025-0001"})
    action = SelectField(_l("Action"), validators=[Optional()], validate_choice=True,
                         choices=[SelectChoice("", _l("All actions"))]
                         + [SelectChoice(code, _l(description)) for code, description in audit_rules.ACTIONS.items()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()], description=_l("Dates in UTC; both days included."))
