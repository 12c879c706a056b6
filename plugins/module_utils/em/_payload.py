# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Enterprise Manager payloads: pure functions from answer text to plain dicts, Jobs, sessions and tasks. Private.

Payloads arrive as XML (namespace http://www.veeam.com/ent/v1.0) or JSON. Both are brought to one plain
shape before anything reads them: attributes and child elements become keys without prefixes, so
`<Task Href="..."><TaskId>task-1</TaskId></Task>` and `{"Href": "...", "TaskId": "task-1"}` are the same dict.
Lists keep the one difference the two formats have (XML wraps items in a container element); `items()` hides it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import traceback

from ansible.module_utils.six.moves.urllib.parse import urlsplit

from ansible_collections.backupops.veeam.plugins.module_utils._model import Job

try:
    import xmltodict
    from xml.parsers.expat import ExpatError
except ImportError:
    HAS_XMLTODICT = False
    XMLTODICT_IMPORT_ERROR = traceback.format_exc()

    class ExpatError(Exception):
        """Placeholder so the module imports; the caller reports the missing library."""
else:
    HAS_XMLTODICT = True
    XMLTODICT_IMPORT_ERROR = None

NS = "http://www.veeam.com/ent/v1.0"


def plain(node):
    """An xmltodict tree in the JSON representation's shape: no '@' prefixes, no namespace declarations."""
    if isinstance(node, list):
        return [plain(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if key == "@xmlns" or key.startswith("@xmlns:"):
            continue
        if key.startswith("@"):
            # Namespaced attributes (xsi:nil) arrive as "<namespace URI>:<name>"; only the local name matters.
            key = key[1:].rsplit(":", 1)[-1]
        elif key == "#text":
            key = "Value"
        result[key] = plain(value)
    return result


def parse(text, content_type=""):
    """The body of an EM answer, XML or JSON, as a plain dict (the XML root element is unwrapped).

    Raises ValueError when the text is neither.
    """
    text = (text or "").strip()
    if not text:
        return {}
    if text[0] in "{[" or ("json" in content_type and text[0] != "<"):
        body = json.loads(text)
        return body if isinstance(body, dict) else {"Items": body}
    root = plain(list(_xml_tree(text, content_type).values())[0])
    return root if isinstance(root, dict) else {"Value": root}


def _xml_tree(text, content_type):
    """The xmltodict tree of an XML answer with one root element that is not an HTML page; ValueError otherwise."""
    if not HAS_XMLTODICT:
        raise ValueError("an XML answer, but the Python library xmltodict is missing")
    try:
        tree = xmltodict.parse(text, process_namespaces=True, namespaces={NS: None})
    except (ExpatError, ValueError) as exc:
        raise ValueError("not well-formed XML (%s)" % exc)
    if not isinstance(tree, dict) or len(tree) != 1:
        raise ValueError("XML without a single root element")
    if list(tree)[0].lower() == "html" or "html" in content_type:
        # Well-formed XHTML parses as XML too: a proxy's or IIS's page, not an EM answer.
        raise ValueError("an HTML page")
    return tree


def items(container, *names):
    """The list inside a container, whichever way the format wraps it.

    XML: {"Link": {...}} or {"Link": [...]}; JSON: [...] or, in some answers, {"Links": [...]};
    a single bare entity is a list of one. `names` are the item element names to look for.
    """
    if isinstance(container, list):
        return [item for item in container if item is not None]
    if not isinstance(container, dict):
        return []
    inner = _inner(container, names)
    if inner is not None:
        return items(inner, *names)
    return [container] if _looks_like_entity(container) else []


def _inner(container, names):
    """What a container element holds: the child named like an item, or the one child of a wrapper; None for an entity."""
    for name in names:
        if name in container:
            return container[name]
    if len(container) != 1 or _looks_like_entity(container):
        return None
    only = list(container.values())[0]
    return only if isinstance(only, (list, dict)) else None


def _looks_like_entity(value):
    return isinstance(value, dict) and any(key in value for key in ("UID", "Uid", "Href", "Name", "TaskId", "State"))


def as_bool(value):
    """A flag sent as a JSON bool, an XML string or (leniently) a number."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "yes")


def text(value):
    """Element text, whether the element carried attributes (XML {'Value': ...}) or not, or None."""
    if isinstance(value, dict):
        value = value.get("Value")
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value) if not isinstance(value, str) else value


def guid_of(uid):
    """The GUID of a Veeam UID (urn:veeam:<Type>:<guid>), or the value itself if it is no UID."""
    value = (uid or "").strip()
    return value.rsplit(":", 1)[-1] if value.lower().startswith("urn:veeam:") else value


def link(entity, rel):
    """Href of the entity's link with this Rel (case-insensitive), or None."""
    for candidate in items((entity or {}).get("Links"), "Link", "Links"):
        if isinstance(candidate, dict) and str(candidate.get("Rel") or "").lower() == rel.lower():
            return candidate.get("Href")
    return None


def paging(body):
    """(page number, pages count) of a query result; one page when the server sends no paging info."""
    info = body.get("PagingInfo") or {}
    try:
        return int(info.get("PageNum") or 1), int(info.get("PagesCount") or 1)
    except (TypeError, ValueError):
        return 1, 1


def entities(body, kind):
    """The entities of one type in a query result (format=Entities), e.g. kind='AgentBackupJob'."""
    found = body.get("Entities")
    if not isinstance(found, dict):
        return items(found, kind)
    plural = kind + "s"
    if plural in found:
        return items(found[plural], kind, plural)
    if kind in found:
        return items(found[kind], kind, plural)
    return []


def job_from_entity(entity):
    """A Job from an AgentBackupJob entity; running and last run come from sessions (see with_sessions)."""
    uid = entity.get("UID") or entity.get("Uid") or entity.get("Id") or ""
    return Job(
        id=guid_of(uid), name=entity.get("Name") or "", enabled=as_bool(entity.get("ScheduleEnabled")),
        running=False, last_run=None, last_result=None, next_run=text(entity.get("NextRun")),
        details=dict(uid=uid or None, platform=text(entity.get("Platform")), description=text(entity.get("Description")),
                     schedule_configured=as_bool(entity.get("ScheduleConfigured")) if entity.get("ScheduleConfigured") is not None else None))


def session_from_entity(entity):
    """A plain session dict from a BackupJobSession entity (both time field spellings EM uses)."""
    result = text(entity.get("Result"))
    return dict(
        id=guid_of(entity.get("UID") or entity.get("Uid") or entity.get("Id") or ""),
        job_id=guid_of(text(entity.get("JobUid")) or ""),
        job_name=text(entity.get("JobName")),
        state=text(entity.get("State")),
        result=None if result in (None, "None", "") else result,
        creation_time=text(entity.get("CreationTimeUTC")) or text(entity.get("CreationTime")),
        end_time=text(entity.get("EndTimeUTC")) or text(entity.get("EndTime")),
        href=entity.get("Href"),
    )


def repository_of(backup):
    """{id, name} of the repository a Backup entity (or reference) names, from its link Rel="Up" Type="RepositoryReference"
    (docs/em_rest/backups_id.md), or None. The id is the GUID the link's Href ends with (/api/repositories/<guid>)."""
    for candidate in items((backup or {}).get("Links"), "Link", "Links"):
        if not isinstance(candidate, dict) or str(candidate.get("Type") or "").lower() != "repositoryreference":
            continue
        if str(candidate.get("Rel") or "").lower() != "up" or not candidate.get("Href"):
            continue
        repository_id = urlsplit(candidate["Href"]).path.rstrip("/").rsplit("/", 1)[-1]
        return dict(id=guid_of(repository_id).lower(), name=candidate.get("Name"))
    return None


def repositories_of(backups):
    """The distinct repositories Backup entities name, ordered by name then id (the server's order would vary between runs;
    EM cannot tell which of a retargeted job's repositories is the current target, so no order could say it)."""
    found = {}
    for backup in backups:
        repository = repository_of(backup)
        if repository is not None:
            found.setdefault(repository["id"], repository)
    return sorted(found.values(), key=lambda repository: ((repository["name"] or "").lower(), repository["id"]))


def newest_first(sessions):
    return sorted(sessions, key=lambda session: session.get("creation_time") or "", reverse=True)


def newest_by_job(found):
    """Each job's newest session among BackupJobSession entities, keyed by the job's GUID in lower case."""
    newest = {}
    for session in newest_first([session_from_entity(entity) for entity in found]):
        newest.setdefault(session["job_id"].lower(), session)
    return newest


def task_from_body(body):
    """A plain task dict from a Task answer (the seed page's 202 and Finished examples, XML or JSON)."""
    result = body.get("Result")
    success = message = None
    if isinstance(result, dict):
        success = as_bool(result.get("Success")) if result.get("Success") is not None else None
        message = text(result.get("Message"))
    elif result is not None:
        message = text(result)
    return dict(id=text(body.get("TaskId")), state=text(body.get("State")), operation=text(body.get("Operation")),
                success=success, message=message, href=body.get("Href"), delete=link(body, "Delete"))


def path_of(url):
    """The path and query of an absolute URL, to send against our own base URL (EM may name itself by an internal host)."""
    parts = urlsplit(url)
    return parts.path.lstrip("/") + ("?" + parts.query if parts.query else "")
