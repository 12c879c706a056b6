# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes the docsite that `antsibull-docs sphinx-init` wrote buildable without network access (used by `make docs`).

The generated conf.py fetches intersphinx inventories of docs.python.org, jinja and docs.ansible.com; offline that is a
warning, and `make docs` fails on any warning. This script points intersphinx at one local inventory instead, holding
only the docs.ansible.com labels the generated pages refer to; the links still go to docs.ansible.com.
A page that refers to a label missing here fails the build with "undefined label": add that label below.
"""

import sys
import zlib
from pathlib import Path

ANSIBLE_DOCS = "https://docs.ansible.com/projects/ansible/devel/"

# label: (page and anchor under ANSIBLE_DOCS, title)
LABELS = {
    "action_plugins": ("plugins/action.html#action-plugins", "Action plugins"),
    "ansible_configuration_settings": ("reference_appendices/config.html#ansible-configuration-settings",
                                       "Ansible Configuration Settings"),
    "common_return_values": ("reference_appendices/common_return_values.html#common-return-values", "Return Values"),
}

CONF = """
# Added by .ci/docs_offline.py: no network access while building (the inventory path is relative to rst/).
intersphinx_mapping = {{'ansible_devel': ({url!r}, '../ansible_devel.inv')}}
"""


def main(docsite):
    docsite = Path(docsite)
    header = ("# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n"
              "# The remainder of this file is compressed using zlib.\n")
    body = "".join("%s std:label -1 %s %s\n" % (label, uri, title) for label, (uri, title) in sorted(LABELS.items()))
    (docsite / "ansible_devel.inv").write_bytes(header.encode() + zlib.compress(body.encode()))
    with open(docsite / "conf.py", "a", encoding="utf-8") as conf:
        conf.write(CONF.format(url=ANSIBLE_DOCS))


if __name__ == "__main__":
    main(sys.argv[1])
