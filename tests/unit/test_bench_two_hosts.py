"""bench/two_hosts.py's arithmetic and row format, and how bench/run.py shows its rows: on made-up wrk results,
with no server and no timing (speed is measured by the benchmark, never asserted by a test)."""

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def bench_modules():
    sys.path.insert(0, str(BENCH))
    try:
        import run
        import two_hosts

        yield two_hosts, run
    finally:
        sys.path.remove(str(BENCH))


def wrk_result(rps: float, p50_ms: float, p95_ms: float, *, bad: int = 0, socket_errors: int = 0) -> dict:
    """A result as load.run_wrk returns it."""
    requests = int(rps * 10)
    return {"requests": requests, "rps": rps, "p50_us": int(p50_ms * 1000), "p95_us": int(p95_ms * 1000),
            "bad": bad, "socket_errors": socket_errors, "statuses": {"302": requests - bad, "500": bad} if bad
            else {"302": requests}}


def measured(results: list[dict], two_hosts, *, waits: dict | None = None) -> dict:
    waits = waits or {}
    return two_hosts.combine(results) | {
        "lock_waiting_mean": sum(waits.values()), "lock_waiting_max": 2 if waits else 0,
        "lock_waiting_by_event": waits, "deadlocks": 0, "load": 1.5,
        "connections": 8 // len(results), "threads": 2 // len(results)}


def test_runs_on_two_hosts_at_once_add_their_rates_and_keep_the_worse_percentiles_and_every_error(bench_modules):
    two_hosts, _run = bench_modules
    combined = two_hosts.combine([wrk_result(30.0, 100, 200), wrk_result(25.0, 120, 180, bad=2, socket_errors=1)])

    assert combined["rps"] == 55.0
    assert (combined["p50_ms"], combined["p95_ms"]) == (120.0, 200.0)
    assert combined["errors"] == 3
    assert combined["requests"] == 550
    assert combined["statuses"] == {"302": 548, "500": 2}
    assert combined["per_host_rps"] == [30.0, 25.0]


def test_the_rows_say_what_is_shared_and_the_two_hosts_ratio_to_one(bench_modules):
    two_hosts, run = bench_modules
    one = measured([wrk_result(60.0, 100, 150)], two_hosts)
    two = measured([wrk_result(24.0, 150, 260), wrk_result(21.0, 160, 250)], two_hosts,
                   waits={"transactionid": 1.25, "tuple": 0.5})

    rows = two_hosts.rows(one, two, ["PostgreSQL", "Redis"])

    assert [row["key"] for row in rows] == ["submit_one_host", "submit_two_hosts"]
    assert rows[0]["measurement"].startswith("submissions, one host (2 workers); sharing PostgreSQL, Redis")
    assert "wrk -t1 -c4 per host" in rows[1]["measurement"]
    assert rows[0]["hosts_ratio"] is None and rows[1]["hosts_ratio"] == 0.75
    assert all(row["ratio"] is None and row["verdict"] == "PASS" and row["bench"] == "two hosts" for row in rows)
    assert two_hosts.rows(one, two, ["PostgreSQL"], problems=1)[1]["verdict"] == "MISS"  # a host logged an error

    table = two_hosts.markdown(rows).splitlines()
    assert table[0].startswith("| run | req/s | p50 | p95 | errors |")
    assert table[2] == "| submissions, one host (2 workers) | 60.0 | 100.0 ms | 150.0 ms | 0 | 0.00 / 0 | 0 | — |"
    assert table[3] == ("| submissions, two hosts (2 workers each) | 45.0 (24.0 + 21.0) | 160.0 ms | 260.0 ms | 0 "
                        "| 1.75 / 2 (transactionid 1.25, tuple 0.50) | 0 | 0.75× |")

    shown = run.with_hosts_result(rows)
    assert [row["result"] for row in shown] == ["60.0 req/s", "45.0 req/s; 0.75× one host"]


def test_errors_make_a_run_miss_its_target(bench_modules):
    two_hosts, _run = bench_modules
    one = measured([wrk_result(60.0, 100, 150)], two_hosts)
    two = measured([wrk_result(24.0, 150, 260), wrk_result(21.0, 160, 250, bad=1)], two_hosts)

    rows = two_hosts.rows(one, two, ["PostgreSQL"])

    assert [(row["errors"], row["verdict"]) for row in rows] == [(0, "PASS"), (1, "MISS")]
