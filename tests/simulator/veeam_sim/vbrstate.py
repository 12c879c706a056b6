"""Veeam Backup & Replication (VBR REST API) state: jobs of several types, their sessions and OAuth2 tokens.

Kept apart from state.py so that the VBR simulation can grow without touching the other APIs; state.py builds it
from the scenario's `vbr` section (and `generate.vbr_jobs`) and shows it in /_sim/state.
"""

import datetime
from dataclasses import dataclass, field
from typing import Optional

from . import vbrinfra, vbrrev
from .util import iso, new_id, next_daily_run, stable_id, utcnow

VBR_REVISIONS = vbrrev.REVISIONS
# Job types the simulator can render (1.3-rev2 names; vbrdoc.KINDS says how each revision shows them). The last five are
# listed only by GET /api/v1/jobs/states (their EJobType has no JobModel in the documents' discriminator mapping): jobs, a
# job by id and the actions treat them as unknown ids.
VBR_TYPES = ("VSphereBackup", "HyperVBackup", "BackupCopy", "WindowsAgentBackup", "LinuxAgentBackup", "LegacyBackupCopy",
             "CloudBackupAzure", "Unknown", "NutanixAHVBackupJob", "ProxmoxBackupJob")
VBR_STATES_ONLY = ("LegacyBackupCopy", "CloudBackupAzure", "Unknown", "NutanixAHVBackupJob", "ProxmoxBackupJob")
VBR_RESULTS = ("Success", "Warning", "Failed", "None")
VBR_SECTION_KEYS = {"jobs", "users", "omit_is_disabled"} | set(vbrinfra.INFRA_KEYS)
VBR_JOB_KEYS = {"name", "id", "type", "enabled", "running", "description", "lastResult", "highPriority", "objects", "runAfter", "sessionState",
                "repository", "proxies"}
# What a running job's session may be in (scenario `sessionState`): every ESessionState but Stopped.
VBR_LIVE_SESSION_STATES = tuple(state for state in vbrrev.SESSION_STATES if state != "Stopped")
VBR_USER_KEYS = {"name", "password", "role"}
VBR_REPOSITORY_ID = stable_id("vbr-repository", "Default Backup Repository")
VBR_REPOSITORY_NAME = "Default Backup Repository"


class VbrScenarioError(ValueError):
    """An invalid `vbr` scenario section (state.py turns it into a ScenarioError)."""


@dataclass
class VbrSession:
    id: str
    job_id: str
    name: str
    created: datetime.datetime
    state: str = "Starting"
    result: str = "None"
    message: str = ""
    canceled: bool = False
    end_time: Optional[datetime.datetime] = None
    active_full: bool = False
    progress: int = 0
    usn: int = 0
    # Monotonic deadlines; end_at None = runs until stopped.
    started_at: float = 0.0
    starting_until: float = 0.0
    end_at: Optional[float] = None
    stop_at: Optional[float] = None
    fail_message: Optional[str] = None
    stuck: bool = False
    # Whether the jobs chained after this one start when it ends: a scheduled run (a scenario's running session) starts them,
    # a REST start only with JobStartSpec.startChainedJobs, and a stop with JobStopSpec.cancelChainedJobs cancels them.
    start_chained: bool = False
    cancel_chained: bool = False

    @property
    def running(self):
        return self.state != "Stopped"


@dataclass
class VbrJob:
    id: str
    name: str
    type: str = "VSphereBackup"
    enabled: bool = True
    description: str = ""
    high_priority: bool = False
    # JobStateModel.objectsCount; a job without objects starts no session in 1.3-rev2 (204).
    objects: int = 1
    daily_hour: int = 22
    # The job this one runs after (scenario `runAfter`): its id and name, or None.
    run_after: Optional[str] = None
    run_after_name: Optional[str] = None
    sessions: list = field(default_factory=list)
    # Scenario `repository`: (id, name) of the repository or SOBR it writes to; None = the default repository (the backup copy
    # job: Offsite Repository). Scenario `proxies`: the ids of its backup proxies; empty = automatic selection.
    repository: Optional[tuple] = None
    proxy_ids: list = field(default_factory=list)

    @property
    def current(self):
        return self.sessions[-1] if self.sessions and self.sessions[-1].running else None

    @property
    def latest(self):
        return self.sessions[-1] if self.sessions else None

    @property
    def next_run(self):
        return next_daily_run(self.daily_hour) if self.enabled else None


@dataclass
class VbrToken:
    access: str
    refresh: str
    user: str
    expires_at: float
    issued: datetime.datetime
    expires: datetime.datetime
    # What the token may do (vbrrev.may); the command line's account is an administrator.
    role: str = vbrrev.ADMINISTRATOR


@dataclass
class VbrUser:
    """An account of the scenario's `vbr.users` (besides the command line's administrator)."""
    name: str
    password: str
    role: str


