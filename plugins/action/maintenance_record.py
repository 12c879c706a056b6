# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes a maintenance window record on the controller, in the controller's process (documented in plugins/modules)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.backupops.veeam.plugins.plugin_utils._record import RecordError, replace

ARGUMENT_SPEC = dict(
    path=dict(type="path", required=True),
    content=dict(type="dict", required=True),
)


class ActionModule(ActionBase):
    """No module is sent anywhere: the record belongs to the controller, whatever host the task runs for."""

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        path = args["path"]
        try:
            diff = replace(path, args["content"], self._task.check_mode)
        except RecordError as exc:
            raise AnsibleActionFail(str(exc))
        result.update(path=path, changed=diff is not None)
        if self._task.diff and diff:
            result["diff"] = diff
        return result
