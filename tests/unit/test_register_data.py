"""The States-party register, the UN member list and the intake form's Protocol warnings (OP-ICESCR.md §5).

The register is the UN Treaty Collection's status as at 3 February 2026 (``register``); the one of
1 February 2024 (``register_2024``), kept as a snapshot, is where the facts it did not know — Niger's and
San Marino's deposits by year only, two parties unidentified — are still tested."""

import csv
import io
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import babel
import pytest

from caseapp.domain.register import (
    REGISTER_AS_OF,
    SNAPSHOT_2024,
    RegisterFileError,
    StateRecord,
    StatesRegister,
    format_date,
    parse_covenant,
    parse_parties,
    parse_signatories,
    parse_un_states,
    protocol_entry_into_force,
    protocol_warnings,
    state_name,
    un_member_states,
)

SHARED = Path("/work/shared/domain")
DATA = resources.files("caseapp.data")


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(DATA.joinpath(name).read_text(encoding="utf-8"))))


SNAPSHOT_FILES = ("snapshots/2024-02-01/op_icescr_states.csv", "snapshots/2024-02-01/op_icescr_signatories.csv")


@pytest.fixture(scope="module")
def register() -> StatesRegister:
    return StatesRegister.shipped()


@pytest.fixture(scope="module")
def register_2024() -> StatesRegister:
    return StatesRegister.snapshot(SNAPSHOT_2024)


# --- the shipped files ---------------------------------------------------------------------------


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared domain folder is not on this machine")
@pytest.mark.parametrize("name", ["op_icescr_states.csv", "op_icescr_signatories.csv", "icescr_status.csv",
                                  "icescr_status.md"])
def test_register_files_are_unchanged_copies_of_the_shared_ones(name):
    assert DATA.joinpath(name).read_bytes() == (SHARED / name).read_bytes()


def test_the_register_holds_every_row_of_the_files(register):
    """OP-ICESCR.md §5: 31 parties and 24 signatories that are not parties, as at 3 February 2026, the
    whole of UNTC's participant table."""
    assert len(_rows("op_icescr_states.csv")) == len(register.parties) == 31
    assert len(_rows("op_icescr_signatories.csv")) == len(register.signatories) == 24
    assert register.as_of == REGISTER_AS_OF == date(2026, 2, 3)
    assert register.reported_parties == 31 and register.missing_parties == 0
    assert register.is_complete


@pytest.mark.parametrize("name", ["op_icescr_states.csv", "op_icescr_signatories.csv", "icescr_status.csv",
                                  *SNAPSHOT_FILES])
def test_no_status_or_date_is_invented_every_row_names_its_source(name):
    """Issue 14: every State's status and dates come from a named source, in every shipped file."""
    rows = _rows(name)
    assert rows
    assert [row["iso2"] for row in rows if not row["source_note"].strip()] == []


def test_the_2024_snapshot_holds_the_earlier_register(register_2024):
    """OP-ICESCR.md §5 as it stood then: 27 parties identified of the 29 UNTC reported, 23 signatories."""
    assert len(_rows(SNAPSHOT_FILES[0])) == len(register_2024.parties) == 27
    assert len(_rows(SNAPSHOT_FILES[1])) == len(register_2024.signatories) == 23
    assert register_2024.as_of == date(2024, 2, 1)
    assert register_2024.missing_parties == 2
    assert not register_2024.is_complete
    assert register_2024.covenant is None  # the Covenant list is of 2026; the snapshot does not borrow it


def test_the_two_parties_the_2024_count_left_unidentified_were_serbia_and_south_sudan(register, register_2024):
    """OP-ICESCR.md §5: the 2026 list is the 27 of 2024 plus Serbia, South Sudan (both deposited by
    February 2024), Côte d'Ivoire and Albania (since)."""
    new = {record.iso2 for record in register.parties} - {record.iso2 for record in register_2024.parties}
    assert new == {"RS", "SS", "CI", "AL"}
    by_february_2024 = {iso2 for iso2 in new if register.party(iso2).instrument_date <= date(2024, 2, 29)}
    assert by_february_2024 == {"RS", "SS"}
    assert {record.iso2 for record in register.signatories} - {record.iso2 for record in register_2024.signatories} \
        == {"MK"}  # North Macedonia, signed 14 Aug 2013


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
def test_in_2024_niger_and_san_marino_had_only_a_year_and_no_entry_into_force(register_2024, iso2, year):
    record = register_2024.party(iso2)
    assert record.instrument_date is None
    assert record.instrument_year == year
    assert record.instrument_year_only
    assert record.entry_into_force is None
    assert record.eif_verified is False
    assert record.verified == "no"


