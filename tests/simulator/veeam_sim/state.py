"""The simulated servers' state: configuration, scenarios, jobs, sessions, tokens, logon sessions and tasks.

Everything is kept in dicts keyed by id so that scenarios with thousands of jobs stay fast; time-driven changes
(a session ending, a task finishing) are applied lazily by ``tick()`` before each request is answered.
"""

import copy
import datetime
import itertools
import json
import os
from dataclasses import dataclass, field
from typing import Optional

import yaml

from .util import iso, new_id, next_daily_run, stable_id, utcnow
from . import vb365infra, vbrrev
from .vbrstate import VBR_REVISIONS, VbrScenarioError, VbrWorld, build_vbr

DEFAULT_SCENARIO = os.path.join(os.path.dirname(__file__), "scenarios", "default.yaml")

DEFAULT_CONFIG = {
    "vb365_run_seconds": 1.0,
    "vb365_stop_seconds": 0.2,
    "vb365_token_seconds": 3600,
    # How long a VB365 v8 proxy stays maintenanceModeState Enabling after POST .../maintenance/enable before it is Enabled.
    "vb365_maintenance_seconds": 0.3,
    "em_task_seconds": 0.2,
    "em_task_polls": None,
    "em_operation_finished": False,
    "em_run_seconds": 1.0,
    "em_stop_seconds": 0.2,
    "em_idle_seconds": 900,
    "em_flag_lag_seconds": 0,
    "rate_limit_per_second": None,
    "latency_seconds": 0,
    "vbr_run_seconds": 1.0,
    "vbr_stop_seconds": 0.2,
    # How long a VBR RepositoryMaintenance session (SOBR extent maintenance/sealed mode) works before it stops.
    "vbr_maintenance_seconds": 0.3,
    "vbr_token_seconds": 900,
    # The VBR release the server pretends to be, and the x-api-version values it accepts (that release's and older ones).
    "vbr_release": vbrrev.DEFAULT_RELEASE,
    "vbr_api_versions": vbrrev.served_by(vbrrev.DEFAULT_RELEASE),
}
# Which settings may be null, and which must be whole numbers.
NULLABLE_CONFIG = ("em_task_polls", "rate_limit_per_second")
INTEGER_CONFIG = ("em_task_polls",)
BOOLEAN_CONFIG = ("em_operation_finished",)
# Settings that are lists of strings, with the values they may contain; settings that are one of a few strings.
LIST_CONFIG = {"vbr_api_versions": VBR_REVISIONS}
CHOICE_CONFIG = {"vbr_release": vbrrev.RELEASE_NAMES}

VB365_STATUSES = ("Stopped", "Running", "Success", "Failed", "Warning", "NotConfigured", "Disconnected", "Queued")
EM_PLATFORMS = ("AgentForWindows", "AgentForLinux")
EM_RESULTS = ("Success", "Warning", "Failed", "None")
VB365_JOB_KEYS = {"name", "id", "enabled", "running", "lastStatus", "description", "backupType", "schedule",
                  "repositoryId", "repository", "organizationId"}
VB365_COPY_JOB_KEYS = {"name", "backupJob", "id", "enabled", "running", "lastStatus", "repositoryId", "repository"}
VB365_SECTION_KEYS = {"jobs", "copy_jobs"} | set(vb365infra.INFRA_KEYS)
# The two kinds of VB365 job: backup jobs (/vN/Jobs) and backup copy jobs (/vN/CopyJobs, from v6); sessions carry the kind as jobType.
BACKUP, COPY = "Backup", "Copy"
EM_JOB_KEYS = {"name", "id", "enabled", "running", "platform", "description", "lastResult", "repositories"}
SCENARIO_KEYS = {"vb365", "em", "vbr", "generate"}
GENERATE_KEYS = {"vb365_jobs", "vb365_copy_jobs", "em_jobs", "vbr_jobs", "enabled"}
# Fixed ids of the things every job belongs to (one organization, one repository, one backup server).
ORGANIZATION_ID = stable_id("organization", "backupops.onmicrosoft.com")
REPOSITORY_ID = stable_id("repository", "Object Storage Repository")
# Where backup copy jobs copy to by default (the documents: an archive-tier object storage repository).
COPY_REPOSITORY_ID = stable_id("repository", "Azure Archive Repository")
BACKUP_SERVER_ID = stable_id("backupserver", "vbr01")
EM_REPOSITORY_NAME = "Default Backup Repository"
EM_REPOSITORY_ID = stable_id("em-repository", EM_REPOSITORY_NAME)
# The one backup of a VM job EM also lists: the agent backup query must leave it out (its Platform is VMware).
EM_VM_BACKUP_JOB = "VM Backup Job"


