"""Where a page's time goes: cProfile over many requests in one process (issue 20, point 1).

    .venv/bin/python bench/profile_pages.py --instance instance-bench                 # every page, 30 requests each
    .venv/bin/python bench/profile_pages.py --instance instance-bench --only queue --requests 100 --top 30

Each page is requested (after 3 uncounted warm-up requests) through the app's test client with a signed-in
session, as ``load.py`` makes them, under cProfile. It prints, per page, the time per request and the
share of it spent in broad parts — the template (Jinja rendering), SQL (SQLAlchemy executing statements),
decryption, gettext, the request's own work otherwise — then the functions with the most time of their own.
The shares overlap where the parts call each other (a template that translates spends in both); they are
cumulative times, read as "how much would go if this went".
"""

import argparse
import cProfile
import io
import pstats
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from load import BENCH_DOMAIN, Bench, csrf_token_in, report_form  # noqa: E402

SUBMITTER = f"partner02@{BENCH_DOMAIN}"  # as in load.py's submission scenario

# Broad parts, each the cumulative time of the functions named (file fragment, function name).
PARTS = {
    "template": [("jinja2/environment.py", "render")],
    "SQL": [("sqlalchemy/engine/base.py", "_execute_context")],
    "decryption": [("caseapp/crypto/envelope.py", "decrypt_field"), ("caseapp/services/vault.py", "open_vaults"),
                   ("caseapp/services/vault.py", "open_vault")],
    "gettext": [("flask_babel/__init__.py", "gettext"), ("flask_babel/__init__.py", "pgettext"),
                ("flask_babel/__init__.py", "ngettext"), ("jinja2/ext.py", "gettext"), ("jinja2/ext.py", "pgettext"),
                ("jinja2/ext.py", "ngettext")],
    "WTForms widgets": [("wtforms/widgets/core.py", "__call__")],
    "duplicate check": [("caseapp/services/duplicates.py", "record")],
    "deadline refresh": [("caseapp/services/deadlines.py", "_refresh_stale")],
    "encryption": [("caseapp/crypto/envelope.py", "encrypt_field")],
    "audit": [("caseapp/services/audit.py", "record")],
}


def pages(bench: Bench, rng: random.Random) -> dict[str, tuple[str, list[str]]]:
    return {
        "queue": ("lawyer", ["/screening?state=ES", "/screening?right=11%281%29", "/screening?days=90",
                             "/screening?stage=all&state=AR&sort=submitted&dir=desc"]),
        "partner_list": ("partner", ["/intake"]),
        "committee_list": ("coordinator", ["/committee", "/committee?state=ES", "/committee?stage=registered"]),
        "case_page": ("lawyer", bench.case_pages(50, rng)),
        "deadlines": ("lawyer", ["/deadlines"]),
        "dashboard": ("coordinator", ["/dashboard"]),
        "submit": ("submitter", []),  # POSTs of load.py's report form, each to a new draft (made below)
    }


def cumulative(stats: pstats.Stats, fragment: str, name: str) -> float:
    total = 0.0
    for (path, _line, function), (_calls, _primitive, _own, cum, _callers) in stats.stats.items():
        if function == name and path.endswith(fragment):
            total += cum
    return total


def _check(response, key: str) -> None:
    wanted = 302 if key == "submit" else 200
    if response.status_code != wanted:
        sys.exit(f"{key}: answered {response.status_code}, not {wanted}: the profile would measure an error page")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", default="instance-bench")
    parser.add_argument("--requests", type=int, default=30, help="profiled requests per page")
    parser.add_argument("--only", help="comma-separated page keys")
    parser.add_argument("--top", type=int, default=15, help="functions listed per page")
    parser.add_argument("--no-profile", action="store_true", help="time the requests only, without cProfile")
    parser.add_argument("--sort", default="tottime", help="tottime (their own time) or cumulative")
    args = parser.parse_args(argv)
    bench = Bench(Path(args.instance))
    app = bench.app
    app.config["PAGE_SIZE"] = 50
    cookies = {
        "lawyer": bench.cookie_for(f"bench-lawyer@{BENCH_DOMAIN}"),
        "coordinator": bench.cookie_for(f"bench-coordinator@{BENCH_DOMAIN}"),
        "partner": bench.cookie_for(f"bench-partner@{BENCH_DOMAIN}",
                                    {"report_filter": {"q": "", "status": "screening"}}),
        "submitter": bench.cookie_for(SUBMITTER),
    }
    wanted = set(args.only.split(",")) if args.only else None
    for key, (who, paths) in pages(bench, random.Random(7)).items():  # noqa: S311 — a sample of pages, not a secret
        if wanted and key not in wanted:
            continue
        client = app.test_client()
        name, _equals, value = cookies[who].partition("=")
        client.set_cookie(name, value, domain="localhost")

        def get(path: str, client=client):
            with app.app_context():  # a context of its own per request, as on a real server
                return client.get(path, base_url="https://localhost")

        if key == "submit":  # each request submits a draft of its own, named after the draft's case id
            paths = bench.new_drafts(SUBMITTER, args.requests + 3)
            token = csrf_token_in(get(paths[0]).get_data(as_text=True))
            today = time.strftime("%Y-%m-%d")
            bodies = {path: report_form(number, token, date.fromisoformat(today))
                      for number, path in zip(bench.created_drafts[-len(paths):], paths, strict=True)}

            def get(path: str, client=client, bodies=bodies):  # noqa: F811 — the submission's request
                with app.app_context():
                    return client.post(path, data=bodies.pop(path), base_url="https://localhost",
                                       content_type="application/x-www-form-urlencoded")

        for path in paths[:3]:
            _check(get(path), key)
        if key == "submit":
            paths = paths[3:]  # a draft is submitted once
        profiler = cProfile.Profile()
        started = time.perf_counter()
        if not args.no_profile:
            profiler.enable()
        for number in range(args.requests):
            _check(get(paths[number % len(paths)]), key)
        profiler.disable()
        elapsed = time.perf_counter() - started
        per_request = elapsed / args.requests * 1000
        if args.no_profile:
            print(f"{key}: {per_request:.1f} ms a request in one process, without cProfile ({args.requests} requests)")
            continue
        stats = pstats.Stats(profiler)
        print(f"\n## {key}: {per_request:.1f} ms a request under cProfile ({args.requests} requests)")
        for part, functions in PARTS.items():
            spent = sum(cumulative(stats, fragment, name) for fragment, name in functions)
            print(f"- {part}: {spent / args.requests * 1000:.1f} ms ({spent / elapsed * 100:.0f} %)")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
        print("```\n" + "\n".join(out.getvalue().splitlines()[6:]) + "\n```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
