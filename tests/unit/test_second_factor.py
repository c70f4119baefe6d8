"""The second-factor rules (AUTH-01, AUTH-13): which roles must have one, when the last one may go,
the recovery codes' form and the passkeys' relying party."""

import pytest

from caseapp.domain.second_factor import (
    RECOVERY_CODE_LENGTH,
    may_remove_factor,
    new_recovery_code,
    normalise_recovery_code,
    relying_party,
    required_roles_problem,
)

ALL = ("partner", "lawyer", "coordinator", "admin")


@pytest.mark.parametrize(("value", "ok"), [
    (ALL, True), (list(ALL), True), (("lawyer", "coordinator", "admin"), True),
    (("partner", "lawyer", "admin"), False), ((), False), (ALL + ("guest",), False), ("partner", False), (None, False),
])
def test_only_partners_may_be_let_off_two_factor(value, ok):  # AUTH-01
    assert (required_roles_problem(value) is None) is ok


def test_the_last_factor_stays_while_the_role_requires_one():  # AUTH-13, AUTH-01
    assert not may_remove_factor("lawyer", ALL, factors_left=0)
    assert may_remove_factor("lawyer", ALL, factors_left=1)
    assert may_remove_factor("partner", ("lawyer", "coordinator", "admin"), factors_left=0)


def test_recovery_codes_are_random_and_forgiving_to_type():  # AUTH-13
    codes = {new_recovery_code() for _ in range(50)}
    assert len(codes) == 50
    code = codes.pop()
    assert len(code.replace("-", "")) == RECOVERY_CODE_LENGTH
    assert normalise_recovery_code(f" {code.lower().replace('-', ' ')} ") == code.replace("-", "")
    assert normalise_recovery_code("123456") is None  # a TOTP code is not a recovery code
    assert normalise_recovery_code("O0O0-I1I1-L1L1") is None  # look-alikes are not in the alphabet


def test_the_relying_party_comes_from_base_url_unless_set():  # AUTH-13
    assert relying_party("https://cases.example.org", None, None) == ("cases.example.org", "https://cases.example.org")
    assert relying_party("http://localhost:5000/", None, None) == ("localhost", "http://localhost:5000")
    assert relying_party("http://127.0.0.1:5000", "localhost", "http://localhost:5000") == (
        "localhost", "http://localhost:5000")
