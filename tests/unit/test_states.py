"""The States-party register, the UN member list and the intake form's Protocol warnings (OP-ICESCR.md §5)."""

import csv
import io
from datetime import date
from importlib import resources
from pathlib import Path

import babel
import pytest

from caseapp.domain.states import (
    REGISTER_AS_OF,
    StateRecord,
    StatesRegister,
    format_date,
    parse_parties,
    parse_signatories,
    parse_un_states,
    protocol_warnings,
    state_name,
    un_member_states,
)

SHARED = Path("/work/shared/domain")
DATA = resources.files("caseapp.data")


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(DATA.joinpath(name).read_text(encoding="utf-8"))))


@pytest.fixture(scope="module")
def register() -> StatesRegister:
    return StatesRegister.shipped()


# --- the shipped files ---------------------------------------------------------------------------


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared domain folder is not on this machine")
@pytest.mark.parametrize("name", ["op_icescr_states.csv", "op_icescr_signatories.csv"])
def test_register_files_are_unchanged_copies_of_the_shared_ones(name):
    assert DATA.joinpath(name).read_bytes() == (SHARED / name).read_bytes()


def test_the_register_holds_every_row_of_the_files(register):
    assert len(_rows("op_icescr_states.csv")) == len(register.parties) == 27
    assert len(_rows("op_icescr_signatories.csv")) == len(register.signatories) == 23
    assert register.as_of == REGISTER_AS_OF == date(2024, 2, 1)
    assert register.missing_parties == 2  # UNTC reported 29 parties (OP-ICESCR.md §5)


def test_rows_round_trip(register):
    for row in _rows("op_icescr_states.csv"):
        record = register.party(row["iso2"])
        assert record.name == row["name"]
        assert record.signature == (date.fromisoformat(row["signature"]) if row["signature"] else None)
        if len(row["instrument_date"]) == 10:
            assert record.instrument_date == date.fromisoformat(row["instrument_date"])
        assert str(record.instrument_year) == row["instrument_date"][:4]
        assert record.instrument_type == row["instrument_type"]
        assert record.entry_into_force == (
            date.fromisoformat(row["entry_into_force"]) if row["entry_into_force"] else None)
        assert (record.verified, record.source_note, record.eif_basis) == (
            row["verified"], row["source_note"], row["eif_basis"])
    for row in _rows("op_icescr_signatories.csv"):
        record = register.signatory(row["iso2"])
        assert (record.name, record.signature, record.verified, record.source_note) == (
            row["name"], date.fromisoformat(row["signature"]), row["verified"], row["source_note"])
        assert record.instrument_date is record.instrument_year is record.entry_into_force is None
        assert record.eif_verified is False


def test_known_entries(register):
    spain = register.party("ES")
    assert (spain.instrument_date, spain.entry_into_force, spain.eif_verified) == (
        date(2010, 9, 23), date(2013, 5, 5), True)
    assert register.party("DE").instrument_type == "accession"
    assert register.party("DE").signature is None
    assert register.party("IT").entry_into_force == date(2015, 5, 20)  # not the deposit date, 20 Feb 2015
    assert register.party("UY").instrument_date == date(2013, 2, 5)  # the tenth instrument
    assert register.party("BE").art10_declaration == register.party("BE").art11_declaration == "yes"


def test_first_ten_instruments_entered_into_force_on_5_may_2013(register):
    early = [record for record in register.parties if record.instrument_year and record.instrument_year <= 2013
             and (record.instrument_date is None or record.instrument_date <= date(2013, 2, 5))]
    assert len(early) == 10
    assert {record.entry_into_force for record in early} == {date(2013, 5, 5)}


def test_later_instruments_enter_into_force_three_months_after_deposit(register):
    for record in register.parties:
        if record.instrument_date and record.instrument_date > date(2013, 2, 5):
            deposit, eif = record.instrument_date, record.entry_into_force
            months = (eif.year - deposit.year) * 12 + eif.month - deposit.month
            assert months == 3, record.iso2
            assert eif.day == deposit.day or record.iso2 == "FI", record.iso2


