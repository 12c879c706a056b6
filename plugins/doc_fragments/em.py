# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Connection and authentication options of Veeam Backup Enterprise Manager (REST API, port 9398)."""

    DOCUMENTATION = r"""
options:
  server:
    description:
      - Host name or IP address of the Veeam Backup Enterprise Manager server, optionally as a URL
        (V(https://em.example.com) or V(https://em.example.com:9398)); a URL must not carry a path.
      - If not set, the value of the E(VEEAM_EM_SERVER) environment variable is used. One of the two is required; the
        module fails naming both (and the role's inventory variable) when neither is set or the value is blank.
    type: str
  port:
    description:
      - TCP port of the REST API. Ignored when O(server) is a URL with a port.
    type: int
    default: 9398
  username:
    description:
      - User name for the logon session (HTTP Basic authentication), for example V(CORP\\svc-veeam).
        The account needs the Enterprise Manager Portal Administrator role to enable, disable, start or stop jobs (the
        Enterprise Manager roles are Portal Administrator, Portal User and Restore Operator; there is no Backup Operator role).
      - If not set, the value of the E(VEEAM_EM_USERNAME) environment variable is used. One of the two is required; the
        module fails naming both (and the role's inventory variable) when neither is set or the value is blank.
    type: str
  password:
    description:
      - Password of O(username). Never logged or returned.
      - If not set, the value of the E(VEEAM_EM_PASSWORD) environment variable is used. One of the two is required; the
        module fails naming both (and the role's inventory variable) when neither is set or the value is blank.
    type: str
  format:
    description:
      - Representation to ask Enterprise Manager for. Both give the same results; V(xml) is the API's default.
    type: str
    choices: [xml, json]
    default: xml
"""
