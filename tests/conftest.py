"""Shared pytest setup: the real peers the tests talk to live in tests/plugins/.

- ``tests.plugins.oxigraph_server``: a real ``oxigraph serve`` on 127.0.0.1 loaded with the
  bundled snapshot (the HTTP SPARQL path, queried with SPARQLWrapper exactly as WDQS is).
- ``tests.plugins.mediawiki``: a real MediaWiki 1.39 (Debian package) served by ``php -S`` on
  127.0.0.1, with a bot account and a BotPassword, reset from a pristine copy between tests.
"""

pytest_plugins = ["tests.plugins.oxigraph_server", "tests.plugins.mediawiki"]
