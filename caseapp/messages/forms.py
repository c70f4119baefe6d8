from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, TextAreaField
from wtforms.validators import DataRequired, Length

from caseapp.services.messages import MAX_MESSAGE


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=MAX_MESSAGE)],
                         description=_l("Encrypted; seen only by your organisation and the coalition's lawyers."))
    files = MultipleFileField(_l("Attach documents"), description=_l("Encrypted, like every evidence file."))
