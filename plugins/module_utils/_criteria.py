# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Search criteria: parsed before any request, then checked on every record Bigin returns.

This file is private to the collection: its API may change without notice.

Bigin's search may answer more records than the criteria say (Zoho CRM documents
``equals`` on text as matching "ABC Inc" for "ABC"), so a module works only on the
returned records that match the criteria with their documented meaning.  The grammar
and the rules are those of Bigin's Search Records API, which follows Zoho CRM's
(v2 and later): ``(field:operator:value)`` conditions joined by ``and`` / ``or`` in
parentheses; at most 10 conditions; ``(``, ``)`` and ``,`` in a value escaped with a
backslash, and a backslash written ``\\\\``; ``in`` takes a comma-separated list.

Meanings on a record as Bigin returned it (JSON), compared after stripping white space
at both ends, case-insensitively (Unicode case folding, NFC):

* ``equals``: the whole value; ``in``: ``equals`` one of the listed values;
  ``starts_with``: a prefix of the value; ``ends_with``: a suffix; ``not_equal``: not ``equals``.
* A missing, null or empty field equals nothing, so ``not_equal`` is true for it.
* A lookup (``{"id": ..., "name": ...}``) equals its id or its name.
* A list (multi-select picklist, multi-user lookup) equals a value when one of its
  items does; ``not_equal`` then means none of its items does.
* A number equals a value that is the same number (``5`` equals ``5``, ``5.0``);
  ``true`` / ``false`` for booleans.
