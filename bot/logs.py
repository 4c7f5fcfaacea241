"""Log records that are safe to write: nobody can forge a line, and no row's values leak.

One filter on the root handlers covers every logger (ours, Bolt's, slack_sdk's, APScheduler's),
error paths included.
"""

import logging
import re

# C0 and C1 controls (newline, carriage return, the ESC that starts terminal colour codes) and the
# Unicode line and paragraph separators some log viewers break lines on.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# PostgreSQL's DETAIL line repeats the offending row's values ("Key (asker_id)=(U…) already
# exists"); SQLAlchemy's hide_parameters does not reach it.
_DETAIL = re.compile(r"^DETAIL: .*$", re.MULTILINE)
_DETAIL_HIDDEN = "DETAIL: (hidden)"


def escape_controls(text: str) -> str:
    return _CONTROL.sub(lambda match: _NAMED.get(match[0]) or _code(ord(match[0])), text)


def _code(point: int) -> str:
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


class SafeLogRecords(logging.Filter):
    """Escapes control characters in each record's message (its arguments included), so a value
    a client chose cannot start a line of its own or recolour the terminal. A traceback keeps its
    lines, each indented and without carriage returns or escape codes, so only a record's own
    first line ever starts at the left margin, whatever an exception's message holds. Database
    errors lose their DETAIL line, in the message and in the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = escape_controls(_DETAIL.sub(_DETAIL_HIDDEN, record.getMessage()))
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            text = _DETAIL.sub(_DETAIL_HIDDEN, re.sub("[\r\x1b\u2028\u2029]", "?", record.exc_text))
            record.exc_text = "\n".join(
                line if line[:2] == "  " else "  " + line for line in text.split("\n")
            )
        return True


def configure_logging(level: int) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(SafeLogRecords())
