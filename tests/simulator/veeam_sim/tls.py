"""HTTPS for the simulator: a throw-away local CA (trustme) and a server certificate for the loopback names."""

import os
import ssl

import trustme

SERVER_NAMES = ("127.0.0.1", "localhost", "::1")


def make_server_context(ca_path):
    """An SSLContext serving a certificate for 127.0.0.1/localhost/::1, and the CA written (PEM) to ca_path.

    A new CA per start: nothing outside the test run ever trusts it, and no key material lives in the repository.
    """
    authority = trustme.CA(organization_name="veeam_sim local test CA")
    certificate = authority.issue_cert(*SERVER_NAMES)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    certificate.configure_cert(context)
    directory = os.path.dirname(os.path.abspath(ca_path))
    os.makedirs(directory, exist_ok=True)
    authority.cert_pem.write_to_path(ca_path)
    return context
