# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's answers: the error catalogue (ONE table) and the helpers that build responses.

Every error answer comes from :data:`ERRORS`; the entries of the "Possible Errors"
section of the Delete Photo API page are transcribed verbatim (see :data:`SEED_ERROR_KEYS`).
"""

from __future__ import annotations

import json
import threading
import time
import typing as t

from . import attachments as attachments_api
from . import records as records_api

JSON_CTYPE = "application/json;charset=UTF-8"

# key -> (code, HTTP status, message).
ERRORS: dict[str, tuple[str, int, str]] = {
    # --- transcribed from the "Possible Errors" section of the API page ---
    "INVALID_MODULE": ("INVALID_MODULE", 400, "The module name given seems to be invalid"),
    "INVALID_MODULE_UNSUPPORTED": ("INVALID_MODULE", 400, "The given module is not supported in API"),
    "INVALID_URL_PATTERN": ("INVALID_URL_PATTERN", 404, "Please check if the URL trying to access is a correct one"),
    "OAUTH_SCOPE_MISMATCH": ("OAUTH_SCOPE_MISMATCH", 401, "Unauthorized"),
    "NO_PERMISSION": ("NO_PERMISSION", 403, "Permission denied to delete images"),
    "INTERNAL_ERROR": ("INTERNAL_ERROR", 500, "Internal Server Error"),
    "INVALID_REQUEST_METHOD": ("INVALID_REQUEST_METHOD", 400, "The http request method type is not a valid one"),
    "AUTHORIZATION_FAILED": ("AUTHORIZATION_FAILED", 400, "User does not have sufficient privilege to delete images"),
    "INVALID_DATA": ("INVALID_DATA", 400, "the id given seems to be invalid"),
    # --- additional errors (general Zoho API behaviour / simulator choices) ---
    "AUTHENTICATION_FAILURE": ("AUTHENTICATION_FAILURE", 401, "Authentication failed"),
    "INVALID_TOKEN": ("INVALID_TOKEN", 401, "invalid oauth token"),
    "INVALID_OAUTHTOKEN": ("INVALID_OAUTHTOKEN", 401, "invalid oauth token"),
    "RECORD_LOCKED": ("RECORD_LOCKED", 400, "Record is locked"),
    "REQUIRED_PARAM_MISSING": ("REQUIRED_PARAM_MISSING", 400, "One of the expected parameter is missing"),
    "INVALID_DATA_IMAGE_FORMAT": ("INVALID_DATA", 400, "Invalid image format"),
    "INVALID_DATA_IMAGE_SIZE": ("INVALID_DATA", 400, "The image size exceeds the maximum allowed size of 10 MB"),
    "INVALID_DATA_NO_PHOTO": ("INVALID_DATA", 400, "No such photo exists"),
    "TOO_MANY_REQUESTS": ("TOO_MANY_REQUESTS", 429, "Too many requests"),
}
ERRORS.update(records_api.RECORD_ERRORS)
ERRORS.update(attachments_api.ATTACHMENT_ERRORS)

#: Keys of :data:`ERRORS` that are documented on the Delete Photo API page.
SEED_ERROR_KEYS = (
    "INVALID_MODULE",
    "INVALID_MODULE_UNSUPPORTED",
    "INVALID_URL_PATTERN",
    "OAUTH_SCOPE_MISMATCH",
    "NO_PERMISSION",
    "INTERNAL_ERROR",
    "INVALID_REQUEST_METHOD",
    "AUTHORIZATION_FAILED",
    "INVALID_DATA",
)


class Response:
    """One answer: status, body, headers, and what the HTTP layer does with it (``action``)."""

    __slots__ = ("status", "body", "headers", "action", "code", "chaos")

    def __init__(self, status: int, body: bytes = b"", headers: t.Iterable[tuple[str, str]] | None = None,
                 action: str | None = None, code: str | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = list(headers or [])
        self.action = action  # None | "drop" | "truncate"
        self.code = code
        self.chaos: str | None = None  # the random fault that shaped this answer, if any


class ResponsesMixin:
    """Response builders of :class:`~tests.simulator.bigin_simulator.BiginSimulator`."""

    _lock: threading.RLock
    wrap_errors: bool
    rejected_token_answer: str

    def _error(self, key: str | None, details: dict[str, t.Any] | None = None, code: str | None = None,
               status: int | None = None, message: str | None = None,
               headers: t.Iterable[tuple[str, str]] | None = None) -> Response:
        err_code, err_status, err_message = ERRORS[key] if key is not None else (None, None, None)
        obj = {
            "code": code or err_code,
            "details": details if details is not None else {},
            "message": message or err_message,
            "status": "error",
        }
        payload = {"data": [obj]} if self.wrap_errors else obj
        hdrs = [("Content-Type", JSON_CTYPE)] + list(headers or [])
        return Response(status or err_status, json.dumps(payload).encode(), hdrs, code=obj["code"])

    def _rejected_token(self) -> Response:
        answer = self.rejected_token_answer
        if answer == "UNKNOWN_CODE":
            return self._error(None, code="OAUTH_TOKEN_INVALID", status=401, message="token rejected")
        if answer == "NOT_JSON":
            html = b"<html><head><title>401 Unauthorized</title></head><body>Unauthorized</body></html>"
            return Response(401, html, [("Content-Type", "text/html;charset=UTF-8")], code="HTTP_401")
        return self._error(answer)

    @staticmethod
    def _empty() -> Response:
        return Response(204, b"", code="NO_CONTENT")

    @staticmethod
    def _json(status: int, obj: t.Any, code: str | None = None) -> Response:
        return Response(status, json.dumps(obj).encode(), [("Content-Type", JSON_CTYPE)], code=code)

    def _rate_limited(self, limit: int | None, retry_after: t.Any = None, reset_in: float = 60.0) -> Response:
        if retry_after is not None:
            reset_in = float(retry_after)
        reset_ms = int((time.time() + reset_in) * 1000)
        headers = [
            ("X-RATELIMIT-LIMIT", str(limit)),
            ("X-RATELIMIT-REMAINING", "0"),
            ("X-RATELIMIT-RESET", str(reset_ms)),
        ]
        if retry_after is not None:
            headers.append(("Retry-After", str(retry_after)))
        return self._error("TOO_MANY_REQUESTS", headers=headers)
