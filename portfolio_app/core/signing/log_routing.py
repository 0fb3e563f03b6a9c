"""Route pyHanko's log records into our logger as one-liners, without tracebacks.

pyHanko logs an ERROR with a full traceback whenever a certificate is untrusted or
self-signed (security-notes §5). For us that is an expected verdict, not a crash, and with no
logging configured Python's last-resort handler would print the traceback on stderr in the
middle of CLI output. Records are re-emitted at DEBUG on ``portfolio_app.core.signing.pyhanko``
so they can still be switched on when diagnosing a file.
"""

from __future__ import annotations

import logging

_ROUTED_LOGGERS = ("pyhanko", "pyhanko_certvalidator")
_TARGET = logging.getLogger("portfolio_app.core.signing.pyhanko")


class _OneLineHandler(logging.Handler):
    """Forward a record's message (no exception info) to our own logger at DEBUG."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a malformed %-format in a third-party message
            message = str(record.msg)
        exc = record.exc_info[1] if record.exc_info else None
        suffix = f" ({type(exc).__name__}: {exc})" if exc is not None else ""
        _TARGET.debug("%s: %s%s", record.name, message.splitlines()[0] if message else "", suffix)


def route_pyhanko_logs() -> None:
    """Install the routing once; later calls are no-ops."""
    for name in _ROUTED_LOGGERS:
        source = logging.getLogger(name)
        if any(isinstance(h, _OneLineHandler) for h in source.handlers):
            continue
        source.addHandler(_OneLineHandler())
        source.propagate = False