class VbrWorld:
    """Jobs, sessions, accounts and tokens of one backup server's REST API."""

    def __init__(self):
        self.jobs = {}
        self.sessions = {}
        self.active = set()
        self.users = {}
        self.tokens = {}
        self.refresh_tokens = {}
        # How many refresh_token grants succeeded: tests assert that a client renewed its token that way.
        self.refreshes = 0
        self.usn = 0
        # Scenario vbr.omit_is_disabled: JobModel leaves isDisabled out where the revision no longer requires it (1.3-rev2).
        self.omit_is_disabled = False
        # Repositories, SOBRs, proxies, the configuration backup and maintenance sessions (vbrinfra).
        self.infra = vbrinfra.Infrastructure()

    def next_usn(self):
        self.usn += 1
        return self.usn

    def add_job(self, job, running, last_result, clock, session_state="Working"):
        self.jobs[job.id] = job
        now = utcnow()
        if last_result and last_result != "None":
            created = now - datetime.timedelta(days=1)
            past = VbrSession(id=new_id(), job_id=job.id, name=job.name, created=created, state="Stopped", result=last_result,
                              message=_past_message(last_result), end_time=created + datetime.timedelta(minutes=18), progress=100,
                              usn=self.next_usn())
            self._add_session(job, past)
        if running:
            # Running in the scenario: works until it is stopped, whatever vbr_run_seconds says.
            session = VbrSession(id=new_id(), job_id=job.id, name=job.name, created=now - datetime.timedelta(minutes=5), state=session_state,
                                 progress=40, started_at=clock, usn=self.next_usn(), start_chained=True)
            self._add_session(job, session)
            self.active.add(job.id)

    def _add_session(self, job, session):
        job.sessions.append(session)
        self.sessions[session.id] = session

    def start_session(self, job, clock, run_seconds, active_full=False, start_chained=False):
        session = VbrSession(id=new_id(), job_id=job.id, name=job.name, created=utcnow(), active_full=active_full, started_at=clock,
                             starting_until=clock + min(0.1, run_seconds / 5.0), end_at=clock + run_seconds, usn=self.next_usn(),
                             start_chained=start_chained)
        self._add_session(job, session)
        self.active.add(job.id)
        return session

    def chained_after(self, job):
        """The jobs that run after this one (scenario `runAfter`), in scenario order."""
        return [other for other in self.jobs.values() if other.run_after == job.id]

    def delete_job(self, job_id):
        job = self.jobs.pop(job_id, None)
        if job:
            self.active.discard(job_id)
            for session in job.sessions:
                self.sessions.pop(session.id, None)
        return job

    def snapshot(self, now):
        """The control API's view; `tokens` counts access tokens that still work, `refreshes` the refresh_token grants."""
        return {"jobs": [_job_state(job) for job in self.jobs.values()],
                "tokens": sum(1 for token in self.tokens.values() if token.expires_at > now), "refreshes": self.refreshes,
                "infrastructure": self.infra.snapshot()}


def _past_message(result):
    return {"Success": "", "Warning": "1 of 3 VMs processed with warnings.", "Failed": "Error: Unable to connect to the host."}.get(result, "")


def _job_state(job):
    return {"id": job.id, "name": job.name, "type": job.type, "enabled": job.enabled, "running": job.current is not None,
            "objects": job.objects, "lastResult": job.latest.result if job.latest else "None", "runAfter": job.run_after,
            "sessions": [{"id": s.id, "state": s.state, "result": s.result, "message": s.message, "isCanceled": s.canceled,
                          "activeFull": s.active_full, "creationTime": iso(s.created), "endTime": iso(s.end_time)} for s in job.sessions]}


def _job(item, seen):
    if not isinstance(item, dict):
        raise VbrScenarioError("vbr job must be an object, got %r" % (item,))
    unknown = set(item) - VBR_JOB_KEYS
    if unknown:
        raise VbrScenarioError("vbr job has unknown keys %s (allowed: %s)" % (sorted(unknown), ", ".join(sorted(VBR_JOB_KEYS))))
    name = item.get("name")
    if not isinstance(name, str) or not name:
        raise VbrScenarioError("every job needs a non-empty name: %r" % (item,))
    if item.get("type", "VSphereBackup") not in VBR_TYPES:
        raise VbrScenarioError("vbr job %r: type must be one of %s" % (name, ", ".join(VBR_TYPES)))
    if item.get("sessionState", "Working") not in VBR_LIVE_SESSION_STATES or ("sessionState" in item and not item.get("running")):
        raise VbrScenarioError("vbr job %r: sessionState (of a running job's session) must be one of %s" % (name, ", ".join(VBR_LIVE_SESSION_STATES)))
    if item.get("lastResult", "Success") not in VBR_RESULTS:
        raise VbrScenarioError("vbr job %r: lastResult must be one of %s" % (name, ", ".join(VBR_RESULTS)))
    objects = item.get("objects", 1)
    if isinstance(objects, bool) or not isinstance(objects, int) or objects < 0:
        raise VbrScenarioError("vbr job %r: objects must be a whole number >= 0" % name)
    index = seen.get(name, 0)
    seen[name] = index + 1
    job_id = str(item["id"]).lower() if item.get("id") else stable_id("vbr", name, index)
    job = VbrJob(id=job_id, name=name, type=item.get("type", "VSphereBackup"), enabled=bool(item.get("enabled", True)),
                 description=item.get("description", "Created by BACKUPOPS\\backupops for %s." % name),
                 high_priority=bool(item.get("highPriority", False)), objects=objects)
    job.daily_hour = 20 + len(name) % 4
    return job


