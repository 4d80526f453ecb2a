"""uvicorn's supervisors, stopping to listen the moment a stop signal arrives.

With reload (``shipyard dev``) or several workers (``shipyard run --server uvicorn``),
uvicorn binds the listening socket in a supervisor process and hands it to its children.
On SIGTERM or SIGINT the children close their copies and drain their requests, but the
supervisor keeps its copy open until they have exited: the kernel goes on accepting
connections nobody will read, and resets them when the supervisor exits, so a client
that connected during the drain loses its request. Here the supervisor closes its copy
in the signal handler, so once the children stop listening a new connection is refused
(which a client or load balancer can retry safely) rather than accepted and dropped.
The supervisors still wait for their children to finish the requests in flight.
"""

from __future__ import annotations

import signal
import sys
from socket import socket
from types import FrameType

from uvicorn import Config, Server
from uvicorn.supervisors import Multiprocess
from uvicorn.supervisors.watchfilesreload import WatchFilesReload

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
STARTUP_FAILURE = 3  # uvicorn's exit code when the app or socket failed to start


class DevReload(WatchFilesReload):
    """The reloading supervisor of ``shipyard dev``."""

    def signal_handler(self, sig: int, frame: FrameType | None) -> None:
        _close(self.sockets)
        super().signal_handler(sig, frame)


class Workers(Multiprocess):
    """The worker supervisor of ``shipyard run --server uvicorn --workers N``."""

    def __init__(self, config: Config, sockets: list[socket]) -> None:
        super().__init__(config, sockets)
        for sig in STOP_SIGNALS:
            signal.signal(sig, self._on_stop_signal)

    def _on_stop_signal(self, sig: int, frame: FrameType | None) -> None:
        # Set at once, not on the next tick: a child that exits while draining must not
        # be replaced by a new one (which would also fail on the closed socket).
        _close(self.sockets)
        self.should_exit.set()


def serve(config: Config) -> None:
    """Run ``config`` as ``uvicorn.run`` does, with the supervisors above."""
    server = Server(config=config)
    try:
        if config.should_reload:
            DevReload(config, target=server.run, sockets=[config.bind_socket()]).run()
        elif config.workers > 1:
            Workers(config, sockets=[config.bind_socket()]).run()
        else:
            server.run()
    except KeyboardInterrupt:
        pass
    if not server.started and not config.should_reload and config.workers == 1:
        sys.exit(STARTUP_FAILURE)


def _close(sockets: list[socket]) -> None:
    for sock in sockets:
        sock.close()
