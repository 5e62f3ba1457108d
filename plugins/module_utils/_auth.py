# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Access tokens: the one given, or one refreshed through Zoho OAuth and cached.

This file is private to the collection: its API may change without notice.

Zoho mints at most 10 access tokens per refresh token in 10 minutes, so a
playbook that refreshed once per task would be locked out after ten tasks.
Refreshed tokens are therefore cached on disk (directory 0700, file 0600,
named by a hash of accounts_url, client_id and refresh_token) and reused by
later tasks and parallel forks until shortly before they expire.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import stat
import threading
import time
import typing as t
from urllib.parse import urlsplit

from ansible_collections.zoho.bigin.plugins.module_utils._client import DATA_CENTERS, LOOPBACK_HOSTS, printable_without_spaces
from ansible_collections.zoho.bigin.plugins.module_utils._errors import (
    BiginAuthError,
    BiginError,
    excerpt,
    oauth_error_message,
)

try:
    import fcntl
except ImportError:  # not POSIX: the cache still works, without the cross-process lock
    fcntl = None  # type: ignore[assignment]

# A cached token is reused until this many seconds before it expires.
EXPIRY_MARGIN = 300
DEFAULT_EXPIRES_IN = 3600
# Above EXPIRY_MARGIN, so that a new token is used for a while.
MIN_EXPIRES_IN = 600
MAX_EXPIRES_IN = 86400
CACHE_DIR_NAME = "zoho.bigin"
# The lock is held for one token request; connect() waits its timeout plus this margin.
DEFAULT_LOCK_WAIT = 40.0
LOCK_WAIT_MARGIN = 10.0
LOCK_POLL = 0.05
DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
# Where os.open, os.rename and os.unlink take dir_fd (Linux, the BSDs, macOS), the files are opened through it.
# (POSIX rename(2) replaces the target atomically, as os.replace does.)
DIR_FD_CALLS = all(call in os.supports_dir_fd for call in (os.open, os.rename, os.unlink))


def token_lifetime(value: t.Any) -> float:
    """Seconds a new token is used for, from the answer's ``expires_in``, clamped to a sane range.

    Zoho's tokens live an hour. nan or 1e300 would make a token fresh for ever, and a negative or zero
    value would make every fork refresh (10 tokens per 10 minutes is all Zoho grants).
    """
    try:
        seconds = float(value) if value is not None and not isinstance(value, bool) else DEFAULT_EXPIRES_IN
    except (TypeError, ValueError, OverflowError):
        seconds = DEFAULT_EXPIRES_IN
    if not math.isfinite(seconds):
        seconds = DEFAULT_EXPIRES_IN
    return min(max(seconds, MIN_EXPIRES_IN), MAX_EXPIRES_IN)


def default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, CACHE_DIR_NAME)