class ScenarioError(ValueError):
    """A scenario or configuration value that cannot be used; the message says which and why."""


def validate_config(changes):
    """Check a partial configuration (from POST /_sim/config) and return it; raise ScenarioError if invalid."""
    if not isinstance(changes, dict):
        raise ScenarioError("config must be a JSON object")
    for key, value in changes.items():
        if key not in DEFAULT_CONFIG:
            raise ScenarioError("unknown config key %r (known: %s)" % (key, ", ".join(sorted(DEFAULT_CONFIG))))
        if value is None:
            if key not in NULLABLE_CONFIG:
                raise ScenarioError("config key %r must not be null" % key)
            continue
        if key in LIST_CONFIG:
            _check_list_config(key, value)
        elif key in CHOICE_CONFIG:
            if value not in CHOICE_CONFIG[key]:
                raise ScenarioError("config key %r must be one of %s" % (key, ", ".join(CHOICE_CONFIG[key])))
        elif key in BOOLEAN_CONFIG:
            if not isinstance(value, bool):
                raise ScenarioError("config key %r must be true or false" % key)
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ScenarioError("config key %r must be a number >= 0" % key)
        elif key in INTEGER_CONFIG and int(value) != value:
            raise ScenarioError("config key %r must be a whole number" % key)
    return _vbr_revisions(changes)


def _vbr_revisions(changes):
    """vbr_release sets vbr_api_versions to that release's revisions; an explicit vbr_api_versions (kept oldest first)
    leaves no release to name, so vbr_release becomes null."""
    if "vbr_release" in changes and "vbr_api_versions" in changes:
        raise ScenarioError("set either vbr_release or vbr_api_versions, not both")
    if "vbr_release" in changes:
        return dict(changes, vbr_api_versions=vbrrev.served_by(changes["vbr_release"]))
    if "vbr_api_versions" in changes:
        return dict(changes, vbr_api_versions=vbrrev.in_order(changes["vbr_api_versions"]), vbr_release=None)
    return changes


def _check_list_config(key, value):
    allowed = LIST_CONFIG[key]
    if not isinstance(value, list) or not value or any(item not in allowed for item in value):
        raise ScenarioError("config key %r must be a non-empty list of %s" % (key, ", ".join(allowed)))


# -- VB365 -------------------------------------------------------------------------------------------


@dataclass
class Vb365Session:
    id: str
    job_id: str
    created: datetime.datetime
    status: str = "Running"
    end_time: Optional[datetime.datetime] = None
    details: Optional[str] = None
    full: bool = False
    # Monotonic deadlines; None = runs until stopped.
    started_at: float = 0.0
    end_at: Optional[float] = None
    stop_at: Optional[float] = None
    fail_message: Optional[str] = None
    stuck: bool = False
    # The kind of job that ran it (BACKUP or COPY): its jobType.
    job_type: str = BACKUP

    @property
    def running(self):
        return self.status == "Running"


