"""Extension instances only; ``create_app`` wires them."""

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from caseapp.core.limiter import Limiter
from caseapp.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
babel = Babel()
bootstrap = Bootstrap5()
