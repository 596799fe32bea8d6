"""`python -m bench served`: what a served session costs (`caseaudit serve`).

Starts `caseaudit serve` on a free loopback port over a small database, signs people in
over HTTP as a browser does (sign-in form, cookie, websocket with the page's Origin) and
reports:

- the time from sending the sign-in form to the dashboard's first words arriving over
  the websocket (median of the single sessions measured one at a time);
- the memory (resident set) of the app process one signed-in session starts, and of the
  app processes of 20 sessions open at once, beside the server's own.

No figure is asserted: run it on the machine that will serve, and compare.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASSWORD = "correct horse battery"
DASHBOARD_WORDS = b"this month"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(path: Path, people: int) -> list[str]:
    from audit_tools.models import Role, User
    from caseaudit.services import sign_in as sign_in_service
    from db import open_store, passwords

    store = open_store(path, "admin")
    store.people.ensure_admin("Ada Admin")
    users = [User(username=f"auditor{n:02}", display_name=f"Auditor {n}", roles=[Role.auditor], team="qa")
             for n in range(people)]
    store.people.upsert(users)
    hashed = sign_in_service.hash_password(PASSWORD)  # the real argon2 settings: sign-in costs what it will
    for user in users:
        passwords.set_password_hash(store, user.username, hashed)
    store.close()
    return [u.username for u in users]


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int(re.search(r"PPid:\s+(\d+)", (entry / "status").read_text()).group(1))
            except (OSError, AttributeError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


async def open_session(base: str, username: str):
    """Sign in and open the app; returns (client, websocket, seconds from form to dashboard)."""
    import aiohttp

    client = aiohttp.ClientSession(base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True))
    page = await (await client.get("/sign-in")).text()
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    started = time.perf_counter()
    response = await client.post("/sign-in", data={"csrf": token, "username": username, "password": PASSWORD},
                                 headers={"Origin": base.rstrip("/")}, allow_redirects=False)
    if response.status != 303:
        raise SystemExit(f"sign-in refused for {username}: {response.status}")
    await (await client.get("/")).text()
    socket_ = await client.ws_connect("/ws?width=120&height=36", headers={"Origin": base.rstrip("/")})
    await socket_.send_json(["resize", {"width": 120, "height": 36}])
    seen = b""
    while DASHBOARD_WORDS not in seen:
        message = await asyncio.wait_for(socket_.receive(), timeout=120)
        if message.type.name == "BINARY":
            seen = seen[-200:] + message.data
        elif message.type.name in ("CLOSE", "CLOSED", "ERROR"):
            raise SystemExit(f"the app for {username} closed before its dashboard")
    seconds = time.perf_counter() - started
    asyncio.create_task(drain(socket_))  # a browser keeps reading (and answering the server's pings)
    return client, socket_, seconds


async def drain(socket_) -> None:
    async for _message in socket_:
        pass


async def measure(base: str, server_pid: int, users: list[str], singles: int, together: int) -> dict:
    times = []
    one_session_kb = []
    for username in users[:singles]:  # one at a time: the time to the dashboard, and one app's memory
        client, socket_, seconds = await open_session(base, username)
        times.append(seconds)
        await asyncio.sleep(1)
        one_session_kb.append(sum(rss_kb(p) for p in descendants(server_pid)))
        await socket_.close()
        await client.close()
        await asyncio.sleep(1.5)  # the app process ends
    opened = []
    for username in users[:together]:  # then many at once
        opened.append(await open_session(base, username))
    await asyncio.sleep(2)
    apps = descendants(server_pid)
    many_kb = sum(rss_kb(p) for p in apps)
    server_kb = rss_kb(server_pid)
    for client, socket_, _ in opened:
        await socket_.close()
        await client.close()
    return {"times": times, "one_kb": statistics.median(one_session_kb), "many_kb": many_kb,
            "many_processes": len(apps), "server_kb": server_kb, "together": together}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench served", description=__doc__.splitlines()[0])
    parser.add_argument("--singles", type=int, default=3, help="sessions timed one at a time (default 3)")
    parser.add_argument("--together", type=int, default=20, help="sessions open at once (default 20)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="caseaudit-served-") as folder:
        path = Path(folder) / "caseaudit.db"
        users = build(path, max(args.singles, args.together))
        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        server = subprocess.Popen([sys.executable, "-m", "caseaudit", "--db", str(path), "serve", "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("caseaudit serve did not start")
                    time.sleep(0.2)
            figures = asyncio.run(measure(base, server.pid, users, args.singles, args.together))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    times = figures["times"]
    print("served sessions (caseaudit serve, loopback, argon2 at its defaults)")
    print(f"  sign-in form sent to dashboard drawn: median {statistics.median(times):.2f} s "
          f"(min {min(times):.2f}, max {max(times):.2f}, {len(times)} sessions one at a time)")
    print(f"  memory of one signed-in session's app process: {figures['one_kb'] / 1024:.0f} MB")
    print(f"  memory of {figures['together']} signed-in sessions at once: {figures['many_kb'] / 1024:.0f} MB "
          f"in {figures['many_processes']} processes ({figures['many_kb'] / 1024 / figures['together']:.0f} MB each), "
          f"beside the server's {figures['server_kb'] / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
