"""People and teams: users with their roles, the teams they belong to, the first admin."""

from __future__ import annotations

import builtins  # the aggregate's own list() shadows the type in its methods' annotations

from collections.abc import Iterable

from audit_tools.errors import Refused
from audit_tools.permissions import Op
from audit_tools.models import Role, User
from db import rows
from db.session import Aggregate


class People(Aggregate):
    def get(self, username: str) -> User | None:
        row = self.db.execute(f"SELECT {rows.USER_COLUMNS} FROM users WHERE username = ?", [username]).fetchone()
        return rows.user(row) if row else None

    def list(self, role: Role | str | None = None, team: str | None = None) -> list[User]:
        """Users by username; `role` matches users holding exactly that role."""
        sql = f"SELECT {rows.USER_COLUMNS} FROM users"
        where, params = [], []
        if role is not None:
            where.append("EXISTS (SELECT 1 FROM json_each(users.roles) WHERE value = ?)")
            params.append(Role(role).value)
        if team is not None:
            where.append("team = ?")
            params.append(team)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY username"
        return [rows.user(r) for r in self.db.execute(sql, params)]

    def usernames(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT username FROM users")}

    def teams(self) -> builtins.list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM teams ORDER BY name")]

    def upsert(self, users: builtins.list[User]) -> int:
        self.session.require(Op.manage_users)
        with self.session.transaction():
            had_admin = bool(self._admins())
            self._write(users)
            if had_admin and not self._admins():
                raise Refused("these users would leave caseaudit with no admin; keep at least one admin")
            self.session.record("users imported", {"users": [u.model_dump(mode="json") for u in users]})
        return len(users)

    def ensure_admin(self, display_name: str | None = None) -> bool:
        """Make the actor an admin if the service has none yet (how `init` bootstraps).

        Returns True when the actor was made admin.
        """
        actor = self.session.actor
        with self.session.transaction():
            if self._admins():
                return False
            existing = self.get(actor)
            roles = list(existing.roles) if existing else []
            if Role.admin not in roles:
                roles.append(Role.admin)
            user = User(
                username=actor,
                display_name=(existing.display_name if existing else None) or display_name or actor,
                roles=roles,
                team=existing.team if existing else None,
            )
            self._write([user])
            self.session.record("first admin", {"username": actor})
            return True

    def _admins(self) -> builtins.list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT username FROM users WHERE EXISTS "
            "(SELECT 1 FROM json_each(users.roles) WHERE value = 'admin') ORDER BY username"
        )]

    def _write(self, users: Iterable[User]) -> None:
        users = list(users)
        self.write_teams(u.team for u in users)
        self.db.table("users").upsert_all(
            [{"username": u.username, "display_name": u.display_name, "team": u.team,
              "roles": rows.dumps([r.value for r in u.roles])} for u in users],
            pk="username",
        )
        self._write_managers(users)

    def _write_managers(self, users: builtins.list[User]) -> None:
        """Store `manages` for the users that say it (a users file without the column leaves it as it was)."""
        given = [u for u in users if "manages" in u.model_fields_set]
        if not given:
            return
        self.write_teams(u.manages for u in given)
        self.db.conn.executemany("UPDATE users SET manages = ? WHERE username = ?",
                                 [(u.manages, u.username) for u in given])

    def write_teams(self, teams: Iterable[str | None]) -> None:
        """Add the teams not known yet (inside the caller's transaction)."""
        names = sorted({t for t in teams if t})
        if names:
            self.db.conn.executemany("INSERT OR IGNORE INTO teams (name) VALUES (?)", [(n,) for n in names])
