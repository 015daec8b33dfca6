"""The unit layer: no subprocess, no server, no wiki — and it is held to that.

Every test in this folder runs with process creation and network sockets refused: a test that
needs either belongs in ``tests/integration/`` (oxigraph serve, whole runs in a subprocess) or
``tests/wiki/`` (the MediaWiki), and fails here saying so. ``make test-fast`` runs this folder.
"""

import socket
import subprocess

import pytest

MOVE = "a unit test {what}: move it to tests/integration/ (or tests/wiki/ for the MediaWiki)"


def _refuse(what: str):
    def refused(*args, **kwargs):
        raise RuntimeError(MOVE.format(what=what))
    return refused


def _refuse_inet(method, what: str):
    def guarded(self, *args, **kwargs):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise RuntimeError(MOVE.format(what=what))
        return method(self, *args, **kwargs)
    return guarded


@pytest.fixture(autouse=True)
def _no_process_no_network(monkeypatch):
    monkeypatch.setattr(subprocess.Popen, "__init__", _refuse("starts no process"))
    monkeypatch.setattr(socket.socket, "connect",
                        _refuse_inet(socket.socket.connect, "opens no connection"))
    monkeypatch.setattr(socket.socket, "bind", _refuse_inet(socket.socket.bind, "serves nothing"))
