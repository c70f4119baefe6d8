"""The per-address rate limits counted on a real Redis server (``RATELIMIT_STORAGE_URI=redis://…``; issue
22; AUTH-11), and what happens while it is down: sign-in goes on, each process counts in its own memory,
one warning is logged, the per-account throttle in the database still locks (AUTH-07), and the counts go
back to Redis once it answers again.

The server is Debian's ``redis-server``, started for each test by the ``redis_server`` fixture
(``tests/redis_server.py``) and stopped and started again for an outage. Flask-Limiter's limiter is one
object per process, so the second app instance runs in a process of its own, as a second host would.
"""

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from caseapp.core.extensions import db
from caseapp.core.logs import JsonFormatter
from caseapp.domain import roles
from caseapp.models import LoginFailure
from tests.factories import make_organisation, make_user, running_app, text_of
from tests.web.test_auth import GENERIC_ERROR, post_login

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LIMITED = "Too many attempts"  # the heading of the 429 page
WRONG_PASSWORD = "not the password at all"
SECOND_PROCESS_TIMEOUT = 120.0
# Flask-Limiter checks a dead storage again on a request at most every 1, 2, 4 … 32 seconds.
RECOVERY_TIMEOUT = 70.0

# A second instance of the app, in a process of its own: it builds the app on the first instance's
# database and Redis, passes the start-up self-test and sends failed sign-ins from the same address.
SECOND_INSTANCE = """
import json, sys
from pathlib import Path
from tests.factories import build_app, text_of
from caseapp.web.startup import self_test

settings = json.load(sys.stdin)
app = build_app(Path(settings.pop("folder")), None, **settings.pop("config"))
self_test(app)
answers = []
with app.app_context():  # the test client commits the outer context's session after each request
    client = app.test_client()
    for _ in range(settings["attempts"]):
        response = client.post("/login", data={"email": "nobody@example.org", "password": "wrong"})
        answers.append([response.status_code, text_of(response.get_data(as_text=True))])
print(json.dumps(answers))
"""


def limiter_settings(redis_url: str, login_limit: str) -> dict:
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_LOGIN": login_limit}


def sign_in_counts(redis_server) -> list[int]:
    """The per-address sign-in counts stored in Redis (one key per address and window)."""
    with redis_server.client() as client:
        return [int(client.get(key)) for key in client.scan_iter("LIMITS:LIMITER/*auth.login*")]


def failed_sign_ins_in_another_process(folder: Path, config: dict, attempts: int) -> list[tuple[int, str]]:
    """Each attempt's status and page text, from the second instance (settings on its stdin: the Redis
    URL carries the password)."""
    settings = {"folder": str(folder), "config": config, "attempts": attempts}
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    finished = subprocess.run([sys.executable, "-c", SECOND_INSTANCE], input=json.dumps(settings), text=True,
                              capture_output=True, cwd=PROJECT_ROOT, env=environment,
                              timeout=SECOND_PROCESS_TIMEOUT, check=False)
    assert finished.returncode == 0, finished.stderr[-3000:]
    return [tuple(answer) for answer in json.loads(finished.stdout.strip().splitlines()[-1])]


def failed_sign_in(client) -> tuple[int, str]:
    response = client.post("/login", data={"email": "nobody@example.org", "password": WRONG_PASSWORD})
    return response.status_code, text_of(response.get_data(as_text=True))


