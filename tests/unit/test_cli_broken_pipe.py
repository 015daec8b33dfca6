"""A reader that goes away (``sdg-gaps catalogue list | head -1``) ends the command quietly.

No pipe here: stdout is replaced by a stream that raises BrokenPipeError, on its first write or
only when flushed (what a short output, still in the buffer, meets).
"""

from __future__ import annotations

import io
import sys

import pytest

from bot.cli import PIPE_CLOSED, main


class ClosedPipe(io.StringIO):
    """A stdout whose reader is gone: every write fails (or, with *on_flush*, every flush)."""

    def __init__(self, *, on_flush: bool = False) -> None:
        super().__init__()
        self.on_flush = on_flush

    def write(self, text: str) -> int:
        if not self.on_flush:
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)

    def flush(self) -> None:
        if self.on_flush:
            raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize("on_flush", [False, True], ids=["on write", "on flush"])
def test_a_closed_pipe_ends_the_command_quietly(monkeypatch, capsys, on_flush):
    closed = ClosedPipe(on_flush=on_flush)
    monkeypatch.setattr(sys, "stdout", closed)
    assert main(["catalogue", "list"]) == PIPE_CLOSED == 141
    assert capsys.readouterr().err == ""
    assert sys.stdout is not closed  # pointed at the null device: the flush at exit succeeds
    print("more output goes nowhere")
    sys.stdout.flush()
    sys.stdout.close()  # the null device main opened; monkeypatch puts the real stdout back


def test_a_closed_pipe_under_help_ends_quietly_too(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", ClosedPipe(on_flush=True))
    assert main(["--help"]) == PIPE_CLOSED
    assert capsys.readouterr().err == ""
    sys.stdout.close()  # the null device main opened
    # a failed write argparse swallows itself, and exits as after any help
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0 and capsys.readouterr().err == ""


def test_an_open_stdout_is_left_alone(capsys):
    assert main(["catalogue", "list"]) == 0
    assert "17 goals" in capsys.readouterr().out
