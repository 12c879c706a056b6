"""VBR REST API documents: JobModel, JobStateModel and SessionModel as each revision (1.2-rev1, 1.3-rev1) spells them.

The revisions differ in enum spelling (1.2-rev1 `running`/`vm`/`VMware`, 1.3-rev1 `Running`/`Vm`/`VSphere`) and in
job types: 1.2-rev1 only knows vSphere backup jobs (type `Backup`); the other types exist from 1.3-rev1.
"""

from .util import iso, stable_id
from .vbrstate import VBR_REPOSITORY_ID, VBR_REPOSITORY_NAME

OLD = "1.2-rev1"
# Job type as each revision names it (None: the revision has no such type, the job is not shown).
TYPE_NAMES = {
    "VSphereBackup": {OLD: "Backup", "1.3-rev1": "VSphereBackup"},
    "HyperVBackup": {"1.3-rev1": "HyperVBackup"},
    "BackupCopy": {"1.3-rev1": "BackupCopy"},
    "WindowsAgentBackup": {"1.3-rev1": "WindowsAgentBackup"},
    "LinuxAgentBackup": {"1.3-rev1": "LinuxAgentBackup"},
}
SESSION_TYPES = {"VSphereBackup": "BackupJob", "HyperVBackup": "BackupJob", "BackupCopy": "BackupCopyJob",
                 "WindowsAgentBackup": "AgentBackup", "LinuxAgentBackup": "AgentBackup"}
PLATFORMS = {"VSphereBackup": "VMware", "HyperVBackup": "HyperV", "BackupCopy": "VMware", "WindowsAgentBackup": "WindowsPhysical",
             "LinuxAgentBackup": "LinuxPhysical"}
WORKLOADS = {"VSphereBackup": "Vm", "HyperVBackup": "Vm", "BackupCopy": "Vm", "WindowsAgentBackup": "Server", "LinuxAgentBackup": "Server"}
PROTECTION_GROUP_ID = stable_id("vbr-protection-group", "Managed Servers")


def type_name(job, revision):
    """The job's EJobType in this revision, or None when the revision cannot show the job."""
    return TYPE_NAMES[job.type].get(revision)


def _spell(value, revision):
    """1.2-rev1 spells EJobStatus and EJobWorkload in lower camel case (`running`, `cloudVm`), 1.3-rev1 in Pascal case."""
    return value[0].lower() + value[1:] if revision == OLD else value


def _schedule(job):
    return {"runAutomatically": True,
            "daily": {"isEnabled": True, "localTime": "%02d:00" % job.daily_hour, "dailyKind": "Everyday"},
            "retry": {"isEnabled": True, "retryCount": 3, "awaitMinutes": 10}}


def _storage(proxies):
    return {"backupRepositoryId": VBR_REPOSITORY_ID, "backupProxies": proxies,
            "retentionPolicy": {"type": "RestorePoints", "quantity": 7}}


def _vm(job, revision, hyperv=False):
    host = "hv01.backupops.local" if hyperv else "vcenter01.backupops.local"
    platform = ("HyperV" if hyperv else "VSphere") if revision != OLD else "VMware"
    name = job.name.lower().replace(" ", "-")[:15] + "-vm01"
    return {"platform": platform, "type": "VirtualMachine", "hostName": host, "name": name,
            "objectId": stable_id("vbr-vm", job.name), "size": "48.2 GB"}


def _vm_job(job, revision):
    hyperv = job.type == "HyperVBackup"
    proxies = {"proxyType": "OnHost"} if hyperv else {"autoSelectEnabled": True, "proxyIds": []}
    return {"isHighPriority": job.high_priority, "virtualMachines": {"includes": [_vm(job, revision, hyperv)]},
            "storage": _storage(proxies),
            "guestProcessing": {"appAwareProcessing": {"isEnabled": False}, "guestFSIndexing": {"isEnabled": False}},
            "schedule": _schedule(job)}


def _copy_job(_job, _revision):
    source = stable_id("vbr", "VMware Production VMs")
    return {"mode": "Immediate", "sourceObjects": {"includes": {"jobs": [{"id": source, "name": "VMware Production VMs", "type": "VSphereBackup"}]}},
            "target": {"backupRepositoryId": stable_id("vbr-repository", "Offsite Repository")}}


def _agent_job(job, _revision):
    linux = job.type == "LinuxAgentBackup"
    computer = {"platform": "Agent", "id": stable_id("vbr-computer", job.name), "name": "%s01.backupops.local" % ("lnx" if linux else "win"),
                "type": "LinuxComputer" if linux else "WindowsComputer", "protectionGroupId": PROTECTION_GROUP_ID}
    return {"isHighPriority": job.high_priority, "agentType": "Server", "computers": [computer], "backupMode": "EntireComputer",
            "storage": {"backupRepositoryId": VBR_REPOSITORY_ID, "retentionPolicy": {"type": "RestorePoints", "quantity": 14}},
            "schedule": _schedule(job)}


DETAILS = {"VSphereBackup": _vm_job, "HyperVBackup": _vm_job, "BackupCopy": _copy_job, "WindowsAgentBackup": _agent_job,
           "LinuxAgentBackup": _agent_job}


def job_model(job, revision):
    """JobModel (the type-specific model the discriminator `type` selects)."""
    body = {"id": job.id, "name": job.name, "type": type_name(job, revision), "isDisabled": not job.enabled,
            "description": job.description}
    body.update(DETAILS[job.type](job, revision))
    return body


def job_status(job, revision):
    """EJobStatus: from the running session's state, else Disabled/Inactive (see the README's assumptions)."""
    session = job.current
    if session is None:
        status = "Inactive" if job.enabled else "Disabled"
    elif revision == OLD:
        status = "Running"
    else:
        status = {"Starting": "Starting", "Stopping": "Stopping"}.get(session.state, "Running")
    return _spell(status, revision)


def job_state(job, revision):
    """JobStateModel; values the job does not have (lastRun, nextRun, sessionId) are left out, not null."""
    latest = job.latest
    body = {"id": job.id, "name": job.name, "type": type_name(job, revision), "description": job.description,
            "status": job_status(job, revision), "lastResult": latest.result if latest else "None",
            "workload": _spell(WORKLOADS[job.type], revision), "repositoryId": VBR_REPOSITORY_ID,
            "repositoryName": VBR_REPOSITORY_NAME, "objectsCount": 1}
    if latest is not None:
        body["lastRun"] = iso(latest.created)
        body["sessionId"] = latest.id
    if job.next_run is not None:
        body["nextRun"] = iso(job.next_run)
    if revision != OLD:
        body["highPriority"] = job.high_priority
        body["progressPercent"] = latest.progress if latest else 0
        if job.type == "BackupCopy":
            body["backupCopyMode"] = "Immediate"
    return body


def session_model(session, job_type, revision):
    """SessionModel; `endTime` is left out while the session runs (the schema does not allow null)."""
    body = {"id": session.id, "name": session.name, "jobId": session.job_id, "sessionType": SESSION_TYPES[job_type],
            "creationTime": iso(session.created), "state": session.state, "progressPercent": session.progress,
            "result": {"result": session.result, "message": session.message, "isCanceled": session.canceled},
            "usn": session.usn, "platformName": PLATFORMS[job_type]}
    if session.end_time is not None:
        body["endTime"] = iso(session.end_time)
    return body


def error(code, message, resource_id=None):
    body = {"errorCode": code, "message": message}
    if resource_id:
        body["resourceId"] = resource_id
    return body
