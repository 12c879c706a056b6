"""VBR REST API revisions: which release serves which, and what each revision changed, in one place.

Every difference between revisions is a row here (the revision it first appears in, and for what later went away the last one
that had it), so that the code answering requests asks `has(revision, feature)` or `members(table, revision)` instead of
comparing revision strings. The rows come from the vendor documents in ../shared/specs (1.1-rev0, 1.2-rev1, 1.3-rev0,
1.3-rev1, 1.3-rev2) and the vendor's changelog pages; a revision without a document (1.1-rev1, 1.1-rev2, 1.2-rev0) behaves
as the document it is modelled on (DOCUMENTS) except where a changelog page says when a change came (see README.md, VBR).
"""

# Releases oldest first, each with the newest revision it serves; a server also serves every older revision.
RELEASES = (("12.0", "1.1-rev0"), ("12.1", "1.1-rev1"), ("12.2", "1.1-rev2"), ("12.3.0", "1.2-rev0"), ("12.3.1", "1.2-rev1"),
            ("13.0", "1.3-rev0"), ("13.0.1", "1.3-rev1"), ("13.1", "1.3-rev2"))
RELEASE_NAMES = tuple(name for name, _revision in RELEASES)
REVISIONS = tuple(revision for _name, revision in RELEASES)
DEFAULT_RELEASE = RELEASE_NAMES[-1]
# The vendor document a revision without one of its own is modelled on (and validated against by the contract tests).
DOCUMENTS = {"1.1-rev1": "1.1-rev0", "1.1-rev2": "1.1-rev0", "1.2-rev0": "1.2-rev1"}

# Changes between revisions: feature -> first revision that has it, or (first, last) for what later went away.
FEATURES = {
    # JobStopSpec's required field: `gracefullStop` (sic) until the vendor's 1.2-rev0 breaking changes renamed it.
    "gracefulStop": "1.2-rev0",
    # SessionModel: `jobId` and `platformName` (1.2-rev1's document) instead of the required `activityId` (1.1-rev0's).
    "sessionJobId": "1.2-rev0",
    # Job details: InventoryObjectModel with `platform` and backupProxies.autoSelectEnabled (1.1-rev0: a VmwareObjectSizeModel
    # wrapping `inventoryObject`, backupProxies.autoSelection).
    "inventoryPlatform": "1.2-rev0",
    # The inventory platform of a vSphere VM is `VSphere` (EInventoryPlatformType) instead of `VMware` (EPlatformType).
    "vSpherePlatform": "1.3-rev0",
    # JobStateModel requires highPriority and progressPercent and may carry backupCopyMode.
    "stateProgress": "1.3-rev0",
    # Optional fields of JobStartSpec (syncRestorePoints: All|Latest) and JobStopSpec (cancelChainedJobs); ignored before.
    "syncRestorePoints": "1.3-rev0",
    "cancelChainedJobs": "1.3-rev0",
    # JobStateModel.runAfterJob ({jobId, jobName}: the job this one runs after), with 1.3-rev0's changelog.
    "runAfterJob": "1.3-rev0",
    # JobModel no longer requires isDisabled (1.3-rev2's changelog: "The `isDisabled` property of the `JobModel` object is no
    # longer required"); the scenario's vbr.omit_is_disabled then leaves it out.
    "isDisabledOptional": "1.3-rev2",
    # Enums (EJobStatus, EJobWorkload, EHyperVProxyType...) spelled in Pascal case (`Running`, `Vm`, `OnHost`) instead of
    # lower camel case (`running`, `vm`, `onHost`).
    "pascalCase": "1.3-rev1",
    # enable/disable answer 204 without a body instead of 200 EmptySuccessResponse.
    "toggleNoContent": "1.3-rev1",
    # start answers 204 ("the job has no objects to process. No session was created.") for a job without objects.
    "startNoObjects": "1.3-rev2",
    # POST /api/oauth2/token: "Authentication with custom roles is not allowed." (1.3-rev2: "All built-in and custom roles").
    "customLoginRefused": ("1.3-rev0", "1.3-rev1"),
    # start/stop: "Also available to custom roles that have backup permissions."
    "customActions": "1.3-rev2",
    # start/stop "Available to: Veeam Backup Administrator, Veeam Backup Operator, Veeam Tape Operator" (1.3-rev0, 1.3-rev1 only;
    # 1.3-rev2 names Backup Administrator and Backup Operator, plus custom roles).
    "tapeOperatorActions": ("1.3-rev0", "1.3-rev1"),
    # A server whose newest revision this is refuses an unsupported x-api-version with errorCode NotImplemented (1.3-rev2's
    # BadRequest example "The specified API version is not supported."); older ones with UnexpectedContent (assumed).
    "refusalNotImplemented": "1.3-rev2",
    # Backup infrastructure (vbrinfra). PerformanceExtentModel.status: one ERepositoryExtentStatusType up to 1.2-rev1, an array
    # from 1.3-rev0 (vbr_rest_1.3-rev0.json#/components/schemas/PerformanceExtentModel/properties/status).
    "extentStatusArray": "1.3-rev0",
    # RepositoryStateModel.isOnline (required; 1.2-rev0's breaking changes), then isOutOfDate and scaleOutRepositoryDetails.
    "repositoryOnline": "1.2-rev0",
    "repositoryOutOfDate": "1.3-rev0",
    # GET …/proxies/states, POST …/proxies/{id}/enable|disable, EProxyType HvProxy and ProxyServerSettingsModel.hostName.
    "proxyStates": "1.3-rev0",
    # RepositoryModel requires an undefined `kind` in 1.1-rev0's document only (#/components/schemas/RepositoryModel/required).
    "repositoryKind": ("1.1-rev0", "1.1-rev2"),
    # Repository mountServer: MountServersSettingsModel {mountServerSettingsType, windows, linux} instead of MountServerSettingsModel.
    "mountServers": "1.3-rev0",
}