@dataclass
class Vb365Job:
    id: str
    name: str
    enabled: bool = True
    description: str = ""
    last_status: Optional[str] = None
    last_run: Optional[datetime.datetime] = None
    last_backup: Optional[datetime.datetime] = None
    backup_type: str = "EntireOrganization"
    schedule: str = "Daily"
    repository_id: str = REPOSITORY_ID
    organization_id: str = ORGANIZATION_ID
    etag: int = 1
    daily_hour: int = 22
    sessions: list = field(default_factory=list)
    # The backup copy job made for this backup job, if any (a backup job has at most one).
    copy_job_id: Optional[str] = None
    # Not a field: the kind of job.
    kind = BACKUP

    @property
    def current(self):
        """The running session, if any."""
        return self.sessions[-1] if self.sessions and self.sessions[-1].running else None

    @property
    def next_run(self):
        # A backup copy job's Immediate schedule has no time of its own: it runs after each run of its backup job.
        if not self.enabled or self.schedule in ("ManualOnly", "Immediate"):
            return None
        return next_daily_run(self.daily_hour)


@dataclass
class Vb365CopyJob(Vb365Job):
    """A backup copy job: copies the restore points of its backup job to another repository."""

    backup_job_id: str = ""
    schedule: str = "Immediate"
    repository_id: str = COPY_REPOSITORY_ID
    kind = COPY


@dataclass
class Vb365Token:
    access: str
    refresh: str
    user: str
    expires_at: float
    expires: datetime.datetime
    issued: datetime.datetime
    antiforgery_required: bool = False


# -- Enterprise Manager --------------------------------------------------------------------------------


@dataclass
class EmSession:
    id: str
    job_id: str
    created: datetime.datetime
    state: str = "Working"
    result: str = "None"
    end_time: Optional[datetime.datetime] = None
    is_retry: bool = False
    started_at: float = 0.0
    starting_until: float = 0.0
    end_at: Optional[float] = None
    stop_at: Optional[float] = None

    @property
    def running(self):
        return self.state != "Stopped"


@dataclass
class EmBackup:
    """A backup EM lists (GET /api/query?type=Backup): it names its repository, never its job, in its body; only the
    query's JobUid filter ties it to a job (docs/em_rest/backups_id.md, get_query_backup.md)."""
    id: str
    name: str
    job_uid: str
    job_name: str
    repository_id: str
    platform: str
    backup_type: str
    parent_id: Optional[str] = None


@dataclass
class EmJob:
    id: str
    name: str
    enabled: bool = True
    platform: str = "AgentForWindows"
    description: str = ""
    daily_hour: int = 21
    sessions: list = field(default_factory=list)
    # The repositories the job's backups are on, oldest target first (a retargeted job has several); the last is where
    # its next run writes. Empty: the job has no backup yet.
    repositories: list = field(default_factory=list)
    # While ScheduleEnabled lags behind a finished toggle: the old value, shown until `stale_until` (monotonic).
    stale_value: Optional[bool] = None
    stale_until: float = 0.0

    @property
    def uid(self):
        return "urn:veeam:AgentBackupJob:" + self.id

    @property
    def current(self):
        return self.sessions[-1] if self.sessions and self.sessions[-1].running else None

    def shown_enabled(self, now):
        """ScheduleEnabled as the API reports it (it may lag behind a toggle, see em_flag_lag_seconds)."""
        if self.stale_value is not None and now < self.stale_until:
            return self.stale_value
        return self.enabled

    def next_run(self, now):
        return next_daily_run(self.daily_hour) if self.shown_enabled(now) else None


@dataclass
class EmLogon:
    id: str
    token: str
    user: str
    last_used: float


@dataclass
class EmTask:
    id: str
    owner: str
    operation: str
    action: str
    job_id: str
    created_at: float
    finish_at: Optional[float] = None
    polls_needed: Optional[int] = None
    polls: int = 0
    op_done: bool = False
    show_operation_finished: bool = False
    shown_operation_finished: bool = False
    success: Optional[bool] = None
    message: Optional[str] = None
    stuck: bool = False
    fail_message: Optional[str] = None

    def state(self):
        """The State without counting a poll (for /_sim/state)."""
        if not self.op_done:
            return "Running"
        if self.show_operation_finished and not self.shown_operation_finished:
            return "OperationFinished"
        return "Finished"


