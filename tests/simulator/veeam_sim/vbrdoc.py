"""VBR REST API documents: JobModel, JobStateModel and SessionModel as each revision spells them.

What differs between revisions is looked up in vbrrev (enum spelling, job and session type names, which fields exist);
what differs between job types is one row of KINDS here. Values a job or session does not have are left out, not null.
"""

from dataclasses import dataclass
from typing import Callable, Optional

from . import vbrrev
from .util import iso, stable_id
from .vbrstate import VBR_REPOSITORY_ID, VBR_REPOSITORY_NAME

# EJobType names of internal types in revisions that lack the internal name: a vSphere backup job is `Backup` up to 1.2-rev1.
ALIASES = {"VSphereBackup": "Backup"}
PROTECTION_GROUP_ID = stable_id("vbr-protection-group", "Managed Servers")
# Where the backup copy job copies to unless the scenario names its repository.
OFFSITE = (stable_id("vbr-repository", "Offsite Repository"), "Offsite Repository")


@dataclass(frozen=True)
class Kind:
    """How one internal job type is shown: its workload, its sessions and the JobModel details its mapped schema requires."""
    workload: str
    # ESessionType of its sessions, as (first revision, value) steps.
    session_types: tuple = ()
    # SessionModel.platformName (EPlatformType).
    platform: Optional[str] = None
    # The type-specific part of JobModel; None = listed only in job states (no JobModel, no actions, no sessions shown).
    details: Optional[Callable] = None
    # JobStateModel.backupCopyMode (EBackupCopyJobMode, from 1.3-rev0).
    copy_mode: Optional[str] = None


def _schedule(job):
    return {"runAutomatically": True,
            "daily": {"isEnabled": True, "localTime": "%02d:00" % job.daily_hour, "dailyKind": "Everyday"},
            "retry": {"isEnabled": True, "retryCount": 3, "awaitMinutes": 10}}


def _proxies(job, revision):
    """BackupProxiesSettingsModel: `autoSelection` in 1.1, `autoSelectEnabled` from 1.2; the scenario's proxies turn it off."""
    return {"autoSelectEnabled" if vbrrev.has(revision, "inventoryPlatform") else "autoSelection": not job.proxy_ids, "proxyIds": list(job.proxy_ids)}


def repository_of(job, default=(VBR_REPOSITORY_ID, VBR_REPOSITORY_NAME)):
    """(id, name) of the repository or SOBR the job writes to."""
    return job.repository or default


def _vm(job, revision, hyperv=False):
    """One included VM: InventoryObjectModel (platform VMware, from 1.3 VSphere/HyperV) or, in 1.1, VmwareObjectSizeModel."""
    host = "hv01.backupops.local" if hyperv else "vcenter01.backupops.local"
    name = job.name.lower().replace(" ", "-")[:15] + "-vm01"
    vm = {"type": "VirtualMachine", "hostName": host, "name": name, "objectId": stable_id("vbr-vm", job.name)}
    if not vbrrev.has(revision, "inventoryPlatform"):
        return {"inventoryObject": vm, "size": "48.2 GB"}
    platform = ("HyperV" if hyperv else "VSphere") if vbrrev.has(revision, "vSpherePlatform") else "VMware"
    return dict(vm, platform=platform, size="48.2 GB")


def _vm_job(job, revision):
    hyperv = job.type == "HyperVBackup"
    proxies = {"proxyType": vbrrev.spell("OnHost", revision)} if hyperv else _proxies(job, revision)
    return {"isHighPriority": job.high_priority, "virtualMachines": {"includes": [_vm(job, revision, hyperv)]},
            "storage": {"backupRepositoryId": repository_of(job)[0], "backupProxies": proxies,
                        "retentionPolicy": {"type": "RestorePoints", "quantity": 7}},
            "guestProcessing": {"appAwareProcessing": {"isEnabled": False}, "guestFSIndexing": {"isEnabled": False}},
            "schedule": _schedule(job)}


def _copy_job(job, _revision):
    source = stable_id("vbr", "VMware Production VMs")
    return {"mode": "Immediate", "sourceObjects": {"includes": {"jobs": [{"id": source, "name": "VMware Production VMs", "type": "VSphereBackup"}]}},
            "target": {"backupRepositoryId": repository_of(job, OFFSITE)[0]}}


def _agent_job(job, _revision):
    linux = job.type == "LinuxAgentBackup"
    computer = {"platform": "Agent", "id": stable_id("vbr-computer", job.name), "name": "%s01.backupops.local" % ("lnx" if linux else "win"),
                "type": "LinuxComputer" if linux else "WindowsComputer", "protectionGroupId": PROTECTION_GROUP_ID}
    return {"isHighPriority": job.high_priority, "agentType": "Server", "computers": [computer], "backupMode": "EntireComputer",
            "storage": {"backupRepositoryId": repository_of(job)[0], "retentionPolicy": {"type": "RestorePoints", "quantity": 14}},
            "schedule": _schedule(job)}


