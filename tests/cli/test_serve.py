"""`caseaudit passwd` and `caseaudit serve` as an admin types them: prompts, refusals, warnings."""

from __future__ import annotations

import pytest

import caseaudit.cli.serve as serve_cli
from caseaudit.cli import main
from caseaudit.services import sign_in as service
from db import current_username, open_store, passwords
from tests.support import USERS

ME = current_username()
PASSWORD = "correct horse battery"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "ca.db"
    store = open_store(path, ME)
    store.people.ensure_admin()
    store.people.upsert(USERS)
    store.close()
    return path


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
    ("short", "short", "the password is shorter than 8 characters"),
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


class FakeServer:
    made: list["FakeServer"] = []

    def __init__(self, command, host, port, title=None, public_url=None):
        self.command, self.host, self.port, self.title, self.public_url = command, host, port, title, public_url
        FakeServer.made.append(self)

    def serve(self):
        pass


@pytest.fixture
def fake_server(monkeypatch):
    import textual_serve.server

    FakeServer.made = []
    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    return FakeServer.made


def test_serve_listens_on_loopback_by_default_and_says_where(db, fake_server, capsys):
    assert main(["--db", str(db), "serve"]) == 0
    out, err = capsys.readouterr()
    [server] = fake_server
    assert (server.host, server.port, server.title) == ("127.0.0.1", 8000, "caseaudit")
    assert "http://127.0.0.1:8000/" in out and "warning" not in err
    assert "no user has a password yet" in err and "caseaudit passwd" in err
    # Each browser session runs caseaudit's own sign-in entry on the same database.
    assert server.command.endswith(f"--db {db.resolve()} serve-session")
    assert " -m caseaudit " in server.command


def test_serve_on_another_address_warns_it_needs_https(db, fake_server, capsys):
    store = open_store(db, ME)
    service.set_password(store, "amy", PASSWORD, PASSWORD)
    assert main(["--db", str(db), "serve", "--host", "0.0.0.0", "--port", "8443",
                 "--public-url", "https://caseaudit.example.gov.uk"]) == 0
    err = capsys.readouterr().err
    assert "warning: 0.0.0.0 is not this machine's loopback address" in err
    assert "HTTPS" in err and "reverse proxy" in err
    assert "no user has a password" not in err
    assert fake_server[0].public_url == "https://caseaudit.example.gov.uk"


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


def test_the_session_entry_is_not_listed_for_people(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "serve-session" not in out and "passwd" in out and "serve" in out
