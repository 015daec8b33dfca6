"""The exceptions of sdg-gaps.

Everything that can go wrong because of input, data or a peer raises a subclass of
:class:`SdgGapsError`. The command line turns each one into a single line on stderr and a
non-zero exit status, so a subclass's message must make sense on its own: say what was wrong and,
where it helps, what was expected.
"""


class SdgGapsError(Exception):
    """Base of every error the command line reports as one line and exit status 1."""

    exit_code = 1


class UsageError(SdgGapsError):
    """Bad input from the user: an unknown goal or language, a malformed option value."""

    exit_code = 2


class ConfigError(SdgGapsError):
    """A configuration file or page that cannot be read or does not validate."""


class SnapshotError(SdgGapsError):
    """The bundled snapshot (or one given with --snapshot) is missing or unreadable."""


class EndpointError(SdgGapsError):
    """A SPARQL endpoint that cannot be reached, refuses the query, or answers nonsense."""


class MalformedResultsError(EndpointError):
    """An answer that is not well-formed SPARQL results (truncated JSON, a missing variable)."""


class WikiError(SdgGapsError):
    """A wiki that cannot be reached or logged in to, or a page that cannot be written."""
