# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Bigin API error catalogue, and the exceptions the collection raises.

This file is private to the collection: its API may change without notice.

The catalogue is data: one row per documented (code, HTTP status, message),
with the documented resolution.  Rows marked "seed" are transcribed verbatim
from the Delete Photo API reference; the rest come from the wider photo and
OAuth API documentation.  Everything that turns an API answer into a message
for the user goes through this module, so the wording lives in one place.
"""

from __future__ import annotations

import json
import re
import typing as t

EXCERPT_CHARS = 200
# The user's own input is quoted shorter: it is known to the user, only which value is meant matters.
QUOTE_CHARS = 40

# (code, http_status, message, resolution)
CATALOGUE: tuple[tuple[str, int, str, str], ...] = (
    # seed: Delete Photo API reference, "Possible Errors"
    ("INVALID_MODULE", 400, "The module name given seems to be invalid",
     "You have specified an invalid module name. Specify a valid module API name. "
     "Refer to the possible module names section above."),
    ("INVALID_MODULE", 400, "The given module is not supported in API",
     "The modules such as Documents and Projects are not supported in the current API. "
     "(This error will not be shown, once these modules are been supported). "
     "Specify a valid module API name. Refer to the possible module names section above."),
    ("INVALID_URL_PATTERN", 404, "Please check if the URL trying to access is a correct one",
     "The request URL specified is incorrect. Specify a valid request URL. "
     "Refer to request URL section above."),
    ("OAUTH_SCOPE_MISMATCH", 401, "Unauthorized",
     "Client does not have ZohoBigin.modules.{module_name}.DELETE scope. "
     "Create a new client with valid scope. Refer to scope section above."),
    ("NO_PERMISSION", 403, "Permission denied to delete images",
     "The user does not have permission to delete images. Contact your system administrator."),
    ("INTERNAL_ERROR", 500, "Internal Server Error",
     "Unexpected and unhandled exception in Server. Contact support team."),
    ("INVALID_REQUEST_METHOD", 400, "The http request method type is not a valid one",
     "You have specified an invalid HTTP method to access the API URL. "
     "Specify a valid request method. Refer to endpoints section above."),
    ("AUTHORIZATION_FAILED", 400, "User does not have sufficient privilege to delete images",
     "The user does not have the permission to delete images. Contact your system administrator."),
    ("INVALID_DATA", 400, "the id given seems to be invalid",
     "The record ID specified in the URL is invalid. Refer to Get Records API to get valid record IDs."),
    # beyond the seed: the rest of the photo API and the platform
    ("INVALID_DATA", 400, "No such photo exists",
     "The record has no photo."),
    ("INVALID_DATA", 400, "Invalid image format",
     "Upload a PNG, JPEG, GIF or BMP image."),
    ("INVALID_DATA", 400, "The image size exceeds the maximum allowed size of 10 MB",
     "Upload an image of at most 10 MB and 10 megapixels."),
    ("REQUIRED_PARAM_MISSING", 400, "One of the expected parameter is missing",
     "The upload must carry the image in the multipart form field 'file'."),
    ("RECORD_LOCKED", 400, "Record is locked",
     "The record is locked (for example by an approval or a review process). "
     "Unlock it in Bigin, then run again."),
    ("INVALID_TOKEN", 401, "invalid oauth token",
     "The access token is invalid or expired. Give client_id, client_secret and refresh_token "
     "so that the module can refresh it, or generate a new access token."),
    ("AUTHENTICATION_FAILURE", 401, "Authentication failed",
     "The request carried no valid access token. Check the credentials and that they belong "
     "to this data centre (data_center, api_domain)."),
    ("INVALID_OAUTHTOKEN", 401, "invalid oauth token",
     "The access token is invalid or expired. Give client_id, client_secret and refresh_token "
     "so that the module can refresh it, or generate a new access token."),
    ("TOO_MANY_REQUESTS", 429, "Too many requests",
     "The API rate or concurrency limit was reached and retries ran out. "
     "Lower concurrency, raise max_retries, or run again later."),
)

# OAuth token endpoint errors (answered with HTTP 200 and {"error": ...}).
OAUTH_ERRORS: dict[str, str] = {
    "invalid_client": "the client_id is not known to the accounts server; check client_id and that "
                      "data_center or accounts_url names the data centre the client was created in",
    "invalid_client_secret": "the client_secret does not match the client_id",
    "invalid_code": "the refresh_token is invalid, expired or revoked; generate a new one "
                    "(Zoho API console, self client)",
    "unsupported_grant_type": "the accounts server did not accept grant_type=refresh_token",
    "access denied": "the token-generation limit was reached (Zoho allows 10 access tokens per refresh "
                     "token in 10 minutes); wait, then run again, and keep token_cache enabled",
}

# Errors that cannot depend on the record: once one is seen, the records not yet
# started are not attempted (saves requests and API credits).  A token rejection
# reaches the record runner only when a refresh could not cure it (or no refresh
# credentials were given), so every 401 but a scope mismatch counts as one too.
SYSTEMIC_CODES = frozenset((
    "INVALID_MODULE", "INVALID_URL_PATTERN", "OAUTH_SCOPE_MISMATCH", "INVALID_REQUEST_METHOD",
    "INVALID_TOKEN", "AUTHENTICATION_FAILURE", "INVALID_OAUTHTOKEN",
))

# Errors that can differ record by record (Bigin has per-record sharing and locks): the
# others are still worked on.  Only a long run of the same one with no success at all
# (permission missing for everyone) stops the task, after PER_RECORD_STREAK records.
PER_RECORD_CODES = frozenset(("NO_PERMISSION", "AUTHORIZATION_FAILED", "RECORD_LOCKED", "INVALID_DATA"))
PER_RECORD_STREAK = 10


# The documented scope-mismatch resolution names a template scope (the Delete Photo page's);
# it is filled in with the scope the failed request needed.
TEMPLATE_SCOPE = "ZohoBigin.modules.{module_name}.DELETE scope"
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def fill_resolution(text: str | None, scope: str | None = None) -> str | None:
    """A documented resolution as a user reads it: no ``{placeholder}`` left.

    The template scope becomes ``scope`` (the scope the request needed) or, when the request is
    not known, a neutral phrase; any other placeholder becomes its name in words.
    """
    if text is None:
        return None
    text = text.replace(TEMPLATE_SCOPE, scope + " scope" if scope else "the scope this request needs")
    return PLACEHOLDER.sub(lambda match: match.group(1).replace("_", " "), text)


def resolution_for(code: str | None, message: str | None) -> str | None:
    """Return the documented resolution for a code, telling apart same-code rows by message."""
    rows = [row for row in CATALOGUE if row[0] == code]
    wanted = (message or "").strip().lower()
    for row in rows:
        if row[2].lower() == wanted:
            return row[3]
    if len(rows) == 1:
        return rows[0][3]
    return None


def excerpt(value: t.Any, limit: int | None = None, secrets: t.Iterable[str | None] = (), quote: bool = False) -> str:
    """``value`` made safe to quote in a message: secrets masked, on one line, cut to ``limit`` characters.

    By default a body or a server's text: white space folded, at most EXCERPT_CHARS characters.
    With ``quote``, the user's own input: shown as a Python literal (so spaces and control characters
    show), at most QUOTE_CHARS characters before quoting.  ``secrets`` are masked first: a server or
    a proxy may echo the request in its answer.
    """
    if not quote:
        value = value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)
    if isinstance(value, str):
        for secret in secrets:
            if secret:
                value = value.replace(secret, "********")
    if quote:
        limit = QUOTE_CHARS if limit is None else limit
        if isinstance(value, str):
            return repr(value if len(value) <= limit else value[:limit] + "...")
        text = repr(value)
    else:
        limit = EXCERPT_CHARS if limit is None else limit
        text = " ".join(value.split())
    return text if len(text) <= limit else text[:limit] + "..."


def some_of(names: t.Sequence[str], most: int = 5) -> str:
    """The first ``most`` of ``names`` for a message, and how many more there are: ``a, b and 3 more``."""
    more = " and %d more" % (len(names) - most) if len(names) > most else ""
    return ", ".join(names[:most]) + more


class BiginError(Exception):
    """Base class of every error the collection reports for a record or a task."""

    code: str | None = None

    def to_dict(self) -> dict[str, t.Any]:
        return {"code": self.code, "message": str(self)}


class BiginAPIError(BiginError):
    """An error answer from the Bigin API, with its documented resolution."""

    # Set by the client when an earlier attempt of the same request lost its answer.
    maybe_applied_before = False

    def __init__(self, http_status: int, code: str | None, message: str,
                 details: t.Any = None):
        self.http_status = http_status
        self.code = code
        self.message = message
        self.details = details if details is not None else {}
        self.resolution = fill_resolution(resolution_for(code, message))
        super().__init__(self.full_message())

    def full_message(self) -> str:
        """The exception's text: code, HTTP status, message and the documented resolution."""
        text = "%s (HTTP %s)" % (self.code or "UNKNOWN_ERROR", self.http_status)
        if self.message:
            text += ": " + self.message
        if self.resolution:
            text += ("" if text.endswith((".", "!", "?")) else ".") + " Resolution: " + self.resolution
        return text

    def name_required_scopes(self, scopes: str, missing: str) -> None:
        """Name the scopes the failed request needed, then the documented resolution filled in for it.

        ``scopes``: every scope that would allow the request, in words; ``missing``: the scope of
        the request's own operation, which replaces the documentation's template scope.
        """
        documented = fill_resolution(resolution_for(self.code, self.message), missing)
        self.resolution = "This request needs %s.%s" % (scopes, " " + documented if documented else "")
        self.args = (self.full_message(),)

    def matches(self, code: str, message: str | None = None) -> bool:
        """Whether this is the error ``code`` (with ``message``, compared case-insensitively, when given)."""
        if self.code != code:
            return False
        return message is None or self.message.strip().lower() == message.lower()

    def to_dict(self) -> dict[str, t.Any]:
        return {
            "code": self.code,
            "http_status": self.http_status,
            "message": self.message,
            "resolution": self.resolution,
            "details": self.details,
        }


