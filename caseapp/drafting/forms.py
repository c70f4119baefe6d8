"""The drafting page's forms: the case's drafting settings, and the choice of a draft's language and annexes."""

from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from caseapp.domain import drafting
from caseapp.web.forms import AppForm
from caseapp.web.translation import lazy_gettext as _l


class DraftingSettingsForm(AppForm):
    """The case's drafting settings; the view gives the languages the drafts are written in."""

    working_language = SelectField(
        _l("Language of the communication"), choices=[], validators=[DataRequired()],
        description=_l("The Committee works in English, French and Spanish: write in the language of the victims' "
                       "country when it is one of them."))
    remedies_sought = TextAreaField(
        _l("Remedies sought"), validators=[Length(max=drafting.MAX_REMEDIES_SOUGHT)],
        description=_l("What the authors ask the Committee to recommend to the State: one remedy per line."))


class DraftChoiceForm(AppForm):
    """A draft's language and its annexes, read from the download link's query (a GET form: nothing changes,
    so it carries no CSRF token)."""

    class Meta:
        csrf = False

    lang = SelectField(_l("Language of the documents"), choices=[], validators=[DataRequired()])
    annex = SelectMultipleField(_l("Annexes"), choices=[], widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput(),
                                description=_l("The evidence files to attach, numbered in this order in the "
                                               "communication's list of annexes and in the bundle."))
