"""`caseaudit passwd` and `caseaudit serve` as an admin types them: prompts, refusals, warnings."""

from __future__ import annotations

import pytest

import caseaudit.cli.serve as serve_cli
from caseaudit.cli import main
from caseaudit.services import sign_in as service
from db import current_username, open_store, passwords
from tests.support import USERS, copy_database

ME = current_username()
PASSWORD = "correct horse battery"


def build_db(path):
    store = open_store(path, ME)
    store.people.ensure_admin()
    store.people.upsert(USERS)
    store.close()


@pytest.fixture
def db(tmp_path, built):
    """A copy of the database build_db makes, built once a run."""
    return copy_database(built("serve", build_db), tmp_path / "ca.db")


@pytest.fixture
def typed(monkeypatch):
    """What the person types at each getpass prompt; the prompts are kept."""
    answers: list[str] = []
    prompts: list[str] = []

    def fake(prompt: str = "") -> str:
        prompts.append(prompt)
        if not answers:
            raise EOFError
        return answers.pop(0)

    monkeypatch.setattr(serve_cli.getpass, "getpass", fake)
    return answers, prompts


def test_an_admin_sets_a_users_password_asked_twice(db, typed, capsys):
    answers, prompts = typed
    answers += [PASSWORD, PASSWORD]
    assert main(["--db", str(db), "passwd", "amy"]) == 0
    out, err = capsys.readouterr()
    assert prompts == ["New password for amy: ", "The same password again: "]
    assert PASSWORD not in out + err and "password set for amy" in out
    store = open_store(db, ME)
    assert passwords.password_hash(store, "amy").startswith("$argon2id$")
    assert [e.details for e in store.history.entries(what="password set")] == [{"username": "amy"}]


@pytest.mark.parametrize("first, second, words", [
    (PASSWORD, PASSWORD + "x", "the two passwords differ"),
    ("", "", "the password is empty"),
    ("short", "short", "the password is shorter than 12 characters"),
    ("password1234", "password1234", "the password is too easy to guess"),
    ("amy-likes-long-walks", "amy-likes-long-walks", "the password contains the username"),
])
def test_a_mismatched_or_empty_password_is_refused_and_nothing_written(db, typed, capsys, first, second, words):
    answers, _ = typed
    answers += [first, second]
    assert main(["--db", str(db), "passwd", "amy"]) == 2
    err = capsys.readouterr().err
    assert f"caseaudit: {words}" in err and "Traceback" not in err
    assert passwords.password_hash(open_store(db, ME), "amy") is None


def test_a_user_sets_only_their_own_and_is_refused_before_typing(db, typed, capsys, monkeypatch):
    answers, prompts = typed
    monkeypatch.setattr(serve_cli, "current_username", lambda: "amy")
    assert main(["--db", str(db), "passwd", "ben"]) == 2
    assert prompts == []  # refused before being asked for anything
    assert "amy may set only their own password" in capsys.readouterr().err
    answers += [PASSWORD, PASSWORD]
    assert main(["--db", str(db), "passwd"]) == 0  # no USERNAME: their own
    assert prompts == ["New password for amy: ", "The same password again: "]


def test_unknown_user_no_input_and_no_database_are_sentences(db, typed, tmp_path, capsys):
    assert main(["--db", str(db), "passwd", "nobody"]) == 2
    assert "nobody is not a user of this caseaudit database" in capsys.readouterr().err
    assert main(["--db", str(db), "passwd", "amy"]) == 2  # stdin closed: nothing typed
    assert "no password was typed" in capsys.readouterr().err
    assert main(["--db", str(tmp_path / "none.db"), "passwd", "amy"]) == 2
    assert "caseaudit init" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


@pytest.fixture
def fake_server(monkeypatch):
    """What `serve` would run, kept instead of listening."""
    import caseaudit.web.server as web_server

    made: list = []
    monkeypatch.setattr(web_server, "serve", made.append)
    return made