# -- scenarios ----------------------------------------------------------------------------------------


def load_scenario_file(path):
    """A scenario from a JSON or YAML file (YAML is a superset of JSON, but JSON errors read better)."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        data = json.loads(text) if path.endswith(".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise ScenarioError("cannot parse scenario %s: %s" % (path, exc)) from exc
    return data or {}


def default_scenario():
    return load_scenario_file(DEFAULT_SCENARIO)


def _check_keys(kind, item, allowed):
    if not isinstance(item, dict):
        raise ScenarioError("%s must be an object, got %r" % (kind, item))
    unknown = set(item) - allowed
    if unknown:
        raise ScenarioError("%s has unknown keys %s (allowed: %s)" % (kind, sorted(unknown), ", ".join(sorted(allowed))))


def _jobs_section(scenario, api, key="jobs"):
    section = scenario.get(api) or {}
    if not isinstance(section, dict) or not isinstance(section.get(key, []), list):
        raise ScenarioError("%s must be an object with a list '%s'" % (api, key))
    return list(section.get(key) or [])


def build_world(scenario, clock):
    """A fresh World from a scenario object (see CONTRACT.md); raises ScenarioError on invalid input."""
    scenario = copy.deepcopy(scenario if scenario is not None else default_scenario())
    if not isinstance(scenario, dict):
        raise ScenarioError("a scenario must be an object")
    _check_keys("scenario", scenario, SCENARIO_KEYS)
    generate = scenario.get("generate") or {}
    _check_keys("generate", generate, GENERATE_KEYS)
    enabled = bool(generate.get("enabled", True))
    world = World()
    _build_vb365(world, scenario, generate, enabled, clock)
    em_jobs = _jobs_section(scenario, "em")
    for number in range(1, int(generate.get("em_jobs") or 0) + 1):
        em_jobs.append({"name": "Agent Job %04d" % number, "enabled": enabled, "platform": EM_PLATFORMS[number % 2]})
    seen = {}
    for item in em_jobs:
        _check_keys("em job", item, EM_JOB_KEYS)
        world.add_em_job(_em_job(item, seen), running=bool(item.get("running")), last_result=item.get("lastResult", "Success"),
                         clock=clock)
    world.add_em_vm_backup()
    try:
        world.vbr = build_vbr(scenario.get("vbr"), generate.get("vbr_jobs"), enabled, clock)
    except VbrScenarioError as exc:
        raise ScenarioError(str(exc)) from exc
    return world


def _job_id(kind, item, seen):
    name = item.get("name")
    if not isinstance(name, str) or not name:
        raise ScenarioError("every job needs a non-empty name: %r" % (item,))
    if item.get("id"):
        return str(item["id"]).lower()
    index = seen.get(name, 0)
    seen[name] = index + 1
    return stable_id(kind, name, index)


def _build_vb365(world, scenario, generate, enabled, clock):
    """The VB365 infrastructure (vb365infra), the backup jobs (the scenario's, then the generated ones), then the backup copy jobs
    (likewise)."""
    items = _jobs_section(scenario, "vb365")
    _check_keys("vb365", scenario.get("vb365") or {}, VB365_SECTION_KEYS)
    try:
        world.vb365_infra = vb365infra.build(scenario.get("vb365") or {})
    except vb365infra.InfraScenarioError as exc:
        raise ScenarioError(str(exc)) from exc
    pick = _RepositoryPicker(world.vb365_infra, vb365infra.declares_repositories(scenario.get("vb365")))
    generated = [{"name": "VB365 Job %04d" % number, "enabled": enabled, "lastStatus": "Success"}
                 for number in range(1, int(generate.get("vb365_jobs") or 0) + 1)]
    seen, jobs, by_name = {}, [], {}
    for item in items + generated:
        _check_keys("vb365 job", item, VB365_JOB_KEYS)
        jobs.append(_vb365_job(item, seen, pick))
        by_name.setdefault(jobs[-1].name, []).append(jobs[-1])
        world.add_vb365_job(jobs[-1], running=bool(item.get("running")), clock=clock)
    copies = [(item, _backup_job_of(item, by_name)) for item in _jobs_section(scenario, "vb365", "copy_jobs")]
    # Generated copy jobs copy the first backup jobs, the generated ones first.
    first = jobs[len(items):] + jobs[:len(items)]
    copies += _generated_copies(first, _count(generate, "vb365_copy_jobs"), enabled)
    seen = {}
    for item, backup in copies:
        world.add_vb365_job(_vb365_copy_job(item, backup, seen, world, pick), running=bool(item.get("running")), clock=clock)


class _RepositoryPicker:
    """A VB365 job's repository id: its `repository` (a repository's name) or `repositoryId`. When the scenario declares
    vb365.repositories, both must name one of them, and a job without either goes to the usual repository if declared, else
    to the first declared one (a copy job: the first long-term one, else the first)."""

    def __init__(self, infra, declared):
        self.infra = infra
        self.declared = declared

    def __call__(self, kind, item, default):
        if "repository" in item and "repositoryId" in item:
            raise ScenarioError("%s %r: give repository (a name) or repositoryId, not both" % (kind, item.get("name")))
        if "repository" in item:
            found = self.infra.by_name(self.infra.repositories, item["repository"])
            if found is None:
                raise ScenarioError("%s %r: repository %r names no VB365 repository (known: %s)"
                                    % (kind, item.get("name"), item["repository"], self._known()))
            return found.id
        if "repositoryId" in item:
            value = str(item["repositoryId"]).lower()
            if self.declared and value not in self.infra.repositories:
                raise ScenarioError("%s %r: repositoryId %s is none of vb365.repositories (known: %s)"
                                    % (kind, item.get("name"), value, self._known()))
            return value
        if not self.declared or default in self.infra.repositories or not self.infra.repositories:
            return default
        repositories = list(self.infra.repositories.values())
        preferred = [r for r in repositories if r.long_term] if default == COPY_REPOSITORY_ID else []
        return (preferred or repositories)[0].id

    def _known(self):
        return ", ".join("%s (%s)" % (r.name, r.id) for r in self.infra.repositories.values()) or "none"


def _backup_job_of(item, by_name):
    """The backup job a scenario's copy job names (its `backupJob`): exactly one job of the scenario must have that name."""
    _check_keys("vb365 copy job", item, VB365_COPY_JOB_KEYS)
    name = item.get("backupJob")
    if not isinstance(name, str) or not name:
        raise ScenarioError("vb365 copy job %r needs backupJob, the name of a VB365 job of the scenario" % (item.get("name"),))
    named = by_name.get(name, [])
    if len(named) != 1:
        raise ScenarioError("vb365 copy job %r: backupJob must name exactly one VB365 job of the scenario, and %r names %s"
                            % (item.get("name"), name, "%d" % len(named) if named else "none"))
    return named[0]