@pytest.mark.parametrize(("iso2", "year"), [("NE", 2014), ("SM", 2015)])
def test_niger_and_san_marino_have_only_a_year_and_no_entry_into_force(register, iso2, year):
    record = register.party(iso2)
    assert record.instrument_date is None
    assert record.instrument_year == year
    assert record.instrument_year_only
    assert record.entry_into_force is None
    assert record.eif_verified is False
    assert record.verified == "no"


def test_portugal_has_only_a_year_but_a_settled_entry_into_force(register):
    """Portugal's instrument was the ninth (early 2013), so art. 18(1) gives 5 May 2013 whatever the day."""
    record = register.party("PT")
    assert record.instrument_year_only and record.instrument_year == 2013
    assert record.entry_into_force == date(2013, 5, 5)
    assert record.verified == "partly"
    assert record.eif_verified is True


def test_finland_entry_into_force_is_only_partly_verified(register):
    record = register.party("FI")
    assert (record.instrument_date, record.entry_into_force) == (date(2014, 1, 31), date(2014, 4, 30))
    assert record.verified == "partly"
    assert record.eif_verified is False


def test_only_finland_niger_and_san_marino_lack_a_verified_entry_into_force(register):
    assert {record.iso2 for record in register.parties if not record.eif_verified} == {"FI", "NE", "SM"}


def test_status(register):
    assert register.status("ES") == "party"
    assert register.status("es ") == "party"
    assert register.status("NL") == "signatory"
    assert register.status("US") == "not_listed"
    assert register.status("") == register.status(None) == "not_listed"
    assert register.party("NL") is None and register.signatory("ES") is None


def test_the_register_refuses_a_state_in_both_lists():
    text = DATA.joinpath("op_icescr_states.csv").read_text(encoding="utf-8")
    parties = parse_parties(text)
    signatory = StateRecord("ES", "Spain", date(2009, 9, 24), None, None, None, None, False, "yes", "test")
    with pytest.raises(ValueError, match="ES"):
        StatesRegister(parties, [signatory], REGISTER_AS_OF)
    with pytest.raises(ValueError, match="twice"):
        StatesRegister(parties + parties[:1], [], REGISTER_AS_OF)


@pytest.mark.parametrize("bad", [
    "ES,Spain,2009-09-24,2010-23-09,ratification,2013-05-05,art18(1),,,yes,x",  # no month 23
    "ES,Spain,2009-09-24,,ratification,2013-05-05,art18(1),,,yes,x",  # a party without an instrument
    "ES,Spain,2009-09-24,2010-09-23,signature,2013-05-05,art18(1),,,yes,x",
    "ES,Spain,2009-09-24,2010-09-23,ratification,2013-05-05,art18(1),,,maybe,x",
    "Spain,Spain,2009-09-24,2010-09-23,ratification,2013-05-05,art18(1),,,yes,x",
])
def test_malformed_party_rows_are_refused(bad):
    header = "iso2,name,signature,instrument_date,instrument_type,entry_into_force,eif_basis,art10_declaration," \
             "art11_declaration,verified,source_note\n"
    with pytest.raises(ValueError):
        parse_parties(header + bad + "\n")


def test_malformed_signatory_and_un_rows_are_refused():
    with pytest.raises(ValueError):
        parse_signatories("iso2,name,signature,verified,source_note\nAO,Angola,24/09/2013,yes,x\n")
    with pytest.raises(ValueError):
        parse_un_states("iso2,name,status\nXK,Kosovo,candidate\n")


# --- UN member States -----------------------------------------------------------------------------


def test_193_members_and_2_observers():
    rows = _rows("un_member_states.csv")
    assert sum(row["status"] == "member" for row in rows) == 193
    assert {row["iso2"]: row["name"] for row in rows if row["status"] == "observer"} == {
        "VA": "Holy See", "PS": "State of Palestine"}
    assert len({row["iso2"] for row in rows}) == len({row["name"] for row in rows}) == len(rows) == 195


def test_codes_are_iso_3166_alpha_2():
    territories = babel.Locale("en").territories
    for row in _rows("un_member_states.csv"):
        assert len(row["iso2"]) == 2 and row["iso2"].isupper() and row["iso2"].isalpha()
        assert row["iso2"] in territories, row


