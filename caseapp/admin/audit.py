"""The audit log, for admins (LOG-01): events newest first, filtered by actor, case, action and dates.
The chain itself is checked by ``flask audit verify``."""

from flask import render_template, request
from sqlalchemy import select
from wtforms import SelectChoice

from caseapp.admin.blueprint import bp
from caseapp.admin.forms import AuditFilterForm
from caseapp.core.extensions import db
from caseapp.domain.audit import describe, describe_target
from caseapp.models import User
from caseapp.services import audit
from caseapp.web.pagination import paginate
from caseapp.web.translation import gettext as _

AUDIT_PAGE_SIZE = 50


@bp.route("/audit")
def audit_log():
    """Audit events, newest first, filtered by actor, case, action and dates. The chain itself is
    checked by `flask audit verify`."""
    users = db.session.execute(select(User).order_by(User.email)).scalars()
    accounts_by_uuid = {str(user.uuid): user for user in users}
    form = AuditFilterForm(formdata=request.args)
    form.actor.choices = [SelectChoice("", _("Everyone"))] + [SelectChoice(key, user.email)
                                                              for key, user in accounts_by_uuid.items()]
    if not form.validate():
        return render_template("admin/audit_log.html", form=form, page=None, total=audit.count(db.session),
                               describe=describe, describe_target=describe_target, accounts={},
                               filtered=True), 400
    actor = accounts_by_uuid.get(form.actor.data or "")
    query = audit.search(actor_id=actor.id if actor else None, case_reference=form.case.data or None,
                         action=form.action.data or None, since=form.since.data, until=form.until.data)
    page = paginate(query, per_page=AUDIT_PAGE_SIZE)
    filtered = any(request.args.get(name) for name in ("actor", "case", "action", "since", "until"))
    return render_template("admin/audit_log.html", form=form, page=page, total=audit.count(db.session),
                           describe=describe, describe_target=describe_target, filtered=filtered,
                           accounts={user.id: user for user in accounts_by_uuid.values()})
