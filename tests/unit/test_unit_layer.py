"""The unit layer refuses what it promises to do without (see tests/unit/conftest.py)."""

import socket
import subprocess
import sys

import pytest


def test_a_unit_test_cannot_start_a_process():
    with pytest.raises(RuntimeError, match="starts no process: move it to tests/integration/"):
        subprocess.run([sys.executable, "-c", "pass"], check=True)


def test_a_unit_test_cannot_serve_or_connect():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        with pytest.raises(RuntimeError, match="serves nothing"):
            server.bind(("127.0.0.1", 0))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
        with pytest.raises(RuntimeError, match="opens no connection"):
            client.connect(("127.0.0.1", 9))
