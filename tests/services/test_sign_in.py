"""Signing in, as an attacker tries it at the service: the same words for every refusal,
lockouts that hold across tries and names, addresses slowed, sessions capped per user."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache

import pytest
from argon2 import PasswordHasher

from audit_tools.errors import BadInput, Refused
from audit_tools.models import Role, User
from audit_tools.sign_in import REFUSED, SessionsFull, SignInLocked, SignInRefused
from caseaudit.services import served as sessions
from caseaudit.services import sign_in as service
from db import open_store, passwords, served

PASSWORD = "correct horse battery"
HOME = "10.1.2.3"
CHROME = "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0"


# argon2 with the library's defaults is slow on purpose (64 MiB, three passes); the tests
# check the same code with the least work argon2 allows, or a lockout test takes minutes.
QUICK = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    monkeypatch.setattr(service, "_hasher", QUICK)
    service._dummy_hash.cache_clear()
    yield
    service._dummy_hash.cache_clear()


@lru_cache(maxsize=1)
def password_hash() -> str:
    return QUICK.hash(PASSWORD)


class Clock:
    def __init__(self) -> None:
        self.moment = datetime(2025, 9, 30, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.moment

    def forward(self, **kwargs) -> None:
        self.moment += timedelta(**kwargs)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def path(tmp_path, clock):
    path = tmp_path / "ca.db"
    store = open_store(path, "admin", clock)
    store.people.ensure_admin("Ada Admin")
    store.people.upsert([User(username="amy", display_name="Amy Auditor", roles=[Role.auditor], team="qa"),
                         User(username="ben", display_name="Ben Auditor", roles=[Role.auditor], team="qa")])
    passwords.set_password_hash(store, "amy", password_hash())
    return path


@pytest.fixture
def gate(path, clock):
    return open_store(path, service.SIGNING_IN, clock)


@pytest.fixture
def admin(path, clock):
    return open_store(path, "admin", clock)


def attempt(gate, name, password, address=HOME):
    return service.sign_in(gate, name, password, address, CHROME)


def test_the_right_password_opens_a_session_recorded_with_a_salted_address(gate):
    signed = attempt(gate, " amy ", PASSWORD)
    assert signed.user.username == "amy" and len(signed.session_id) > 30
    live = sessions.live(gate, signed.session_id)
    assert live is not None and live.user.username == "amy"
    [entry] = gate.history.entries(what="signed in")
    assert entry.actor == "amy" and entry.details["how"] == "browser"
    assert HOME not in str(entry.details) and len(entry.details["address"]) == 32
    assert [(u, o, a) for _, u, o, a in served.sign_ins(gate)] == [("amy", "signed in", HOME)]


@pytest.mark.parametrize("username, password", [
    ("amy", "wrong password"),  # a user, wrong password
    ("ben", PASSWORD),  # a user with no password yet
    ("nobody", PASSWORD),  # no such user
])
def test_every_refusal_says_the_same_and_is_recorded(gate, username, password):
    with pytest.raises(SignInRefused) as refused:
        attempt(gate, username, password)
    assert refused.value.lines == [REFUSED]
    [entry] = gate.history.entries(what="sign-in refused")
    assert entry.actor == service.SIGNING_IN
    assert entry.details["username"] == (username if username in {"amy", "ben"} else None)
    assert gate.history.entries(what="signed in") == []


def test_a_disabled_account_is_refused_in_the_same_words_and_enabled_again(gate, admin):
    assert service.set_disabled(admin, "amy", True)
    with pytest.raises(SignInRefused):
        attempt(gate, "amy", PASSWORD)
    assert service.set_disabled(admin, "amy", False)
    attempt(gate, "amy", PASSWORD)
    assert [e.what for e in admin.history.entries() if e.what.startswith("account")] == [
        "account enabled", "account disabled"]  # newest first


def test_only_an_admin_disables_unlocks_or_enables(path, clock):
    amy = open_store(path, "amy", clock)
    for act in (lambda: service.set_disabled(amy, "ben", True), lambda: service.unlock(amy, "ben")):
        with pytest.raises(Refused, match="admin"):
            act()
    assert not passwords.is_disabled(amy, "ben")


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
            attempt(gate, name, "guess")
    assert len(checked) == 3 and all(h.startswith("$argon2id$") for h in checked)


def test_ten_failures_in_a_row_lock_the_name_and_the_right_password_waits_fifteen_minutes(gate, admin, clock):
    for _ in range(10):
        with pytest.raises(SignInRefused):
            attempt(gate, "amy", "guess")
    with pytest.raises(SignInLocked) as locked:
        attempt(gate, "amy", PASSWORD)
    assert "locked until" in locked.value.lines[0]
    [lockout] = passwords.open_lockouts(admin)
    assert lockout.username == "amy"
    assert [e.details["username"] for e in admin.history.entries(what="account locked")] == ["amy"]
    clock.forward(minutes=14, seconds=59)
    with pytest.raises(SignInLocked):
        attempt(gate, "amy", PASSWORD)
    clock.forward(seconds=2)
    assert attempt(gate, "amy", PASSWORD).user.username == "amy"


def test_an_admin_unlocks_a_locked_account_at_once(gate, admin):
    for _ in range(10):
        with pytest.raises(SignInRefused):
            attempt(gate, "amy", "guess")
    assert service.unlock(admin, "amy")
    assert attempt(gate, "amy", PASSWORD).user.username == "amy"
    assert [e.details for e in admin.history.entries(what="account unlocked")] == [
        {"username": "amy", "was_locked": True}]


def test_an_unknown_name_locks_exactly_like_a_real_one(gate, admin):
    outcomes = {}
    for name in ("amy", "nobody"):
        seen = []
        for _ in range(11):
            try:
                attempt(gate, name, "guess")
            except (SignInRefused, SignInLocked) as err:
                seen.append((type(err).__name__, err.lines[0].replace("amy", "NAME").replace("nobody", "NAME")))
        outcomes[name] = seen
    assert outcomes["amy"] == outcomes["nobody"]
    assert outcomes["amy"][-1][0] == "SignInLocked"
    assert sorted((lo.username or "") for lo in passwords.open_lockouts(admin)) == ["", "amy"]
    lines = sessions.lockouts_to_see(admin)
    assert len(lines) == 2 and any("no caseaudit user" in line.words for line in lines)


def test_tries_under_way_count_so_parallel_guesses_cannot_pass_the_count(gate):
    # Ten tries begun (their passwords still being checked) use up the name's allowance:
    for _ in range(10):
        served.begin_name_try(gate, service.name_key("amy"), gate.now())
    with pytest.raises(SignInLocked):
        attempt(gate, "amy", PASSWORD)


def test_spraying_names_from_one_address_is_slowed(gate):
    names = ["amy", "ben", "cat", "dan", "eve"]
    for n in range(20):  # four a name: no name is locked
        assert service.address_delay(gate, HOME) == 0
        with pytest.raises(SignInRefused):
            attempt(gate, names[n % 5], "guess")
    assert service.address_delay(gate, HOME) == 5.0
    assert service.address_delay(gate, HOME) == 10.0  # a parallel try queues behind it
    assert service.address_delay(gate, "10.9.9.9") == 0  # another address is not slowed


def test_a_fourth_session_is_refused_saying_where_the_others_are(gate, clock):
    for n in range(3):
        attempt(gate, "amy", PASSWORD, address=f"10.0.0.{n + 1}")
        clock.forward(minutes=1)
    with pytest.raises(SessionsFull) as full:
        attempt(gate, "amy", PASSWORD, address="10.0.0.9")
    assert len(full.value.where) == 3
    assert all("Chrome on Windows from 10.0.0." in where for where in full.value.where)
    assert [o for _, _, o, _ in served.sign_ins(gate)][-1] == "too many sessions"


def test_the_sign_in_log_is_kept_for_the_retention_period_and_the_salt_is_replaced(gate, admin, clock):
    attempt(gate, "amy", PASSWORD)
    first = gate.history.entries(what="signed in")[0].details["address"]
    clock.forward(days=89)
    sessions.sweep(gate)
    assert len(served.sign_ins(gate)) == 1
    clock.forward(days=2)
    sessions.sweep(gate)
    assert served.sign_ins(gate) == []
    signed = attempt(gate, "amy", PASSWORD)
    assert signed and gate.history.entries(what="signed in")[0].details["address"] != first  # newest first


# -- passwords ------------------------------------------------------------------------------

@pytest.mark.parametrize("new, words", [
    ("short words", "shorter than 12"),
    ("password1234", "too easy to guess"),
    ("qwertyuiop12", "too easy to guess"),
    ("amy-correct-horse", "contains the username"),
])
def test_a_weak_password_is_refused_saying_why(admin, new, words):
    with pytest.raises(BadInput, match=words):
        service.set_password(admin, "amy", new, new)


def test_setting_a_password_is_refused_with_a_reason(path, admin, clock):
    with pytest.raises(BadInput, match="differ"):
        service.set_password(admin, "ben", PASSWORD, PASSWORD + "!")
    with pytest.raises(BadInput, match="nobody is not a user"):
        service.set_password(admin, "nobody", PASSWORD, PASSWORD)
    with pytest.raises(Refused, match="only their own"):
        service.set_password(open_store(path, "amy", clock), "ben", PASSWORD, PASSWORD)
    assert not service.has_password(admin, "ben")
