# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Connection and authentication options of Veeam Backup for Microsoft 365 (REST API, port 4443)."""

    DOCUMENTATION = r"""
options:
  server:
    description:
      - Host name or IP address of the Veeam Backup for Microsoft 365 server, optionally as a URL
        (V(https://vb365.example.com) or V(https://vb365.example.com:4443)); a URL must not carry a path.
      - If not set, the value of the E(VEEAM_VB365_SERVER) environment variable is used. One of the two is required; the
        module fails naming both (and the role's inventory variable) when neither is set or the value is blank.
    type: str
  port:
    description:
      - TCP port of the REST API. Ignored when O(server) is a URL with a port.
    type: int
    default: 4443
  username:
    description:
      - User name of an account allowed to use the REST API, for example V(CORP\\svc-veeam).
      - If not set, the value of the E(VEEAM_VB365_USERNAME) environment variable is used. One of the two is required; the
        module fails naming both (and the role's inventory variable) when neither is set or the value is blank.
    type: str
  password:
    description:
      - Password of O(username). Never logged or returned.
      - If not set, the value of the E(VEEAM_VB365_PASSWORD) environment variable is used. One of the two is required; the
        module fails naming both (and the role's inventory variable) when neither is set or the value is blank.
    type: str
  api_version:
    description:
      - 'REST API version to speak. V(v2) to V(v5) use the C(POST /vN/Jobs/{id}/Action) endpoint with bodies such as
        C({"enable": null}); V(v6) and later use the per-action endpoints C(/enable), C(/disable), C(/start) and C(/stop).'
      - From V(v7) the module asks for a token without antiforgery protection and logs the token out at the end.
      - V(v8) is Veeam Backup for Microsoft 365 version 8; use the newest version your server offers.
    type: str
    choices: [v2, v3, v4, v5, v6, v7, v8]
    default: v8
"""

    # The option of the job and job info modules only (the infrastructure modules select no jobs).
    JOB_KIND = r"""
options:
  job_kind:
    description:
      - Which kind of job O(name), O(id) and O(all_jobs) select from. A VB365 server runs backup jobs (C(/vN/Jobs)) and, from
        version 6, backup copy jobs (C(/vN/CopyJobs)), which copy a backup job's restore points to a second repository, often
        object storage.
      - V(backup) selects backup jobs only (the requests are the same as before copy jobs existed); V(copy) backup copy jobs
        only; V(all) both (one more request, or one per 1,000 copy jobs on V(v8)). Backup jobs are read with every value,
        so that each copy job's entry names its backup job.
      - Selecting a copy job by name or id with V(backup) fails and says to use V(copy) or V(all); selecting a backup job with
        V(copy) fails saying it is a backup job.
      - API V(v2) to V(v5) have no backup copy jobs. With those, V(copy) fails before any request and V(all) reads the backup
        jobs with a warning that copy jobs, if the server has any, are not seen.
      - The maintenance window (role C(backupops.veeam.maintenance_window)) uses V(all) unless its variable
        C(maintenance_window_vb365_job_kind) (or the host variable C(veeam_vb365_job_kind)) narrows it.
    type: str
    choices: [backup, copy, all]
    default: backup
"""