def test_every_state_of_the_register_is_in_the_list():
    codes = {row["iso2"] for row in _rows("un_member_states.csv") if row["status"] == "member"}
    for name in ("op_icescr_states.csv", "op_icescr_signatories.csv"):
        for row in _rows(name):
            assert row["iso2"] in codes, row


def test_register_names_match_the_un_names():
    names = {row["iso2"]: row["name"] for row in _rows("un_member_states.csv")}
    renamed = {"NL": "Netherlands"}  # the register's source predates "Netherlands (Kingdom of the)"
    for name in ("op_icescr_states.csv", "op_icescr_signatories.csv"):
        for row in _rows(name):
            assert row["name"] == renamed.get(row["iso2"], names[row["iso2"]]), row


@pytest.mark.parametrize(("iso2", "name"), [
    ("BO", "Bolivia (Plurinational State of)"), ("TR", "Türkiye"), ("CI", "Côte d'Ivoire"), ("KR", "Republic of Korea"),
    ("KP", "Democratic People's Republic of Korea"), ("GB", "United Kingdom of Great Britain and Northern Ireland"),
    ("CD", "Democratic Republic of the Congo"), ("CG", "Congo"), ("VA", "Holy See"), ("ps", "State of Palestine"),
])
def test_state_name(iso2, name):
    assert state_name(iso2) == name


def test_state_name_of_an_unknown_code():
    assert state_name("XX") is None
    assert state_name("TW") is None
    assert state_name(None) is None


def test_un_member_states_for_the_select():
    states = un_member_states()
    assert len(states) == 193
    assert states[0] == ("AF", "Afghanistan") and states[-1] == ("ZW", "Zimbabwe")
    names = [name for _code, name in states]
    assert names.index("Costa Rica") < names.index("Côte d'Ivoire") < names.index("Croatia")
    assert names.index("Tunisia") < names.index("Türkiye") < names.index("Turkmenistan")
    assert ("VA", "Holy See") not in states
    with_observers = un_member_states(include_observers=True)
    assert len(with_observers) == 195 and ("PS", "State of Palestine") in with_observers


# --- warnings for the intake form -----------------------------------------------------------------


@pytest.mark.parametrize(("day", "text"), [(date(2013, 5, 5), "5 May 2013"), (date(2014, 12, 31), "31 December 2014")])
def test_format_date(day, text):
    assert format_date(day) == text


def test_no_state_no_warning(register):
    assert protocol_warnings(register, None, None, None, "unknown") == []
    assert protocol_warnings(register, "", date(2020, 1, 1), None, "no") == []


def test_a_signatory(register):
    [warning] = protocol_warnings(register, "AO", date(2020, 1, 1), None, "no")
    assert warning.startswith(
        "Angola has signed but not ratified the Optional Protocol: the Committee cannot receive communications "
        "against it (art. 1).")
    assert "1 February 2024" in warning and "UN Treaty Collection" in warning


def test_a_signatory_with_an_unverified_status_says_so(register):
    [warning] = protocol_warnings(register, "ML", None, None, "unknown")
    assert warning.startswith("Mali has signed but not ratified the Optional Protocol")
    assert "not fully verified" in warning and "status after 2022 UNVERIFIED" in warning


def test_an_unlisted_state_is_never_called_a_non_party(register):
    [warning] = protocol_warnings(register, "US", date(2020, 1, 1), None, "no")
    assert warning.startswith(
        "United States of America is not listed as a party to the Optional Protocol in our register as of "
        "1 February 2024 (source: UN Treaty Collection). Check the UN Treaty Collection before going further.")
    assert "27 of the 29" in warning
    assert "is not a party" not in warning


def test_an_unlisted_observer_and_an_unknown_code(register):
    assert protocol_warnings(register, "PS", None, None, "no")[0].startswith("State of Palestine is not listed")
    assert protocol_warnings(register, "xx", None, None, "no")[0].startswith("XX is not listed")


