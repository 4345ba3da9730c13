"""The name this instance claims inbox rows and leases under."""

from __future__ import annotations

import os
import socket

ENV = "DVCBOT_INSTANCE"


def instance_name() -> str:
    """DVCBOT_INSTANCE, else the host name.

    The name is stable across restarts, so a restarted instance takes back its own unfinished
    rows at once; two processes on one host need different names (they would otherwise act
    as one instance and could send a reply twice).
    """
    name = os.environ.get(ENV, "").strip() or socket.gethostname() or "local"
    return name[:100]
