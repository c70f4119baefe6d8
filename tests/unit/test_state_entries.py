"""The rules an admin's entry in the States register must meet (domain/OP-ICESCR.md §5), and the checks
of the whole register: pure functions of caseapp.domain.register, no app."""

from datetime import date

import pytest

from caseapp.domain.register import (
    PARTY,
    SIGNATORY,
    SNAPSHOTS,
    RegisterEntry,
    StateDataError,
    StatesRegister,
    check_entry,
    check_register_check,
    check_source,
    make_record,
)

TODAY = date(2026, 11, 20)


def party(**overrides) -> dict:
    data = {
        "iso2": "NZ", "name": "", "listing": "party", "signature": date(2010, 1, 5), "instrument_type": "ratification",
        "instrument_date": date(2025, 3, 3), "instrument_year": None, "entry_into_force": date(2025, 6, 3),
        "eif_basis": "art18(2) deposit+3 months", "art10_declaration": "", "art11_declaration": "",
        "verified": "yes", "source_note": "UNTC MTDSG IV-3-a",
    }
    return {**data, **overrides}


def signatory(**overrides) -> dict:
    data = {"iso2": "NZ", "name": "", "listing": "signatory", "signature": date(2010, 1, 5), "verified": "yes",
            "source_note": "UNTC MTDSG IV-3-a"}
    return {**data, **overrides}


def errors_of(data: dict, today: date = TODAY) -> dict[str, str]:
    with pytest.raises(StateDataError) as caught:
        check_entry(data, today=today)
    return caught.value.errors


# --- what passes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=lambda snapshot: snapshot.as_of.isoformat())
def test_every_shipped_state_passes_the_rules_and_round_trips_through_storage(snapshot):
    """Admins can correct any shipped entry, of either shipped register, without first repairing fields they
    did not touch; and `flask states import` accepts the shipped file on the date of its status."""
    shipped = StatesRegister.snapshot(snapshot)
    for listing, records in ((PARTY, shipped.parties), (SIGNATORY, shipped.signatories)):
        for record in records:
            values = RegisterEntry(listing, record).values()
            assert check_entry(values, today=snapshot.as_of).record == record
            assert make_record(values) == record


def test_a_new_party_takes_the_un_name_when_no_name_is_given():
    entry = check_entry(party(), today=TODAY)
    assert entry.listing == PARTY
    assert entry.record.name == "New Zealand"
    assert entry.record.instrument_year == 2025
    assert entry.record.eif_verified is True


def test_a_given_name_and_a_lower_case_code_are_kept_tidy():
    entry = check_entry(party(iso2=" nz ", name="  Aotearoa New Zealand "), today=TODAY)
    assert (entry.record.iso2, entry.record.name) == ("NZ", "Aotearoa New Zealand")


def test_a_party_known_only_by_the_year_of_its_instrument():
    entry = check_entry(party(instrument_date=None, instrument_year=2024, entry_into_force=None,
                              eif_basis="UNVERIFIED: only the year is known", verified="no"), today=TODAY)
    assert entry.record.instrument_year_only
    assert entry.record.eif_verified is False


def test_an_entry_into_force_marked_unverified_is_not_shown_as_settled():
    entry = check_entry(party(eif_basis="deposit+3 months; exact day UNVERIFIED", verified="partly"), today=TODAY)
    assert entry.record.eif_verified is False


def test_a_recent_deposit_may_enter_into_force_in_the_next_three_months():
    """Art. 18(2): a deposit last month enters into force two months from now."""
    entry = check_entry(party(instrument_date=date(2026, 10, 31), entry_into_force=date(2027, 1, 31)), today=TODAY)
    assert entry.record.entry_into_force == date(2027, 1, 31)


def test_a_signatory_has_no_instrument():
    entry = check_entry(signatory(), today=TODAY)
    assert entry.listing == SIGNATORY
    assert entry.record.instrument_date is entry.record.instrument_year is entry.record.entry_into_force is None
    assert entry.record.eif_verified is False


# --- what is refused, and where the message goes --------------------------------------------------


