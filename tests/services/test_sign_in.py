"""Signing in: the right password lets the user in as themself; nothing else tells why not."""

from __future__ import annotations

import pytest

from audit_tools.errors import BadInput, Refused
from audit_tools.sign_in import REFUSED, SignInRefused
from caseaudit.services import sign_in as service
from db import open_store, passwords
from tests.support import admin_store

PASSWORD = "correct horse battery"


@pytest.fixture
def gate(tmp_path):
    path = tmp_path / "ca.db"
    store = admin_store(path)
    service.set_password(store, "amy", PASSWORD, PASSWORD)
    return open_store(path, service.SIGNING_IN)


class Waits:
    def __init__(self) -> None:
        self.seconds: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def test_the_right_password_signs_in_as_that_user(gate):
    store, user = service.sign_in(gate, " amy ", PASSWORD, sleep=Waits())
    assert user.username == "amy" and store.actor == "amy"
    assert store.user == user
    assert [e.actor for e in gate.history.entries(what="signed in")] == ["amy"]


def test_only_a_hash_is_stored(gate):
    stored = passwords.password_hash(gate, "amy")
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored


@pytest.mark.parametrize("username, password", [
    ("amy", "wrong password"),  # a user, wrong password
    ("ben", PASSWORD),  # a user with no password yet
    ("nobody", PASSWORD),  # no such user
    ("", PASSWORD),
])
def test_every_refusal_says_the_same_and_is_recorded(gate, username, password):
    with pytest.raises(SignInRefused) as refused:
        service.sign_in(gate, username, password, sleep=Waits())
    assert refused.value.lines == [REFUSED]
    [entry] = gate.history.entries(what="sign-in refused")
    assert entry.actor == service.SIGNING_IN
    assert entry.details["username"] == (username if username in {"amy", "ben"} else None)
    assert gate.history.entries(what="signed in") == []


def test_each_failure_makes_the_next_try_for_that_name_wait_longer(gate):
    waits = Waits()
    for _ in range(4):
        with pytest.raises(SignInRefused):
            service.sign_in(gate, "nobody", "guess", sleep=waits)
    with pytest.raises(SignInRefused):
        service.sign_in(gate, "amy", "guess", sleep=waits)  # another name has its own count
    assert waits.seconds == [0.0, 0.5, 1.0, 2.0, 0.0]
    service.sign_in(gate, "amy", PASSWORD, sleep=waits)  # waits once more, then is let in
    assert waits.seconds[-1] == 0.5
    with pytest.raises(SignInRefused):
        service.sign_in(gate, "amy", "guess", sleep=waits)
    assert waits.seconds[-1] == 0.0  # the sign-in forgave amy's failures


def test_an_unknown_name_costs_a_password_check_like_a_known_one(gate, monkeypatch):
    checked: list[str] = []
    real = service._hasher

    class Spy:
        def verify(self, hashed, password):
            checked.append(hashed)
            return real.verify(hashed, password)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(service, "_hasher", Spy())
    for name in ["amy", "nobody", "ben"]:
        with pytest.raises(SignInRefused):
            service.sign_in(gate, name, "guess", sleep=Waits())
    assert len(checked) == 3 and all(h.startswith("$argon2id$") for h in checked)


def test_setting_a_password_is_refused_with_a_reason(tmp_path):
    path = tmp_path / "ca.db"
    admin = admin_store(path)
    with pytest.raises(BadInput, match="differ"):
        service.set_password(admin, "amy", PASSWORD, PASSWORD + "!")
    with pytest.raises(BadInput, match="nobody is not a user"):
        service.set_password(admin, "nobody", PASSWORD, PASSWORD)
    with pytest.raises(Refused, match="only their own"):
        service.set_password(open_store(path, "amy"), "ben", PASSWORD, PASSWORD)
    assert admin.history.entries(what="password set") == []
    assert not service.has_password(admin, "amy")
