"""The public decisions page's filters: codes only, in the URL, and no CSRF token (a GET form that
changes nothing, so an anonymous visitor gets no session to hold one)."""

from wtforms import SelectChoice, SelectField
from wtforms.validators import Optional

from caseapp.domain import covenant
from caseapp.web.forms import AppForm
from caseapp.web.translation import lazy_gettext as _l


class DecisionFilterForm(AppForm):
    class Meta:
        csrf = False

    state = SelectField(_l("State"), validators=[Optional()])
    right = SelectField(_l("Right"), validators=[Optional()],
                        choices=[SelectChoice("", _l("All rights"))]
                        + [SelectChoice(code, _l(label)) for code, label in covenant.choices()])
