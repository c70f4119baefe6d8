"""Chunked AES-GCM attachment files (CRY-03, CRY-09, CRY-11) and wrapped file keys."""

import hashlib
import io
import os
import struct
import uuid
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseapp.crypto import (
    CHUNK_SIZE,
    DecryptionError,
    FileEncryptor,
    FileSummary,
    authenticate_stream,
    decrypt_stream,
    encrypt_stream,
    new_file_key,
    unwrap_file_key,
    wrap_file_key,
)
from caseapp.crypto.files import HEADER_SIZE, MAGIC

KEY = new_file_key()
FILE_ID = uuid.UUID("0b6f6d35-8c1c-4f0e-9b43-2a6f1d6c9e01")
OTHER_ID = uuid.UUID("7d3e2c11-5a4b-4c8d-8e9f-0a1b2c3d4e5f")

contents = st.binary(max_size=2000)
chunk_sizes = st.integers(min_value=1, max_value=300)  # small, so that most files have many chunks


def encrypt(data: bytes, chunk_size: int = CHUNK_SIZE, *, key: bytes = KEY, file_id: uuid.UUID = FILE_ID) -> bytes:
    out = io.BytesIO()
    encrypt_stream(key, file_id, io.BytesIO(data), out, chunk_size)
    return out.getvalue()


def decrypt(blob: bytes, *, key: bytes = KEY, file_id: uuid.UUID = FILE_ID) -> bytes:
    return b"".join(decrypt_stream(key, file_id, io.BytesIO(blob)))


def split(blob: bytes) -> tuple[bytes, list[bytes]]:
    """The header and each record (length prefix included) of a well-formed file."""
    header, records, offset = blob[:HEADER_SIZE], [], HEADER_SIZE
    while offset < len(blob):
        (length,) = struct.unpack(">I", blob[offset : offset + 4])
        records.append(blob[offset : offset + 4 + length])
        offset += 4 + length
    return header, records


def assert_fails(blob: bytes, **kwargs) -> None:
    with pytest.raises(DecryptionError):
        decrypt(blob, **kwargs)


# --- round trips ---------------------------------------------------------------------------------


@given(data=contents, chunk_size=chunk_sizes)
def test_round_trip_for_any_bytes_and_chunk_size(data, chunk_size):  # CRY-03
    blob = encrypt(data, chunk_size)
    assert decrypt(blob) == data
    _, records = split(blob)
    assert len(records) == max(1, -(-len(data) // chunk_size))  # the last chunk is never empty...
    summary = authenticate_stream(KEY, FILE_ID, io.BytesIO(blob))
    assert summary == FileSummary(len(data), hashlib.sha256(data).hexdigest())


def test_empty_file_is_one_final_chunk_with_empty_plaintext():  # ...except in an empty file
    blob = encrypt(b"")
    header, records = split(blob)
    assert len(records) == 1 and len(records[0]) == 4 + 16
    assert decrypt(blob) == b""
    assert_fails(header)  # a header alone is a file cut short


def test_header_starts_with_magic_and_version_and_binds_the_file_id():  # CRY-11
    header = encrypt(b"x")[:HEADER_SIZE]
    assert header[:5] == MAGIC == b"ESCRF"
    assert header[5] == 1
    assert header[6:22] == FILE_ID.bytes
    assert encrypt(b"x")[22:HEADER_SIZE] != header[22:]  # a fresh random nonce prefix per file (CRY-09)


@given(data=contents, chunk_size=chunk_sizes, cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=30))
def test_many_small_writes_equal_one_write(data, chunk_size, cuts):
    # With the random nonce prefix fixed, the two outputs must be identical byte for byte.
    with mock.patch("caseapp.crypto.files.os.urandom", return_value=b"\x07" * 7):
        whole, pieces = io.BytesIO(), io.BytesIO()
        with FileEncryptor(KEY, FILE_ID, whole, chunk_size) as one:
            one.write(data)
        with FileEncryptor(KEY, FILE_ID, pieces, chunk_size) as many:
            offset = 0
            for cut in cuts:
                many.write(data[offset : offset + cut])
                offset += cut
            many.write(data[offset:])
    assert pieces.getvalue() == whole.getvalue()
    assert many.plaintext_size == one.plaintext_size == len(data)
    assert many.sha256 == one.sha256 == hashlib.sha256(data).hexdigest()


def test_file_on_a_chunk_boundary_has_no_empty_trailing_chunk():
    blob = encrypt(b"a" * 300, chunk_size=100)
    assert [len(record) - 4 - 16 for record in split(blob)[1]] == [100, 100, 100]


def test_default_chunks_are_64_kib():
    blob = encrypt(os.urandom(CHUNK_SIZE * 2 + 5))
    assert [len(record) - 4 - 16 for record in split(blob)[1]] == [CHUNK_SIZE, CHUNK_SIZE, 5]


def test_short_reads_from_a_raw_stream_are_fine():
    class OneByteAtATime(io.RawIOBase):
        def __init__(self, data):
            self.data = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, buffer):
            byte = self.data.read(1)
            buffer[: len(byte)] = byte
            return len(byte)

    data = os.urandom(1000)
    assert b"".join(decrypt_stream(KEY, FILE_ID, OneByteAtATime(encrypt(data, 64)))) == data


