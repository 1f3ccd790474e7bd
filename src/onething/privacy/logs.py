"""No personal data in any log: a logging filter that masks ID card and mobile numbers in
every record it sees — the message with its arguments, and a traceback's text.

Django's settings put it on the console handler, so every logger that reaches it is
masked (django.request's "Not Found: /path", django.server's request lines, the app's
own); gunicorn's logger class (onething.web.access_log) puts it on gunicorn's error log.
"""

from __future__ import annotations

import logging

from onething.privacy.masking import mask_text

_formatter = logging.Formatter()


class MaskPersonalData(logging.Filter):
    """Rewrites each record with its numbers masked; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to the handler to report
            return True
        masked = mask_text(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True
