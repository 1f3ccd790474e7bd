"""gunicorn's logger for `onething serve`: no personal data in the access log.

Every text that goes into an access-log line (the request line, path, query string,
referer, user agent, user, and any header or environment value a custom
``--access-logformat`` names) has its ID card and mobile numbers masked, the same way
the screens mask them (142331********2041, 138****8000). Digits a client sent
percent-encoded (%31%33…) are read as digits first, so that they are masked too.
gunicorn's own error log gets the masking filter every other log has.

`onething serve` passes ``--logger-class onething.web.access_log.MaskingLogger``.
"""

from __future__ import annotations

import re
import traceback

from gunicorn.config import AccessLogFormat
from gunicorn.glogging import Logger

from onething.privacy.logs import MaskPersonalData
from onething.privacy.masking import mask_text

# %30–%39 are the digits, %58 and %78 are X and x: unreserved characters, the same URL
# whether escaped or not (RFC 3986, 2.3), so reading them plainly changes nothing else.
_ESCAPED_DIGIT = re.compile(r"%3[0-9]|%[57]8")
# Only a value with 11 digits in a row (the shortest number masked, a mobile's) or an
# escaped digit can hold a number: the rest are left as they are, unscanned.
_MAY_HOLD_A_NUMBER = re.compile(r"\d{11}|%3\d")
_DEFAULT_FORMAT = AccessLogFormat.default


def mask_for_log(value: str) -> str:
    """A text for the access log with every ID card and mobile number in it masked."""
    if "%" in value:
        value = _ESCAPED_DIGIT.sub(lambda m: bytes.fromhex(m.group(0)[1:]).decode(), value)
    return mask_text(value)


class MaskingLogger(Logger):
    """gunicorn's logger with the access log's atoms masked."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        if not any(isinstance(f, MaskPersonalData) for f in self.error_log.filters):
            self.error_log.addFilter(MaskPersonalData())

    def access(self, resp, req, environ, request_time) -> None:
        """With gunicorn's default format (what `onething serve` logs), only the atoms it
        names are built and masked: gunicorn's own `atoms` copies every header and every
        WSGI variable for a format that might name them, a third of a small request's
        CPU. A custom ``--access-logformat`` gets them all, masked, as before."""
        if self.cfg.access_log_format != _DEFAULT_FORMAT or not self.access_log_enabled:
            super().access(resp, req, environ, request_time)
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        sent = getattr(resp, "sent", None)
        line = (environ[k] for k in ("REQUEST_METHOD", "RAW_URI", "SERVER_PROTOCOL"))
        atoms = {
            "h": environ.get("REMOTE_ADDR", "-"),
            "l": "-",
            "u": self._get_user(environ) or "-",
            "t": self.now(),
            "r": " ".join(line),
            "s": status,
            "b": str(sent) if sent is not None else "-",
            "f": environ.get("HTTP_REFERER", "-"),
            "a": environ.get("HTTP_USER_AGENT", "-"),
        }
        for key, value in atoms.items():
            if isinstance(value, str) and _MAY_HOLD_A_NUMBER.search(value):
                atoms[key] = mask_for_log(value)
        try:
            self.access_log.info(_DEFAULT_FORMAT, atoms)
        except Exception:  # as gunicorn does: a log line never fails the request
            self.error(traceback.format_exc())

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str) and _MAY_HOLD_A_NUMBER.search(value):
                atoms[key] = mask_for_log(value)
        return atoms
