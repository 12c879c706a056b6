# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes a maintenance window record on the controller, in the controller's process (documented in plugins/modules)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import tempfile

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.plugins.action import ActionBase

ARGUMENT_SPEC = dict(
    path=dict(type="path", required=True),
    content=dict(type="dict", required=True),
)


def render(content):
    # The same text as to_nice_json, so records written by earlier versions of the role compare equal.
    return json.dumps(content, indent=4, sort_keys=True, separators=(",", ": ")) + "\n"


class ActionModule(ActionBase):
    """No module is sent anywhere: the record belongs to the controller, whatever host the task runs for."""

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        path = args["path"]
        text = render(args["content"])
        before = None
        if os.path.isfile(path):
            with open(path, "rb") as current:
                before = to_text(current.read(), errors="surrogate_or_strict")
        result.update(path=path, changed=before != text)
        if self._task.diff and result["changed"]:
            result["diff"] = dict(before=before or "", after=text, before_header=path, after_header=path)
        if result["changed"] and not self._task.check_mode:
            try:
                write_atomically(path, text)
            except (IOError, OSError) as exc:
                raise AnsibleActionFail("Cannot write the maintenance record %s: %s" % (path, exc))
        return result


def write_atomically(path, text):
    """Readable by the owner only, and never half-written: a begin killed mid-write leaves the previous record."""
    directory = os.path.dirname(path) or "."
    # Forks writing their first records at once all create the directory: whoever comes second finds it made.
    os.makedirs(directory, 0o700, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".maintenance-record-", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(to_bytes(text))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.rename(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
