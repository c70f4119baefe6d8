from wtforms import IntegerField, SelectChoice, SelectField
from wtforms.validators import NumberRange, Optional

from caseapp.web.forms import MINE_CHOICES, AppForm
from caseapp.web.translation import lazy_gettext as _l

WINDOWS = (30, 60, 90)
DEFAULT_WINDOW = WINDOWS[0]
MAX_PAGE = 1_000_000  # far past any last page (which is shown instead): only a bound on what is parsed


class WindowForm(AppForm):
    """How far ahead the dashboard looks: a number of days, so it can travel in the URL; and the page of
    each list (overdue, upcoming), numbers only. The page numbers are not rendered as fields: changing the
    window starts both lists again at their first page; the pagination links carry them."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    within = SelectField(_l("Show what is due in the next"), coerce=int, default=DEFAULT_WINDOW,
                         choices=[SelectChoice(days, _l("%(days)d days", days=days)) for days in WINDOWS])
    mine = SelectField(_l("Case team"), choices=MINE_CHOICES, default="", validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_PAGE)])
    overdue_page = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_PAGE)])
