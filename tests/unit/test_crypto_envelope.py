"""Field encryption and key wrapping (CRY-02, CRY-04, CRY-08, CRY-11)."""

import base64
import os

import pytest

from caseapp.crypto import (
    DecryptionError,
    Keyring,
    KeyringError,
    decrypt_field,
    encrypt_field,
    load_keyring,
    new_key_file,
    unwrap_key,
    wrap_key,
)
from caseapp.crypto.keyring import parse_keks

KEY = os.urandom(32)


def test_round_trip_and_fresh_nonce_per_value():
    aad = b"users|totp_secret|abc|v1"
    first, second = encrypt_field(KEY, b"secret", aad), encrypt_field(KEY, b"secret", aad)
    assert first != second  # a fresh 12-byte nonce each time
    assert first[:1] == b"\x01"  # CRY-11 version byte
    assert decrypt_field(KEY, first, aad) == b"secret"


def test_ciphertext_moved_to_another_row_or_column_fails():  # CRY-02
    blob = encrypt_field(KEY, b"victim name", b"victims|name|row-1|v1")
    for aad in (b"victims|name|row-2|v1", b"victims|contact|row-1|v1"):
        with pytest.raises(DecryptionError) as info:
            decrypt_field(KEY, blob, aad)
        assert "victim name" not in str(info.value)


@pytest.mark.parametrize("mutate", [
    lambda b: b[:-1],
    lambda b: b[:1] + bytes([b[1] ^ 1]) + b[2:],
    lambda b: b"\x02" + b[1:],
    lambda b: b + b"\x00",
    lambda b: b"",
])
def test_tampered_values_fail(mutate):  # CRY-08
    blob = encrypt_field(KEY, b"narrative", b"aad")
    with pytest.raises(DecryptionError):
        decrypt_field(KEY, mutate(blob), b"aad")


def test_wrapped_key_is_bound_to_its_scope_and_kek():
    ring = Keyring((("k2", os.urandom(32)), ("k1", os.urandom(32))))
    data_key = os.urandom(32)
    kek_id, wrapped = wrap_key(ring, "case:1", data_key)
    assert kek_id == "k2"  # the first key wraps
    assert unwrap_key(ring, "case:1", kek_id, wrapped) == data_key
    with pytest.raises(DecryptionError):
        unwrap_key(ring, "case:2", kek_id, wrapped)
    with pytest.raises(DecryptionError) as info:
        unwrap_key(Keyring((("k1", os.urandom(32)),)), "case:1", "k2", wrapped)
    assert info.value.key_id == "k2"  # names the missing key


def test_keyring_never_prints_key_material():
    key = os.urandom(32)
    ring = Keyring((("k1", key),))
    assert key.hex() not in repr(ring) and "k1" in repr(ring)


def test_missing_key_names_the_setting(tmp_path):  # CRY-08
    with pytest.raises(KeyringError, match="CASEAPP_KEKS"):
        load_keyring(setting=None, keys_dir=tmp_path / "keys")


def test_key_file_is_created_0400_and_loaded(tmp_path):  # CRY-04
    path = new_key_file(tmp_path / "keys", "k1")
    assert oct(path.stat().st_mode & 0o777) == "0o400"
    ring = load_keyring(setting=None, keys_dir=tmp_path / "keys")
    assert ring.primary_id == "k1" and len(ring.key("k1")) == 32
    with pytest.raises(FileExistsError):
        new_key_file(tmp_path / "keys", "k1")  # never overwrites a key


def test_world_readable_key_file_is_refused(tmp_path):
    path = new_key_file(tmp_path / "keys", "k1")
    path.chmod(0o644)
    with pytest.raises(KeyringError, match="chmod 400"):
        load_keyring(setting=None, keys_dir=tmp_path / "keys")


def test_keks_setting_parses_and_rejects_bad_values():
    good = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    assert parse_keks(f"k2:{good},k1:{good}").primary_id == "k2"
    for bad in ("k1", "k1:short", "bad id!:" + good, ""):
        with pytest.raises(KeyringError):
            parse_keks(bad)