# EJobType (what typeFilter accepts). Beyond the documents: 1.1-rev1 added VSphereReplica and CloudDirectorBackup (its
# "New Features" page), 1.2-rev0 FileBackupCopy (its "Minor Non-Breaking Changes" page). The EntraID* types are in 1.2-rev1's
# EJobType, but 1.2-rev1's changelog (vbr_rest_1.2-rev1.json #/tags/3/description, SectionChangelog) adds no job type and
# backs up Entra ID through "existing endpoints": they came with 1.2-rev0.
JOB_TYPES = {
    "Backup": ("1.1-rev0", "1.2-rev1"),
    "VSphereReplica": "1.1-rev1", "CloudDirectorBackup": "1.1-rev1",
    "EntraIDTenantBackup": "1.2-rev0", "EntraIDAuditLogBackup": "1.2-rev0", "FileBackupCopy": "1.2-rev0",
    "Unknown": "1.3-rev0", "VSphereBackup": "1.3-rev0", "HyperVBackup": "1.3-rev0", "LegacyBackupCopy": "1.3-rev0",
    "BackupCopy": "1.3-rev0", "WindowsAgentBackup": "1.3-rev0", "LinuxAgentBackup": "1.3-rev0", "EntraIDTenantBackupCopy": "1.3-rev0",
    "FileBackup": "1.3-rev1", "ObjectStorageBackup": "1.3-rev1", "SureBackupContentScan": "1.3-rev1", "CloudBackupAzure": "1.3-rev1",
    "CloudBackupAWS": "1.3-rev1", "CloudBackupGoogle": "1.3-rev1", "WindowsAgentBackupWorkstationPolicy": "1.3-rev1",
    "LinuxAgentBackupWorkstationPolicy": "1.3-rev1", "WindowsAgentBackupServerPolicy": "1.3-rev1", "LinuxAgentBackupServerPolicy": "1.3-rev1",
    "NutanixAHVBackupJob": "1.3-rev2", "ProxmoxBackupJob": "1.3-rev2", "IrisBackup": "1.3-rev2", "WindowsAgentBackupFailoverCluster": "1.3-rev2",
}
# EJobStatus in Pascal case (spell() lowers the first letter before "pascalCase").
JOB_STATUSES = {"Running": REVISIONS[0], "Inactive": REVISIONS[0], "Disabled": REVISIONS[0], "Enabled": "1.3-rev0",
                "Stopping": "1.3-rev0", "Stopped": "1.3-rev0", "Starting": "1.3-rev0"}
# ESessionState.
SESSION_STATES = dict.fromkeys(("Stopped", "Starting", "Stopping", "Working", "Pausing", "Resuming", "WaitingTape", "Idle",
                                "Postprocessing", "WaitingRepository", "WaitingSlot"), REVISIONS[0])
