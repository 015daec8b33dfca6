"""Shared pytest setup: the real peers the tests talk to live in tests/plugins/.

- ``tests.plugins.oxigraph_server``: a real ``oxigraph serve`` on 127.0.0.1 loaded with the
  bundled snapshot (the HTTP SPARQL path, queried with SPARQLWrapper exactly as WDQS is), and
  the same triples in process: the ``snapshot`` and ``embedded`` fixtures.
- ``tests.plugins.mediawiki``: a real MediaWiki 1.39 (Debian package) served by ``php -S`` on
  127.0.0.1, with a bot account and a BotPassword, reset from a pristine copy between tests.
- ``tests.plugins.sources``: the maintainers' ``../shared/data``, for the few checks that
  rebuild committed data from it (skipped, in one line, on a clone without it).
"""

pytest_plugins = ["tests.plugins.oxigraph_server", "tests.plugins.mediawiki",
                  "tests.plugins.sources"]


def pytest_configure(config):
    """`sdg-gaps run` records every run in a history file (reports/history.sqlite by default):
    each test process records into a file of its own instead, removed at the end.

    xdist workers inherit the controller's environment, so a file set here (marked by
    ``SDG_GAPS_TEST_HISTORY``) is replaced by one per worker; a ``SDG_GAPS_HISTORY`` the user
    set before running the tests is left alone.
    """
    import os
    import tempfile

    if "SDG_GAPS_HISTORY" in os.environ and not os.environ.get("SDG_GAPS_TEST_HISTORY"):
        return
    directory = tempfile.mkdtemp(prefix="sdg-gaps-history-")
    os.environ["SDG_GAPS_HISTORY"] = os.path.join(directory, "history.sqlite")
    os.environ["SDG_GAPS_TEST_HISTORY"] = "1"
    config._sdg_gaps_history_dir = directory


def pytest_unconfigure(config):
    import shutil

    directory = getattr(config, "_sdg_gaps_history_dir", None)
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
