"""What the register lets the engine conclude (issue 14, points 2 and 3): entry into force by art. 18, status
under the Covenant on a day (arts 17–18), a State's standing under the Protocol on a day, and when the register
is too old. Pure domain, no app. Each row names its article and its source: "UNTC 2026" is the UN Treaty
Collection's status as at 3 February 2026 (MTDSG IV-3-a for the Protocol, IV-3 for the Covenant, in
caseapp/data); "register 2024" the snapshot of 1 February 2024 (caseapp/data/snapshots/2024-02-01)."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from caseapp.domain.register import (
    ART18_1,
    ART18_2,
    EIF_DEPOSIT_UNVERIFIED,
    EIF_FIRST_TEN,
    EIF_NO_INSTRUMENT,
    EIF_NO_SUCH_DAY,
    EIF_REGISTER_DISAGREES,
    EIF_SETTLED_BY_SOURCE,
    EIF_THREE_MONTHS,
    EIF_YEAR_ONLY,
    NONE,
    NOT_PARTY,
    PARTY,
    SIGNATORY,
    SNAPSHOT_2024,
    STANDING_BEFORE_DEPOSIT,
    STANDING_DEPOSIT_DAY_UNKNOWN,
    STANDING_LISTED,
    STANDING_NOT_COVENANT_PARTY,
    STANDING_NOT_LISTED,
    STANDING_NOT_LISTED_COMPLETE,
    STANDING_SIGNATORY,
    TENTH_INSTRUMENT_DEPOSITED,
    UNKNOWN,
    CovenantRegister,
    StatesRegister,
    is_stale,
    protocol_entry_into_force,
)

D = date.fromisoformat
REGISTER = StatesRegister.shipped()
REGISTER_2024 = StatesRegister.snapshot(SNAPSHOT_2024)


# --- entry into force, art. 18 ----------------------------------------------------------------------


@pytest.mark.parametrize(("iso2", "deposit", "eif", "basis", "reason", "source"), [
    ("ES", "2010-09-23", "2013-05-05", ART18_1, EIF_FIRST_TEN, "UNTC (fr); E/C.12/56/D/6/2015 para 4.3"),
    ("EC", "2010-06-11", "2013-05-05", ART18_1, EIF_FIRST_TEN, "UNTC; E/C.12/63/D/7/2015"),
    ("PT", "2013-01-28", "2013-05-05", ART18_1, EIF_FIRST_TEN, "UNTC 2026; E/C.12/61/D/21/2017 para 4.2"),
    ("UY", "2013-02-05", "2013-05-05", ART18_1, EIF_FIRST_TEN, "OHCHR story 6 Feb 2013: the tenth instrument"),
    ("ME", "2013-09-24", "2013-12-24", ART18_2, EIF_THREE_MONTHS, "whatconvention.org: the first after the tenth"),
    ("BE", "2014-05-20", "2014-08-20", ART18_2, EIF_THREE_MONTHS, "UNTC; E/C.12/70/D/61/2018 para 1.1"),
    ("NE", "2014-11-07", "2015-02-07", ART18_2, EIF_THREE_MONTHS, "UNTC 2026"),
    ("IT", "2015-02-20", "2015-05-20", ART18_2, EIF_THREE_MONTHS, "UNTC; E/C.12/79/D/265/2022 para 1.1"),
    ("SM", "2015-08-04", "2015-11-04", ART18_2, EIF_THREE_MONTHS, "UNTC 2026"),
    ("VE", "2018-10-10", "2019-01-10", ART18_2, EIF_THREE_MONTHS, "E/C.12/77/D/242/2021 para 1.1"),
    ("DE", "2023-04-20", "2023-07-20", ART18_2, EIF_THREE_MONTHS, "UNTC MTDSG IV-3-a"),
    ("RS", "2023-09-22", "2023-12-22", ART18_2, EIF_THREE_MONTHS, "UNTC 2026"),
    ("SS", "2024-02-05", "2024-05-05", ART18_2, EIF_THREE_MONTHS, "UNTC 2026"),
    ("CI", "2024-11-04", "2025-02-04", ART18_2, EIF_THREE_MONTHS, "UNTC 2026"),
    ("AL", "2025-02-19", "2025-05-19", ART18_2, EIF_THREE_MONTHS, "UNTC 2026"),
])
def test_entry_into_force_is_computed_from_the_verified_deposit(iso2, deposit, eif, basis, reason, source):
    record = REGISTER.party(iso2)
    assert record.instrument_date == D(deposit), source
    result = protocol_entry_into_force(record)
    assert (result.day, result.basis, result.reason, result.certain) == (D(eif), basis, reason, True), source
    assert result.earliest == result.latest == D(eif)
    assert result.recorded == record.entry_into_force  # the register's own date agrees


def test_finland_the_rule_leaves_two_days_open():
    """Art. 18(2): three months after 31 January 2014 falls on 31 April, which does not exist. The register holds
    30 April (calendar-month rule, OP-ICESCR.md §6); E/C.12/76/D/251/2022 para 1.1 says only "April 2014"; the
    other reading is 1 May. No window of days beyond that."""
    result = protocol_entry_into_force(REGISTER.party("FI"))
    assert (result.day, result.earliest, result.latest) == (D("2014-04-30"), D("2014-04-30"), D("2014-05-01"))
    assert (result.basis, result.reason, result.certain) == (ART18_2, EIF_NO_SUCH_DAY, False)
    assert [result.in_force_on(D(day)) for day in ("2014-04-29", "2014-04-30", "2014-05-01", "2014-05-02")] == [
        False, None, True, True]


@pytest.mark.parametrize("day", ["2014-04-30", "2014-05-01"])
def test_a_verified_source_settles_the_day_the_rule_left_open(day):
    """Art. 18(2) leaves 30 April and 1 May 2014 open for Finland; once an admin records one of them from the
    UN Treaty Collection as verified (no "UNVERIFIED" in its basis), that day is the date."""
    confirmed = replace(REGISTER.party("FI"), entry_into_force=D(day), eif_verified=True, verified="yes",
                        eif_basis="art18(2) deposit+3 months")
    result = protocol_entry_into_force(confirmed)
    assert (result.day, result.reason, result.certain) == (D(day), EIF_SETTLED_BY_SOURCE, True)


def test_every_party_of_2026_gets_the_date_its_source_gives():
    """Every row's entry_into_force (UNTC 2026) is what art. 18 gives from its deposit; only Finland's day is open."""
    for record in REGISTER.parties:
        result = protocol_entry_into_force(record)
        assert result.earliest <= record.entry_into_force <= result.latest, record.iso2
        assert result.certain or record.iso2 == "FI", record.iso2


def test_the_first_ten_instruments_are_those_deposited_by_uruguays():
    """Art. 18(1); OP-ICESCR.md §5: "the tenth was Uruguay's, deposited 5 Feb 2013"."""
    first_ten = [record.iso2 for record in REGISTER.parties
                 if protocol_entry_into_force(record).basis == ART18_1]
    assert len(first_ten) == 10
    assert max(REGISTER.party(iso2).instrument_date for iso2 in first_ten) == TENTH_INSTRUMENT_DEPOSITED
    assert REGISTER.party("UY").instrument_date == TENTH_INSTRUMENT_DEPOSITED


@pytest.mark.parametrize(("iso2", "earliest", "latest", "reason", "source"), [
    # Art. 18(2): a deposit in 2014 took effect between 1 April 2014 and 31 March 2015.
    ("NE", "2014-04-01", "2015-03-31", EIF_YEAR_ONLY, "register 2024: world-politics-datalab, year only"),
    ("SM", "2015-04-01", "2016-03-31", EIF_YEAR_ONLY, "register 2024: world-politics-datalab, year only"),
    # Art. 18(1): the source puts Portugal's instrument among the first ten, so the day does not matter.
    ("PT", "2013-05-05", "2013-05-05", EIF_FIRST_TEN, "register 2024: OHCHR statement 28 Feb 2013, ninth instrument"),
])
def test_a_deposit_known_by_its_year_is_bounded_by_the_rule(iso2, earliest, latest, reason, source):
    result = protocol_entry_into_force(REGISTER_2024.party(iso2))
    assert (result.earliest, result.latest, result.reason) == (D(earliest), D(latest), reason), source
    assert result.in_force_on(D(earliest) - timedelta(days=1)) is False
    assert result.in_force_on(D(latest)) is True


def test_a_deposit_date_nothing_confirms_bounds_nothing():
    """A row marked "no" confirms none of its dates: the rule still gives a day, but no bound (art. 18(2))."""
    result = protocol_entry_into_force(replace(REGISTER.party("DE"), verified="no"))
    assert (result.day, result.reason, result.earliest, result.latest) == (
        D("2023-07-20"), EIF_DEPOSIT_UNVERIFIED, None, None)
    assert result.in_force_on(D("2030-01-01")) is None and not result.certain


def test_a_register_date_the_rule_contradicts_leaves_both_open():
    """OP-ICESCR.md §5: some decisions give Italy's deposit date, 20 Feb 2015, as its EIF; art. 18(2) gives
    20 May 2015. A register holding the wrong one is not trusted, nor silently overruled."""
    result = protocol_entry_into_force(replace(REGISTER.party("IT"), entry_into_force=D("2015-02-20")))
    assert (result.day, result.reason, result.earliest, result.latest) == (
        D("2015-05-20"), EIF_REGISTER_DISAGREES, D("2015-02-20"), D("2015-05-20"))


def test_a_signatory_has_no_entry_into_force():
    result = protocol_entry_into_force(REGISTER.signatory("NL"))
    assert (result.day, result.reason, result.in_force_on(D("2026-01-01"))) == (None, EIF_NO_INSTRUMENT, None)


# --- the Covenant on a day (arts 17–18) ---------------------------------------------------------------


@pytest.mark.parametrize(("iso2", "day", "status", "source"), [
    ("ES", "2026-02-03", PARTY, "UNTC 2026 (IV-3): ratified 27 Apr 1977"),
    ("ES", "2026-12-01", PARTY, "a party stays one: the Covenant has no denunciation clause, the list records none"),
    ("US", "2026-02-03", SIGNATORY, "UNTC 2026: signed 5 Oct 1977, not ratified"),
    ("US", "1977-10-04", NONE, "UNTC 2026: the day before its signature"),
    ("US", "2026-02-04", UNKNOWN, "after the list's date it may have ratified"),
    ("MY", "2026-02-03", NONE, "UNTC 2026: absent from the participant list"),
    ("MY", "2026-06-01", UNKNOWN, "after the list's date it may have acceded"),
    ("KN", "2024-02-29", NONE, "icescr_status.md: acceded 1 Nov 2024"),
    ("KN", "2024-11-01", PARTY, "UNTC 2026: accession 1 Nov 2024"),
    ("AD", "2024-02-29", NONE, "icescr_status.md: signed 23 Sep 2025"),
    ("AD", "2025-09-23", SIGNATORY, "UNTC 2026: signature 23 Sep 2025"),
    ("SS", "2024-02-04", NONE, "UNTC 2026: accession 5 Feb 2024"),
    ("SS", "2024-02-05", PARTY, "UNTC 2026; ACHPR press statement"),
    ("RS", "2001-03-11", UNKNOWN, "succession notified 12 Mar 2001: the successor may be bound from before"),
    ("RS", "2001-03-12", PARTY, "UNTC 2026: succession (note 3)"),
    ("PS", "2026-02-03", UNKNOWN, "not a UN member: the list does not cover it (icescr_status.md)"),
    ("VA", "2026-02-03", UNKNOWN, "not a UN member: the list does not cover it"),
])
def test_covenant_status_on_a_day(iso2, day, status, source):
    assert REGISTER.covenant_status(iso2, on=D(day)) == status, source
    assert REGISTER.covenant_party_on(iso2, D(day)) == (None if status == UNKNOWN else status == PARTY), source


def test_the_covenant_counts_now_and_in_early_2024():
    """icescr_status.md: 172 parties, 5 signatories only, 16 neither at 3 Feb 2026; on 29 Feb 2024, 171, 4 and 18."""
    covenant = REGISTER.covenant
    assert covenant.counts() == {PARTY: 172, SIGNATORY: 5, NONE: 16}
    on_29_february_2024 = [covenant.status_on(record.iso2, D("2024-02-29")) for record in covenant.records]
    assert {status: on_29_february_2024.count(status) for status in (PARTY, SIGNATORY, NONE, UNKNOWN)} == {
        PARTY: 171, SIGNATORY: 4, NONE: 18, UNKNOWN: 0}


def test_every_protocol_party_and_signatory_was_a_covenant_party_or_signatory_when_it_acted():
    """Art. 17: the Protocol is open to States that signed (for signature) or ratified or acceded to (for
    ratification and accession) the Covenant; the two UNTC lists agree with that."""
    for record in REGISTER.parties:
        assert REGISTER.covenant_party_on(record.iso2, record.instrument_date), record.iso2
    for record in (*REGISTER.parties, *REGISTER.signatories):
        if record.signature is not None:
            assert REGISTER.covenant_status(record.iso2, on=record.signature) in (PARTY, SIGNATORY), record.iso2


def test_without_a_covenant_list_the_covenant_is_unknown():
    assert REGISTER_2024.covenant_status("US") == UNKNOWN
    assert REGISTER_2024.covenant_party_on("MY", D("2024-01-01")) is None


# --- standing under the Protocol on a day (arts 1, 17–18) -----------------------------------------------


@pytest.mark.parametrize(("register", "iso2", "day", "status", "reason", "after", "source"), [
    (REGISTER, "ES", "2026-01-01", PARTY, STANDING_LISTED, False, "UNTC 2026: ratified 23 Sep 2010"),
    (REGISTER, "AL", "2025-02-18", NOT_PARTY, STANDING_BEFORE_DEPOSIT, False, "UNTC 2026: accession 19 Feb 2025"),
    (REGISTER, "AL", "2025-02-19", PARTY, STANDING_LISTED, False, "UNTC 2026: accession 19 Feb 2025"),
    (REGISTER, "NL", "2026-01-01", SIGNATORY, STANDING_SIGNATORY, False, "signed 24 Sep 2009; art. 1: not a party"),
    (REGISTER, "MK", "2026-01-01", SIGNATORY, STANDING_SIGNATORY, False, "UNTC 2026: signed 14 Aug 2013"),
    (REGISTER, "US", "2026-01-01", NOT_PARTY, STANDING_NOT_COVENANT_PARTY, False, "arts 17–18; UNTC IV-3: signatory"),
    (REGISTER, "MY", "2020-01-01", NOT_PARTY, STANDING_NOT_COVENANT_PARTY, False, "arts 17–18; UNTC IV-3: none"),
    (REGISTER, "KN", "2024-02-29", NOT_PARTY, STANDING_NOT_COVENANT_PARTY, False, "arts 17–18; Covenant 1 Nov 2024"),
    (REGISTER, "GB", "2026-01-01", NOT_PARTY, STANDING_NOT_LISTED_COMPLETE, False, "UNTC IV-3-a 2026, complete"),
    (REGISTER, "GB", "2026-12-01", NOT_PARTY, STANDING_NOT_LISTED_COMPLETE, True, "later accession possible"),
    (REGISTER, "US", "2026-12-01", NOT_PARTY, STANDING_NOT_LISTED_COMPLETE, True, "Covenant unknown after 3 Feb 2026"),
    (REGISTER, "PS", "2026-01-01", NOT_PARTY, STANDING_NOT_LISTED_COMPLETE, False, "UNTC IV-3-a 2026, complete"),
    (REGISTER_2024, "GB", "2024-01-01", UNKNOWN, STANDING_NOT_LISTED, False, "register 2024: 27 of 29 parties"),
    (REGISTER_2024, "RS", "2024-01-01", UNKNOWN, STANDING_NOT_LISTED, False, "one of the two unidentified in 2024"),
    (REGISTER_2024, "NE", "2013-06-01", NOT_PARTY, STANDING_BEFORE_DEPOSIT, False, "register 2024: deposit in 2014"),
    (REGISTER_2024, "NE", "2014-06-01", UNKNOWN, STANDING_DEPOSIT_DAY_UNKNOWN, False, "register 2024: 2014, no day"),
    (REGISTER_2024, "NE", "2015-01-01", PARTY, STANDING_LISTED, False, "register 2024: deposit in 2014"),
])
def test_protocol_standing_on_a_day(register, iso2, day, status, reason, after, source):
    standing = register.protocol_standing(iso2, on=D(day))
    assert (standing.status, standing.reason, standing.after_register) == (status, reason, after), source
    assert standing.as_of == register.as_of


def test_the_register_is_complete_only_when_it_says_so_and_misses_no_party():
    """OP-ICESCR.md §5: the 2026 list is UNTC's whole participant table; the 2024 one identified 27 of 29."""
    assert REGISTER.is_complete and not REGISTER_2024.is_complete
    fewer = StatesRegister(list(REGISTER.parties[1:]), list(REGISTER.signatories), REGISTER.as_of,
                           reported_parties=31, complete=True, covenant=REGISTER.covenant)
    assert not fewer.is_complete  # a party removed since the check: the list no longer vouches for absence
    assert fewer.protocol_standing("GB").status == UNKNOWN


def test_a_covenant_list_of_its_own_date():
    covenant = CovenantRegister(REGISTER.covenant.records, D("2026-02-03"))
    assert covenant.status_on("MY") == NONE and covenant.party_on("MY", D("2027-01-01")) is None


# --- keeping the register current (issue 14, point 6) -----------------------------------------------------


@pytest.mark.parametrize(("as_of", "today", "months", "stale"), [
    ("2026-02-03", "2026-08-03", 6, False),  # six calendar months to the day: not yet older
    ("2026-02-03", "2026-08-04", 6, True),
    ("2026-02-03", "2026-12-05", 6, True),  # the shipped register in December 2026
    ("2026-02-03", "2026-12-05", 12, False),
    ("2025-08-31", "2026-02-28", 6, False),  # 31 Aug + 6 months = 28 Feb (calendar-month rule, §6)
    ("2025-08-31", "2026-03-01", 6, True),
])
def test_a_register_is_stale_once_older_than_the_configured_months(as_of, today, months, stale):
    assert is_stale(D(as_of), today=D(today), max_age_months=months) is stale
