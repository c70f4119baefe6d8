"""argon2id parameters and the cap on concurrent verifies (AUTH-06, AUTH-11)."""

import threading
import time

from caseapp.core.passwords import Hasher


def test_hashes_are_argon2id_with_the_configured_parameters():  # AUTH-06
    hasher = Hasher(time_cost=2, memory_cost_kib=16, parallelism=1, max_concurrent=2)
    stored = hasher.hash("violet harbour lantern meadow")
    assert stored.startswith("$argon2id$") and "m=16,t=2,p=1" in stored
    assert hasher.verify(stored, "violet harbour lantern meadow").ok
    assert not hasher.verify(stored, "violet harbour lantern meadoW").ok
    assert not hasher.verify("not a hash", "violet harbour lantern meadow").ok


def test_concurrent_verifies_are_capped(monkeypatch):  # AUTH-11
    hasher = Hasher(time_cost=1, memory_cost_kib=8, parallelism=1, max_concurrent=2)
    stored = hasher.hash("violet harbour lantern meadow")
    running, peak, lock = 0, 0, threading.Lock()
    real_verify = hasher._hasher.verify

    class SlowHasher:
        def verify(self, *args):
            nonlocal running, peak
            with lock:
                running += 1
                peak = max(peak, running)
            time.sleep(0.05)
            with lock:
                running -= 1
            return real_verify(*args)

        def check_needs_rehash(self, _hash):
            return False

    monkeypatch.setattr(hasher, "_hasher", SlowHasher())
    threads = [threading.Thread(target=hasher.verify, args=(stored, "violet harbour lantern meadow")) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 2
