# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The connection options every zoho.bigin module takes (see module_utils/_connection.py).
    DOCUMENTATION = r"""
options:
  access_token:
    description:
      - An OAuth access token for the Bigin API.
      - When O(client_id), O(client_secret) and O(refresh_token) are given too, this token is used first,
        and the refresh credentials when the API rejects it as invalid or expired (refresh once, retry once).
      - One of O(access_token) and O(refresh_token) is required.
      - If not set, the value of the E(BIGIN_ACCESS_TOKEN) environment variable is used.
    type: str
  client_id:
    description:
      - The OAuth client ID (from the Zoho API console, for example a self client).
      - O(client_id), O(client_secret) and O(refresh_token) go together.
      - If not set, the value of the E(BIGIN_CLIENT_ID) environment variable is used.
    type: str
  client_secret:
    description:
      - The OAuth client secret that goes with O(client_id).
      - If not set, the value of the E(BIGIN_CLIENT_SECRET) environment variable is used.
    type: str
  refresh_token:
    description:
      - An OAuth refresh token with a C(ZohoBigin.modules) scope, used to get access tokens.
      - Access tokens obtained with it are cached, see O(token_cache).
      - If not set, the value of the E(BIGIN_REFRESH_TOKEN) environment variable is used.
    type: str
  data_center:
    description:
      - The Zoho data centre of the Bigin organisation; it sets the default O(accounts_url) and O(api_domain).
      - If not set, the value of the E(BIGIN_DATA_CENTER) environment variable is used.
    type: str
    default: us
    choices: [au, ca, cn, eu, in, jp, sa, us]
  api_domain:
    description:
      - The base URL of the API, for example V(https://www.zohoapis.eu). Overrides what O(data_center) gives.
      - If not set, the value of the E(BIGIN_API_DOMAIN) environment variable is used.
      - If neither is set and a token is refreshed, the API domain named by the token endpoint's answer
        (the organisation's data centre) is used, with a warning when it differs from what O(data_center) gives;
        it is kept with the token in the token cache. Only an C(https://) URL with a host name
        (or C(http://) on loopback) is accepted from there.
    type: str
  accounts_url:
    description:
      - The base URL of the Zoho accounts server that refreshes tokens, for example V(https://accounts.zoho.eu).
        Overrides what O(data_center) gives.
      - If not set, the value of the E(BIGIN_ACCOUNTS_URL) environment variable is used.
    type: str
  api_version:
    description:
      - The Bigin API version.
      - If not set, the value of the E(BIGIN_API_VERSION) environment variable is used.
    type: str
    default: v2
    choices: [v1, v2]
  timeout:
    description:
      - Seconds that one request may take as a whole, from connecting to the last byte of the answer, so that
        a server that trickles its answer cannot hold a task (or the token cache lock) for ever. A request that
        takes longer is abandoned and counts as a timeout (retried as O(max_retries) says).
      - Above 0 and at most 600.
      - If not set, the value of the E(BIGIN_TIMEOUT) environment variable is used.
    type: float
    default: 30
  validate_certs:
    description:
      - Whether to verify the API's TLS certificate. Only turn this off for a test endpoint.
      - If not set, the value of the E(BIGIN_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - A CA bundle (a PEM file, or a directory of hashed certificates as C(openssl rehash) makes) to verify
        the TLS certificates of the API and the accounts server with, instead of the default trust store;
        for example the root certificate of a corporate proxy that inspects TLS.
      - It must exist and be readable; a file must hold at least one PEM certificate. It is checked before any request.
      - It takes precedence over the E(REQUESTS_CA_BUNDLE) and E(CURL_CA_BUNDLE) environment variables,
        which are used as usual when O(ca_path) is not set.
      - Ignored (and not checked) when O(validate_certs=false).
      - Proxies are taken from the E(HTTPS_PROXY) (and E(HTTP_PROXY)) environment variables, and hosts listed
        in E(NO_PROXY) are reached directly, as the Python requests library does.
      - If not set, the value of the E(BIGIN_CA_PATH) environment variable is used.
    type: path
    version_added: 1.1.0
  max_retries:
    description:
      - How many times to retry a request after a rate limit (HTTP 429), a server error (500, 502, 503, 504),
        a connection error or a timeout, with exponential backoff and jitter, honouring C(Retry-After).
      - A request that sends data (an upload) is retried only when it provably did not reach the server, or the
        server answered 429 or 503; reads and deletes are safe to repeat.
      - 0 to 20.
      - If not set, the value of the E(BIGIN_MAX_RETRIES) environment variable is used.
    type: int
    default: 5
  max_api_calls:
    description:
      - The most Bigin API requests the task may send (listing, search, record and photo requests, every attempt and
        retry counted; token requests are counted apart, as in RV(api_calls), and not limited).
      - When the next request would exceed it, that request is not sent, the records not yet done are reported as
        not attempted with the reason C(max_api_calls reached), and the task fails saying how many were done. A rerun
        goes on where the task stopped.
      - Free-edition organisations have 5,000 API credits a day; run the task in check mode first and read
        RV(api_calls_estimate) to size it.
      - 1 or more; no limit when not set.
      - If not set, the value of the E(BIGIN_MAX_API_CALLS) environment variable is used.
    type: int
    version_added: 1.1.0
  token_cache:
    description:
      - Whether to cache access tokens obtained with O(refresh_token) on disk, so that later tasks and
        parallel forks reuse them until shortly before they expire. Zoho allows only 10 access tokens
        per refresh token in 10 minutes.
      - The cache is C($XDG_CACHE_HOME/zoho.bigin) (default C(~/.cache/zoho.bigin)), directory mode 0700,
        one file of mode 0600 per credential set, named by a hash. Only access tokens are stored there.
      - If not set, the value of the E(BIGIN_TOKEN_CACHE) environment variable is used.
    type: bool
    default: true
requirements:
  - requests
notes:
  - The modules talk to the API from the host they run on; usually that is the controller
    (a play on C(localhost), or tasks delegated to it).
"""
