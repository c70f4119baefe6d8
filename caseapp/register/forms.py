"""The States register's forms: a State's entry (new or corrected) and a check of the whole register. The
domain (caseapp.domain.register) checks how the fields fit together; these only parse them."""

from wtforms import BooleanField, DateField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from caseapp.domain import register as register_rules
from caseapp.web.forms import AppForm
from caseapp.web.translation import lazy_gettext as _l

LISTING_LABELS = {register_rules.PARTY: _l("Party"), register_rules.SIGNATORY: _l("Signatory (not ratified)")}
INSTRUMENT_LABELS = {"ratification": _l("Ratification"), "accession": _l("Accession")}
DECLARATION_LABELS = {"": _l("None recorded"), "yes": _l("Yes"), "unknown": _l("Recorded, articles unverified")}
VERIFIED_LABELS = {"yes": _l("Yes"), "partly": _l("Partly"), "no": _l("No")}
# The entry's fields, as the form, the State page and its history name them.
FIELD_LABELS = {
    "iso2": _l("State"),
    "name": _l("Name"),
    "listing": _l("Listed as"),
    "signature": _l("Signature"),
    "instrument_type": _l("Instrument"),
    "instrument_date": _l("Instrument deposited on"),
    "instrument_year": _l("Instrument year (day unknown)"),
    "entry_into_force": _l("Entry into force"),
    "eif_basis": _l("Basis of the entry-into-force date"),
    "art10_declaration": _l("Declaration under art. 10 (inter-State)"),
    "art11_declaration": _l("Declaration under art. 11 (inquiry)"),
    "verified": _l("Verified"),
    "source_note": _l("Sources of this entry"),
}
# A Covenant status (icescr_status.csv), as its page and the history name its fields and values.
COVENANT_STATUS_LABELS = {register_rules.PARTY: _l("Party"), register_rules.SIGNATORY: _l("Signatory only"),
                          register_rules.NONE: _l("Neither signed nor a party")}
COVENANT_INSTRUMENT_LABELS = {**INSTRUMENT_LABELS, "succession": _l("Succession")}
COVENANT_FIELD_LABELS = {
    "name": _l("Name"),
    "status": _l("Status under the Covenant"),
    "signature": _l("Signature"),
    "instrument_date": _l("Instrument deposited on"),
    "instrument_type": _l("Instrument"),
    "verified": _l("Verified"),
    "source_note": _l("Sources of this entry"),
}
SOURCE_HINT = _l("What this change comes from: the document or page and when you consulted it, e.g. "
                 "“UNTC MTDSG IV-3-a, consulted 20 Nov 2026”. Kept in the history.")


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def _declaration_field(label):
    return SelectField(label, choices=_choices(DECLARATION_LABELS), validators=[Optional()], validate_choice=True)


class StateForm(AppForm):
    """A State's entry in the register; the domain checks how the fields fit together."""

    name = StringField(FIELD_LABELS["name"], validators=[Optional(), Length(max=register_rules.MAX_NAME)],
                       description=_l("Leave empty to use the UN's name for the State."),
                       render_kw={"maxlength": register_rules.MAX_NAME})
    listing = SelectField(FIELD_LABELS["listing"], choices=_choices(LISTING_LABELS), validators=[DataRequired()])
    signature = DateField(FIELD_LABELS["signature"], validators=[Optional()])
    instrument_type = SelectField(FIELD_LABELS["instrument_type"],
                                  choices=[SelectChoice("", _l("— none (signatory) —"))] + _choices(INSTRUMENT_LABELS),
                                  validators=[Optional()])
    instrument_date = DateField(FIELD_LABELS["instrument_date"], validators=[Optional()])
    instrument_year = IntegerField(
        FIELD_LABELS["instrument_year"], validators=[Optional(), NumberRange(min=1, max=9999)],
        description=_l("Only when the day of the deposit is not known (e.g. Niger, 2014)."),
        render_kw={"inputmode": "numeric"},
    )
    entry_into_force = DateField(
        FIELD_LABELS["entry_into_force"], validators=[Optional()],
        description=_l("5 May 2013 for the first ten instruments; three months after the deposit for later ones "
                       "(art. 18)."),
    )
    eif_basis = StringField(FIELD_LABELS["eif_basis"],
                            validators=[Optional(), Length(max=register_rules.MAX_EIF_BASIS)],
                            description=_l("Write UNVERIFIED here while the exact day is not confirmed."),
                            render_kw={"maxlength": register_rules.MAX_EIF_BASIS})
    art10_declaration = _declaration_field(FIELD_LABELS["art10_declaration"])
    art11_declaration = _declaration_field(FIELD_LABELS["art11_declaration"])
    verified = SelectField(FIELD_LABELS["verified"], choices=_choices(VERIFIED_LABELS), validators=[DataRequired()])
    source_note = TextAreaField(
        FIELD_LABELS["source_note"], validators=[Optional(), Length(max=register_rules.MAX_SOURCE)],
        description=_l("Shown with the intake warnings. When adding a State, empty means the source of the change."),
        render_kw={"rows": 2, "maxlength": register_rules.MAX_SOURCE},
    )
    source = TextAreaField(_l("Source of this change"),
                           validators=[DataRequired(), Length(max=register_rules.MAX_SOURCE)],
                           description=SOURCE_HINT, render_kw={"rows": 2, "maxlength": register_rules.MAX_SOURCE})

    def entry_data(self) -> dict:
        """The fields as the domain's ``check_entry`` takes them."""
        return {name: getattr(self, name).data for name in register_rules.ENTRY_FIELDS}


class NewStateForm(StateForm):
    iso2 = SelectField(FIELD_LABELS["iso2"], choices=[], validators=[DataRequired()], validate_choice=True)

    def entry_data(self) -> dict:
        return {**super().entry_data(), "iso2": self.iso2.data}


class RegisterCheckForm(AppForm):
    as_of = DateField(_l("Checked on"), validators=[InputRequired()],
                      description=_l("The date of the source you compared the whole register with."))
    reported_parties = IntegerField(
        _l("Parties the source reports"), validators=[Optional(), NumberRange(min=0, max=999)],
        description=_l("Leave empty if the source gives no count."), render_kw={"inputmode": "numeric"},
    )
    complete = BooleanField(
        _l("The register now lists every party the source lists"),
        description=_l("Tick only after comparing the whole list of parties: the screening then says that a State "
                       "the register does not list was not a party as of this date."),
    )
    source = TextAreaField(_l("Source"), validators=[DataRequired(), Length(max=register_rules.MAX_SOURCE)],
                           description=SOURCE_HINT, render_kw={"rows": 2, "maxlength": register_rules.MAX_SOURCE})
