# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Behaviour profiles of the Bigin simulator: one switch per behaviour that no Bigin source confirms.

Each switch is a constructor argument of the simulator (``BiginSimulator(profile={...})``),
a control call (``sim.set_profile(name=value)``, or ``POST /_simulator/profile`` with a JSON
object) and a CLI flag (``--upload-storage reencoded`` ...).  The first value of each switch
is what the simulator did before switches existed (the default); the others are what the
real Bigin might do instead (docs/docsite/rst/assumptions.rst has the sources):

* ``upload_storage``: ``exact`` stores the uploaded bytes; ``reencoded`` stores a different,
  valid image of the same type (a PNG ``tEXt`` chunk, a JPEG ``COM`` segment, a GIF comment
  extension, bytes after a BMP's pixels): GET returns the stored bytes.
* ``search_equals``: ``exact`` (the whole value, case-insensitive); ``word`` (the value as a
  whole-word sequence inside the field: "Smith" matches "Anna Smith Jones", not "Smithson");
  ``contains`` (a case-insensitive substring).
* ``no_photo_get``: how a photo GET of a record without a photo is answered: ``204`` (empty);
  ``200-empty`` (200, empty body, no Content-Type); ``404`` (:data:`NOT_FOUND_BODY`);
  ``400-no-photo`` (400 ``INVALID_DATA`` "No such photo exists").
* ``marker_on_replace``: ``new`` (``Record_Image`` takes a new value on each upload); ``same``
  (it keeps its value when a photo replaces another; still null after a delete).
* ``token_throttle_status``: the HTTP status of the token endpoint's "Access Denied" (the
  limit of 10 tokens per refresh token in 10 minutes): ``400`` or ``200``.

Standard library only (pytest is imported by :func:`profile_params` alone).
"""

from __future__ import annotations

import json
import typing as t

#: switch -> (default value, other values...).
PROFILE_SWITCHES: dict[str, tuple[str, ...]] = {
    "upload_storage": ("exact", "reencoded"),
    "search_equals": ("exact", "word", "contains"),
    "no_photo_get": ("204", "200-empty", "404", "400-no-photo"),
    "marker_on_replace": ("new", "same"),
    "token_throttle_status": ("400", "200"),
}

#: Every switch at its default value.
DEFAULT_PROFILE: dict[str, str] = {name: values[0] for name, values in PROFILE_SWITCHES.items()}

#: The body of ``no_photo_get=404`` (no source gives one: a simulator choice in Zoho's error shape).
NOT_FOUND_BODY = {"code": "NOT_FOUND", "details": {}, "message": "The requested resource does not exist", "status": "error"}


def check_profile(profile: t.Mapping[str, t.Any] | None = None, base: t.Mapping[str, str] | None = None) -> dict[str, str]:
    """A full profile: ``base`` (the defaults unless given) with the switches of ``profile``; ValueError if unknown."""
    out = dict(base if base is not None else DEFAULT_PROFILE)
    for name, value in (profile or {}).items():
        if name not in PROFILE_SWITCHES:
            raise ValueError("unknown profile switch %r (known: %s)" % (name, ", ".join(PROFILE_SWITCHES)))
        value = str(value)
        if value not in PROFILE_SWITCHES[name]:
            raise ValueError("profile switch %s: %r is not one of %s" % (name, value, ", ".join(PROFILE_SWITCHES[name])))
        out[name] = value
    return out


def profile_variants(*names: str) -> list[tuple[str, dict[str, str]]]:
    """(id, profile) pairs: the default profile ({}), then each non-default value of each named switch, one at a time.

    Without names, every switch.  Ids: ``default``, ``upload_storage=reencoded`` ...
    """
    for name in names:
        if name not in PROFILE_SWITCHES:
            raise ValueError("unknown profile switch %r (known: %s)" % (name, ", ".join(PROFILE_SWITCHES)))
    variants: list[tuple[str, dict[str, str]]] = [("default", {})]
    for name in names or tuple(PROFILE_SWITCHES):
        for value in PROFILE_SWITCHES[name][1:]:
            variants.append(("%s=%s" % (name, value), {name: value}))
    return variants


def profile_params(*names: str) -> list[t.Any]:
    """``pytest.param(profile, id=...)`` for each of :func:`profile_variants` (``@pytest.mark.parametrize`` or a fixture's ``params``)."""
    import pytest  # pylint: disable=import-outside-toplevel  # only the tests need it

    return [pytest.param(profile, id=ident) for ident, profile in profile_variants(*names)]


def cli_flag(name: str) -> str:
    """The command-line flag of a switch: ``upload_storage`` -> ``--upload-storage``."""
    return "--" + name.replace("_", "-")


class ProfilesMixin:
    """The simulator's profile: ``self.profile`` (a full profile), :meth:`set_profile` and ``/_simulator/profile``."""

    _lock: t.Any
    _init_profile: dict[str, str]
    _json: t.Callable[..., t.Any]

    def _reset_profile(self) -> None:
        self.profile: dict[str, str] = dict(self._init_profile)

    def set_profile(self, profile: t.Mapping[str, t.Any] | None = None, **switches: t.Any) -> dict[str, str]:
        """Change switches from the next request on (the others keep their value); returns the whole profile.

        ``sim.set_profile(no_photo_get="404")`` or ``sim.set_profile({"no_photo_get": "404"})``;
        :meth:`reset` goes back to the constructor's profile.
        """
        wanted = dict(profile or {})
        wanted.update(switches)
        with self._lock:
            self.profile = check_profile(wanted, base=self.profile)
            return dict(self.profile)

    def _control_profile_get(self, request: dict[str, t.Any]) -> t.Any:
        with self._lock:
            return self._json(200, {"profile": dict(self.profile), "switches": {k: list(v) for k, v in PROFILE_SWITCHES.items()}},
                              code="control")

    def _control_profile_set(self, request: dict[str, t.Any]) -> t.Any:
        try:
            wanted = json.loads(request["body"] or b"{}")
            if not isinstance(wanted, dict):
                raise ValueError("a JSON object of switches is expected")
            profile = self.set_profile(wanted)
        except ValueError as exc:
            return self._json(400, {"error": str(exc)}, code="control")
        return self._json(200, {"profile": profile}, code="control")