@pytest.mark.parametrize(("overrides", "field", "message"), [
    pytest.param({"iso2": "XX"}, "iso2", "Choose a UN member or observer State.", id="unknown-code"),
    pytest.param({"iso2": ""}, "iso2", "Choose a UN member or observer State.", id="no-code"),
    pytest.param({"listing": "friend"}, "listing", "Choose party or signatory.", id="bad-listing"),
    pytest.param({"verified": "maybe"}, "verified", "Say how far this entry is verified.", id="bad-verified"),
    pytest.param({"instrument_date": None}, "instrument_date", "or at least its year", id="no-instrument-date"),
    pytest.param({"instrument_type": ""}, "instrument_type", "ratified or acceded", id="no-instrument-type"),
    pytest.param({"instrument_type": "succession"}, "instrument_type", "ratification or accession", id="bad-type"),
    pytest.param({"signature": date(2026, 11, 21)}, "signature", "in the future", id="future-signature"),
    pytest.param({"instrument_date": date(2026, 11, 21), "entry_into_force": None}, "instrument_date",
                 "in the future", id="future-instrument"),
    pytest.param({"instrument_date": None, "instrument_year": 2027, "entry_into_force": None}, "instrument_year",
                 "in the future", id="future-year"),
    pytest.param({"signature": date(2009, 9, 23)}, "signature", "opened for signature on 24 September 2009",
                 id="before-the-protocol"),
    pytest.param({"instrument_year": 2024}, "instrument_year", "does not match", id="year-and-other-date"),
    pytest.param({"signature": date(2025, 4, 1)}, "instrument_date", "before the State signed",
                 id="instrument-before-signature"),
    pytest.param({"entry_into_force": date(2025, 3, 2)}, "entry_into_force", "before the instrument",
                 id="eif-before-instrument"),
    pytest.param({"instrument_date": date(2011, 1, 5), "entry_into_force": date(2013, 5, 4)}, "entry_into_force",
                 "entered into force on 5 May 2013", id="eif-before-the-protocol"),
    pytest.param({"instrument_date": None, "instrument_year": 2024, "entry_into_force": date(2023, 12, 31)},
                 "entry_into_force", "before the instrument", id="eif-before-a-year-only-instrument"),
    pytest.param({"entry_into_force": date(2026, 12, 1)}, "entry_into_force", "in the future", id="future-eif"),
    pytest.param({"art10_declaration": "no"}, "art10_declaration", "from the list", id="bad-declaration"),
    pytest.param({"name": "N" * 201}, "name", "At most 200", id="long-name"),
    pytest.param({"source_note": "s" * 2001}, "source_note", "At most 2000", id="long-source-note"),
])
def test_a_wrong_party_entry_is_refused_next_to_the_field(overrides, field, message):
    errors = errors_of(party(**overrides))
    assert message in errors[field]


@pytest.mark.parametrize("field", ["instrument_date", "instrument_year", "instrument_type", "entry_into_force",
                                   "art10_declaration", "art11_declaration"])
def test_a_signatory_with_an_instrument_is_refused(field):
    value = {"instrument_date": date(2020, 1, 1), "instrument_year": 2020, "instrument_type": "ratification",
             "entry_into_force": date(2020, 4, 1), "art10_declaration": "yes", "art11_declaration": "unknown"}[field]
    errors = errors_of(signatory(**{field: value}))
    assert list(errors) == [field]
    assert "choose “party”" in errors[field]


def test_every_problem_is_reported_at_once():
    errors = errors_of(party(iso2="XX", verified="", instrument_type="", signature=date(2030, 1, 1)))
    assert set(errors) == {"iso2", "verified", "instrument_type", "signature"}


# --- the source of a change and the checks of the whole register -----------------------------------


@pytest.mark.parametrize("source", [None, "", "   \n"])
def test_a_change_without_a_source_is_refused(source):
    with pytest.raises(StateDataError) as caught:
        check_source(source)
    assert "Say where this comes from" in caught.value.errors["source"]


def test_a_source_is_kept_without_its_surrounding_blanks():
    assert check_source("  UNTC MTDSG IV-3-a, consulted 2026-11-20 \n") == "UNTC MTDSG IV-3-a, consulted 2026-11-20"


def test_a_register_check_as_of_today_with_a_count_passes():
    check_register_check(TODAY, 30, today=TODAY, listed_parties=27)
    check_register_check(date(2025, 1, 1), None, today=TODAY, listed_parties=27)
    check_register_check(TODAY, 31, today=TODAY, listed_parties=31, complete=True)
    check_register_check(TODAY, None, today=TODAY, listed_parties=31, complete=True)  # the source gave no count


@pytest.mark.parametrize(("as_of", "reported", "field", "message"), [
    pytest.param(None, None, "as_of", "Give the date", id="no-date"),
    pytest.param(date(2026, 11, 21), None, "as_of", "in the future", id="future"),
    pytest.param(date(2009, 1, 1), None, "as_of", "opened for signature", id="before-the-protocol"),
    pytest.param(TODAY, -1, "reported_parties", "cannot be negative", id="negative"),
    pytest.param(TODAY, 26, "reported_parties", "lists 27 parties, more than this", id="fewer-than-listed"),
    # A complete register is what lets "not listed" mean "not a party" (issue 14, point 2).
    pytest.param(TODAY, 29, "complete", "lists 27 parties and the source reports 29", id="complete-but-missing-two"),
])
def test_a_wrong_register_check_is_refused(as_of, reported, field, message):
    with pytest.raises(StateDataError) as caught:
        check_register_check(as_of, reported, today=TODAY, listed_parties=27, complete=field == "complete")
    assert message in caught.value.errors[field]
