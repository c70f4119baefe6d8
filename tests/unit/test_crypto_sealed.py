"""Values sealed under a secret that is never stored (caseapp/crypto/sealed.py): a session's payload."""

import pytest

from caseapp.crypto import DecryptionError
from caseapp.crypto.sealed import SEALED_PREFIX, is_sealed, seal, unseal

SECRET = "a-session-id-of-43-characters-xxxxxxxxxxxxx"


def test_a_sealed_value_opens_only_with_its_secret_purpose_and_binding():  # CRY-01
    stored = seal(SECRET, "session-payload", "row-1", '{"q": "Alvarez"}')
    assert stored.startswith(SEALED_PREFIX) and is_sealed(stored) and "Alvarez" not in stored
    assert unseal(SECRET, "session-payload", "row-1", stored) == '{"q": "Alvarez"}'
    assert seal(SECRET, "session-payload", "row-1", "same") != seal(SECRET, "session-payload", "row-1", "same")
    for secret, purpose, binding in ((SECRET + "y", "session-payload", "row-1"), (SECRET, "other", "row-1"),
                                     (SECRET, "session-payload", "row-2")):
        with pytest.raises(DecryptionError):
            unseal(secret, purpose, binding, stored)


@pytest.mark.parametrize("stored", ['{"q": "x"}', SEALED_PREFIX, SEALED_PREFIX + "!!!", SEALED_PREFIX + "AAAA"])
def test_what_is_not_a_sealed_value_is_refused(stored):  # CRY-01
    with pytest.raises(DecryptionError):
        unseal(SECRET, "session-payload", "row-1", stored)
