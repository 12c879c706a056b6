# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The maintenance window record on the controller: read it, render it, replace it atomically. Private to the collection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import tempfile

from ansible.module_utils.common.text.converters import to_bytes, to_text


class RecordError(Exception):
    """A record file that cannot be read, parsed or written."""


def render(content):
    # The same text as to_nice_json, so records written by earlier versions of the role compare equal.
    return json.dumps(content, indent=4, sort_keys=True, separators=(",", ": ")) + "\n"


def read_text(path):
    """The file's text, or None when there is no file."""
    try:
        with open(path, "rb") as current:
            return to_text(current.read(), errors="surrogate_or_strict")
    except (IOError, OSError) as exc:
        if not os.path.exists(path):
            return None
        raise RecordError("Cannot read the maintenance record %s: %s" % (path, exc))


def load(path):
    """The record in the file, or {} when there is none."""
    text = read_text(path)
    if text is None:
        return {}
    try:
        record = json.loads(text)
    except ValueError as exc:
        raise RecordError("The maintenance record %s is not JSON (%s); move it away or repair it." % (path, exc))
    if not isinstance(record, dict):
        raise RecordError("The maintenance record %s is not a JSON object; move it away or repair it." % path)
    return record


def replace(path, content, check_mode=False):
    """Make the file hold `content` (in check mode only compare): None when it already does, else its diff."""
    text = render(content)
    before = read_text(path)
    if before == text:
        return None
    if not check_mode:
        write_atomically(path, text)
    return dict(before=before or "", after=text, before_header=path, after_header=path)


def write_atomically(path, text):
    """Readable by the owner only, and never half-written: a begin killed mid-write leaves the previous record."""
    directory = os.path.dirname(path) or "."
    try:
        # Forks writing their first records at once all create the directory: whoever comes second finds it made.
        os.makedirs(directory, 0o700, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".maintenance-record-", dir=directory)
    except (IOError, OSError) as exc:
        raise RecordError("Cannot write the maintenance record %s: %s" % (path, exc))
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(to_bytes(text))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.rename(temporary, path)
    except (IOError, OSError) as exc:
        _remove(temporary)
        raise RecordError("Cannot write the maintenance record %s: %s" % (path, exc))
    except BaseException:
        _remove(temporary)
        raise


def _remove(path):
    if os.path.exists(path):
        os.unlink(path)
