# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: appends every task result, as Ansible shows it, to the JSON-lines file named by RECORD_RESULTS_FILE."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: record_results
type: aggregate
short_description: Record task results for the integration tests
description:
  - Appends each task result to the file named by the E(RECORD_RESULTS_FILE) environment variable, one JSON document per line.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record_results"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, result, **status):
        # Masked the same way the stdout callbacks mask (no_log values are already replaced in the result).
        entry = dict(self._convert_result(result))
        entry.update(status)
        with open(os.environ["RECORD_RESULTS_FILE"], "a") as out:
            out.write(json.dumps(entry, default=str) + "\n")

    @staticmethod
    def _convert_result(result):
        return json.loads(json.dumps(result._result, default=str))  # pylint: disable=protected-access

    def v2_runner_on_ok(self, result):
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, failed=True)

    def v2_runner_on_skipped(self, result):
        self._record(result, skipped=True)
