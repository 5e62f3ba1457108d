# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live suite's HTTP: the token refresh and API calls with ``requests`` (no redirects, no secrets in messages)."""

from __future__ import annotations

import json
import typing as t

import requests

from .config import Config, host_allowed

TIMEOUT = 30


class SetupError(Exception):
    """The suite cannot go on (authentication, creating or deleting its records)."""


def describe(resp: requests.Response) -> str:
    """An answer in a few words: status, then the error code and message or the body's size and type."""
    ctype = resp.headers.get("Content-Type") or "none"
    body = resp.content
    try:
        obj = json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, ValueError):
        obj = None
    if isinstance(obj, dict) and isinstance(obj.get("data"), list) and obj["data"] and isinstance(obj["data"][0], dict):
        obj = obj["data"][0]
    if isinstance(obj, dict) and ("code" in obj or "error" in obj):
        code = obj.get("code") or obj.get("error")
        message = obj.get("message") or obj.get("error_description") or ""
        return "HTTP %d %s %s" % (resp.status_code, code, json.dumps(message))
    return "HTTP %d, %d bytes, Content-Type %s" % (resp.status_code, len(body), ctype)


class Api:
    """One Bigin organisation: refreshes a token, then sends API requests to its api_domain."""

    def __init__(self, config: Config):
        self.config = config
        self.session = requests.Session()
        self.session.verify = config.ca_path or True
        self.token: str | None = None
        self.created: list[str] = []  # every Contact this run made, as soon as Bigin names it (the cleanup's list)
        self.api_domain = config.api_domain or config.default_api_domain

    def refresh(self) -> tuple[requests.Response, dict[str, t.Any]]:
        """POST the refresh form to the accounts server: the answer and its JSON object ({} if not JSON)."""
        resp = self.session.post(self.config.accounts_url + "/oauth/v2/token", timeout=TIMEOUT, allow_redirects=False, data={
            "grant_type": "refresh_token", "client_id": self.config.client_id,
            "client_secret": self.config.client_secret, "refresh_token": self.config.refresh_token})
        try:
            obj = resp.json()
        except ValueError:
            obj = {}
        return resp, obj if isinstance(obj, dict) else {}

    def authenticate(self) -> dict[str, t.Any]:
        """A first access token (SetupError without one); the api_domain of the answer when allowed and not overridden."""
        resp, obj = self.refresh()
        token = obj.get("access_token")
        if resp.status_code != 200 or not isinstance(token, str) or not token:
            raise SetupError("the token refresh failed: HTTP %d, error %s" % (resp.status_code, obj.get("error") or "none"))
        self.token = token
        domain = obj.get("api_domain")
        if self.config.api_domain is None and isinstance(domain, str) and host_allowed(domain.rstrip("/")):
            self.api_domain = domain.rstrip("/")
        return obj

    def call(self, method: str, path: str, **kwargs: t.Any) -> requests.Response:
        """``method`` on ``{api_domain}/bigin/v2/{path}``."""
        headers = {"Authorization": "Zoho-oauthtoken %s" % self.token}
        return self.session.request(method, "%s/bigin/v2/%s" % (self.api_domain, path), headers=headers,
                                    timeout=TIMEOUT, allow_redirects=False, **kwargs)

    def create_contacts(self, records: list[dict[str, t.Any]]) -> list[str]:
        """Insert Contacts: their ids, in order (SetupError if any was not added)."""
        resp = self.call("POST", "Contacts", json={"data": records})
        try:
            results = resp.json()["data"]
            ids = [item["details"]["id"] for item in results if item.get("code") == "SUCCESS"]
        except (ValueError, KeyError, TypeError):
            ids = []
        self.created.extend(str(record_id) for record_id in ids)
        if resp.status_code not in (200, 201, 202) or len(ids) != len(records):
            raise SetupError("creating the test Contacts failed: %s" % describe(resp))
        return [str(record_id) for record_id in ids]

    def delete_records(self, ids: list[str]) -> list[str]:
        """Delete Contacts by id (100 per call): the ids that were not deleted."""
        left = []
        for start in range(0, len(ids), 100):
            chunk = ids[start:start + 100]
            try:
                resp = self.call("DELETE", "Contacts", params={"ids": ",".join(chunk)})
                done = {str(item["details"]["id"]) for item in resp.json()["data"] if item.get("code") == "SUCCESS"}
            except (requests.RequestException, ValueError, KeyError, TypeError):
                done = set()
            left.extend(record_id for record_id in chunk if record_id not in done)
        return left

    def record(self, record_id: str, fields: str = "Last_Name,Record_Image") -> dict[str, t.Any] | None:
        resp = self.call("GET", "Contacts/%s" % record_id, params={"fields": fields})
        if resp.status_code != 200:
            return None
        return resp.json()["data"][0]

    def search(self, criteria: str, fields: str = "Last_Name,First_Name") -> requests.Response:
        return self.call("GET", "Contacts/search", params={"criteria": criteria, "fields": fields})