@pytest.mark.parametrize(("iso2", "deposit", "eif"), [
    ("NE", date(2014, 11, 7), date(2015, 2, 7)),  # UNTC MTDSG IV-3-a, status at 3 Feb 2026: accession
    ("SM", date(2015, 8, 4), date(2015, 11, 4)),  # UNTC MTDSG IV-3-a, status at 3 Feb 2026: accession
    ("PT", date(2013, 1, 28), date(2013, 5, 5)),  # UNTC MTDSG IV-3-a, status at 3 Feb 2026; ninth instrument
])
def test_niger_san_marino_and_portugal_now_have_exact_dates(register, iso2, deposit, eif):
    """OP-ICESCR.md §5: "Niger's and San Marino's accession dates and Portugal's deposit date are now exact"."""
    record = register.party(iso2)
    assert (record.instrument_date, record.entry_into_force) == (deposit, eif)
    assert record.verified == "yes" and record.eif_verified and record.deposit_verified


def test_in_2024_portugal_had_only_a_year_but_a_settled_entry_into_force(register_2024):
    """Portugal's instrument was the ninth (early 2013), so art. 18(1) gives 5 May 2013 whatever the day."""
    record = register_2024.party("PT")
    assert record.instrument_year_only and record.instrument_year == 2013
    assert record.entry_into_force == date(2013, 5, 5)
    assert record.verified == "partly"
    assert record.eif_verified is True


def test_finland_entry_into_force_is_only_partly_verified(register):
    record = register.party("FI")
    assert (record.instrument_date, record.entry_into_force) == (date(2014, 1, 31), date(2014, 4, 30))
    assert record.verified == "partly"
    assert record.eif_verified is False


def test_only_finland_lacks_a_verified_entry_into_force(register, register_2024):
    assert {record.iso2 for record in register.parties if not record.eif_verified} == {"FI"}
    assert {record.iso2 for record in register_2024.parties if not record.eif_verified} == {"FI", "NE", "SM"}


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


def test_a_malformed_file_is_refused_naming_each_bad_line():
    header = ",".join(("iso2", "name", "signature", "instrument_date", "instrument_type", "entry_into_force",
                       "eif_basis", "art10_declaration", "art11_declaration", "verified", "source_note"))
    text = "\n".join((header, "ES,Spain,2009-09-24,2010-09-23,ratification,2013-05-05,art18(1),,,yes,x",
                      "NE,Niger,,2014-13-01,accession,,x,,,yes,x", "ES,Spain,,2010-09-23,ratification,,x,,,yes,x",
                      "FR,France,2012-12-11"))
    with pytest.raises(RegisterFileError) as caught:
        parse_parties(text)
    assert caught.value.problems == [
        "line 3: NE: instrument_date '2014-13-01' is not a date (YYYY-MM-DD)",
        "line 4: ES is already on line 2",
        "line 5: expected 11 comma-separated values",
    ]
    with pytest.raises(RegisterFileError, match="line 1 \\(the header\\).*missing source_note; unexpected note"):
        parse_parties(header.replace("source_note", "note") + "\n")


def test_malformed_covenant_rows_are_refused():
    header = "iso2,name,status,signature,instrument_date,instrument_type,verified,source_note\n"
    for bad in ("ES,Spain,party,1968-04-28,,,yes,x",  # a party without its instrument
                "US,United States of America,signatory,,,,yes,x",  # a signatory without a signature
                "MY,Malaysia,none,,2000-01-01,accession,yes,x",  # "none" with an instrument
                "ES,Spain,member,,,,yes,x",
                "ES,Spain,party,1968-04-28,1977-04-27,declaration,yes,x"):
        with pytest.raises(ValueError):
            parse_covenant(header + bad + "\n")


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


REGISTER_FILES = ("op_icescr_states.csv", "op_icescr_signatories.csv", "icescr_status.csv", *SNAPSHOT_FILES)


