from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, MultipleFileField, TextAreaField
from wtforms.validators import DataRequired, Length

from caseapp.services.messages import MAX_MESSAGE


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=MAX_MESSAGE)],
                         description=_l("Encrypted; seen only by your organisation and the coalition's lawyers."))
    information_request = BooleanField(_l("This is a request for information to the partner"))
    files = MultipleFileField(_l("Attach documents"), description=_l("Encrypted, like every evidence file."))
