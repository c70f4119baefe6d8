"""The password policy (SECURITY.md AUTH-05, following NIST SP 800-63B and OWASP ASVS 6.2).

At least 15 and at most 128 characters, no composition rules, any Unicode, and not a common
password or a simple variation of a word people here would guess first.
"""

import gzip
import re
import unicodedata
from functools import cache
from importlib import resources

MIN_LENGTH = 15
MAX_LENGTH = 128
MIN_DISTINCT_CHARACTERS = 5

# Words an attacker tries first against this application and its users.
CONTEXT_WORDS = frozenset(
    {
        "escr", "casedesk", "case desk", "escrcasedesk", "escr case desk", "opicescr", "op-icescr",
        "icescr", "cescr", "humanrights", "human rights", "ngo", "ngos", "coalition", "partner",
        "lawyer", "coordinator", "admin", "administrator", "password", "passphrase", "committee",
        "covenant", "housing", "justice", "unitednations", "united nations",
    }
)


@cache
def common_passwords() -> frozenset[str]:
    data = resources.files("caseapp.data").joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip() for line in gzip.decompress(data).decode("utf-8").splitlines() if line.strip())


def normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password).casefold()


# Rows and sequences people walk along; a password made only of such runs is guessed early.
_RUNS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz", "azertyuiop", "qwertzuiop")
_RUNS = _RUNS + tuple(run[::-1] for run in _RUNS)
_MIN_RUN = 4

_LEET = str.maketrans({"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t"})


def _core(password: str) -> str:
    """The letters left once look-alike symbols are read as letters: 'P@ssword 2026' → 'password'."""
    trimmed = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", normalise(password))
    return re.sub(r"[\W\d_]+", "", trimmed.translate(_LEET))


def password_problems(password: str, *, personal_words: tuple[str, ...] = ()) -> list[str]:
    """Plain-language reasons the password is refused; empty when it is acceptable.

    Length is checked first, so an over-long password never reaches the hasher (AUTH-05).
    """
    if len(password) > MAX_LENGTH:
        return [f"Use at most {MAX_LENGTH} characters."]
    if len(password) < MIN_LENGTH:
        return [f"Use at least {MIN_LENGTH} characters; a few unrelated words make a good passphrase."]
    folded = normalise(password)
    core = _core(password)
    squeezed = re.sub(r"\s+", "", folded)
    guessable = CONTEXT_WORDS | {normalise(word) for word in personal_words if len(word) >= 3}
    common = common_passwords()
    if len(set(folded)) < MIN_DISTINCT_CHARACTERS:
        return ["Use more varied characters."]
    if folded in common or squeezed in common or core in common:
        return ["This password is on a list of commonly used passwords."]
    if len(_without_runs(squeezed)) < _MIN_RUN:
        return ["This password is a keyboard or alphabet sequence; use unrelated words instead."]
    too_close = any(word in folded and len(folded) - len(word) < MIN_LENGTH // 2 for word in guessable)
    if core in guessable or too_close or _is_repetition(core, common | guessable):
        return ["This password is too easy to guess from the application's name or your account."]
    return []


def _is_repetition(core: str, words: frozenset[str]) -> bool:
    """'passwordpassword' and 'adminadminadmin' are as weak as their unit."""
    for size in range(1, len(core) // 2 + 1):
        unit = core[:size]
        if len(core) % size == 0 and unit * (len(core) // size) == core:
            return size < 4 or unit in words
    return False


def _without_runs(text: str) -> str:
    """What is left once every stretch of 4+ characters taken from a keyboard row or sequence is removed."""
    kept, i = [], 0
    while i < len(text):
        length = max((n for n in range(_MIN_RUN, len(text) - i + 1) if any(text[i : i + n] in run for run in _RUNS)),
                     default=0)
        if length:
            i += length
        else:
            kept.append(text[i])
            i += 1
    return "".join(kept)
