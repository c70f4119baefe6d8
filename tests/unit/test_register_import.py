"""Reading a list of parties for `flask states import` and what it would change (issue 14, point 6): pure
domain, no app. The files are the shipped ones (UNTC MTDSG IV-3-a: the 2024 snapshot and the status as at
3 February 2026), or one of them with a line changed to break a rule."""

from datetime import date
from importlib import resources

import pytest

from caseapp.domain.register import (
    ADDED,
    CHANGED,
    PARTY,
    REMOVED,
    SIGNATORY,
    SNAPSHOT_2024,
    RegisterEntry,
    RegisterFileError,
    StatesRegister,
    diff_entries,
    read_party_file,
)

DATA = resources.files("caseapp.data")
TEXT_2026 = DATA.joinpath("op_icescr_states.csv").read_text(encoding="utf-8")
TODAY = date(2026, 12, 5)


def entries_of(register: StatesRegister) -> list[RegisterEntry]:
    return ([RegisterEntry(PARTY, record) for record in register.parties]
            + [RegisterEntry(SIGNATORY, record) for record in register.signatories])


def with_line(text: str, iso2: str, line: str | None) -> str:
    """``text`` with the line of ``iso2`` replaced by ``line`` (or removed when None)."""
    lines = text.splitlines()
    index = next(number for number, row in enumerate(lines) if row.startswith(f"{iso2},"))
    if line is None:
        del lines[index]
    else:
        lines[index] = line
    return "\n".join(lines) + "\n"


def test_the_shipped_file_reads_as_31_parties():
    entries = read_party_file(TEXT_2026, today=TODAY)
    assert len(entries) == 31 and {entry.listing for entry in entries} == {PARTY}
    assert [entry.record for entry in entries] == list(StatesRegister.shipped().parties)


def test_importing_the_2026_file_into_the_2024_register_names_every_change():
    """OP-ICESCR.md §5: Serbia, South Sudan, Côte d'Ivoire and Albania added; North Macedonia, a signatory,
    is not in a file of parties; Niger's, San Marino's and Portugal's dates made exact."""
    changes = diff_entries(entries_of(StatesRegister.snapshot(SNAPSHOT_2024)), read_party_file(TEXT_2026, today=TODAY))
    assert [(change.kind, change.iso2) for change in changes] == [
        (ADDED, "AL"), (ADDED, "CI"), (ADDED, "RS"), (ADDED, "SS"),
        (CHANGED, "NE"), (CHANGED, "PT"), (CHANGED, "SM"),
    ]
    niger = changes[4]
    assert niger.before["instrument_date"] is None and "instrument_year" not in niger.before  # 2014 both times
    assert niger.after["instrument_date"] == date(2014, 11, 7)
    assert (niger.before["instrument_type"], niger.after["instrument_type"]) == ("ratification", "accession")
    assert (niger.before["entry_into_force"], niger.after["entry_into_force"]) == (None, date(2015, 2, 7))
    assert (niger.before["verified"], niger.after["verified"]) == ("no", "yes")
    assert "name" not in niger.after and "signature" not in niger.after  # only what changes
    assert changes[0].after["entry_into_force"] == date(2025, 5, 19) and changes[0].before == {}


def test_importing_the_same_list_changes_nothing():
    assert diff_entries(entries_of(StatesRegister.shipped()), read_party_file(TEXT_2026, today=TODAY)) == []


def test_a_signatory_that_ratifies_changes_listing_and_a_party_left_out_is_removed():
    """A hypothetical later list: Ireland (a signatory since 23 Mar 2012, UNTC) with an instrument, and a list
    without Albania. A file of parties says nothing of the other signatories, which stay."""
    ratified = "IE,Ireland,2012-03-23,2026-03-02,ratification,2026-06-02,art18(2) deposit+3 months,,,yes,test list"
    text = with_line(TEXT_2026, "AL", None) + ratified + "\n"
    changes = diff_entries(entries_of(StatesRegister.shipped()), read_party_file(text, today=TODAY))
    assert [(change.kind, change.iso2) for change in changes] == [(CHANGED, "IE"), (REMOVED, "AL")]
    ireland, albania = changes
    assert (ireland.before["listing"], ireland.after["listing"]) == ("signatory", "party")
    assert ireland.after["instrument_date"] == date(2026, 3, 2) and ireland.entry.listing == PARTY
    assert albania.before["instrument_date"] == date(2025, 2, 19) and albania.after == {} and albania.entry is None


@pytest.mark.parametrize(("line", "problem"), [
    ("NE,Niger,,2014-11-31,accession,2015-02-07,x,,,yes,x", "NE: instrument_date '2014-11-31' is not a date"),
    ("NE,Niger,,2014-11-07,succession,2015-02-07,x,,,yes,x", "NE: instrument_type 'succession'"),
    ("NE,Niger,,2014-11-07,accession,2015-02-07,x,,,sure,x", "NE: verified must be one of"),
    ("XK,Kosovo,,2014-11-07,accession,2015-02-07,x,,,yes,x", "XK: iso2: Choose a UN member or observer State."),
    ("NE,Niger,,2027-01-07,accession,2027-04-07,x,,,yes,x", "NE: instrument_date: This date is in the future."),
    ("NE,Niger,,2014-11-07,accession,2014-11-01,x,,,yes,x",
     "NE: entry_into_force: The entry into force cannot be before the instrument was deposited."),
    ("NE,Niger,,2014-11-07,accession,2015-02-07,x,maybe,,yes,x", "NE: art10_declaration: Choose a value"),
    ("NE,Niger,2014-11-07", "expected 11 comma-separated values"),
])
def test_a_bad_line_is_refused_naming_the_line(line, problem):
    text = with_line(TEXT_2026, "NE", line)
    number = next(index for index, row in enumerate(text.splitlines(), start=1) if row == line)
    with pytest.raises(RegisterFileError) as caught:
        read_party_file(text, today=TODAY)
    assert all(message.startswith(f"line {number}: ") for message in caught.value.problems)
    assert any(problem in message for message in caught.value.problems)


def test_a_state_listed_twice_is_refused_on_its_second_line():
    spain = next(line for line in TEXT_2026.splitlines() if line.startswith("ES,"))
    text = TEXT_2026 + spain + "\n"
    with pytest.raises(RegisterFileError) as caught:
        read_party_file(text, today=TODAY)
    first = TEXT_2026.splitlines().index(spain) + 1
    assert caught.value.problems == [f"line {len(text.splitlines())}: ES is already on line {first}"]


def test_every_bad_line_is_named_at_once():
    text = with_line(with_line(TEXT_2026, "NE", "NE,Niger,,2014-11-31,accession,,x,,,yes,x"),
                     "SM", "SM,San Marino,,2015-08-04,accession,2015-11-04,x,,,perhaps,x")
    with pytest.raises(RegisterFileError) as caught:
        read_party_file(text, today=TODAY)
    assert len(caught.value.problems) == 2


@pytest.mark.parametrize(("text", "problem"), [
    ("iso2,name,signature,verified,source_note\nAO,Angola,2013-09-24,yes,x\n",  # the signatories' file
     "line 1 (the header): expected the columns iso2, name, signature, instrument_date"),
    (TEXT_2026.splitlines()[0] + "\n", "the file lists no party"),
    ("", "line 1 (the header)"),
])
def test_a_file_that_is_not_a_list_of_parties_is_refused(text, problem):
    with pytest.raises(RegisterFileError) as caught:
        read_party_file(text, today=TODAY)
    assert problem in caught.value.problems[0]