def test_two_instances_share_the_per_address_sign_in_limit_in_redis(tmp_path, database_url,
                                                                   redis_server):  # AUTH-11
    settings = limiter_settings(redis_server.url, "4 per hour")  # an hour: no window ends mid-test
    with running_app(tmp_path / "first", database_url, **settings) as first:
        second = {**settings, "SQLALCHEMY_DATABASE_URI": first.config["SQLALCHEMY_DATABASE_URI"]}
        client = first.test_client()
        assert [failed_sign_in(client)[0] for _ in range(2)] == [200, 200]
        assert sign_in_counts(redis_server) == [2]
        second_answers = failed_sign_ins_in_another_process(tmp_path / "second", second, attempts=2)
        assert [status for status, _page in second_answers] == [200, 200]
        assert sign_in_counts(redis_server) == [4]  # the limit, reached across both instances

        status, page = failed_sign_in(client)
        assert status == 429 and LIMITED in page
        [(status, page)] = failed_sign_ins_in_another_process(tmp_path / "second", second, attempts=1)
        assert status == 429 and LIMITED in page


def test_sign_in_goes_on_while_redis_is_down_and_the_account_throttle_still_locks(
        tmp_path, database_url, redis_server, caplog):  # AUTH-11, AUTH-07
    caplog.set_level(logging.INFO, logger="caseapp")
    with running_app(tmp_path, database_url, **limiter_settings(redis_server.url, "8 per hour")) as app:
        organisation = make_organisation("Organisation A")
        partner = make_user(app, roles.PARTNER, organisation).user
        victim = make_user(app, roles.PARTNER, organisation).user
        assert failed_sign_in(app.test_client())[0] == 200
        assert sign_in_counts(redis_server) == [1]

        redis_server.stop()
        assert post_login(app.test_client(), partner.email).status_code == 302  # signed in, Redis down

        attacker = app.test_client()
        throttle = app.config["LOGIN_THROTTLE_ATTEMPTS"]
        for _ in range(throttle):
            wrong = post_login(attacker, victim.email, password=WRONG_PASSWORD)
            assert wrong.status_code == 200 and GENERIC_ERROR in wrong.get_data(as_text=True)
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)
                                 .where(LoginFailure.user_id == victim.id)) == throttle
        locked = post_login(attacker, victim.email)  # the right password, but the account is throttled
        assert locked.status_code == 200 and GENERIC_ERROR in locked.get_data(as_text=True)

        # 1 + 5 + 1 sign-ins in this process's memory so far: its own count of the per-address limit.
        assert failed_sign_in(attacker)[0] == 200
        status, page = failed_sign_in(attacker)
        assert status == 429 and LIMITED in page

    warnings = [record for record in caplog.records if record.getMessage() == "rate_limit.storage_unreachable"]
    assert len(warnings) == 1  # once for the outage, not once per request
    [warning] = warnings
    assert warning.levelname == "WARNING" and warning.storage == "RATELIMIT_STORAGE_URI (redis://…)"
    assert redis_server.password not in JsonFormatter().format(warning)
    assert redis_server.password not in caplog.text


def test_counting_goes_back_to_redis_once_it_answers_again(tmp_path, database_url, redis_server,
                                                           caplog):  # AUTH-11
    caplog.set_level(logging.INFO, logger="caseapp")
    with running_app(tmp_path, database_url, **limiter_settings(redis_server.url, "20 per hour")) as app:
        client = app.test_client()
        redis_server.stop()
        assert [failed_sign_in(client)[0] for _ in range(2)] == [200, 200]  # counted in memory

        redis_server.start()  # empty, on the same port
        assert sign_in_counts(redis_server) == []
        deadline = time.monotonic() + RECOVERY_TIMEOUT
        # Any request lets the limiter check the storage again, when its back-off allows.
        while not any(record.getMessage() == "rate_limit.storage_recovered" for record in caplog.records):
            assert time.monotonic() < deadline, "the limiter never went back to Redis"
            assert client.get("/healthz").status_code == 200
            time.sleep(0.25)

        assert failed_sign_in(client)[0] == 200
        assert sign_in_counts(redis_server) == [1]  # a new window in Redis; memory's counts are not carried over
    assert [record.getMessage() for record in caplog.records
            if record.getMessage().startswith("rate_limit.")] == ["rate_limit.storage_unreachable",
                                                                   "rate_limit.storage_recovered"]
    assert redis_server.password not in caplog.text