def _generated_copies(jobs, count, enabled):
    if count > len(jobs):
        raise ScenarioError("generate.vb365_copy_jobs is %d, but the scenario has only %d VB365 backup job(s) to copy"
                            % (count, len(jobs)))
    return [({"name": "%s Copy" % job.name, "enabled": enabled, "lastStatus": "Success"}, job) for job in jobs[:count]]


def _count(generate, key):
    value = generate.get(key) or 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ScenarioError("generate.%s must be a whole number >= 0" % key)
    return value


def _vb365_status(kind, item):
    status = item.get("lastStatus", "Success")
    if status is not None and status not in VB365_STATUSES:
        raise ScenarioError("%s %r: lastStatus must be one of %s" % (kind, item.get("name"), ", ".join(VB365_STATUSES)))
    return status


def _vb365_copy_job(item, backup, seen, world, pick):
    if backup.copy_job_id:
        raise ScenarioError("vb365 copy job %r: backup job %r already has a copy job, %r (a backup job has at most one)"
                            % (item.get("name"), backup.name, world.vb365_copy_jobs[backup.copy_job_id].name))
    job = Vb365CopyJob(id=_job_id("vb365-copy", item, seen), name=item["name"], enabled=bool(item.get("enabled", True)),
                       last_status=_vb365_status("vb365 copy job", item), backup_job_id=backup.id,
                       repository_id=pick("vb365 copy job", item, COPY_REPOSITORY_ID), organization_id=backup.organization_id)
    if world.vb365_job_any(job.id):
        raise ScenarioError("vb365 copy job %r: id %s is already another VB365 job's" % (job.name, job.id))
    return job


