"""`caseaudit serve-session` run by hand: without a valid token from the server for a live
session, it refuses to start, so nobody can run the app as someone else."""

from __future__ import annotations

from datetime import timedelta

import pytest

import caseaudit.cli.serve as serve_cli
from caseaudit.cli import main
from caseaudit.services import served as sessions
from caseaudit.services import sign_in as service
from db import current_username, open_store, passwords
from tests.support import USERS, copy_database

ME = current_username()
PASSWORD = "correct horse battery"


def build_db(path):
    store = open_store(path, ME)
    store.people.ensure_admin()
    store.people.upsert(USERS)
    passwords.set_password_hash(store, "amy", service.hash_password(PASSWORD))
    store.close()


@pytest.fixture
def db(tmp_path, built):
    """A copy of the database build_db makes, built once a run."""
    return copy_database(built("serve-session", build_db), tmp_path / "ca.db")


def issue(path, username="amy", issued_by=ME):
    """Sign amy in as the server does and write a token for her session; returns the token."""
    gate = open_store(path, service.SIGNING_IN)
    signed = service.sign_in(gate, username, PASSWORD, "127.0.0.1", "test")
    session = sessions.live(gate, signed.session_id)
    return sessions.issue_app_token(gate, session, issued_by), signed


@pytest.fixture
def started(monkeypatch):
    """Apps that would have run: none must, when the token is refused."""
    ran: list = []
    import tui.served

    monkeypatch.setattr(tui.served.ServedApp, "run", lambda self, *a, **k: ran.append(self.user.username))
    return ran


def run_session(db, monkeypatch, token=None, user=None):
    if token is not None:
        monkeypatch.setenv("CASEAUDIT_SESSION_TOKEN", token)
    else:
        monkeypatch.delenv("CASEAUDIT_SESSION_TOKEN", raising=False)
    if user is not None:
        monkeypatch.setenv("CASEAUDIT_SESSION_USER", user)
    else:
        monkeypatch.delenv("CASEAUDIT_SESSION_USER", raising=False)
    return main(["--db", str(db), "serve-session"])


def test_a_valid_token_starts_the_app_signed_in_as_its_user_once(db, monkeypatch, started, capsys):
    token, _ = issue(db)
    assert run_session(db, monkeypatch, token, "amy") == 0
    assert started == ["amy"]
    assert run_session(db, monkeypatch, token, "amy") == 2  # the same token again
    assert "has been used already" in capsys.readouterr().err
    assert started == ["amy"]


def test_no_token_refuses_to_start(db, monkeypatch, started, capsys):
    assert run_session(db, monkeypatch) == 2
    err = capsys.readouterr().err
    assert "no sign-in token" in err and "not run by hand" in err and "Traceback" not in err
    assert run_session(db, monkeypatch, "made-up-token", "amy") == 2
    assert "not one caseaudit issued" in capsys.readouterr().err
    assert started == []


def test_an_expired_token_refuses_to_start(db, monkeypatch, started, capsys):
    token, _ = issue(db)
    store = open_store(db, ME)
    with store.transaction():  # the token's few seconds have passed
        past = (store.now() - timedelta(seconds=1)).isoformat(timespec="seconds")
        store.db.execute("UPDATE served_tokens SET expires_at = ?", [past])
    assert run_session(db, monkeypatch, token, "amy") == 2
    assert "has expired" in capsys.readouterr().err
    assert started == []


def test_another_users_token_refuses_to_start(db, monkeypatch, started, capsys):
    token, _ = issue(db)
    assert run_session(db, monkeypatch, token, "ben") == 2  # claimed for ben, issued for amy
    assert "issued for someone else" in capsys.readouterr().err
    token, _ = issue(db)
    monkeypatch.setattr(serve_cli, "current_username", lambda: "mallory")  # run by another account
    assert run_session(db, monkeypatch, token, "amy") == 2
    assert "issued for someone else" in capsys.readouterr().err
    assert started == []
    refused = open_store(db, ME).history.entries(what="sign-in token refused")
    assert [e.details["run_by"] for e in refused] == ["mallory", ME]


def test_a_token_for_a_session_that_ended_refuses_to_start(db, monkeypatch, started, capsys):
    token, signed = issue(db)
    sessions.sign_out(open_store(db, service.SIGNING_IN), signed.session_id)
    assert run_session(db, monkeypatch, token, "amy") == 2
    assert "has ended; sign in again" in capsys.readouterr().err
    assert started == []
