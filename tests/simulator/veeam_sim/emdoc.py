"""Enterprise Manager documents: one tree, rendered as XML (the default) or JSON (Accept: application/json).

The JSON mapping follows what EM does: attributes and child elements become PascalCase keys, list containers
become arrays, there is no namespace, and typed values (bools, numbers) stay typed.
"""

import json
from xml.sax.saxutils import escape, quoteattr

NAMESPACE = "http://www.veeam.com/ent/v1.0"
XML_TYPE = "application/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"


class Node:
    """One XML element. `as_list`: a container whose children become a JSON array under its name;
    `json_items`: a root whose children become a JSON array under that key (EntityReferences -> Refs)."""

    __slots__ = ("name", "attrs", "children", "text", "as_list", "json_items")

    def __init__(self, name, attrs=None, children=None, text=None, as_list=False, json_items=None):
        self.name = name
        self.attrs = attrs or {}
        self.children = children or []
        self.text = text
        self.as_list = as_list
        self.json_items = json_items


def leaf(name, value):
    return Node(name, text=value)


def links(items):
    """A <Links> container of <Link> elements from (rel, href, type, name) tuples (type/name may be None)."""
    return Node("Links", as_list=True, children=[
        Node("Link", {"Rel": rel, "Type": kind, "Name": name, "Href": href}) for rel, href, kind, name in items])


def _value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _xml(node, depth, namespace):
    pad = "  " * depth
    attrs = "".join(" %s=%s" % (key, quoteattr(_value(value))) for key, value in node.attrs.items() if value is not None)
    if namespace:
        attrs = " xmlns=%s%s" % (quoteattr(NAMESPACE), attrs)
    if node.children:
        inner = "".join(_xml(child, depth + 1, False) for child in node.children)
        return "%s<%s%s>\n%s%s</%s>\n" % (pad, node.name, attrs, inner, pad, node.name)
    if node.text is None:
        return "%s<%s%s />\n" % (pad, node.name, attrs)
    return "%s<%s%s>%s</%s>\n" % (pad, node.name, attrs, escape(_value(node.text)), node.name)


def to_xml(root):
    return '<?xml version="1.0" encoding="utf-8"?>\n' + _xml(root, 0, True)


def to_json_value(node):
    if node.json_items:
        return {node.json_items: [to_json_value(child) for child in node.children]}
    result = {key: value for key, value in node.attrs.items() if value is not None}
    for child in node.children:
        if child.as_list:
            result[child.name] = [to_json_value(item) for item in child.children]
        elif not child.attrs and not child.children:
            result[child.name] = child.text
        else:
            result[child.name] = to_json_value(child)
    if node.text is not None and (node.attrs or node.children):
        result["Value"] = node.text
    return result


def render(root, as_json):
    """(body bytes, content type) of a document in the negotiated format."""
    if as_json:
        return json.dumps(to_json_value(root)).encode("utf-8"), JSON_TYPE
    return to_xml(root).encode("utf-8"), XML_TYPE
