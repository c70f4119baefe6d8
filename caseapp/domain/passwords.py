"""The password policy (SECURITY.md AUTH-05 and AUTH-14, following NIST SP 800-63B and OWASP ASVS 6.2).

At least 15 and at most 128 characters, no composition rules, any Unicode, not a common password or a
simple variation of a word people here would guess first, and strong enough by zxcvbn's estimate
(``min_score`` of 0–4, the app's ``PASSWORD_MIN_SCORE``) once it knows this application's words and the
words of the account and its organisation, which the callers pass in.

The refusals are English message ids marked with ``N_`` (extracted into messages.pot); the page showing
one translates it (``Problem.message`` with ``Problem.params``), a command prints ``Problem.text``.
"""

import gzip
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from zxcvbn import zxcvbn

from caseapp.domain.i18n import N_

MIN_LENGTH = 15
MAX_LENGTH = 128
MIN_DISTINCT_CHARACTERS = 5
DEFAULT_MIN_SCORE = 3  # zxcvbn's 0–4: 3 is "safely unguessable", about 10^10 guesses (config PASSWORD_MIN_SCORE)
# zxcvbn's own default limit: longer inputs can take seconds (its l33t matching grows fast), a denial of
# service. A longer password is judged by its first 72 characters, which must be strong on their own.
ZXCVBN_MAX_LENGTH = 72



TOO_LONG = N_("Use at most %(max)d characters.")
TOO_SHORT = N_("Use at least %(min)d characters; a few unrelated words make a good passphrase.")
TOO_FEW_CHARACTERS = N_("Use more varied characters.")
COMMON = N_("This password is on a list of commonly used passwords.")
SEQUENCE = N_("This password is a keyboard or alphabet sequence; use unrelated words instead.")
GUESSABLE = N_("This password is too easy to guess: it uses words from this app, your organisation or your name, "
               "or a common pattern. Use four or more unrelated words.")


@dataclass(frozen=True)
class Problem:
    """Why a password is refused: a message id and its parameters."""

    message: str
    params: dict[str, int] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The English text, for a command's output and the tests."""
        return self.message % self.params if self.params else self.message

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


def password_problems(password: str, *, personal_words: tuple[str, ...] = (),
                      min_score: int = DEFAULT_MIN_SCORE) -> list[str]:
    """Plain-language reasons the password is refused (in English); empty when it is acceptable."""
    problem = password_problem(password, personal_words=personal_words, min_score=min_score)
    return [problem.text] if problem else []


def password_problem(password: str, *, personal_words: tuple[str, ...] = (),
                     min_score: int = DEFAULT_MIN_SCORE) -> Problem | None:
    """The first reason the password is refused, or None when it is acceptable.

    ``personal_words``: the account's e-mail address, its name and its organisation's name, as the
    callers know them. Length is checked first, so an over-long password never reaches the hasher or
    zxcvbn (AUTH-05).
    """
    if len(password) > MAX_LENGTH:
        return Problem(TOO_LONG, {"max": MAX_LENGTH})
    if len(password) < MIN_LENGTH:
        return Problem(TOO_SHORT, {"min": MIN_LENGTH})
    folded = normalise(password)
    core = _core(password)
    squeezed = re.sub(r"\s+", "", folded)
    personal = _personal_words(personal_words)
    guessable = CONTEXT_WORDS | personal
    common = common_passwords()
    if len(set(folded)) < MIN_DISTINCT_CHARACTERS:
        return Problem(TOO_FEW_CHARACTERS)
    if folded in common or squeezed in common or core in common:
        return Problem(COMMON)
    if len(_without_runs(squeezed)) < _MIN_RUN:
        return Problem(SEQUENCE)
    too_close = any(word in folded and len(folded) - len(word) < MIN_LENGTH // 2 for word in guessable)
    if core in guessable or too_close or _is_repetition(core, common | guessable):
        return Problem(GUESSABLE)
    if _strength(password, folded, guessable) < min_score:  # AUTH-14
        return Problem(GUESSABLE)
    return None


def _personal_words(words: tuple[str, ...]) -> frozenset[str]:
    """Each given phrase ("Maria López", "ana.ruiz@ngo-a.org", "Housing Rights Network"), folded, and its
    words of three letters or more, so that a password made of any of them is recognised."""
    found = set()
    for phrase in words:
        folded = normalise(phrase or "")
        if len(folded) >= 3:
            found.add(folded)
        found.update(part for part in re.split(r"[\W\d_]+", folded) if len(part) >= 3)
    return frozenset(found)


def _context_tokens(words: frozenset[str]) -> list[str]:
    """The words as zxcvbn's user inputs: each phrase, squeezed, and each of its words; longest first."""
    tokens = set()
    for word in words:
        tokens.add(word)
        tokens.add(re.sub(r"[\W_]+", "", word))
        tokens.update(part for part in re.split(r"[\W\d_]+", word) if len(part) >= 3)
    return sorted((token for token in tokens if len(token) >= 3), key=lambda token: (-len(token), token))


def _strength(password: str, folded: str, guessable: frozenset[str]) -> int:
    """zxcvbn's score (0–4) of the password knowing the context words — and of what is left once every
    context word is taken out of it (also read with look-alike symbols as letters).

    zxcvbn gives any sequence of four known words about 10^8 guesses, score 3, even when all four are
    the app's own words ("escr case desk coalition"): the second reading refuses those, while a strong
    passphrase that merely contains one such word ("another fresh passphrase for lawyers") keeps its
    strength.
    """
    tokens = _context_tokens(guessable)
    password, folded = password[:ZXCVBN_MAX_LENGTH], folded[:ZXCVBN_MAX_LENGTH]
    score = zxcvbn(password, user_inputs=tokens)["score"]
    for reading in {folded, folded.translate(_LEET)}:
        rest = reading
        for token in tokens:
            rest = rest.replace(token, " ")
        if rest != reading:
            rest = " ".join(rest.split())
            score = min(score, zxcvbn(rest, user_inputs=tokens)["score"] if rest else 0)
    return score


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