"""

from __future__ import annotations

import decimal
import re
import typing as t
import unicodedata

from ansible_collections.zoho.bigin.plugins.module_utils._errors import InputError, excerpt

# Operators checked on the records (in the order the messages list them).
SUPPORTED_OPERATORS = ("equals", "not_equal", "starts_with", "ends_with", "in")
# Operators Bigin's search documents (Zoho CRM's list) that are not checked here: comparing
# dates, date-times and currencies exactly needs the field's type and the user's time zone.
UNCHECKED_OPERATORS = ("greater_than", "greater_equal", "less_than", "less_equal", "between")
# Zoho CRM: "You can search for a maximum of 10 criteria".
MAX_CONDITIONS = 10
# Our bounds, not Bigin's: the criteria go into a URL (up to three times longer once encoded),
# and the parser recurses once per nesting level.
MAX_CHARS = 4000
MAX_DEPTH = 20

FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
# A condition's head: field and operator, each up to the next colon.
HEAD = re.compile(r"([^:()\\]*):([^:()\\]*):")
# and / or between two parenthesised parts, white space around it allowed.
JOINER = re.compile(r"\s*(and|or)\s*(?=\()", re.IGNORECASE)
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
# The characters a backslash escapes in a value; before any other, a backslash is itself.
ESCAPABLE = "(),\\"
SUPPORTED_TEXT = ", ".join(SUPPORTED_OPERATORS)


def _fold(text: str) -> str:
    """``text`` as values compare: NFC, white space stripped at both ends, case folded."""
    return unicodedata.normalize("NFC", text).strip().casefold()


def _number(text: str) -> decimal.Decimal | None:
    return decimal.Decimal(text) if NUMBER.match(text) else None


def _atoms(value: t.Any, top: bool = True) -> list[t.Any]:
    """The scalars a field value compares as: a lookup by id and name, a list by its items."""
    if isinstance(value, list) and top:
        return [atom for item in value for atom in _atoms(item, top=False)]
    if isinstance(value, dict):
        return [part for part in (value.get("id"), value.get("name")) if isinstance(part, (str, int))]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, (str, int, float)):
        return [value]
    # null, a nested list, anything unforeseen: equals nothing.
    return []


def _atom_equals(atom: t.Any, wanted: str) -> bool:
    if isinstance(atom, (int, float)) and not isinstance(atom, bool):
        number = _number(wanted)
        if number is not None:
            # repr: the shortest text of the float (0.1, not its binary expansion); NaN equals nothing.
            return decimal.Decimal(repr(atom) if isinstance(atom, float) else atom) == number
    return _fold(str(atom)) == _fold(wanted)


def _field_value(record: dict[str, t.Any], field: str) -> t.Any:
    if field in record:
        return record[field]
    # Bigin may accept a field name in another case; its answer names the field its own way.
    for key, value in record.items():
        if isinstance(key, str) and key.lower() == field.lower():
            return value
    return None


class Condition:
    """One ``(field:operator:value)``; ``values`` holds the unescaped, stripped value(s)."""

    def __init__(self, field: str, operator: str, values: tuple[str, ...], source: str):
        self.field = field
        self.operator = operator
        self.values = values
        self.source = source

    def matches(self, record: dict[str, t.Any]) -> bool:
        atoms = _atoms(_field_value(record, self.field))
        if self.operator == "starts_with":
            prefix = _fold(self.values[0])
            return any(_fold(str(atom)).startswith(prefix) for atom in atoms)
        if self.operator == "ends_with":  # not in Zoho CRM's list; Bigin's own examples use it (tolerant reader)
            suffix = _fold(self.values[0])
            return any(_fold(str(atom)).endswith(suffix) for atom in atoms)
        equal = any(_atom_equals(atom, wanted) for atom in atoms for wanted in self.values)
        return not equal if self.operator == "not_equal" else equal

    def __repr__(self) -> str:
        return "Condition(%r, %r, %r)" % (self.field, self.operator, self.values)


class Group:
    """Conditions or groups joined by one of ``and`` / ``or``."""

    def __init__(self, joiner: str, items: tuple[Condition | Group, ...]):
        self.joiner = joiner
        self.items = items

    def matches(self, record: dict[str, t.Any]) -> bool:
        results = (item.matches(record) for item in self.items)
        return all(results) if self.joiner == "and" else any(results)

    def __repr__(self) -> str:
        return "Group(%r, %r)" % (self.joiner, self.items)


class Criteria:
    """Parsed criteria: ``text`` is sent to Bigin unchanged, ``matches`` checks a returned record."""

    def __init__(self, text: str, root: Condition | Group, conditions: list[Condition]):
        self.text = text
        self.root = root
        self.conditions = tuple(conditions)

    @property
    def fields(self) -> list[str]:
        """The field API names the criteria name, in order, without repeats: the search must ask for them."""
        names: list[str] = []
        for condition in self.conditions:
            if condition.field not in names:
                names.append(condition.field)
        return names

    def matches(self, record: dict[str, t.Any]) -> bool:
        return self.root.matches(record)

    def __repr__(self) -> str:
        return "Criteria(%r)" % self.text


class _Parser:
    """Recursive descent over the criteria text; every error names the problem and where."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.conditions: list[Condition] = []

    def fail(self, problem: str, quoted: str | None = None) -> t.NoReturn:
        shown = self.text if quoted is None else quoted
        raise InputError("criteria: %s %s" % (excerpt(shown, quote=True), problem))

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def parse(self) -> Criteria:
        if not self.text.startswith("("):
            self.fail("is not a search expression: write conditions in parentheses such as (Last_Name:equals:Smith)")
        root = self.sequence(1)
        self.skip_space()
        if self.pos < len(self.text):
            if self.text[self.pos] == ")":
                self.fail("has unbalanced parentheses: a ) closes nothing")
            self.fail("cannot be read here: conditions are joined as (A:equals:1)and(B:equals:2)",
                      self.text[self.pos:])
        return Criteria(self.text, root, self.conditions)

    def sequence(self, depth: int) -> Condition | Group:
        items = [self.group(depth)]
        joiner: str | None = None
        while True:
            found = JOINER.match(self.text, self.pos)
            if not found:
                break
            word = found.group(1).lower()
            if joiner is not None and word != joiner:
                # Bigin documents no precedence between them: refuse rather than guess.
                self.fail("mixes and and or at one level; add parentheses to say which comes first, "
                          "such as ((A:equals:1)and(B:equals:2))or(C:equals:3)")
            joiner = word
            self.pos = found.end()
            items.append(self.group(depth))
        return items[0] if len(items) == 1 else Group(joiner or "and", tuple(items))

    def group(self, depth: int) -> Condition | Group:
        if depth > MAX_DEPTH:
            self.fail("is nested more than %d levels deep" % MAX_DEPTH)
        self.skip_space()
        if self.pos >= len(self.text) or self.text[self.pos] != "(":
            self.fail("is not a search expression: a condition in parentheses was expected here",
                      self.text[self.pos:] or self.text)
        self.pos += 1
        self.skip_space()
        if self.text.startswith("(", self.pos):
            node = self.sequence(depth + 1)
            self.skip_space()
            self.close()
            return node
        return self.condition()

    def close(self) -> None:
        if self.pos >= len(self.text):
            self.unclosed()
        if self.text[self.pos] != ")":
            self.fail("is not a search expression: and, or or ) was expected here", self.text[self.pos:])
        self.pos += 1

    def unclosed(self) -> t.NoReturn:
        hint = "; a value that ends with \\ must write it as \\\\" if "\\)" in self.text else ""
        self.fail("has unbalanced parentheses: a ( is not closed" + hint)

    def condition(self) -> Condition:
        start = self.pos - 1
        head = HEAD.match(self.text, self.pos)
        if not head:
            self.fail("is not a condition of the form (field:operator:value)", self.text[start:])
        field, operator = head.group(1), head.group(2)
        self.pos = head.end()
        values, separated = self.value(start)
        source = self.text[start:self.pos]
        if not FIELD_NAME.match(field):
            self.fail("names %s, which is not a field API name (letters, digits and _, starting with a letter)"
                      % excerpt(field, quote=True), source)
        operator = operator.lower()
        if operator in UNCHECKED_OPERATORS:
            raise InputError("criteria: operator %s cannot be checked on the records Bigin returns; supported: %s"
                             % (operator, SUPPORTED_TEXT))
        if operator not in SUPPORTED_OPERATORS:
            raise InputError("criteria: unknown operator %s in %s; supported: %s"
                             % (excerpt(operator, quote=True), excerpt(source, quote=True), SUPPORTED_TEXT))
        if separated and operator != "in":
            # Bigin reads an unescaped comma as a list separator, which only "in" takes.
            self.fail("has an unescaped , in its value; write it as \\, (only the in operator takes a list)", source)
        if any(not value for value in values):
            self.fail("has an empty value" if len(values) == 1 else "has an empty value in its list", source)
        found = Condition(field, operator, values, source)
        self.conditions.append(found)
        if len(self.conditions) > MAX_CONDITIONS:
            raise InputError("criteria: more than %d conditions; Bigin's search takes at most %d"
                             % (MAX_CONDITIONS, MAX_CONDITIONS))
        return found

    def value(self, start: int) -> tuple[tuple[str, ...], bool]:
        """The value(s) up to the unescaped ``)`` that ends the condition, unescaped and stripped."""
        parts: list[str] = []
        current: list[str] = []
        text = self.text
        while True:
            if self.pos >= len(text):
                self.unclosed()
            char = text[self.pos]
            if char == "\\" and self.pos + 1 < len(text) and text[self.pos + 1] in ESCAPABLE:
                current.append(text[self.pos + 1])
                self.pos += 2
                continue
            if char == ")":
                self.pos += 1
                break
            if char == "(":
                self.fail("has an unescaped ( in its value; write it as \\(", text[start:self.pos + 1])
            if char == ",":
                parts.append("".join(current))
                current = []
            else:
                current.append(char)
            self.pos += 1
        parts.append("".join(current))
        return tuple(part.strip() for part in parts), len(parts) > 1


def parse_criteria(value: t.Any) -> Criteria:
    """Parse the ``criteria`` option; InputError (``criteria: ...``) before any request when it is not valid."""
    if not isinstance(value, str) or not value.strip():
        raise InputError("criteria: must be a non-empty search expression such as (Last_Name:equals:Smith)")
    # Stripped first: a YAML block scalar (criteria: |) ends with a newline.
    text = value.strip()
    if any(not char.isprintable() for char in text):
        raise InputError("criteria: %s contains control characters" % excerpt(text, quote=True))
    if len(text) > MAX_CHARS:
        raise InputError("criteria: %d characters; at most %d" % (len(text), MAX_CHARS))
    return _Parser(text).parse()