def test_encrypt_stream_returns_the_summary():
    data = os.urandom(5000)
    summary = encrypt_stream(KEY, FILE_ID, io.BytesIO(data), io.BytesIO(), 1000)
    assert summary == FileSummary(size=5000, sha256=hashlib.sha256(data).hexdigest())


# --- tampering (CRY-03) ------------------------------------------------------------------------


@given(data=contents, chunk_size=chunk_sizes, choice=st.data())
def test_any_flipped_bit_fails(data, chunk_size, choice):
    blob = bytearray(encrypt(data, chunk_size))
    bit = choice.draw(st.integers(min_value=0, max_value=len(blob) * 8 - 1))
    blob[bit // 8] ^= 1 << (bit % 8)
    assert_fails(bytes(blob))


@given(data=contents, chunk_size=chunk_sizes, choice=st.data())
def test_truncation_at_any_offset_fails(data, chunk_size, choice):
    blob = encrypt(data, chunk_size)
    assert_fails(blob[: choice.draw(st.integers(min_value=0, max_value=len(blob) - 1))])


def test_truncation_at_every_offset_fails():
    blob = encrypt(os.urandom(250), chunk_size=50)
    for cut in range(len(blob)):
        assert_fails(blob[:cut])


def test_dropping_the_final_chunk_fails():
    header, records = split(encrypt(os.urandom(250), chunk_size=50))
    assert_fails(header + b"".join(records[:-1]))


def test_a_cut_file_yields_nothing_before_it_fails():  # CRY-08
    """Issue 15, point 6: the missing final chunk is found before the first chunk is yielded, so a download
    sends no byte of a cut file (the source is seekable, as every stored file is)."""
    header, records = split(encrypt(os.urandom(250), chunk_size=50))
    chunks = decrypt_stream(KEY, FILE_ID, io.BytesIO(header + b"".join(records[:3])))
    with pytest.raises(DecryptionError):
        next(chunks)


def test_an_unseekable_cut_file_still_fails_at_its_end():  # CRY-03
    class Unseekable(io.BytesIO):
        def seekable(self):
            return False

    header, records = split(encrypt(os.urandom(250), chunk_size=50))
    chunks = decrypt_stream(KEY, FILE_ID, Unseekable(header + b"".join(records[:3])))
    assert len(next(chunks)) == 50  # each chunk is authentic; the whole is not, which the end shows
    with pytest.raises(DecryptionError):
        list(chunks)


@given(data=contents, chunk_size=chunk_sizes, extra=st.binary(min_size=1, max_size=100))
def test_trailing_bytes_fail(data, chunk_size, extra):
    assert_fails(encrypt(data, chunk_size) + extra)


def test_a_repeated_final_record_fails():
    blob = encrypt(os.urandom(120), chunk_size=50)
    assert_fails(blob + split(blob)[1][-1])


@given(data=st.binary(min_size=2, max_size=2000), choice=st.data())
def test_swapping_two_chunk_records_fails(data, choice):
    chunk_size = choice.draw(st.integers(min_value=1, max_value=min(300, len(data) - 1)))  # ≥ 2 chunks
    header, records = split(encrypt(data, chunk_size))
    first = choice.draw(st.integers(min_value=0, max_value=len(records) - 2))
    second = choice.draw(st.integers(min_value=first + 1, max_value=len(records) - 1))
    records[first], records[second] = records[second], records[first]
    assert_fails(header + b"".join(records))


@given(data=st.binary(min_size=2, max_size=2000), choice=st.data())
def test_dropping_or_duplicating_a_chunk_fails(data, choice):
    header, records = split(encrypt(data, chunk_size=1))
    index = choice.draw(st.integers(min_value=0, max_value=len(records) - 1))
    assert_fails(header + b"".join(records[:index] + records[index + 1 :]))
    assert_fails(header + b"".join(records[: index + 1] + records[index:]))


@given(data=contents, chunk_size=chunk_sizes)
def test_a_file_presented_as_another_file_fails(data, chunk_size):  # a swapped file
    assert_fails(encrypt(data, chunk_size, file_id=FILE_ID), file_id=OTHER_ID)


def test_a_file_whose_header_names_the_other_id_still_fails():
    # Rewriting the id in the header to the expected one breaks the associated data of every chunk.
    blob = bytearray(encrypt(b"evidence", file_id=OTHER_ID))
    blob[6:22] = FILE_ID.bytes
    assert_fails(bytes(blob))


@given(data=contents, chunk_size=chunk_sizes)
def test_wrong_key_fails(data, chunk_size):
    assert_fails(encrypt(data, chunk_size), key=new_file_key())


def test_header_from_another_file_fails():
    data = os.urandom(500)
    blob, other = encrypt(data, 100), encrypt(data, 100)  # same key, id and content; new nonce prefix
    assert_fails(other[:HEADER_SIZE] + blob[HEADER_SIZE:])


@pytest.mark.parametrize("header_change", [
    lambda h: b"ESCRG" + h[5:],  # magic
    lambda h: h[:5] + b"\x02" + h[6:],  # version
    lambda h: h[:HEADER_SIZE - 1],  # short header
])
def test_wrong_magic_version_or_header_fails(header_change):
    blob = encrypt(b"evidence")
    assert_fails(header_change(blob[:HEADER_SIZE]) + blob[HEADER_SIZE:])


def test_oversized_record_is_refused_before_reading_it():
    header = encrypt(b"")[:HEADER_SIZE]
    oversized = struct.pack(">I", CHUNK_SIZE + 17) + b"\x00" * (CHUNK_SIZE + 17)
    assert_fails(header + oversized)
    assert_fails(header + struct.pack(">I", 2**32 - 1))


def test_no_plaintext_of_a_failing_chunk_is_yielded():
    chunks = [bytes([n]) * 100 for n in range(5)]
    blob = bytearray(encrypt(b"".join(chunks), chunk_size=100))
    header, records = split(bytes(blob))
    third = HEADER_SIZE + len(records[0]) + len(records[1])
    blob[third + 10] ^= 0x01  # a byte inside the third chunk's ciphertext
    yielded = []
    with pytest.raises(DecryptionError) as info:
        for plaintext in decrypt_stream(KEY, FILE_ID, io.BytesIO(bytes(blob))):
            yielded.append(plaintext)
    assert yielded == chunks[:2]
    assert str(FILE_ID) in str(info.value)
    assert KEY.hex() not in str(info.value)


def test_authenticate_stream_detects_tampering():
    blob = encrypt(os.urandom(300), 100)
    with pytest.raises(DecryptionError):
        authenticate_stream(KEY, FILE_ID, io.BytesIO(blob[:-1]))


# --- the encryptor ---------------------------------------------------------------------------------


def test_an_error_inside_the_encryptor_block_leaves_no_final_chunk():
    out = io.BytesIO()
    with pytest.raises(RuntimeError), FileEncryptor(KEY, FILE_ID, out, 10) as encryptor:
        encryptor.write(b"partial upload")
        raise RuntimeError("client went away")
    assert_fails(out.getvalue())


def test_encryptor_refuses_bad_arguments_and_late_writes():
    with pytest.raises(ValueError):
        FileEncryptor(KEY, FILE_ID, io.BytesIO(), CHUNK_SIZE + 1)  # decrypt_stream would refuse it
    with pytest.raises(ValueError):
        FileEncryptor(KEY, FILE_ID, io.BytesIO(), 0)
    with pytest.raises(ValueError):
        FileEncryptor(KEY[:16], FILE_ID, io.BytesIO())  # AES-256 only
    encryptor = FileEncryptor(KEY, FILE_ID, io.BytesIO())
    encryptor.close()
    encryptor.close()  # idempotent
    with pytest.raises(ValueError):
        encryptor.write(b"more")
    assert KEY.hex() not in repr(encryptor)


# --- file keys ---------------------------------------------------------------------------------------


@given(file_key=st.binary(min_size=32, max_size=32))
def test_wrapping_a_file_key_round_trips(file_key):
    case_key = os.urandom(32)
    assert unwrap_file_key(case_key, FILE_ID, wrap_file_key(case_key, FILE_ID, file_key)) == file_key


def test_wrapped_file_key_is_bound_to_its_file_and_case_key():
    case_key, file_key = os.urandom(32), new_file_key()
    assert len(file_key) == 32 and file_key != new_file_key()
    wrapped = wrap_file_key(case_key, FILE_ID, file_key)
    assert wrapped[:1] == b"\x01"
    with pytest.raises(DecryptionError):
        unwrap_file_key(case_key, OTHER_ID, wrapped)  # moved to another attachment row
    with pytest.raises(DecryptionError):
        unwrap_file_key(os.urandom(32), FILE_ID, wrapped)  # another case's key
    with pytest.raises(ValueError):
        wrap_file_key(case_key, FILE_ID, b"short")
