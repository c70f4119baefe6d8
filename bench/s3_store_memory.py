"""Peak memory and throughput of the S3 file store for one large file, against a local SeaweedFS server.

    .venv/bin/python bench/s3_store_memory.py            # 1 GiB (needs ~1.1 GB of temp disk for the server)
    .venv/bin/python bench/s3_store_memory.py --mib 128  # a smaller file

Starts `weed` (requirements-s3-server.txt) on 127.0.0.1 as the tests do, writes the file through
``S3Store.write_incoming`` from a source that makes its bytes as they are read (so the source holds
nothing), then reads it back through ``S3Store.decrypt``. The increase of this process's peak RSS
(VmHWM, reset before each step) is what the store adds: issue 22 asks ≤ 64 MiB for 1 GiB. `make bench`
(bench/run.py) runs it and puts its rows in the table; prints JSON.
"""

import argparse
import io
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from anywhere, as a plain script
sys.path.insert(0, str(ROOT / "bench"))

from crypto_bench import proc_status_kib, reset_peak_rss  # noqa: E402

from caseapp.core.object_store import S3Store  # noqa: E402
from tests.s3_server import S3Server  # noqa: E402

MIB = 1024 * 1024


class Made(io.RawIOBase):
    """``size`` bytes produced as they are read, from one 64 KiB random block."""

    def __init__(self, size: int):
        self.left, self.block = size, os.urandom(64 * 1024)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = min(self.left, len(self.block) if size < 0 else size)
        self.left -= size
        return self.block[:size]


def measured(step):
    """(result, seconds, peak RSS increase in MiB) of ``step()``."""
    before = proc_status_kib("VmRSS")
    if not reset_peak_rss():
        raise SystemExit("cannot reset the peak RSS (/proc/self/clear_refs): Linux ≥ 4.0 needed")
    start = time.perf_counter()
    result = step()
    return result, time.perf_counter() - start, (proc_status_kib("VmHWM") - before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=1024, help="size of the file in MiB")
    size = parser.parse_args().mib * MIB
    with tempfile.TemporaryDirectory(prefix="s3-bench-") as folder:
        server = S3Server(Path(folder)).start()
        try:
            settings = server.settings()
            store = S3Store(settings["FILE_STORE_URL"], endpoint_url=settings["S3_ENDPOINT_URL"],
                            region=settings["S3_REGION"], access_key_id=settings["S3_ACCESS_KEY_ID"],
                            secret_access_key=settings["S3_SECRET_ACCESS_KEY"])
            store.check_writable()  # the client made, its service model loaded, a first connection open
            file_id, key = uuid.uuid4(), os.urandom(32)
            _summary, upload_seconds, upload_peak = measured(lambda: store.write_incoming(file_id, key, Made(size)))
            store.promote(file_id)
            read, download_seconds, download_peak = measured(
                lambda: sum(len(chunk) for chunk in store.decrypt(file_id, key)))
            if read != size:
                raise SystemExit(f"read back {read} bytes of {size}")
        finally:
            server.stop()
    print(json.dumps({
        "size_mib": size // MIB,
        "upload_mib_s": round(size / MIB / upload_seconds, 1), "upload_peak_increase_mib": round(upload_peak, 1),
        "download_mib_s": round(size / MIB / download_seconds, 1),
        "download_peak_increase_mib": round(download_peak, 1),
    }))


if __name__ == "__main__":
    main()