class TokenCache:
    """One cached access token per (accounts_url, client_id, refresh_token), safe across forks.

    ``lock_wait``: seconds to wait for another process's lock (it holds it during one token request)
    before going on without the cache.

    Every file is opened relative to the directory, itself opened once without following a link: the
    directory cannot be swapped for a link (to /etc, say) between its checks and the file operations.
    """

    def __init__(self, directory: str, accounts_url: str, client_id: str, refresh_token: str,
                 lock_wait: float = DEFAULT_LOCK_WAIT):
        self.directory = directory
        self.lock_wait = lock_wait
        key = "\0".join((accounts_url.rstrip("/"), client_id, refresh_token))
        name = hashlib.sha256(key.encode("utf-8")).hexdigest()
        self.file_name, self.lock_name = name + ".json", name + ".lock"
        self.path = os.path.join(directory, self.file_name)
        self.lock_path = os.path.join(directory, self.lock_name)
        self.loopback = is_loopback_url(accounts_url)
        # The directory's descriptor while the lock is held (see locked()).
        self._dir_fd: int | None = None

    def _open_dir(self) -> int:
        """The checked directory, opened without following a link; created 0700 if missing."""
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        try:
            dir_fd = os.open(self.directory, DIR_FLAGS)
        except OSError as exc:
            if os.path.islink(self.directory):
                raise OSError("token cache directory %s is a symbolic link" % self.directory) from None
            raise exc
        try:
            info = os.fstat(dir_fd)
            if info.st_uid != os.geteuid() or info.st_mode & 0o077:
                # Another user could read or swap our tokens there: tighten it, or refuse it.
                if info.st_uid != os.geteuid():
                    raise OSError("token cache directory %s is owned by another user" % self.directory)
                os.fchmod(dir_fd, 0o700)
        except BaseException:
            os.close(dir_fd)
            raise
        return dir_fd

    def locked(self) -> "_CacheLock":
        """Hold the cache's lock (and its directory) for a read, a refresh and a write."""
        return _CacheLock(self)

    def _at(self) -> dict[str, t.Any]:
        """Keyword arguments that make os calls relative to the held directory (none on platforms without)."""
        return {"dir_fd": self._dir_fd} if self._dir_fd is not None and DIR_FD_CALLS else {}

    def _name(self, name: str) -> str:
        return name if self._dir_fd is not None and DIR_FD_CALLS else os.path.join(self.directory, name)

    def read(self, now: float) -> str | None:
        """The cached token if it is trustworthy and still fresh, else None."""
        entry = self.read_entry(now)
        return entry[0] if entry else None

    def read_entry(self, now: float) -> tuple[str, str | None] | None:
        """(token, api_domain the token endpoint named, if any) if trustworthy and fresh, else None."""
        try:
            fd = os.open(self._name(self.file_name), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                         | getattr(os, "O_NONBLOCK", 0), **self._at())
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            # A file another user owns, or others can read, or not a regular file (a FIFO would hang the
            # read) is not trusted (it is replaced).
            if info.st_uid != os.geteuid() or info.st_mode & 0o077 or not stat.S_ISREG(info.st_mode):
                return None
            with os.fdopen(fd, "rb") as handle:
                fd = -1
                entry = json.loads(handle.read(65536).decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        finally:
            if fd >= 0:
                os.close(fd)
        if not isinstance(entry, dict):
            return None
        token, expires_at = entry.get("access_token"), entry.get("expires_at")
        if not isinstance(token, str) or not token or not isinstance(expires_at, (int, float)):
            return None
        # A file's word on the expiry is no better than the token answer's: bounded the same way.
        if expires_at - EXPIRY_MARGIN <= now or not expires_at <= now + MAX_EXPIRES_IN:
            return None
        # Files written before the api_domain was cached have none: still valid.
        return token, api_domain_of(entry.get("api_domain"), self.loopback)

    def write(self, token: str, expires_at: float, api_domain: str | None = None) -> None:
        """Replace the cache file atomically (a reader sees the old file or the new one)."""
        entry: dict[str, t.Any] = {"access_token": token, "expires_at": expires_at}
        if api_domain:
            entry["api_domain"] = api_domain
        temp = ".tmp-%s" % os.urandom(8).hex()
        fd = os.open(self._name(temp), os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                     0o600, **self._at())
        try:
            with os.fdopen(fd, "w") as handle:
                json.dump(entry, handle)
                handle.flush()
                os.fsync(handle.fileno())
            if self._at():
                os.rename(temp, self.file_name, src_dir_fd=self._dir_fd, dst_dir_fd=self._dir_fd)
            else:
                os.replace(self._name(temp), self.path)
        except BaseException:
            try:
                os.unlink(self._name(temp), **self._at())
            except OSError:
                pass
            raise

    def discard(self, token: str) -> None:
        """Forget the cached token if it is the one the API rejected."""
        if self.read(time.time()) == token:
            try:
                os.unlink(self._name(self.file_name), **self._at())
            except OSError:
                pass


# The API hosts of Zoho's data centres: the only hosts a learned api_domain may name.
ZOHO_API_HOSTS = frozenset(urlsplit(api_domain).hostname for dummy, api_domain in DATA_CENTERS.values())


def is_loopback_url(url: str) -> bool:
    return urlsplit(url).hostname in LOOPBACK_HOSTS


def api_domain_of(value: t.Any, loopback: bool = False) -> str | None:
    """``value`` as an API base URL if it is one we may send tokens to, else None.

    Only https to the API host of a Zoho data centre (``www.zohoapis.*``), or, with ``loopback``
    (the accounts server itself is on loopback: a local simulator), http or https on loopback;
    without credentials, path, query or fragment: anything else could send tokens astray.
    """
    if not isinstance(value, str) or len(value) > 255 or not printable_without_spaces(value):
        return None
    try:
        parts = urlsplit(value)
        parts.port  # pylint: disable=pointless-statement  # raises ValueError for a bad port
    except ValueError:
        return None
    if not parts.hostname or "@" in parts.netloc or parts.query or parts.fragment or parts.path not in ("", "/"):
        return None
    if parts.scheme == "https" and parts.hostname in ZOHO_API_HOSTS:
        return value.rstrip("/")
    if loopback and parts.scheme in ("http", "https") and parts.hostname in LOOPBACK_HOSTS:
        return value.rstrip("/")
    return None


class _CacheLock:
    """The cache directory, held open, and an exclusive flock on its lock file, waited for at most
    ``cache.lock_wait`` seconds: a holder stuck on a slow server must not hold every other fork for ever."""

    def __init__(self, cache: TokenCache):
        self.cache = cache
        self.fd = -1

    def __enter__(self) -> "_CacheLock":
        cache = self.cache
        dir_fd = cache._open_dir()
        cache._dir_fd = dir_fd
        try:
            self.fd = os.open(cache._name(cache.lock_name), os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0),
                              0o600, **cache._at())
            if fcntl is not None:
                self._wait_for_lock(cache.lock_wait)
        except BaseException:
            self._release()
            raise
        return self

    def _wait_for_lock(self, wait: float) -> None:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OSError("its lock was held by another process for more than %g seconds" % wait) from None
                time.sleep(LOCK_POLL)

    def _release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing the file releases its flock
            self.fd = -1
        if self.cache._dir_fd is not None:
            os.close(self.cache._dir_fd)
            self.cache._dir_fd = None

    def __exit__(self, *exc_info: t.Any) -> None:
        self._release()