def _vb365_job(item, seen, pick):
    status = _vb365_status("vb365 job", item)
    job = Vb365Job(id=_job_id("vb365", item, seen), name=item["name"], enabled=bool(item.get("enabled", True)),
                   description=item.get("description", "Backup of %s" % item["name"]), last_status=status,
                   backup_type=item.get("backupType", "EntireOrganization"), schedule=item.get("schedule", "Daily"),
                   repository_id=pick("vb365 job", item, REPOSITORY_ID), organization_id=item.get("organizationId", ORGANIZATION_ID))
    job.daily_hour = 18 + len(job.name) % 6
    return job


def _em_job(item, seen):
    platform = item.get("platform", "AgentForWindows")
    if platform not in EM_PLATFORMS:
        raise ScenarioError("em job %r: platform must be one of %s" % (item.get("name"), ", ".join(EM_PLATFORMS)))
    if item.get("lastResult", "Success") not in EM_RESULTS:
        raise ScenarioError("em job %r: lastResult must be one of %s" % (item.get("name"), ", ".join(EM_RESULTS)))
    job = EmJob(id=_job_id("em", item, seen), name=item["name"], enabled=bool(item.get("enabled", True)), platform=platform,
                description=item.get("description", "Veeam Agent backup of %s" % item["name"]), repositories=_em_repositories(item))
    job.daily_hour = 19 + len(job.name) % 5
    return job


def _em_repositories(item):
    """The repositories an em job's backups are on: the scenario's `repositories` (names), or by default the default
    repository for a job that has run and none for one that never did (lastResult: None)."""
    if "repositories" not in item:
        return [EM_REPOSITORY_NAME] if item.get("lastResult", "Success") != "None" else []
    names = item["repositories"]
    if not isinstance(names, list) or any(not isinstance(name, str) or not name for name in names) or len(set(names)) != len(names):
        raise ScenarioError("em job %r: repositories must be a list of distinct repository names" % (item.get("name"),))
    return list(names)