def _user(item, users):
    if not isinstance(item, dict) or set(item) != VBR_USER_KEYS:
        raise VbrScenarioError("every vbr user must be an object with exactly the keys name, password and role: %r" % (item,))
    if not all(isinstance(item[key], str) and item[key] for key in VBR_USER_KEYS):
        raise VbrScenarioError("vbr user %r: name, password and role must be non-empty strings" % (item.get("name"),))
    if item["name"].lower() in users:
        raise VbrScenarioError("vbr user %r is listed twice (names are compared case-insensitively)" % item["name"])
    return VbrUser(name=item["name"], password=item["password"], role=vbrrev.role_name(item["role"]))


def _chain(jobs, items):
    """Set each job's run_after from its item's `runAfter` (the name of exactly one other job of the scenario); no loops."""
    by_name = {}
    for job in jobs:
        by_name.setdefault(job.name, []).append(job)
    for job, item in zip(jobs, items):
        parent = item.get("runAfter")
        if parent is None:
            continue
        if len(by_name.get(parent, [])) != 1 or parent == job.name:
            raise VbrScenarioError("vbr job %r: runAfter must name exactly one other job of the scenario, got %r" % (job.name, parent))
        job.run_after, job.run_after_name = by_name[parent][0].id, parent
    for job in jobs:
        seen, current = {job.id}, job
        while current.run_after:
            current = next(other for other in jobs if other.id == current.run_after)
            if current.id in seen:
                raise VbrScenarioError("vbr job %r: its runAfter chain is a loop" % job.name)
            seen.add(current.id)


def _infrastructure(infra, jobs, items):
    """Each job's `repository` (a repository or SOBR name) and `proxies` (proxy names) as ids of the scenario's infrastructure."""
    for job, item in zip(jobs, items):
        try:
            if item.get("repository") is not None:
                job.repository = infra.target(item["repository"])
            proxies = item.get("proxies") or []
            if not isinstance(proxies, list):
                raise vbrinfra.InfraScenarioError("vbr job %r: proxies must be a list of proxy names" % job.name)
            job.proxy_ids = infra.proxy_ids(proxies)
        except vbrinfra.InfraScenarioError as exc:
            raise VbrScenarioError(str(exc)) from exc


def build_vbr(section, generated, enabled, clock):
    """A VbrWorld from the scenario's `vbr` section plus `generated` VSphereBackup jobs ("VBR Job 0001"...)."""
    section = {} if section is None else section
    if not isinstance(section, dict) or not isinstance(section.get("jobs", []), list) or not isinstance(section.get("users", []), list):
        raise VbrScenarioError("vbr must be an object with a list 'jobs' (and optionally a list 'users')")
    unknown = set(section) - VBR_SECTION_KEYS
    if unknown:
        raise VbrScenarioError("vbr has unknown keys %s (allowed: %s)" % (sorted(unknown), ", ".join(sorted(VBR_SECTION_KEYS))))
    items = list(section.get("jobs") or [])
    items += [{"name": "VBR Job %04d" % number, "enabled": enabled} for number in range(1, int(generated or 0) + 1)]
    world = VbrWorld()
    for item in section.get("users") or []:
        user = _user(item, world.users)
        world.users[user.name.lower()] = user
    if not isinstance(section.get("omit_is_disabled", False), bool):
        raise VbrScenarioError("vbr.omit_is_disabled must be true or false")
    world.omit_is_disabled = section.get("omit_is_disabled", False)
    try:
        world.infra = vbrinfra.build(section)
    except vbrinfra.InfraScenarioError as exc:
        raise VbrScenarioError(str(exc)) from exc
    seen = {}
    jobs = [_job(item, seen) for item in items]
    _chain(jobs, items)
    _infrastructure(world.infra, jobs, items)
    for job, item in zip(jobs, items):
        world.add_job(job, running=bool(item.get("running")), last_result=item.get("lastResult", "Success"), clock=clock,
                      session_state=item.get("sessionState", "Working"))
    return world