# Backup job sessions are `Job` in 1.1, `BackupJob` from 1.2; 1.3-rev0 has no `BackupCopyJob` yet (see README, VBR).
BACKUP_SESSIONS = (("1.1-rev0", "Job"), ("1.2-rev0", "BackupJob"))
KINDS = {
    "VSphereBackup": Kind("Vm", BACKUP_SESSIONS, "VMware", _vm_job),
    "HyperVBackup": Kind("Vm", BACKUP_SESSIONS, "HyperV", _vm_job),
    "BackupCopy": Kind("Vm", (("1.3-rev0", "BackupJob"), ("1.3-rev1", "BackupCopyJob")), "VMware", _copy_job, copy_mode="Immediate"),
    "WindowsAgentBackup": Kind("Server", (("1.3-rev0", "AgentBackup"),), "WindowsPhysical", _agent_job),
    "LinuxAgentBackup": Kind("Server", (("1.3-rev0", "AgentBackup"),), "LinuxPhysical", _agent_job),
    "LegacyBackupCopy": Kind("Vm", copy_mode="Periodic"),
    "CloudBackupAzure": Kind("CloudVm"),
    "Unknown": Kind("Vm"),
    # 1.3-rev2 adds these types to EJobType but no JobModel for them (its discriminator mapping): job states only.
    "NutanixAHVBackupJob": Kind("Vm"),
    "ProxmoxBackupJob": Kind("Vm"),
}


def type_name(job, revision, in_states=False):
    """The job's EJobType in this revision, or None when the revision cannot show the job (there).

    Jobs of states-only kinds exist only for job states; there a type the revision's EJobType lacks is shown as `Unknown`
    when the revision has that value, else the job is not listed (as any job a revision cannot name).
    """
    if KINDS[job.type].details is None and not in_states:
        return None
    known = vbrrev.members(vbrrev.JOB_TYPES, revision)
    for name in (job.type, ALIASES.get(job.type)):
        if name in known:
            return name
    return "Unknown" if in_states and "Unknown" in known else None


def session_type(job_type, revision):
    """ESessionType of the job's sessions in this revision."""
    return vbrrev.step(KINDS[job_type].session_types, revision)


def job_model(job, revision, omit_is_disabled=False):
    """JobModel (the type-specific model the discriminator `type` selects); without isDisabled where the scenario asks and
    the revision no longer requires it (1.3-rev2)."""
    body = {"id": job.id, "name": job.name, "type": type_name(job, revision), "isDisabled": not job.enabled,
            "description": job.description}
    if omit_is_disabled and vbrrev.has(revision, "isDisabledOptional"):
        del body["isDisabled"]
    body.update(KINDS[job.type].details(job, revision))
    return body


def job_status(job, revision):
    """EJobStatus: Disabled for a disabled job even while a session runs, else from the running session's state, else
    Inactive (see the README's assumptions); Starting/Stopping only where the revision's EJobStatus has them."""
    session = job.current
    if not job.enabled:
        status = "Disabled"
    elif session is None:
        status = "Inactive"
    else:
        status = session.state if session.state in ("Starting", "Stopping") else "Running"
        if status not in vbrrev.members(vbrrev.JOB_STATUSES, revision):
            status = "Running"
    return vbrrev.spell(status, revision)


def job_state(job, revision):
    """JobStateModel; values the job does not have (lastRun, nextRun, sessionId) are left out, not null."""
    latest = job.latest
    kind = KINDS[job.type]
    body = {"id": job.id, "name": job.name, "type": type_name(job, revision, in_states=True), "description": job.description,
            "status": job_status(job, revision), "lastResult": latest.result if latest else "None",
            "workload": vbrrev.spell(kind.workload, revision), "repositoryId": repository_of(job)[0],
            "repositoryName": repository_of(job)[1], "objectsCount": job.objects}
    if latest is not None:
        body["lastRun"] = iso(latest.created)
        body["sessionId"] = latest.id
    if job.next_run is not None:
        body["nextRun"] = iso(job.next_run)
    if job.run_after and vbrrev.has(revision, "runAfterJob"):
        body["runAfterJob"] = {"jobId": job.run_after, "jobName": job.run_after_name}
    if vbrrev.has(revision, "stateProgress"):
        body["highPriority"] = job.high_priority
        body["progressPercent"] = latest.progress if latest else 0
        if kind.copy_mode:
            body["backupCopyMode"] = kind.copy_mode
    return body


def session_state(session, revision):
    """ESessionState in this revision: a state the revision's enum lacks (ActionRequired before 1.3-rev2) shows as Working."""
    return session.state if session.state in vbrrev.members(vbrrev.SESSION_STATES, revision) else "Working"


def session_model(session, job_type, revision):
    """SessionModel; `endTime` is left out while the session runs (the schema does not allow null). 1.1 names the job
    `activityId` (its examples show the job's id there) and has no platformName."""
    body = {"id": session.id, "name": session.name, "sessionType": session_type(job_type, revision), "creationTime": iso(session.created),
            "state": session_state(session, revision), "progressPercent": session.progress,
            "result": {"result": session.result, "message": session.message, "isCanceled": session.canceled}, "usn": session.usn}
    if vbrrev.has(revision, "sessionJobId"):
        body.update(jobId=session.job_id, platformName=KINDS[job_type].platform)
    else:
        body["activityId"] = session.job_id
    if session.end_time is not None:
        body["endTime"] = iso(session.end_time)
    return body


def error(code, message, resource_id=None):
    body = {"errorCode": code, "message": message}
    if resource_id:
        body["resourceId"] = resource_id
    return body
