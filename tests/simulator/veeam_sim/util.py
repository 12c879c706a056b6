"""Small helpers shared by both APIs: clocks, ids, timestamps and request-path templates."""

import datetime
import re
import time
import uuid

GUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
TASK_RE = re.compile(r"task-\d+")
# Stable ids: the same scenario always yields the same job ids, so logs and demos are reproducible.
ID_NAMESPACE = uuid.UUID("5b1d7a8e-4c3f-4e2a-9a77-0c0ffee00001")


def monotonic():
    return time.monotonic()


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def iso(moment):
    """ISO 8601 in UTC with milliseconds and a Z, e.g. 2026-11-23T10:08:52.123Z (None stays None)."""
    if moment is None:
        return None
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


def stable_id(kind, name, index=0):
    """A uuid5 from the job's kind and name; `index` separates duplicates of one name."""
    seed = "%s:%s" % (kind, name) if not index else "%s:%s#%d" % (kind, name, index)
    return str(uuid.uuid5(ID_NAMESPACE, seed))


def new_id():
    return str(uuid.uuid4())


def is_guid(value):
    return bool(GUID_RE.fullmatch(value or ""))


def template(path):
    """The request path with GUIDs and task ids replaced by {id}: the key of the request counts."""
    return TASK_RE.sub("{id}", GUID_RE.sub("{id}", path))


def next_daily_run(hour, minute=0, now=None):
    """The next time of day hour:minute (UTC) after now: when a daily schedule would fire next."""
    now = now or utcnow()
    candidate = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if candidate <= now:
        candidate += datetime.timedelta(days=1)
    return candidate
