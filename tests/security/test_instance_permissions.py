"""The instance folder and the SQLite database are the app's user's only (CRY-01, DATA-03): the folder
0700, the database file and its ``-wal`` and ``-shm`` files 0600, whatever the process's umask."""

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from caseapp.core.extensions import db
from tests.factories import make_organisation, running_app


@pytest.fixture
def loose_umask():
    previous = os.umask(0o022)  # the usual default: new folders 0755, new files 0644
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_instance_folder_and_its_database_are_private(tmp_path, loose_umask):  # CRY-01, DATA-03
    instance = tmp_path / "fresh" / "instance"
    assert not instance.exists()
    with running_app(tmp_path / "fresh", None) as app:
        make_organisation("Organisation A")  # a write: the WAL file is in use
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
        assert database.parent == instance
        assert mode(instance) == 0o700
        files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
        assert all(path.exists() for path in files)
        assert {path.name: oct(mode(path)) for path in files} == {path.name: "0o600" for path in files}


def test_an_existing_open_instance_folder_and_database_are_made_private(tmp_path, loose_umask):  # CRY-01, DATA-03
    instance = tmp_path / "existing" / "instance"
    instance.mkdir(parents=True, mode=0o755)
    instance.chmod(0o755)  # e.g. an operator's mkdir
    database = instance / "test.sqlite3"
    database.touch(mode=0o644)
    with running_app(tmp_path / "existing", None):
        make_organisation("Organisation A")
        assert mode(instance) == 0o700
        assert mode(database) == 0o600
