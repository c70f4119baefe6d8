from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

WINDOWS = (30, 60, 90)
DEFAULT_WINDOW = WINDOWS[0]


class WindowForm(FlaskForm):
    """How far ahead the dashboard looks: a number of days, so it can travel in the URL."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    within = SelectField(_l("Show what is due in the next"), coerce=int, default=DEFAULT_WINDOW,
                         choices=[SelectChoice(days, _l("%(days)d days", days=days)) for days in WINDOWS])