class TokenProvider:
    """Hands out the access token for API requests; thread-safe; refreshes at most once per rejection.

    ``post`` sends the token request: ``post(url, data) -> (status, body bytes)``.
    """

    def __init__(self, access_token: str | None, client_id: str | None, client_secret: str | None,
                 refresh_token: str | None, accounts_url: str,
                 post: t.Callable[[str, dict[str, str]], tuple[int, bytes]],
                 cache: TokenCache | None = None, warn: t.Callable[[str], None] | None = None,
                 on_new_token: t.Callable[[str], None] | None = None):
        self._token = access_token or None
        self._credentials = (client_id, client_secret, refresh_token)
        self._token_url = accounts_url.rstrip("/") + "/oauth/v2/token"
        self._post = post
        self._cache = cache
        self._warn = warn or (lambda msg: None)
        # Told of every token obtained here, so that the module can mask it like its no_log options.
        self._on_new_token = on_new_token or (lambda token: None)
        self._lock = threading.Lock()
        self._failure: BiginError | None = None
        self._rejected: set[str] = set()
        # The API domain the token endpoint named for the current token (the organisation's data centre).
        self.api_domain: str | None = None

    @property
    def can_refresh(self) -> bool:
        return all(self._credentials)

    def get(self) -> str:
        with self._lock:
            if self._token is None:
                self._token = self._obtain()
            return self._token

    def invalidate(self, token: str) -> None:
        """The API rejected ``token``: the next get() refreshes (once, whichever thread asks first)."""
        with self._lock:
            self._rejected.add(token)
            if self._token == token:
                self._token = None
            if self._cache is not None:
                try:
                    with self._cache.locked():
                        self._cache.discard(token)
                except OSError:
                    pass

    def _obtain(self) -> str:
        if self._failure is not None:
            # A refresh that failed fails the same way for every record: don't ask again.
            raise self._failure
        if not self.can_refresh:
            raise BiginAuthError("No usable access token, and no refresh credentials "
                                 "(client_id, client_secret, refresh_token) to get one")
        try:
            token = self._obtain_cached(self._cache) if self._cache is not None else self._refresh()[0]
        except BiginError as exc:
            self._failure = exc
            raise
        self._on_new_token(token)
        return token

    def _obtain_cached(self, cache: TokenCache) -> str:
        minted: str | None = None
        try:
            with cache.locked():
                cached = cache.read_entry(time.time())
                if cached is not None and cached[0] not in self._rejected:
                    self.api_domain = cached[1]
                    return cached[0]
                minted, expires_at = self._refresh()
                cache.write(minted, expires_at, self.api_domain)
                return minted
        except OSError as exc:
            # The path and the reason; the cache file's name is a hash, never a secret.
            self._warn("Token cache not used (%s)" % (exc if str(exc) else type(exc).__name__))
            # A token minted before the cache failed is kept: each costs one of 10 per 10 minutes.
            return minted if minted is not None else self._refresh()[0]

    def _refresh(self) -> tuple[str, float]:
        client_id, client_secret, refresh_token = self._credentials
        status, body = self._post(self._token_url, {
            "grant_type": "refresh_token",
            "client_id": client_id or "",
            "client_secret": client_secret or "",
            "refresh_token": refresh_token or "",
        })
        try:
            payload = json.loads(body.decode("utf-8"))
        except (ValueError, RecursionError):
            payload = None
        secrets = (client_secret, refresh_token)
        if not isinstance(payload, dict):
            raise BiginAuthError("Token refresh failed: the accounts server answered HTTP %s with a body "
                                 "that is not JSON: %s" % (status, excerpt(body, secrets=secrets)))
        token = payload.get("access_token")
        if payload.get("error") or not isinstance(token, str) or not token:
            error = str(payload.get("error") or "no access_token in the answer (HTTP %s)" % status)
            description = payload.get("error_description")
            raise BiginAuthError(oauth_error_message(
                excerpt(error, secrets=secrets), None if description is None else excerpt(description, secrets=secrets)))
        if not printable_without_spaces(token):
            raise BiginAuthError("Token refresh failed: the accounts server returned a malformed access token")
        api_domain = payload.get("api_domain")
        self.api_domain = api_domain_of(api_domain, is_loopback_url(self._token_url))
        if api_domain is not None and self.api_domain is None:
            # Not echoed: it is not a URL we trust, and may be anything.
            self._warn("The token endpoint named an api_domain that is not the https URL of a Zoho API host "
                       "(www.zohoapis.* of a data centre); ignored, the data centre's API domain is used")
        return token, time.time() + token_lifetime(payload.get("expires_in"))