def test_serve_listens_on_loopback_by_default_and_says_where(db, fake_server, capsys):
    assert main(["--db", str(db), "serve"]) == 0
    out, err = capsys.readouterr()
    [server] = fake_server
    assert (server.options.host, server.options.port) == ("127.0.0.1", 8000)
    assert "http://127.0.0.1:8000/" in out and "warning" not in err
    assert "no user has a password yet" in err and "caseaudit passwd" in err
    # Each signed-in browser runs caseaudit's own session entry on the same database.
    assert server.options.command.endswith(f"--db {db.resolve()} serve-session")
    assert " -m caseaudit " in server.options.command
    assert server.options.os_user == ME


def test_a_network_address_needs_https_and_a_trusted_proxy(db, fake_server, capsys):
    service.set_password(open_store(db, ME), "amy", PASSWORD, PASSWORD)
    assert main(["--db", str(db), "serve", "--host", "0.0.0.0"]) == 2
    assert "browsers must reach caseaudit through HTTPS" in capsys.readouterr().err
    assert main(["--db", str(db), "serve", "--host", "0.0.0.0", "--public-url", "http://caseaudit.example"]) == 2
    assert "--public-url" in capsys.readouterr().err
    assert main(["--db", str(db), "serve", "--host", "0.0.0.0", "--public-url",
                 "https://caseaudit.example.gov.uk"]) == 2
    assert "give --trusted-proxy ADDR" in capsys.readouterr().err
    assert main(["--db", str(db), "serve", "--host", "0.0.0.0", "--trusted-proxy", "proxy.local",
                 "--public-url", "https://caseaudit.example.gov.uk"]) == 2
    assert "give the proxy's IP address" in capsys.readouterr().err
    assert fake_server == []
    assert main(["--db", str(db), "serve", "--host", "0.0.0.0", "--port", "8443", "--trusted-proxy", "10.0.0.5",
                 "--public-url", "https://caseaudit.example.gov.uk"]) == 0
    out, err = capsys.readouterr()
    assert "https://caseaudit.example.gov.uk" in out and "warning" not in err
    [server] = fake_server
    assert server.options.trusted_proxies == ("10.0.0.5",) and server.https


def test_insecure_http_is_for_a_lab_and_warns(db, fake_server, capsys):
    assert main(["--db", str(db), "serve", "--host", "0.0.0.0", "--insecure-http"]) == 0
    err = capsys.readouterr().err
    assert "warning: 0.0.0.0 is not this machine's loopback address" in err and "lab" in err
    assert len(fake_server) == 1


@pytest.mark.parametrize("host", ["localhost", "127.0.0.2", "::1"])
def test_loopback_addresses_get_no_warning(db, fake_server, capsys, host):
    assert main(["--db", str(db), "serve", "--host", host]) == 0
    assert "warning" not in capsys.readouterr().err


def test_serve_refuses_bad_input_in_a_sentence(db, fake_server, tmp_path, capsys):
    assert main(["--db", str(db), "serve", "--port", "70000"]) == 2
    assert "give a port number from 1 to 65535" in capsys.readouterr().err
    assert main(["--db", str(tmp_path / "none.db"), "serve"]) == 2
    assert "caseaudit init" in capsys.readouterr().err
    assert fake_server == []


def test_an_admin_unlocks_disables_and_enables_an_account(db, capsys, monkeypatch):
    assert main(["--db", str(db), "passwd", "amy", "--disable"]) == 0
    assert "amy is disabled" in capsys.readouterr().out
    assert passwords.is_disabled(open_store(db, ME), "amy")
    assert main(["--db", str(db), "passwd", "amy", "--enable"]) == 0
    assert "amy is enabled again" in capsys.readouterr().out
    assert main(["--db", str(db), "passwd", "amy", "--unlock"]) == 0
    assert "amy was not locked" in capsys.readouterr().out
    assert main(["--db", str(db), "passwd", "nobody", "--disable"]) == 2
    assert "nobody is not a user" in capsys.readouterr().err
    monkeypatch.setattr(serve_cli, "current_username", lambda: "amy")
    for way in ("--disable", "--enable", "--unlock"):
        assert main(["--db", str(db), "passwd", "ben", way]) == 2
        err = capsys.readouterr().err
        assert "needs the admin role" in err and "Traceback" not in err
    assert not passwords.is_disabled(open_store(db, ME), "ben")


def test_the_session_entry_is_not_listed_for_people(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "serve-session" not in out and "passwd" in out and "serve" in out
