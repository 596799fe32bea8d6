"""Who is at the keyboard: the operating-system login, never an environment variable
(anyone can set USER=someone-else)."""

from __future__ import annotations

import os
import pwd


def current_username() -> str:
    return pwd.getpwuid(os.getuid()).pw_name