class World:
    """Jobs and sessions of both APIs plus the authentication objects; reset as a whole."""

    def __init__(self):
        self.vb365_jobs = {}
        self.vb365_copy_jobs = {}
        self.vb365_sessions = {}
        self.vb365_active = set()
        # Proxies, proxy pools and repositories of the VB365 server (vb365infra).
        self.vb365_infra = vb365infra.Infrastructure()
        self.tokens = {}
        self.refresh_tokens = {}
        self.em_jobs = {}
        self.em_sessions = {}
        self.em_active = set()
        self.em_backups = {}
        self.em_repositories = {EM_REPOSITORY_ID: EM_REPOSITORY_NAME}
        self.logons = {}
        self.logon_tokens = {}
        self.tasks = {}
        self.pending_tasks = set()
        self.task_counter = 0
        self.vbr = VbrWorld()

    def vb365_table(self, kind):
        """The jobs of one kind, by id."""
        return self.vb365_copy_jobs if kind == COPY else self.vb365_jobs

    def vb365_job_any(self, job_id):
        """The backup job or backup copy job with this id (lower case), or None."""
        return self.vb365_jobs.get(job_id) or self.vb365_copy_jobs.get(job_id)

    def find_vb365_job(self, ref):
        """A VB365 job of either kind by id, else by name (backup jobs first), or None."""
        return self.vb365_job_any(ref.lower()) or next(
            (job for job in itertools.chain(self.vb365_jobs.values(), self.vb365_copy_jobs.values()) if job.name == ref), None)

    def add_vb365_job(self, job, running, clock):
        """A backup job or a backup copy job (whose backup job is already there), with its scenario history."""
        self.vb365_table(job.kind)[job.id] = job
        if job.kind == COPY:
            self.vb365_jobs[job.backup_job_id].copy_job_id = job.id
        now = utcnow()
        if job.last_status not in (None, "NotConfigured", "Running", "Queued"):
            # One finished run yesterday, so that the job has a history and lastRun/lastBackup make sense.
            created = now - datetime.timedelta(days=1)
            ended = created + datetime.timedelta(minutes=12)
            self._add_vb365_session(job, created=created, status=job.last_status, end_time=ended)
            job.last_run = created
            job.last_backup = ended if job.last_status in ("Success", "Warning") else None
        if running or job.last_status in ("Running", "Queued"):
            # Running in the scenario: runs until it is stopped, whatever vb365_run_seconds says.
            session = self._add_vb365_session(job, created=now - datetime.timedelta(minutes=3), started_at=clock)
            job.last_status = "Running"
            job.last_run = session.created
            self.vb365_active.add(job.id)

    def _add_vb365_session(self, job, **values):
        session = Vb365Session(id=new_id(), job_id=job.id, job_type=job.kind, **values)
        job.sessions.append(session)
        self.vb365_sessions[session.id] = session
        return session

    def start_vb365_session(self, job, clock, run_seconds, full=False):
        session = self._add_vb365_session(job, created=utcnow(), started_at=clock, end_at=clock + run_seconds, full=full)
        job.last_status = "Running"
        job.last_run = session.created
        self.vb365_active.add(job.id)
        return session

    def add_em_job(self, job, running, last_result, clock):
        self.em_jobs[job.id] = job
        for name in job.repositories:
            self.add_em_job_backup(job, name)
        now = utcnow()
        if last_result and last_result != "None":
            created = now - datetime.timedelta(days=1)
            past = EmSession(id=new_id(), job_id=job.id, created=created, state="Stopped", result=last_result,
                             end_time=created + datetime.timedelta(minutes=25))
            self._add_em_session(job, past)
        if running:
            session = EmSession(id=new_id(), job_id=job.id, created=now - datetime.timedelta(minutes=4), started_at=clock)
            self._add_em_session(job, session)
            self.em_active.add(job.id)

    def em_repository(self, name):
        """The id of the EM repository with this name, made on first use."""
        repository_id = stable_id("em-repository", name)
        self.em_repositories.setdefault(repository_id, name)
        return repository_id

    def add_em_job_backup(self, job, repository_name):
        """A managed agent job's backup on one repository: a ParentBackup named after the job and one ChildBackup per
        machine (one here), both with the job's generic URN as JobUid (as the vendor's query example shows)."""
        repository_id = self.em_repository(repository_name)
        parent = EmBackup(id=new_id(), name=job.name, job_uid="urn:veeam:Job:" + job.id, job_name=job.name,
                          repository_id=repository_id, platform=job.platform, backup_type="ParentBackup")
        child = EmBackup(id=new_id(), name="%s - %s.backupops.local" % (job.name, job.name.split()[0].lower()), job_uid=parent.job_uid,
                         job_name=job.name, repository_id=repository_id, platform=job.platform, backup_type="ChildBackup",
                         parent_id=parent.id)
        for backup in (parent, child):
            self.em_backups[backup.id] = backup
        if repository_name not in job.repositories:
            job.repositories.append(repository_name)

    def add_em_vm_backup(self):
        backup = EmBackup(id=stable_id("em-backup", EM_VM_BACKUP_JOB), name=EM_VM_BACKUP_JOB,
                          job_uid="urn:veeam:Job:" + stable_id("vbr-job", EM_VM_BACKUP_JOB), job_name=EM_VM_BACKUP_JOB,
                          repository_id=EM_REPOSITORY_ID, platform="VMware", backup_type="Standard")
        self.em_backups[backup.id] = backup

    def _add_em_session(self, job, session):
        job.sessions.append(session)
        self.em_sessions[session.id] = session

    def start_em_session(self, job, clock, run_seconds, is_retry=False):
        session = EmSession(id=new_id(), job_id=job.id, created=utcnow(), state="Starting", is_retry=is_retry, started_at=clock,
                            starting_until=clock + min(0.1, run_seconds / 5.0), end_at=clock + run_seconds)
        self._add_em_session(job, session)
        self.em_active.add(job.id)
        return session

    def delete_vb365_job(self, job_id):
        """Delete a job of either kind with its sessions; a backup job's copy job goes with it."""
        job = self.vb365_job_any(job_id)
        if job is None:
            return None
        del self.vb365_table(job.kind)[job_id]
        self.vb365_active.discard(job_id)
        for session in job.sessions:
            self.vb365_sessions.pop(session.id, None)
        if job.kind == COPY and job.backup_job_id in self.vb365_jobs:
            self.vb365_jobs[job.backup_job_id].copy_job_id = None
        elif job.kind == BACKUP and job.copy_job_id:
            self.delete_vb365_job(job.copy_job_id)
        return job

    def delete_em_job(self, job_id):
        job = self.em_jobs.pop(job_id, None)
        if job:
            self.em_active.discard(job_id)
            for session in job.sessions:
                self.em_sessions.pop(session.id, None)
        return job

    # -- the control API's view ------------------------------------------------------------------------

    def snapshot(self, now):
        return {
            "vb365": {"jobs": [_vb365_state(job) for job in self.vb365_jobs.values()],
                      "copy_jobs": [_vb365_state(job) for job in self.vb365_copy_jobs.values()],
                      "infrastructure": self.vb365_infra.snapshot()},
            "em": {"jobs": [_em_state(job, now, self) for job in self.em_jobs.values()],
                   "repositories": [{"id": key, "name": name} for key, name in self.em_repositories.items()],
                   "logon_sessions": len(self.logons),
                   "tasks": [_task_state(task) for task in self.tasks.values()]},
            "vbr": self.vbr.snapshot(now),
        }


