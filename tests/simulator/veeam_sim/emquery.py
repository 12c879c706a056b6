"""The Enterprise Manager query service's filter language: `Field==Value`, `Field!=Value` (also <, <=, >, >=),
`;` = AND, `,` = OR (AND binds tighter, as in FIQL), values optionally in double quotes."""

import re

OPERATORS = ("==", "!=", ">=", "<=", ">", "<")
TERM = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_.]*)\s*(==|!=|>=|<=|>|<)\s*(.*?)\s*$", re.S)


class FilterError(ValueError):
    """A filter the service cannot parse or apply; answered with 400."""


def _split(text):
    """[[term, ...], ...]: OR-groups of AND-terms, honouring double quotes."""
    groups, terms, current, quoted = [], [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        if not quoted and char in ",;":
            terms.append("".join(current))
            current = []
            if char == ",":
                groups.append(terms)
                terms = []
            continue
        current.append(char)
    if quoted:
        raise FilterError("unbalanced double quote in filter %r" % text)
    terms.append("".join(current))
    groups.append(terms)
    return groups


def parse_filter(text):
    """A parsed filter: a list of OR-groups, each a list of (field, operator, value) that must all hold."""
    parsed = []
    for terms in _split(text):
        group = []
        for term in terms:
            match = TERM.match(term)
            if not match:
                raise FilterError("cannot parse filter term %r (expected Field==Value)" % term)
            field, operator, value = match.groups()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            group.append((field.lower(), operator, value))
        parsed.append(group)
    return parsed


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def sort_key(value):
    """How the query service orders a field's values (sortAsc/sortDesc): as case-insensitive text, empty first."""
    return _text(value).lower()


def _equal(actual, wanted):
    actual, wanted = _text(actual).lower(), wanted.lower()
    # UIDs may be given bare (the GUID) or in full (urn:veeam:Type:GUID).
    if actual.startswith("urn:veeam:") and not wanted.startswith("urn:veeam:"):
        actual = actual.rsplit(":", 1)[-1]
    return actual == wanted


def _holds(fields, term, type_name):
    field, operator, wanted = term
    if field not in fields:
        raise FilterError("unknown field %r for type %s (known: %s)" % (field, type_name, ", ".join(sorted(fields))))
    actual = fields[field]
    if operator == "==":
        return _equal(actual, wanted)
    if operator == "!=":
        return not _equal(actual, wanted)
    left, right = _text(actual).lower(), wanted.lower()
    return {">": left > right, "<": left < right, ">=": left >= right, "<=": left <= right}[operator]


def matches(parsed, fields, type_name):
    """Whether an entity (its filterable fields, lower-case names) passes the filter."""
    return any(all(_holds(fields, term, type_name) for term in group) for group in parsed)
