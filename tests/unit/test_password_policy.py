"""The password policy (AUTH-05): length, no composition rules, common and guessable passwords refused."""

import pytest

from caseapp.domain.passwords import MAX_LENGTH, MIN_LENGTH, common_passwords, password_problems


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
    assert password_problems("tulip" + "x" * (MAX_LENGTH - 10) + "abcde") == []  # 128 is accepted


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
