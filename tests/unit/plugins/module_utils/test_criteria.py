# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of module_utils/_criteria.py: parsing (grammar, escapes, lists), the errors, the
fields a search must ask for, and what each operator matches on a record as Bigin returns it.
"""

from __future__ import annotations

import re

import pytest

from ansible_collections.zoho.bigin.plugins.module_utils._criteria import (
    MAX_CHARS,
    MAX_CONDITIONS,
    MAX_DEPTH,
    Condition,
    Group,
    parse_criteria,
)
from ansible_collections.zoho.bigin.plugins.module_utils._errors import InputError

SUPPORTED = "supported: equals, not_equal, starts_with, ends_with, in"


def shape(node: Condition | Group) -> tuple:
    """A parsed tree as plain tuples, to compare with what the text says."""
    if isinstance(node, Condition):
        return (node.field, node.operator, node.values)
    return (node.joiner, tuple(shape(item) for item in node.items))


def matches(criteria: str, **record: object) -> bool:
    return parse_criteria(criteria).matches(record)


# -- parsing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("(Last_Name:equals:Smith)", ("Last_Name", "equals", ("Smith",))),
    ("((Last_Name:starts_with:G)and(Email:equals:d@h.com))",
     ("and", (("Last_Name", "starts_with", ("G",)), ("Email", "equals", ("d@h.com",))))),
    # Zoho's own example writes spaces around and/or; the keyword's case does not matter.
    ("((Last_Name:starts_with:G) AND (Email:equals:d@h.com))",
     ("and", (("Last_Name", "starts_with", ("G",)), ("Email", "equals", ("d@h.com",))))),
    ("((A:equals:1)and(B:equals:2))or(C:starts_with:x)",
     ("or", (("and", (("A", "equals", ("1",)), ("B", "equals", ("2",)))), ("C", "starts_with", ("x",))))),
    ("(A:equals:1)or((B:equals:2)and((C:equals:3)or(D:equals:4)))",
     ("or", (("A", "equals", ("1",)),
             ("and", (("B", "equals", ("2",)), ("or", (("C", "equals", ("3",)), ("D", "equals", ("4",))))))))),
    ("(A:equals:1)and(B:equals:2)and(C:equals:3)",
     ("and", (("A", "equals", ("1",)), ("B", "equals", ("2",)), ("C", "equals", ("3",))))),
    # Redundant parentheses group nothing.
    ("(((A:equals:1)))", ("A", "equals", ("1",))),
    # A value keeps its colons (date-times, URLs): only the first two separate field and operator.
    ("(Website:equals:https://example.com:8443/x)", ("Website", "equals", ("https://example.com:8443/x",))),
    ("(Last_Name:EQUALS:Smith)", ("Last_Name", "equals", ("Smith",))),
])
def test_parse_shapes(text: str, expected: tuple) -> None:
    assert shape(parse_criteria(text).root) == expected


@pytest.mark.parametrize("text, values", [
    # Bigin's documented escaping: \( \) \, in a value; \\ for a backslash.
    (r"(Account_Name:equals:Acme \(UK\)\, Ltd)", ("Acme (UK), Ltd",)),
    (r"(Last_Name:equals:Burns\,B)", ("Burns,B",)),
    (r"(Last_Name:equals:K\\)", ("K\\",)),
    (r"(Last_Name:equals:a\\b)", ("a\\b",)),
    # Before any other character a backslash is itself.
    (r"(Last_Name:equals:a\b)", ("a\\b",)),
    (r"(Last_Name:in:Smith,Jones\, Jr,  Patricia )", ("Smith", "Jones, Jr", "Patricia")),
    (r"(Account_Name:in:Acme \(UK\)\, Ltd,Zylker)", ("Acme (UK), Ltd", "Zylker")),
    ("(Last_Name:in:Smith)", ("Smith",)),
])
def test_parse_values(text: str, values: tuple[str, ...]) -> None:
    (condition,) = parse_criteria(text).conditions
    assert condition.values == values


def test_text_is_what_the_user_wrote() -> None:
    text = r" ((Last_Name:equals:Acme \(UK\)) AND (Email:starts_with:a)) "
    assert parse_criteria(text).text == text.strip()


def test_fields_in_order_without_repeats() -> None:
    criteria = parse_criteria("((Last_Name:equals:A)or(Email:equals:b))and"
                              "((Last_Name:equals:C)or(Account_Name:in:x,y))")
    assert criteria.fields == ["Last_Name", "Email", "Account_Name"]


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, message", [
    (None, "criteria: must be a non-empty search expression"),
    ("  ", "criteria: must be a non-empty search expression"),
    (["(A:equals:1)"], "criteria: must be a non-empty search expression"),
    ("(A:equals:1)\n", None),  # stripped (a YAML block scalar ends so): allowed
    ("(A:equals:1)\nand(B:equals:2)", "contains control characters"),
    ("(A:equals:\x001)", "contains control characters"),
    ("Last_Name:equals:Smith", "is not a search expression: write conditions in parentheses"),
    ("((A:equals:1)", "has unbalanced parentheses: a ( is not closed"),
    ("(A:equals:1", "has unbalanced parentheses: a ( is not closed"),
    ("(A:equals:1))", "has unbalanced parentheses: a ) closes nothing"),
    # A backslash at the end of a value escapes the ) unless written \\: the message says so.
    (r"(Last_Name:equals:K\)", r"a value that ends with \ must write it as \\"),
    ("(Account_Name:equals:Acme (UK))", r"has an unescaped ( in its value; write it as \("),
    ("(Last_Name:equals:Burns,B)", r"has an unescaped , in its value; write it as \,"),
    ("(Last_Name:equals:)", "has an empty value"),
    ("(Last_Name:equals:   )", "has an empty value"),
    ("(Last_Name:in:a,,b)", "has an empty value in its list"),
    ("(Last_Name:in:a,)", "has an empty value in its list"),
    ("(Last_Name:equals)", "is not a condition of the form (field:operator:value)"),
    ("()", "is not a condition of the form (field:operator:value)"),
    ("(Last Name:equals:Smith)", "which is not a field API name"),
    ("(1st:equals:Smith)", "which is not a field API name"),
    ("(Owner.id:equals:1)", "which is not a field API name"),
    ("((A:equals:1)and(B:equals:2)or(C:equals:3))", "mixes and and or at one level; add parentheses"),
    ("(A:equals:1)or(B:equals:2)and(C:equals:3)", "mixes and and or at one level"),
    ("(A:equals:1)(B:equals:2)", "cannot be read here: conditions are joined as"),
    ("(A:equals:1) and", "cannot be read here"),
    ("((A:equals:1) xor (B:equals:2))", "and, or or ) was expected here"),
])
def test_errors(value: object, message: str | None) -> None:
    if message is None:
        parse_criteria(value)
        return
    with pytest.raises(InputError, match=re.escape(message)) as info:
        parse_criteria(value)
    assert str(info.value).startswith("criteria: ")


def test_error_quotes_the_condition() -> None:
    with pytest.raises(InputError) as info:
        parse_criteria("((A:equals:1)and(Last_Name:equals:))")
    assert str(info.value) == "criteria: '(Last_Name:equals:)' has an empty value"


def test_unknown_operator_is_named_with_the_supported_ones() -> None:
    with pytest.raises(InputError) as info:
        parse_criteria("((A:equals:1)and(Last_Name:contains:Smi))")
    assert str(info.value) == "criteria: unknown operator 'contains' in '(Last_Name:contains:Smi)'; " + SUPPORTED


@pytest.mark.parametrize("operator", ["greater_than", "greater_equal", "less_than", "less_equal", "between"])
def test_documented_operator_that_cannot_be_checked(operator: str) -> None:
    with pytest.raises(InputError) as info:
        parse_criteria("(Created_Time:%s:2024-01-01T00:00:00+00:00)" % operator)
    assert str(info.value) == ("criteria: operator %s cannot be checked on the records Bigin returns; %s"
                               % (operator, SUPPORTED))


def test_at_most_ten_conditions() -> None:
    conditions = ["(F%d:equals:x)" % number for number in range(MAX_CONDITIONS)]
    assert len(parse_criteria("or".join(conditions)).conditions) == MAX_CONDITIONS
    with pytest.raises(InputError, match=r"^criteria: more than 10 conditions; Bigin's search takes at most 10$"):
        parse_criteria("or".join(conditions + ["(G:equals:y)"]))


def test_length_bound() -> None:
    text = "(Last_Name:equals:%s)" % ("x" * (MAX_CHARS - 18))
    assert len(text) == MAX_CHARS + 1
    with pytest.raises(InputError, match=r"^criteria: 4001 characters; at most 4000$"):
        parse_criteria(text)
    parse_criteria(text[:-2] + ")")


def test_depth_bound() -> None:
    parse_criteria("(" * MAX_DEPTH + "A:equals:1" + ")" * MAX_DEPTH)
    with pytest.raises(InputError, match="is nested more than 20 levels deep"):
        parse_criteria("(" * (MAX_DEPTH + 1) + "A:equals:1" + ")" * (MAX_DEPTH + 1))
    # Far deeper than Python's recursion limit: still a clean InputError.
    with pytest.raises(InputError, match="nested more than"):
        parse_criteria("(" * 1900 + "A:equals:1" + ")" * 1900)


# -- matching ------------------------------------------------------------------------------------


@pytest.mark.parametrize("last_name, equals, starts_with", [
    ("Smith", True, True),
    ("smith", True, True),
    ("SMITH", True, True),
    (" Smith ", True, True),
    ("Smithson", False, True),
    ("Anna Smith Jones", False, False),
    ("Smith Ltd", False, True),
    ("Smit", False, False),
    ("", False, False),
    (None, False, False),
])
def test_text_operators(last_name: object, equals: bool, starts_with: bool) -> None:
    assert matches("(Last_Name:equals:Smith)", Last_Name=last_name) is equals
    assert matches("(Last_Name:not_equal:Smith)", Last_Name=last_name) is not equals
    assert matches("(Last_Name:in:Jones,Smith)", Last_Name=last_name) is equals
    assert matches("(Last_Name:starts_with:smith)", Last_Name=last_name) is starts_with


def test_missing_field_equals_nothing() -> None:
    assert matches("(Last_Name:equals:Smith)", First_Name="Smith") is False
    assert matches("(Last_Name:not_equal:Smith)", First_Name="Smith") is True
    assert matches("(Last_Name:in:Smith,Jones)") is False
    assert matches("(Last_Name:starts_with:S)") is False


def test_field_name_case_of_the_answer() -> None:
    assert matches("(last_name:equals:Smith)", Last_Name="Smith") is True


def test_unicode_case_and_normalisation() -> None:
    assert matches("(Last_Name:equals:STRASSE)", Last_Name="Straße") is True
    # "é" composed in the criteria, decomposed in the record.
    assert matches("(Last_Name:equals:Mus\u00e9e)", Last_Name="Muse\u0301e") is True


def test_escaped_value_matches_its_unescaped_text() -> None:
    criteria = r"(Account_Name:equals:Acme \(UK\)\, Ltd)"
    assert matches(criteria, Account_Name="Acme (UK), Ltd") is True
    assert matches(criteria, Account_Name="Acme \\(UK\\)\\, Ltd") is False
    assert matches(criteria, Account_Name="Acme (UK)") is False


def test_in_list_with_escaped_comma() -> None:
    criteria = r"(Last_Name:in:Jones\, Jr,Smith)"
    assert matches(criteria, Last_Name="Jones, Jr") is True
    assert matches(criteria, Last_Name="Jones") is False
    assert matches(criteria, Last_Name="Jr") is False
    assert matches(criteria, Last_Name="smith") is True


@pytest.mark.parametrize("criteria, expected", [
    ("(Account_Name:equals:Zylker)", True),
    ("(Account_Name:equals:zylker)", True),
    ("(Account_Name:equals:3652397000000190088)", True),
    ("(Account_Name:equals:Zylk)", False),
    ("(Account_Name:equals:3652397000000190089)", False),
    ("(Account_Name:not_equal:Zylker)", False),
    ("(Account_Name:not_equal:Acme)", True),
    ("(Account_Name:in:Acme,3652397000000190088)", True),
    ("(Account_Name:starts_with:Zyl)", True),
])
def test_lookup_by_id_or_name(criteria: str, expected: bool) -> None:
    assert matches(criteria, Account_Name={"name": "Zylker", "id": "3652397000000190088"}) is expected


def test_lookup_with_a_numeric_id_and_no_name() -> None:
    assert matches("(Owner:equals:554023000000235011)", Owner={"id": 554023000000235011}) is True
    assert matches("(Owner:equals:Patricia)", Owner={"id": 554023000000235011}) is False


@pytest.mark.parametrize("criteria, expected", [
    ("(Tags:equals:VIP)", True),
    ("(Tags:equals:vip)", True),
    ("(Tags:equals:VI)", False),
    ("(Tags:not_equal:VIP)", False),
    ("(Tags:not_equal:Bronze)", True),
    ("(Tags:in:Bronze,Gold)", True),
    ("(Tags:in:Bronze,Silver)", False),
    ("(Tags:starts_with:Go)", True),
])
def test_multi_select_list(criteria: str, expected: bool) -> None:
    assert matches(criteria, Tags=["VIP", "Gold"]) is expected


def test_empty_list_and_list_of_lookups() -> None:
    assert matches("(Tags:equals:VIP)", Tags=[]) is False
    assert matches("(Tags:not_equal:VIP)", Tags=[]) is True
    users = [{"name": "Patricia Boyle", "id": "1"}, {"name": "Kate", "id": "2"}]
    assert matches("(Users:equals:kate)", Users=users) is True
    assert matches("(Users:equals:2)", Users=users) is True
    assert matches("(Users:equals:3)", Users=users) is False


@pytest.mark.parametrize("value, criteria, expected", [
    (5, "(Quantity:equals:5)", True),
    (5, "(Quantity:equals:5.0)", True),
    (5.0, "(Quantity:equals:5)", True),
    (5.5, "(Quantity:equals:5.50)", True),
    (0.1, "(Quantity:equals:0.1)", True),
    (5, "(Quantity:equals:6)", False),
    (50, "(Quantity:equals:5)", False),
    (5, "(Quantity:not_equal:5.0)", False),
    (5, "(Quantity:in:4,5,6)", True),
    (5, "(Quantity:equals:five)", False),
    (12345, "(Quantity:starts_with:123)", True),
    (1e20, "(Quantity:equals:100000000000000000000)", True),
    ("5", "(Quantity:equals:5)", True),
    ("5.0", "(Quantity:equals:5)", False),  # a text field compares as text
])
def test_numbers(value: object, criteria: str, expected: bool) -> None:
    assert matches(criteria, Quantity=value) is expected


@pytest.mark.parametrize("value, criteria, expected", [
    (True, "(Email_Opt_Out:equals:true)", True),
    (True, "(Email_Opt_Out:equals:TRUE)", True),
    (True, "(Email_Opt_Out:equals:false)", False),
    (False, "(Email_Opt_Out:equals:false)", True),
    (False, "(Email_Opt_Out:not_equal:true)", True),
    (True, "(Email_Opt_Out:equals:1)", False),
])
def test_booleans(value: bool, criteria: str, expected: bool) -> None:
    assert matches(criteria, Email_Opt_Out=value) is expected


def test_and_or() -> None:
    criteria = parse_criteria("((Last_Name:equals:Smith)and(First_Name:starts_with:A))or(Email:equals:x@y.z)")
    assert criteria.matches({"Last_Name": "Smith", "First_Name": "Anna"}) is True
    assert criteria.matches({"Last_Name": "Smith", "First_Name": "Bob"}) is False
    assert criteria.matches({"Last_Name": "Smithson", "First_Name": "Anna"}) is False
    assert criteria.matches({"Last_Name": "Jones", "Email": "X@Y.Z"}) is True
    assert criteria.matches({}) is False


def test_unforeseen_value_types_equal_nothing() -> None:
    assert matches("(Data:equals:x)", Data={"other": "x"}) is False
    assert matches("(Data:equals:x)", Data=[["x"]]) is False
    assert matches("(Data:not_equal:x)", Data={"other": "x"}) is True


def test_non_finite_numbers() -> None:
    assert matches("(Quantity:equals:5)", Quantity=float("nan")) is False
    assert matches("(Quantity:not_equal:5)", Quantity=float("inf")) is True


@pytest.mark.parametrize("email, ends", [("ann@old.example", True), ("ANN@OLD.EXAMPLE", True),
                                         ("ann@old.example.com", False), (None, False)])
def test_ends_with_is_a_suffix(email: object, ends: bool) -> None:
    assert matches("(Email:ends_with:old.example)", Email=email) is ends
