"""Organisations, for admins: the list with each one's number of accounts, and a new organisation."""

from flask import render_template, request, url_for
from sqlalchemy import func, select

from caseapp.admin.blueprint import bp
from caseapp.admin.forms import OrganisationForm
from caseapp.core.extensions import db
from caseapp.models import Organisation, User
from caseapp.services import accounts
from caseapp.web.actions import run_action
from caseapp.web.security import current_user
from caseapp.web.translation import gettext as _


@bp.route("/organisations")
def list_organisations():
    counts = (
        select(Organisation, func.count(User.id))
        .outerjoin(User, User.organisation_id == Organisation.id)
        .group_by(Organisation.id)
        .order_by(Organisation.name)
    )
    rows = db.session.execute(counts).all()
    return render_template("admin/list_organisations.html", rows=rows)


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation():
    form = OrganisationForm()

    def page(_problem=None):
        return render_template("admin/new_organisation.html", form=form)

    if request.method == "GET":
        return page()
    return run_action(
        form, lambda: accounts.create_organisation(db.session, form.name.data, actor=current_user()),
        page=page, field="name",
        done=lambda organisation: _("Organisation “%(name)s” created.", name=organisation.name),
        then=url_for("admin.list_organisations"),
    )
