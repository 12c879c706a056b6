# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The registry: every API the collection speaks, by name. An API is described once, by the Api next to its client
(_api.py says what an Api holds); the maintenance window learns everything it needs from here. Private.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.backupops.veeam.plugins.module_utils.em._client import EM
from ansible_collections.backupops.veeam.plugins.module_utils.vb365._client import VB365
from ansible_collections.backupops.veeam.plugins.module_utils.vbr._client import VBR

APIS = dict((api.name, api) for api in (VB365, EM, VBR))


def title_of(name):
    """The short title of an API for messages; the name itself for one this release does not know (an old record)."""
    return APIS[name].short_title if name in APIS else str(name)


def api_of_groups(group_names):
    """The API whose inventory group a host is in, or None (several or none)."""
    found = [api.name for api in APIS.values() if api.inventory_group in (group_names or [])]
    return found[0] if len(found) == 1 else None
