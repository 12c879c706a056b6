# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Client of the Veeam Backup Enterprise Manager REST API (Veeam Agent jobs). Private to the collection.

Payloads arrive as XML (namespace http://www.veeam.com/ent/v1.0) or JSON. Both are brought to one plain
shape before anything reads them: attributes and child elements become keys without prefixes, so
`<Task Href="..."><TaskId>task-1</TaskId></Task>` and `{"Href": "...", "TaskId": "task-1"}` are the same dict.
Lists keep the one difference the two formats have (XML wraps items in a container element); `items()` hides it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time
import traceback

from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.six.moves.urllib.parse import urlsplit

from ansible_collections.backupops.veeam.plugins.module_utils._http import LoggedInClient, VeeamApiError, excerpt
from ansible_collections.backupops.veeam.plugins.module_utils._job_runner import Job
from ansible_collections.backupops.veeam.plugins.module_utils._options import http_client
from ansible_collections.backupops.veeam.plugins.module_utils._wait import WaitTimeout, format_seconds, wait_until

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
JOB_URN = "urn:veeam:AgentBackupJob:"
# The vendor pages print a backup session's JobUid with the generic job URN; older servers may use the agent one.
SESSION_JOB_URNS = ("urn:veeam:Job:", JOB_URN)
LOGON_PATH = "api/sessionMngr/"
SESSION_HEADER = "X-RestSvcSessionId"
# One page holds every agent job of all but the largest installations; paging covers the rest.
PAGE_SIZE = 1000
# The info module reads at most this many pages of the newest finished agent sessions to find each idle job's last run.
NEWEST_SESSION_PAGES = 3
# Sessions in any other state belong to a running job (Starting, Working, Stopping, Pausing, Resuming).
IDLE_SESSION_STATE = "Stopped"
TASK_DONE = "Finished"
# Not an EM state: a task the module can no longer read because the logon session it belonged to expired.
LOST = "Unknown"
LOGON_FAILED_STATUSES = (400, 401, 403)
ACTIONS = {"enable": "toggleScheduleEnabled", "disable": "toggleScheduleEnabled", "start": "start", "stop": "stop"}
CONTENT_TYPES = {"xml": "application/xml", "json": "application/json"}


# -- payloads -------------------------------------------------------------------


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
    root = plain(list(tree.values())[0])
    return root if isinstance(root, dict) else {"Value": root}


def items(container, *names):
    """The list inside a container, whichever way the format wraps it.

    XML: {"Link": {...}} or {"Link": [...]}; JSON: [...] or, in some answers, {"Links": [...]};
    a single bare entity is a list of one. `names` are the item element names to look for.
    """
    if container is None or container == "":
        return []
    if isinstance(container, list):
        return [item for item in container if item is not None]
    if not isinstance(container, dict):
        return []
    for name in names:
        if name in container:
            return items(container[name], *names)
    if len(container) == 1:
        only = list(container.values())[0]
        if isinstance(only, (list, dict)) and not _looks_like_entity(container):
            return items(only, *names)
    return [container] if _looks_like_entity(container) else []


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


# -- client ---------------------------------------------------------------------


class EmClient(LoggedInClient):
    """One logon session with one Enterprise Manager; logs on at first use, logs off on close()."""

    # After a toggle task is Finished, ScheduleEnabled may lag while EM collects data from the backup server
    # (assumed). Only after this long does a still-wrong flag count as changed by someone else and get corrected.
    settle_seconds = 15.0
    # Task ids die with the logon session; one new logon per run is all a lost task can be settled across.
    renewals_allowed = 1
    refused_again = "The server refused the logon session again right after a new logon: %s"

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.format = self.params["format"]
        if self.format == "xml" and not HAS_XMLTODICT:
            module.fail_json(msg=missing_required_lib("xmltodict", reason="to read XML answers; format: json works without it"),
                             exception=XMLTODICT_IMPORT_ERROR)
        super(EmClient, self).__init__(http_client(self.params, replayable_posts=(LOGON_PATH,), headers={"Accept": CONTENT_TYPES[self.format]}))
        self.server = self.http.base_url
        self.logoff_path = None
        # Sessions this run saw active, per job id: once one ends it stays the job's last run (see _remember).
        self.seen_runs = {}

    # -- logon session ------------------------------------------------------

    def login(self):
        # EM prefers its session cookie over the header: an ended session's cookie would refuse even this logon.
        self._forget_session()
        try:
            response = self.http.request("POST", LOGON_PATH + "?v=latest", expect=(200, 201),
                                         auth=(self.params["username"], self.params["password"]))
        except VeeamApiError as exc:
            self._explain_logon_failure(exc)
            raise
        token = response.headers.get(SESSION_HEADER)
        if not token:
            raise VeeamApiError("Logon answer carries no X-RestSvcSessionId header (is this a Veeam Backup Enterprise Manager server?).",
                                "POST", response.url, response.status_code)
        self.module.no_log_values.add(token)
        # Only the header carries the session, so that the next logon can replace it completely.
        self._forget_session()
        self.token = token
        self.http.session.headers[SESSION_HEADER] = token
        # A best guess until the body names the session: close() must have something to delete even if the body is unreadable.
        self.logoff_path = "api/logonSessions/%s" % token
        body = self._body(response, "LogonSession")
        session_id = text(body.get("SessionId"))
        if session_id:
            self.module.no_log_values.add(session_id)
        href = body.get("Href")
        # The logoff needs the logon session's own id, which is not always the header token.
        if href:
            self.logoff_path = path_of(href)
        elif session_id:
            self.logoff_path = "api/logonSessions/%s" % session_id

    def _forget_session(self):
        self.http.session.headers.pop(SESSION_HEADER, None)
        jar = self.http.session.cookies
        for cookie in [cookie for cookie in jar if cookie.name.lower() == SESSION_HEADER.lower()]:
            jar.clear(cookie.domain, cookie.path, cookie.name)

    def _explain_logon_failure(self, exc):
        if exc.status in LOGON_FAILED_STATUSES:
            exc.message = "Logon to %s as %r failed: %s" % (
                self.server, self.params["username"], exc.server_message or "wrong user name or password (HTTP %s)" % exc.status)
        elif exc.status == 404:
            exc.message = ("%s has no Enterprise Manager logon (/%s): check server and port (the Enterprise Manager "
                           "REST API listens on 9398 by default)." % (self.server, LOGON_PATH))

    def close(self):
        try:
            if self.token:
                self.http.request("DELETE", self.logoff_path, expect=(200, 204))
        except VeeamApiError as exc:
            self.module.warn("Logoff from %s failed: %s" % (self.server, exc))
        finally:
            self.token = None
            self.http.close()

    def _body(self, response, what):
        try:
            body = parse(response.text, response.headers.get("Content-Type", ""))
        except ValueError as exc:
            raise VeeamApiError(
                "Unreadable answer where a %s was expected (%s): %s; it starts %r (is this a Veeam Backup Enterprise Manager server?)"
                % (what, response.headers.get("Content-Type") or "no content type", exc, excerpt(response.text, 80)),
                response.request.method, response.url, response.status_code)
        return body

    def _get(self, path, what):
        return self._body(self.call("GET", path), what)

    def _query(self, kind, query_filter=None, extra="", page_size=PAGE_SIZE, enough=None, max_pages=None):
        """Entities of one type through the query service, page by page (one request per `page_size` entities).

        Stops early once `enough(found)` holds or after `max_pages` pages; returns (entities, whether pages were left unread).
        """
        found, page = [], 1
        while True:
            # Built by hand: requests' params= would percent-encode the filter's operators.
            path = "api/query?type=%s&format=Entities%s%s&pageSize=%d&page=%d" % (
                kind, "&filter=" + query_filter if query_filter else "", extra, page_size, page)
            body = self._get(path, "QueryResult")
            batch = entities(body, kind)
            found.extend(batch)
            number, count = paging(body)
            if not batch or number >= count or page >= count:
                return found, False
            if (enough is not None and enough(found)) or (max_pages is not None and page >= max_pages):
                return found, True
            page = max(page, number) + 1

    # -- jobs ---------------------------------------------------------------

    def read_jobs(self, last_runs=False):
        """Every agent job: one query for the jobs and one for the sessions that are not Stopped.

        With last_runs (the info module), idle jobs also get their newest finished session (see _with_last_runs).
        """
        jobs = [job_from_entity(entity) for entity in self._query("AgentBackupJob")[0]]
        active = [session_from_entity(entity) for entity in self._query("BackupJobSession", "State!=Stopped")[0]]
        jobs = [self._with_sessions(job, active) for job in jobs]
        return self._with_last_runs(jobs) if last_runs else jobs

    def _with_last_runs(self, jobs):
        """Fill each idle job's last run from one query of finished agent sessions, newest first.

        The pages are shared by all jobs, so the cost does not grow with them: it stops as soon as every idle job has
        its newest session, when the sessions run out, or after NEWEST_SESSION_PAGES pages, whichever comes first.
        """
        idle = set(job.id.lower() for job in jobs if not job.running and job.last_run is None)
        if not idle:
            return jobs
        found, cut = self._query("BackupJobSession", "JobType==AgentBackup;State==%s" % IDLE_SESSION_STATE, "&sortDesc=CreationTime",
                                 enough=lambda found: idle <= set(newest_by_job(found)), max_pages=NEWEST_SESSION_PAGES)
        newest = newest_by_job(found)
        missing = [job.name for job in jobs if job.id.lower() in idle and job.id.lower() not in newest]
        if cut and missing:
            self.module.warn("No last run found for %d job(s) among the newest %d finished agent sessions: %s." % (
                len(missing), NEWEST_SESSION_PAGES * PAGE_SIZE, ", ".join(missing)))
        return [self._last_run(job, newest.get(job.id.lower())) if job.id.lower() in idle else job for job in jobs]

    @staticmethod
    def _last_run(job, session):
        if session is None:
            return job
        return job._replace(last_run=session["creation_time"], last_result=session["result"])

    def _with_sessions(self, job, active):
        mine = newest_first([session for session in active if session["job_id"].lower() == job.id.lower()])
        if mine and mine[0]["state"] != IDLE_SESSION_STATE:
            self.seen_runs[job.id] = mine[0]
            return job._replace(running=True, last_run=mine[0]["creation_time"], last_result=mine[0]["result"])
        return self._remember(job)

    def _remember(self, job):
        """A run this module saw active and no longer sees: read its end once, so a started run can be seen to finish.

        The running query only returns active sessions; without this a job's last run would vanish the moment it ends.
        """
        seen = self.seen_runs.get(job.id)
        if seen is None:
            return job
        if seen["state"] != IDLE_SESSION_STATE and seen.get("href"):
            try:
                seen = session_from_entity(self._get(path_of(seen["href"]), "BackupJobSession"))
            except VeeamApiError:
                seen = dict(seen, state=IDLE_SESSION_STATE)
            if seen["state"] != IDLE_SESSION_STATE:
                # Ended in the query's eyes but not yet in the session's: it counts as ended, result unknown yet.
                seen = dict(seen, state=IDLE_SESSION_STATE, result=None)
            self.seen_runs[job.id] = seen
        return job._replace(last_run=seen["creation_time"], last_result=seen["result"])

    def read_sessions(self, job, limit):
        """The newest `limit` backup sessions of a job, newest first: one query, sorted and cut by the server."""
        # URN values are quoted as on the vendor pages; the server is trusted with the order but the result is re-checked.
        uids = ",".join('JobUid=="%s%s"' % (urn, job.id) for urn in SESSION_JOB_URNS)
        found, _cut = self._query("BackupJobSession", uids, "&sortDesc=CreationTime", page_size=limit, max_pages=1)
        sessions = [session_from_entity(entity) for entity in found]
        sessions = [session for session in sessions if session["job_id"].lower() == job.id.lower()]
        return [dict(id=session["id"], state=session["state"], result=session["result"], creation_time=session["creation_time"],
                     end_time=session["end_time"], details=None) for session in newest_first(sessions)[:limit]]

    # -- actions and tasks ----------------------------------------------------

    def send(self, job, action):
        """One POST without a body; the answer is a Task to settle. Never resent here: a toggle is a flip."""
        response = self.call("POST", "api/agents/jobs/%s?action=%s" % (job.id, ACTIONS[action]), expect=(200, 202))
        task = task_from_body(self._body(response, "Task"))
        if not task["id"] and not task["href"]:
            raise VeeamApiError("The answer to %s carries no task to follow." % action, "POST", response.url, response.status_code)
        return dict(job=job.name, job_id=job.id, before=job, action=action, task=task)

    def _poll(self, handle):
        task = handle["task"]
        path = path_of(task["href"]) if task.get("href") else "api/tasks/%s" % task["id"]
        try:
            fresh = task_from_body(self._get(path, "Task"))
        except VeeamApiError as exc:
            if exc.status == 404 and self.renewals:
                # Task ids belong to the logon session that expired; the job itself has to show the outcome.
                handle["lost"] = True
                handle["task"] = dict(task, state=LOST, message="lost with the expired logon session")
                return
            raise
        # A later answer may omit links the first one had.
        handle["task"] = dict(task, **dict((key, value) for key, value in fresh.items() if value is not None))

    def settle(self, handles, timeout, sleep):
        """Poll every unfinished task once per round until all are Finished or the deadline passes."""
        deadline = time.monotonic() + timeout
        pending = [handle for handle in handles if handle["task"]["state"] != TASK_DONE]

        def fetch():
            for handle in list(pending):
                self._poll(handle)
                if handle["task"]["state"] in (TASK_DONE, LOST):
                    pending.remove(handle)
            return pending

        def describe(unfinished):
            return ", ".join("%s %s" % (handle["task"]["id"], handle["task"]["state"]) for handle in unfinished)

        failures = []
        if pending:
            try:
                wait_until(fetch, lambda unfinished: not unfinished, "the tasks %s" % ", ".join(str(h["task"]["id"]) for h in pending),
                           timeout, sleep, describe=describe)
            except WaitTimeout:
                for handle in pending:
                    failures.append((handle, "Job %r: %s task %s (%s) did not finish within %s seconds; last state: %s.%s" % (
                        handle["job"], handle["action"], handle["task"]["id"], handle["task"]["operation"], format_seconds(timeout),
                        handle["task"]["state"], self._delete_task(handle))))
        lost = [handle for handle in handles if handle.get("lost")]
        if lost:
            failures.extend(self._settle_lost(lost, max(deadline - time.monotonic(), 0), sleep))
        for handle in handles:
            task = handle["task"]
            if task["state"] == TASK_DONE and task["success"] is False:
                failures.append((handle, "Job %r: %s task %s (%s) failed: %s" % (
                    handle["job"], handle["action"], task["id"], task["operation"], task["message"] or "the server gave no message")))
        return failures

    def _settle_lost(self, lost, timeout, sleep):
        """Wait for the jobs of tasks lost with an expired logon session to show their action's effect; never resend."""
        def fetch():
            return dict((job.id, job) for job in self.read_jobs())

        def shows(handle, current):
            job, before = current.get(handle["job_id"]), handle["before"]
            if job is None:
                return False
            return {"enable": job.enabled, "disable": not job.enabled, "stop": not job.running,
                    "start": job.running or job.last_run != before.last_run}[handle["action"]]

        try:
            wait_until(fetch, lambda current: all(shows(handle, current) for handle in lost),
                       "the jobs of the lost tasks", timeout, sleep)
        except WaitTimeout:
            return [(handle, "Job %r: %s task %s was lost with the expired logon session (task ids belong to it) and the job did not show "
                             "its effect within %s seconds; nothing was resent: run the module again to re-read and decide." % (
                                 handle["job"], handle["action"], handle["task"]["id"], format_seconds(timeout))) for handle in lost]
        return []

    def _delete_task(self, handle):
        target = handle["task"].get("delete")
        if not target:
            return ""
        try:
            self.call("DELETE", path_of(target), expect=(200, 202, 204))
        except VeeamApiError as exc:
            return " Deleting the task failed: %s." % exc
        return " The task was deleted."

    @staticmethod
    def describe(handle):
        task = handle["task"]
        return dict(task=dict((key, task[key]) for key in ("id", "operation", "state", "success", "message")))

    @staticmethod
    def normalize_id(value):
        """The GUID of a job id given bare or as any Veeam URN (urn:veeam:AgentBackupJob:<guid>, urn:veeam:Job:<guid>)."""
        return guid_of(value)