def _vb365_state(job):
    entry = {"id": job.id, "name": job.name, "isEnabled": job.enabled, "lastStatus": job.last_status, "running": job.current is not None,
             "eTag": job.etag,
             "sessions": [{"id": s.id, "status": s.status, "creationTime": iso(s.created), "endTime": iso(s.end_time), "details": s.details}
                          for s in job.sessions]}
    if job.kind == COPY:
        entry["backupJobId"] = job.backup_job_id
    return entry


def _em_state(job, now, world):
    return {"uid": job.uid, "id": job.id, "name": job.name, "enabled": job.enabled, "shownEnabled": job.shown_enabled(now),
            "platform": job.platform, "running": job.current is not None, "repositories": list(job.repositories),
            "backups": [{"id": b.id, "name": b.name, "backupType": b.backup_type, "repositoryId": b.repository_id,
                         "repositoryName": world.em_repositories[b.repository_id]}
                        for b in world.em_backups.values() if b.job_uid == "urn:veeam:Job:" + job.id],
            "sessions": [{"id": s.id, "state": s.state, "result": s.result, "creationTime": iso(s.created), "endTime": iso(s.end_time),
                          "isRetry": s.is_retry} for s in job.sessions]}


def _task_state(task):
    return {"id": task.id, "operation": task.operation, "action": task.action, "jobId": task.job_id, "state": task.state(),
            "success": task.success, "message": task.message, "polls": task.polls, "logonSession": task.owner}