class BiginTransportError(BiginError):
    """The API could not be reached, or the connection broke (after retries)."""

    code = "CONNECTION_ERROR"


class BiginAuthError(BiginError):
    """An access token could not be obtained."""

    code = "TOKEN_REFRESH_FAILED"


class BackupError(BiginError):
    """A photo could not be saved before its delete or replace; the record was left alone."""

    code = "BACKUP_FAILED"


class ExportError(BiginError):
    """An export read a file from Bigin (or would) but could not write it to ``dest``; what was there stays."""

    code = "EXPORT_WRITE_FAILED"


class ForeignFile(ExportError):
    """A name an export needs in ``dest`` is taken by a file that export did not write."""

    code = "FILE_NOT_WRITTEN_BY_EXPORT"


class NotAttempted(BiginError):
    """A record left alone: an error every record would meet, or a long run of one per-record error, came first."""

    code = "NOT_ATTEMPTED"


class BudgetReached(NotAttempted):
    """max_api_calls: the request was not sent, and no further one will be."""

    def __init__(self, limit: int, method: str = "", attempt: int = 1):
        what = "a retry of a %s request" % method if attempt > 1 else "the next request"
        super().__init__("not attempted: max_api_calls reached (%d API requests sent; %s was not sent)" % (limit, what))
        self.limit = limit


