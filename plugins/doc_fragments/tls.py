# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """TLS, timeout and proxy options shared by every module."""

    DOCUMENTATION = r"""
options:
  validate_certs:
    description:
      - Verify the server's TLS certificate. Keep this on; for a private or self-signed CA set O(ca_path) instead of turning it off.
      - If not set, the value of the E(VEEAM_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificate(s) that signed the server's certificate, used instead of the system trust store.
      - If not set, the value of the E(VEEAM_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP answer.
    type: int
    default: 30
  use_proxy:
    description:
      - Use the proxy named by the E(https_proxy)/E(no_proxy) environment variables. Set to V(false) to connect directly.
    type: bool
    default: true
"""
