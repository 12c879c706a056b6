# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The record writer's file handling: atomic, private, and safe when forks create its directory at the same moment."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import stat
import threading

from ansible_collections.backupops.veeam.plugins.plugin_utils._record import render, write_atomically


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_concurrent_first_writes_into_a_missing_directory_all_succeed(tmp_path):
    for attempt in range(10):
        directory = tmp_path / str(attempt) / "records"
        writers = 16
        barrier = threading.Barrier(writers)
        errors = []

        def write(index):
            barrier.wait()
            try:
                write_atomically(str(directory / ("host-%d.json" % index)), render({"host": index}))
            except OSError as exc:
                errors.append(exc)

        threads = [threading.Thread(target=write, args=(index,)) for index in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert sorted(os.listdir(str(directory))) == sorted("host-%d.json" % index for index in range(writers))
        assert mode(str(directory)) == 0o700


def test_record_is_private_and_no_temporary_file_is_left(tmp_path):
    path = tmp_path / "records" / "host.json"
    write_atomically(str(path), render({"state": "active"}))
    write_atomically(str(path), render({"state": "restored"}))
    assert json.loads(path.read_text()) == {"state": "restored"}
    assert mode(str(path)) == 0o600
    assert os.listdir(str(path.parent)) == ["host.json"]


def test_render_matches_to_nice_json_so_older_records_compare_equal():
    assert render({"b": 1, "a": [1, "ü"]}) == '{\n    "a": [\n        1,\n        "\\u00fc"\n    ],\n    "b": 1\n}\n'