class UnexpectedError(BiginError):
    """A failure the collection did not foresee; reported per record so the others' results survive."""

    code = "UNEXPECTED_ERROR"


def status_object(body: bytes) -> t.Any:
    """The JSON status object of an answer (``{"code", "message", "status", ...}``), None if not JSON."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    # Bigin sometimes wraps the object as {"data": [{...}]}.
    if isinstance(payload, dict) and isinstance(payload.get("data"), list) and payload["data"]:
        payload = payload["data"][0]
    return payload


def api_error_from_body(http_status: int, body: bytes) -> BiginAPIError:
    """Build the error for a non-success answer, whatever shape its body has."""
    payload = status_object(body)
    if isinstance(payload, dict) and payload.get("code"):
        return BiginAPIError(http_status, str(payload["code"]), str(payload.get("message") or ""),
                             payload.get("details"))
    if not body.strip():
        text = "the API answered with an empty body"
    elif payload is None:
        text = "the API answered with a body that is not JSON: %s" % excerpt(body)
    else:
        text = "the API answered with an unexpected body: %s" % excerpt(body)
    return BiginAPIError(http_status, None, text)


def oauth_error_message(error: str, description: str | None = None) -> str:
    """The message for a failed token refresh, saying which failure it was."""
    hint = OAUTH_ERRORS.get(error.strip().lower())
    if hint is None and description and "too many requests" in description.lower():
        hint = OAUTH_ERRORS["access denied"]
    text = "Token refresh failed: %s" % error
    if hint:
        text += ": " + hint
    elif description:
        text += ": " + excerpt(description)
    return text


class InputError(ValueError):
    """A bad option value, found before any request is sent."""
