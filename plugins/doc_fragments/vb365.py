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