def test_every_state_of_the_register_is_in_the_list():
    codes = {row["iso2"] for row in _rows("un_member_states.csv") if row["status"] == "member"}
    for name in REGISTER_FILES:
        for row in _rows(name):
            assert row["iso2"] in codes, row


def test_the_covenant_list_covers_every_un_member_state_once():
    """icescr_status.md: "every UN member's status under the Covenant (172 parties, 5 signatories only,
    16 neither)"."""
    members = {row["iso2"] for row in _rows("un_member_states.csv") if row["status"] == "member"}
    rows = _rows("icescr_status.csv")
    assert [row["iso2"] for row in rows if row["iso2"] in members] == [row["iso2"] for row in rows]
    assert {row["iso2"] for row in rows} == members and len(rows) == 193


def test_register_names_match_the_un_names():
    names = {row["iso2"]: row["name"] for row in _rows("un_member_states.csv")}
    renamed = {"NL": "Netherlands"}  # the Protocol files' source predates "Netherlands (Kingdom of the)"
    for name in REGISTER_FILES:
        for row in _rows(name):
            official = names[row["iso2"]]
            expected = official if name == "icescr_status.csv" else renamed.get(row["iso2"], official)
            assert row["name"] == expected, (name, row)


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
    assert "3 February 2026" in warning and "UN Treaty Collection" in warning


def test_a_signatory_with_an_unverified_status_says_so(register):
    [warning] = protocol_warnings(register, "ML", None, None, "unknown")
    assert warning.startswith("Mali has signed but not ratified the Optional Protocol")
    assert "not fully verified" in warning and "status after 2022 UNVERIFIED" in warning


def test_an_incomplete_register_never_calls_an_unlisted_state_a_non_party(register_2024):
    [warning] = protocol_warnings(register_2024, "US", date(2020, 1, 1), None, "no")
    assert warning.startswith(
        "United States of America is not listed as a party to the Optional Protocol in our register as of "
        "1 February 2024 (source: UN Treaty Collection). Check the UN Treaty Collection before going further.")
    assert "27 of the 29" in warning
    assert "is not a party" not in warning


def test_a_state_absent_from_the_complete_register_was_not_a_party_as_of_its_date(register):
    """OP-ICESCR.md §5: the 2026 list is complete; the United Kingdom is a Covenant party, not a Protocol one."""
    [warning] = protocol_warnings(register, "GB", date(2020, 1, 1), None, "no")
    assert warning == (
        "United Kingdom of Great Britain and Northern Ireland was not a party to the Optional Protocol as of "
        "3 February 2026: our register lists every party as of that date (source: UN Treaty Collection, MTDSG "
        "IV-3-a (status as at 3 February 2026)), and the Committee cannot receive communications against a State "
        "that is not a party (art. 1(2)). Check the UN Treaty Collection in case it has ratified or acceded since.")


@pytest.mark.parametrize(("iso2", "what"), [
    ("US", "United States of America has signed but is not a party to the Covenant"),  # signed 5 Oct 1977
    ("MY", "Malaysia is not a party to the Covenant"),  # absent from UNTC IV-3
])
def test_a_state_not_party_to_the_covenant_cannot_be_a_party_to_the_protocol(register, iso2, what):
    """Arts 17–18; icescr_status.csv (UNTC MTDSG IV-3, status at 3 Feb 2026)."""
    [warning] = protocol_warnings(register, iso2, date(2020, 1, 1), None, "no")
    assert warning.startswith(f"{what} (source: UN Treaty Collection, MTDSG IV-3 (status as at 3 February 2026)), "
                              "and only a party to the Covenant can become a party to the Optional Protocol "
                              "(arts 17–18): it was not a party to the Protocol as of 3 February 2026")


def test_an_unlisted_observer_and_an_unknown_code(register, register_2024):
    assert protocol_warnings(register, "PS", None, None, "no")[0].startswith(
        "State of Palestine was not a party to the Optional Protocol as of 3 February 2026")
    assert protocol_warnings(register, "xx", None, None, "no")[0].startswith("XX was not a party")
    assert protocol_warnings(register_2024, "PS", None, None, "no")[0].startswith("State of Palestine is not listed")
    assert protocol_warnings(register_2024, "xx", None, None, "no")[0].startswith("XX is not listed")


def test_a_register_without_a_count_does_not_mention_missing_parties():
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


