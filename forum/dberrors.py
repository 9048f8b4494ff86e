"""Which database errors mean "the database is away" (503) and which are bugs (500).

Only failures to reach the server, or a server shutting down or refusing connections, are an
outage: answering them with 503 and "Database unavailable" sends the operator to the database.
Anything else (a prepared statement a pooler lost, a constraint, a syntax error, a deadlock) is
the application's error and must reach the error log and the 500 counters as such.
"""

from django.db import InterfaceError, OperationalError

UNAVAILABLE = "unavailable"
TIMEOUT = "timeout"

# SQLSTATE class 08 is "connection exception"; 57P01-57P03: the server is shutting down, crashed
# or not yet accepting connections; 53300: too many connections.
_OUTAGE_STATES = {"57P01", "57P02", "57P03", "53300"}
_QUERY_CANCELED = "57014"  # statement_timeout


def outage_kind(exception: BaseException) -> str | None:
    """``UNAVAILABLE``, ``TIMEOUT``, or None when ``exception`` is no database outage."""
    if isinstance(exception, InterfaceError):
        return UNAVAILABLE  # "connection already closed": the server went away earlier
    if not isinstance(exception, OperationalError):
        return None
    sqlstate = getattr(exception.__cause__, "sqlstate", None)
    if sqlstate == _QUERY_CANCELED:
        return TIMEOUT
    if sqlstate is None or sqlstate.startswith("08") or sqlstate in _OUTAGE_STATES:
        # No SQLSTATE: libpq's own failures (refused, reset, our answer deadline).
        return UNAVAILABLE
    return None
