"""Blind indexes for searching encrypted fields (CRY-07) and their root secret (CRY-04, CRY-08)."""

import base64
import hashlib
import hmac
import os
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseapp.crypto import (
    FIELDS,
    BlindIndexer,
    KeyringError,
    derive_index_key,
    load_index_secret,
    load_keyring,
    new_index_secret_file,
    normalise_identifier,
    normalise_name,
)

SECRET = os.urandom(32)


def hkdf_sha256(secret: bytes, info: bytes, length: int = 32) -> bytes:
    """RFC 5869 written out, to check derive_index_key independently (no salt = 32 zero bytes)."""
    prk = hmac.new(b"\x00" * 32, secret, hashlib.sha256).digest()
    output, block = b"", b""
    for counter in range(1, -(-length // 32) + 1):
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        output += block
    return output[:length]


# --- normalisation -----------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "expected"), [
    ("José María", "jose maria"),
    ("  JOSÉ \t\n  maría ", "jose maria"),
    ("O'Brien-Ruíz", "o brien ruiz"),
    ("Anne-Marie  d'Arc.", "anne marie d arc"),
    ("Strauß", "strauss"),
    ("Ｊｏｓé\u00a0Ｍaría", "jose maria"),  # full-width letters, no-break space
    ("Nguyễn Thị Minh Khai", "nguyen thi minh khai"),
    ("Ünal, Çağrı", "unal cagrı"),  # dotless ı is a letter of its own, not an accented i
])
def test_name_normalisation_equivalences(written, expected):
    assert normalise_name(written) == expected


@pytest.mark.parametrize(("written", "expected"), [
    ("AB-12 345.6", "ab123456"),
    ("ab 12/345-6", "ab123456"),
    ("  ab_12\t345 6 ", "ab123456"),
    ("１２３-４５", "12345"),  # full-width digits
])
def test_identifier_normalisation_equivalences(written, expected):
    assert normalise_identifier(written) == expected


@given(st.text())
def test_name_normalisation_is_idempotent(value):
    once = normalise_name(value)
    assert normalise_name(once) == once
    assert once == once.strip() and "  " not in once


@given(st.text())
def test_identifier_normalisation_is_idempotent(value):
    once = normalise_identifier(value)
    assert normalise_identifier(once) == once
    assert all(ch.isalpha() or ch.isdigit() for ch in once)


# --- indexes ------------------------------------------------------------------------------------------


def test_equivalent_values_share_an_index_and_different_values_do_not():
    indexer = BlindIndexer(SECRET)
    assert indexer.index("victim_name", "José  María") == indexer.index("victim_name", "jose maria")
    assert indexer.index("victim_identity_number", "AB-12 345.6") == indexer.index("victim_identity_number", "ab123456")
    assert indexer.index("victim_name", "Ana") != indexer.index("victim_name", "Ann")


def test_index_is_truncated_hmac_sha256_under_the_hkdf_derived_field_key():
    key = hkdf_sha256(SECRET, b"bidx|victim_name|v1")
    assert derive_index_key(SECRET, "victim_name") == key
    full = hmac.new(key, b"jose maria", hashlib.sha256).digest()
    assert BlindIndexer(SECRET).index("victim_name", "José María") == full[:8]
    assert BlindIndexer(SECRET, length=16).index("victim_name", "José María") == full[:16]
    assert len(BlindIndexer(SECRET, length=4).index("victim_name", "x")) == 4


def test_fields_have_separate_keys():
    indexer = BlindIndexer(SECRET)
    assert set(FIELDS) == {"victim_name", "victim_identity_number"}
    assert indexer.index("victim_name", "12345") != indexer.index("victim_identity_number", "12345")
    assert derive_index_key(SECRET, "victim_name") != derive_index_key(SECRET, "victim_identity_number")


def test_different_root_secrets_give_different_indexes():
    assert BlindIndexer(SECRET).index("victim_name", "Ana") != BlindIndexer(os.urandom(32)).index("victim_name", "Ana")


@pytest.mark.parametrize(("field", "value"), [
    ("victim_name", ""),
    ("victim_name", "   \t"),
    ("victim_name", "-- '.'"),
    ("victim_name", "\u0301"),  # only a combining accent
    ("victim_identity_number", " - / . "),
])
def test_nothing_left_after_normalising_gives_no_index(field, value):
    assert BlindIndexer(SECRET).index(field, value) is None


def test_unknown_field_and_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="victim_notes"):
        BlindIndexer(SECRET).index("victim_notes", "x")
    with pytest.raises(ValueError):
        BlindIndexer(SECRET[:16])
    for length in (0, 33):
        with pytest.raises(ValueError):
            BlindIndexer(SECRET, length=length)


def test_field_keys_are_derived_once_and_never_printed():
    indexer = BlindIndexer(SECRET)
    with mock.patch("caseapp.crypto.blind_index.derive_index_key", wraps=derive_index_key) as derive:
        for value in ("a", "b", "c"):
            indexer.index("victim_name", value)
        indexer.index("victim_identity_number", "1")
    assert derive.call_count == 2
    text = repr(indexer)
    assert SECRET.hex() not in text and base64.urlsafe_b64encode(SECRET).decode()[:20] not in text


# --- the root secret -------------------------------------------------------------------------------


def test_secret_file_is_created_0400_never_overwritten_and_loaded(tmp_path):  # CRY-04
    keys_dir = tmp_path / "keys"
    path = new_index_secret_file(keys_dir)
    assert path == keys_dir / "index.secret"
    assert oct(path.stat().st_mode & 0o777) == "0o400"
    secret = load_index_secret(setting=None, keys_dir=keys_dir)
    assert len(secret) == 32
    with pytest.raises(FileExistsError):
        new_index_secret_file(keys_dir)
    assert load_index_secret(setting=None, keys_dir=keys_dir) == secret


def test_the_secret_file_is_not_taken_for_a_key_encryption_key(tmp_path):
    new_index_secret_file(tmp_path)
    with pytest.raises(KeyringError, match="CASEAPP_KEKS"):
        load_keyring(setting=None, keys_dir=tmp_path)


def test_setting_wins_over_the_file(tmp_path):
    new_index_secret_file(tmp_path)
    setting = base64.urlsafe_b64encode(SECRET).decode().rstrip("=")
    assert load_index_secret(setting=setting, keys_dir=tmp_path) == SECRET


def test_missing_secret_names_the_setting_and_the_path(tmp_path):  # CRY-08
    with pytest.raises(KeyringError, match="CASEAPP_INDEX_SECRET") as info:
        load_index_secret(setting=None, keys_dir=tmp_path / "keys")
    assert str(tmp_path / "keys" / "index.secret") in str(info.value)


@pytest.mark.parametrize("setting", ["not base64 !", base64.urlsafe_b64encode(b"short").decode()])
def test_bad_setting_names_the_setting_without_echoing_it(setting, tmp_path):
    with pytest.raises(KeyringError, match="CASEAPP_INDEX_SECRET") as info:
        load_index_secret(setting=setting, keys_dir=tmp_path)
    assert setting not in str(info.value)


def test_readable_secret_file_is_refused(tmp_path):
    path = new_index_secret_file(tmp_path)
    path.chmod(0o640)
    with pytest.raises(KeyringError, match="chmod 400"):
        load_index_secret(setting=None, keys_dir=tmp_path)