SESSION_STATES["ActionRequired"] = "1.3-rev2"
# The values of ESessionType that name job sessions (what the sessions' typeFilter accepts; other session types never occur
# here). `Job` is 1.1-rev0's name of 1.2-rev1's `BackupJob`; ReplicaJob came with 1.1-rev1 (its changelog); 1.3-rev0 has
# AgentBackup but no BackupCopyJob yet.
SESSION_TYPES = {"Infrastructure": REVISIONS[0], "Job": ("1.1-rev0", "1.1-rev2"), "BackupJob": "1.2-rev0", "ReplicaJob": "1.1-rev1",
                 "AgentBackup": "1.3-rev0", "BackupCopyJob": "1.3-rev1"}

# Roles. The documents' "Available to" lines name them "Veeam Backup Administrator"... up to 1.3-rev1 and "Backup
# Administrator"... in 1.3-rev2; both spellings mean the same role here. Any other name is a custom role.
ADMINISTRATOR = "Veeam Backup Administrator"
OPERATOR = "Veeam Backup Operator"
VIEWER = "Veeam Backup Viewer"
TAPE_OPERATOR = "Veeam Tape Operator"
BUILT_IN_ROLES = (ADMINISTRATOR, OPERATOR, VIEWER, TAPE_OPERATOR)
# Who may perform each job action: the built-in roles, plus custom roles where "customActions" says so (1.1-rev0's
# document has no "Available to" lines; 1.2-rev1's are assumed). Reads are open to every role.
# "infrastructure": the SOBR extent modes, proxy enable/disable and the configuration backup (read and write), each "Available
# to: Backup Administrator" in every document that has it.
ACTION_ROLES = {"enable": (ADMINISTRATOR,), "disable": (ADMINISTRATOR,), "start": (ADMINISTRATOR, OPERATOR), "stop": (ADMINISTRATOR, OPERATOR),
                "infrastructure": (ADMINISTRATOR,)}
CUSTOM_ACTIONS = ("start", "stop")
# The Tape Operator's job actions where "tapeOperatorActions" says so (reads are open to it as to every role).
TAPE_ACTIONS = ("start", "stop")


def _index(revision):
    return REVISIONS.index(revision)


def _within(revision, span):
    first, last = (span, None) if isinstance(span, str) else span
    return _index(first) <= _index(revision) and (last is None or _index(revision) <= _index(last))


def has(revision, feature):
    """Whether this revision has the change FEATURES names."""
    return _within(revision, FEATURES[feature])


def members(table, revision):
    """The values of an enum table (JOB_TYPES, JOB_STATUSES, SESSION_STATES, SESSION_TYPES) this revision has, in table order."""
    return [value for value, span in table.items() if _within(revision, span)]


def step(steps, revision):
    """The value of the last (first revision, value) step this revision has reached, or None."""
    reached = [value for first, value in steps if _index(first) <= _index(revision)]
    return reached[-1] if reached else None


def spell(value, revision):
    """An enum value (EJobStatus, EJobWorkload, EHyperVProxyType) in the revision's spelling: lower camel case (`running`,
    `cloudVm`) before "pascalCase"."""
    return value if has(revision, "pascalCase") else value[0].lower() + value[1:]


def document(revision):
    """The revision whose vendor document describes this revision."""
    return DOCUMENTS.get(revision, revision)


def served_by(release):
    """Every revision a server of this release accepts, oldest first."""
    return list(REVISIONS[:RELEASE_NAMES.index(release) + 1])


def in_order(revisions):
    """The given revisions without duplicates, oldest first (the order the refusal message lists them in)."""
    return [revision for revision in REVISIONS if revision in revisions]


def role_name(role):
    """A built-in role by either spelling, or the custom role's own name."""
    prefixed = "Veeam " + role
    return prefixed if prefixed in BUILT_IN_ROLES else role


def is_custom(role):
    return role not in BUILT_IN_ROLES


def may(role, action, revision):
    """Whether a user of this role may perform this job action in this revision."""
    if is_custom(role):
        return action in CUSTOM_ACTIONS and has(revision, "customActions")
    return role in required_roles(action, revision)


def required_roles(action, revision):
    """The roles a refusal names ("Access denied. The operation requires one of the roles: ...")."""
    roles = list(ACTION_ROLES[action])
    if action in TAPE_ACTIONS and has(revision, "tapeOperatorActions"):
        roles.append(TAPE_OPERATOR)
    if action in CUSTOM_ACTIONS and has(revision, "customActions"):
        roles.append("a custom role with backup permissions")
    return roles
