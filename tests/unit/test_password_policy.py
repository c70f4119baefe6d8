"""The password policy (AUTH-05): length, no composition rules, common and guessable passwords refused."""

import pytest

from caseapp.domain.passwords import (
    GUESSABLE,
    MAX_LENGTH,
    MIN_LENGTH,
    TOO_SHORT,
    Problem,
    common_passwords,
    password_problem,
    password_problems,
)


@pytest.mark.parametrize("password", [
    "correct horse battery staple",
    "Tr0ub4dor&3 xyzzy plugh",
    "ünïcödé pässphrase wörks fine",
    "草泥马 long enough passphrase 42",
    "x" * 10 + "yzabcdef",
])
def test_good_passphrases_are_accepted(password):
    assert password_problems(password) == []


def test_length_bounds():
    assert password_problems("a1b2c3d4e5f6g7")[0].startswith(f"Use at least {MIN_LENGTH}")
    assert password_problems("violet harbour 7") == []  # 16 characters, fine
    assert password_problems("k" * (MAX_LENGTH + 1)) == [f"Use at most {MAX_LENGTH} characters."]
    long_phrase = ("maple summit ember falcon quartz river copper lantern orbit meadow harbour violet canyon willow "
                   "tundra saffron glacier mosaic cobalt")[:MAX_LENGTH]
    assert len(long_phrase) == MAX_LENGTH and password_problems(long_phrase) == []  # 128 is accepted


def test_no_composition_rules():
    assert password_problems("all lower case words here") == []


@pytest.mark.parametrize("password", [
    "passwordpassword", "P@ssword2026!!!!!", "1234567890123456", "iloveyouiloveyou",
    "qwertyuiopasdfghjkl", "abcdefghijklmnop0987",
])
def test_common_passwords_and_their_simple_variants_are_refused(password):
    assert password_problems(password), password


@pytest.mark.parametrize("password", ["escr case desk 2026", "adminadminadmin1", "Coordinator2026!!"])
def test_application_words_are_refused(password):
    assert "too easy to guess" in password_problems(password)[0]


def test_personal_words_are_refused():
    assert password_problems("maria.lopez.2026!", personal_words=("maria.lopez",))
    assert password_problems("maria.lopez.2026!") == []


def test_too_few_distinct_characters():
    assert password_problems("abababababababab") == ["Use more varied characters."]


def test_bundled_list_has_ten_thousand_entries():
    assert len(common_passwords()) >= 9900
    assert "123456" in common_passwords()


GUESSABLE_TEXT = "This password is too easy to guess: it uses words from this app, your organisation or your name"


@pytest.mark.parametrize("password", [
    "escr case desk coalition", "human rights coalition lawyer", "Coalition2026!Coalition", "C0alition 2026 C0alition",
])
def test_app_words_alone_are_too_easy_to_guess(password):
    """AUTH-14: four of the app's own words, or one repeated around a year, passed the length rule and the
    blocklist; zxcvbn told the app's words refuses them."""
    assert password_problems(password)[0].startswith(GUESSABLE_TEXT)


def test_organisation_and_user_words_are_too_easy_to_guess():
    """AUTH-14: the account's name, e-mail address and organisation are words an attacker tries first."""
    words = ("maria.lopez@riverside-tenants.org", "maria.lopez", "Maria López", "Riverside Tenants Union")
    for password in ("riverside tenants union 2026", "Maria Lopez Riverside 2026!"):
        assert password_problems(password, personal_words=words)[0].startswith(GUESSABLE_TEXT), password
        assert password_problems(password) == [], password  # someone else's words: a fine passphrase


def test_a_strong_passphrase_may_contain_one_app_word():  # AUTH-14
    assert password_problems("another fresh passphrase for lawyers") == []
    assert password_problems("a long admin passphrase here") == []


def test_the_minimum_score_is_a_setting():  # AUTH-14: PASSWORD_MIN_SCORE
    assert password_problems("xxxxxxxxxxyzabcdef", min_score=3) == []
    assert password_problems("xxxxxxxxxxyzabcdef", min_score=4)[0].startswith(GUESSABLE_TEXT)


def test_a_long_password_is_judged_by_its_first_characters():
    """AUTH-14: zxcvbn reads at most 72 characters (longer inputs can take seconds), so a long password
    padded with one letter is as weak as its start."""
    assert password_problems("tulip" + "x" * (MAX_LENGTH - 10) + "abcde")[0].startswith(GUESSABLE_TEXT)


def test_refusals_are_message_ids_with_parameters():
    """The page translates ``message`` with ``params``; a command prints ``text`` (AUTH-05)."""
    assert password_problem("short") == Problem(TOO_SHORT, {"min": MIN_LENGTH})
    assert password_problem("escr case desk coalition").message == GUESSABLE
