"""argon2id hashing with a cap on concurrent verifies (AUTH-06, AUTH-11) and a dummy hash (AUTH-08)."""

import threading
from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from caseapp.domain.passwords import MAX_LENGTH


@dataclass
class VerifyResult:
    ok: bool
    new_hash: str | None = None  # set when the stored hash used older parameters


class Hasher:
    def __init__(self, *, time_cost: int, memory_cost_kib: int, parallelism: int, max_concurrent: int):
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism, type=Type.ID
        )
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._dummy_hash = self._hasher.hash("dummy password that matches no account")

    @classmethod
    def from_config(cls, config) -> "Hasher":
        return cls(
            time_cost=config["ARGON2_TIME_COST"],
            memory_cost_kib=config["ARGON2_MEMORY_COST_KIB"],
            parallelism=config["ARGON2_PARALLELISM"],
            max_concurrent=config["ARGON2_MAX_CONCURRENT"],
        )

    def hash(self, password: str) -> str:
        if len(password) > MAX_LENGTH:
            raise ValueError("password too long")
        with self._slots:
            return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> VerifyResult:
        """Verify, spending the same work when there is no account or no password yet."""
        if len(password) > MAX_LENGTH:
            return VerifyResult(False)
        with self._slots:
            try:
                self._hasher.verify(stored_hash or self._dummy_hash, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return VerifyResult(False)
            if stored_hash is None:
                return VerifyResult(False)
            if self._hasher.check_needs_rehash(stored_hash):
                return VerifyResult(True, self._hasher.hash(password))
            return VerifyResult(True)

    def burn(self, password: str) -> None:
        """Spend one verify's worth of work; used for throttled attempts so timing tells nothing."""
        self.verify(None, password[:MAX_LENGTH])