@pytest.mark.parametrize(("iso2", "bounds"), [
    ("NE", "between 1 April 2014 and 31 March 2015"),  # 2024 register: "2014" only; art. 18(2)
    ("SM", "between 1 April 2015 and 31 March 2016"),  # 2024 register: "2015" only; art. 18(2)
])
def test_a_party_whose_entry_into_force_is_unknown(register_2024, iso2, bounds):
    """Art. 18(2): a deposit in year Y took effect three months later, so between 1 April of Y and 31 March of
    Y + 1; facts before that last day leave the question open."""
    record = register_2024.party(iso2)
    latest = date(record.instrument_year + 1, 3, 31)
    for facts_start in (None, date(2014, 6, 1), latest - timedelta(days=1)):
        [warning] = protocol_warnings(register_2024, iso2, facts_start, None, "no")
        assert warning.startswith(f"We do not know the date on which the Optional Protocol entered into force for "
                                  f"{record.name}")
        assert f"only the year of its instrument of ratification ({record.instrument_year})" in warning
        assert bounds in warning
        assert "not verified" in warning and "stays open" in warning and "UN Treaty Collection" in warning


@pytest.mark.parametrize("facts_start", [date(2015, 3, 31), date(2016, 1, 1)])
def test_facts_clearly_later_than_a_year_only_instrument(register_2024, facts_start):
    """Art. 18(2): a deposit in 2014 took effect by 31 March 2015 at the latest, so facts from that day on are
    later than the EIF whatever the day of the deposit (Niger in the 2024 register)."""
    [warning] = protocol_warnings(register_2024, "NE", facts_start, None, "no")
    assert f"The facts began on {format_date(facts_start)}, so they are later than that date in any case" in warning
    assert "confirm in the UN Treaty Collection that Niger is a party" in warning
    assert "stays open" not in warning


def test_the_2024_bounds_of_a_year_only_deposit_hold_the_date_found_since(register, register_2024):
    """The 2026 facts (UNTC: Niger 7 Feb 2015, San Marino 4 Nov 2015) fall within what art. 18(2) let the 2024
    register say from the year alone."""
    for iso2 in ("NE", "SM"):
        bounds = protocol_entry_into_force(register_2024.party(iso2))
        assert bounds.earliest < register.party(iso2).entry_into_force < bounds.latest


FINLAND_DOUBT = ("Finland deposited its instrument on 31 January 2014, and three months later (art. 18(2)) falls on a "
                 "day April does not have, so the Protocol entered into force for it on 30 April 2014 or on 1 May 2014 "
                 "(our register gives 30 April 2014; source: UNTC; E/C.12/76/D/251/2022 para 1.1 says April 2014")


def test_finland_facts_before_the_uncertain_entry_into_force(register):
    [warning] = protocol_warnings(register, "FI", date(2014, 1, 1), None, "no")
    assert warning.startswith(
        "The facts began before the Protocol entered into force for Finland on 30 April 2014; the Committee can "
        "examine them only if they continued after that date (art. 3(2)(b)).")
    assert FINLAND_DOUBT in warning


@pytest.mark.parametrize("facts_start", [date(2014, 4, 30)])
def test_finland_facts_on_a_day_the_rule_leaves_open(register, facts_start):
    """Art. 18(2): 30 April 2014 is the day of entry into force by one reading and the day before it by the
    other; the rule alone cannot say."""
    [warning] = protocol_warnings(register, "FI", facts_start, None, "no")
    assert warning.startswith("We cannot tell whether the facts came before or after the Protocol entered into "
                              "force for Finland (art. 3(2)(b)).")
    assert FINLAND_DOUBT in warning


@pytest.mark.parametrize("facts_start", [date(2014, 5, 1), date(2014, 5, 2), date(2015, 1, 1)])
def test_finland_facts_after_both_readings_need_no_warning(register, facts_start):
    """No fixed window of days around the date any more: from 1 May 2014 the Protocol was in force for Finland by
    either reading of art. 18(2)."""
    assert protocol_warnings(register, "FI", facts_start, None, "no") == []


def test_portugal_is_treated_as_settled(register):
    assert protocol_warnings(register, "PT", date(2013, 5, 10), None, "no") == []
    assert "5 May 2013" in protocol_warnings(register, "PT", date(2013, 1, 1), None, "no")[0]