def test_a_complete_register_does_not_mention_missing_parties():
    parties, signatories = parse_parties(DATA.joinpath("op_icescr_states.csv").read_text(encoding="utf-8")), []
    [warning] = protocol_warnings(StatesRegister(parties, signatories, date(2025, 3, 1)), "US", None, None, "no")
    assert "as of 1 March 2025" in warning and "parties" not in warning


def test_a_party_with_facts_after_entry_into_force(register):
    assert protocol_warnings(register, "ES", date(2014, 1, 1), date(2015, 6, 1), "no") == []
    assert protocol_warnings(register, "ES", date(2013, 5, 5), None, "unknown") == []  # the day itself is in time
    assert protocol_warnings(register, "ES", None, None, "unknown") == []


@pytest.mark.parametrize("continuing", ["no", "unknown", "", "maybe"])
def test_a_party_with_facts_before_entry_into_force(register, continuing):
    assert protocol_warnings(register, "ES", date(2012, 5, 1), date(2013, 5, 4), continuing) == [
        "The facts began before the Protocol entered into force for Spain on 5 May 2013; the Committee can examine "
        "them only if they continued after that date (art. 3(2)(b))."
    ]


def test_facts_end_after_entry_into_force_is_enough(register):
    """facts_end, when given, is what must be before the EIF date for the warning."""
    assert protocol_warnings(register, "IT", date(2014, 1, 1), date(2016, 1, 1), "no") == []
    assert protocol_warnings(register, "IT", date(2014, 1, 1), None, "no")[0].startswith(
        "The facts began before the Protocol entered into force for Italy on 20 May 2015;")


def test_continuing_facts_before_entry_into_force_ask_for_an_explanation(register):
    [warning] = protocol_warnings(register, "ES", date(2012, 5, 1), None, "yes")
    assert warning.startswith("The facts began before the Protocol entered into force for Spain on 5 May 2013.")
    assert "effects that merely last" in warning and "art. 3(2)(b)" in warning


@pytest.mark.parametrize("iso2", ["NE", "SM"])
def test_a_party_whose_entry_into_force_is_unknown(register, iso2):
    record = register.party(iso2)
    for facts_start in (None, date(2014, 6, 1), date(record.instrument_year + 1, 12, 31)):
        [warning] = protocol_warnings(register, iso2, facts_start, None, "no")
        assert warning.startswith(f"We do not know the date on which the Optional Protocol entered into force for "
                                  f"{record.name}")
        assert f"only the year of its instrument of ratification ({record.instrument_year})" in warning
        assert "not verified" in warning and "stays open" in warning and "UN Treaty Collection" in warning


def test_facts_clearly_later_than_a_year_only_instrument(register):
    """OP-ICESCR.md §5: facts after the end of the year after the known year are later than the EIF anyway."""
    [warning] = protocol_warnings(register, "NE", date(2016, 1, 1), None, "no")
    assert "The facts began after 31 December 2015, so they are later than that date in any case" in warning
    assert "confirm in the UN Treaty Collection that Niger is a party" in warning
    assert "stays open" not in warning


def test_finland_facts_before_the_unverified_entry_into_force(register):
    [warning] = protocol_warnings(register, "FI", date(2014, 1, 1), None, "no")
    assert warning.startswith(
        "The facts began before the Protocol entered into force for Finland on 30 April 2014; the Committee can "
        "examine them only if they continued after that date (art. 3(2)(b)).")
    assert "deposited its instrument on 31 January 2014" in warning and "not verified" in warning


def test_finland_facts_near_the_unverified_entry_into_force(register):
    [warning] = protocol_warnings(register, "FI", date(2014, 5, 2), None, "no")
    assert "close to the date on which the Protocol entered into force for Finland, 30 April 2014" in warning
    assert "exact day" in warning and "not verified" in warning


def test_finland_facts_well_after_entry_into_force(register):
    assert protocol_warnings(register, "FI", date(2015, 1, 1), None, "no") == []


def test_portugal_is_treated_as_settled(register):
    assert protocol_warnings(register, "PT", date(2013, 5, 10), None, "no") == []
    assert "5 May 2013" in protocol_warnings(register, "PT", date(2013, 1, 1), None, "no")[0]
