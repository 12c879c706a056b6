"""Command line: python -m veeam_sim [options]  (with PYTHONPATH=tests/simulator)."""

import argparse
import errno
import json
import os
import signal
import sys
import tempfile
import threading

try:
    import resource
except ImportError:  # not on Windows
    resource = None

from . import __version__
from .server import Listener, Simulator, serve_listeners
from .state import ScenarioError, load_scenario_file
from .tls import make_server_context
from .vbrrev import DEFAULT_RELEASE, RELEASE_NAMES, REVISIONS, RELEASES, served_by

DESCRIPTION = """\
Veeam API simulator: Veeam Backup for Microsoft 365 (REST v2-v8, JSON), Veeam Backup Enterprise Manager
(/api/, XML or JSON) and Veeam Backup & Replication (REST /api/, revisions 1.1-rev0 to 1.3-rev2, i.e. VBR 12.0 to 13.1)
in one process, on three ports, over HTTPS with a throw-away local CA.

It prints one line per API and the CA path, e.g.
  VB365 https://127.0.0.1:4443/
  EM https://127.0.0.1:9398/api/
  VBR https://127.0.0.1:9419/api/
  CA /tmp/veeam-sim-xxxx/ca.pem
Pass the CA file to clients (ca_path / requests' verify=). Test controls live under /_sim/ on both ports
(state, reset, requests, config, faults): see tests/simulator/CONTRACT.md and README.md.
"""

EPILOG = """\
examples:
  python -m veeam_sim                                   default ports 4443, 9398 and 9419, bundled scenario
  python -m veeam_sim --vb365-port 0 --em-port 0 --ready-file /tmp/sim.json   (VBR then also on a free port)
  python -m veeam_sim --vbr-jobs 500 --vbr-api-versions 1.3-rev1
  python -m veeam_sim --vbr-release 12.3.1                 a VBR 12.3.1 server: x-api-version 1.1-rev0 ... 1.2-rev1
  python -m veeam_sim --vb365-jobs 500 --em-jobs 500    generated jobs "VB365 Job 0001"..., "Agent Job 0001"...
  python -m veeam_sim --vb365-jobs 10 --vb365-copy-jobs 3   and backup copy jobs "VB365 Job 0001 Copy"... of the first three
  python -m veeam_sim --scenario my.yaml --plain-http
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m veeam_sim", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--vb365-port", type=int, default=4443, help="VB365 port (default: 4443; 0 = a free port)")
    parser.add_argument("--em-port", type=int, default=9398, help="Enterprise Manager port (default: 9398; 0 = a free port)")
    parser.add_argument("--vbr-port", type=int, default=None,
                        help="Veeam Backup & Replication REST API port (default: 9419, or a free port when --vb365-port and "
                             "--em-port are both 0; 0 = a free port)")
    parser.add_argument("--vbr-release", choices=RELEASE_NAMES, default=None,
                        help="the VBR release to simulate: it accepts its own REST API revision and every older one (%s; default: %s)"
                             % (", ".join("%s=%s" % pair for pair in RELEASES), DEFAULT_RELEASE))
    parser.add_argument("--vbr-api-versions", default=None, metavar="LIST",
                        help="comma-separated x-api-version values VBR accepts, overriding --vbr-release (known: %s)" % ",".join(REVISIONS))
    parser.add_argument("--extra-vb365-ports", type=int, default=0, metavar="N",
                        help="N more VB365 listeners on free ports, each an independent server with its own state (fleet benchmarks)")
    parser.add_argument("--username", default="backupops", help="user name both APIs accept (default: backupops)")
    parser.add_argument("--password", default="Sim-Passw0rd-2026!", help="password both APIs accept (default: Sim-Passw0rd-2026!)")
    parser.add_argument("--scenario", metavar="FILE", help="scenario file (JSON or YAML); default: the bundled scenario")
    parser.add_argument("--vb365-jobs", type=int, default=0, metavar="N", help="add N generated VB365 jobs (VB365 Job 0001...)")
    parser.add_argument("--vb365-copy-jobs", type=int, default=0, metavar="N",
                        help="add backup copy jobs of the first N VB365 jobs, generated ones first (\"<job name> Copy\"); N must not "
                             "exceed the number of VB365 jobs")
    parser.add_argument("--em-jobs", type=int, default=0, metavar="N", help="add N generated Veeam Agent jobs (Agent Job 0001...)")
    parser.add_argument("--vbr-jobs", type=int, default=0, metavar="N", help="add N generated VBR vSphere backup jobs (VBR Job 0001...)")
    parser.add_argument("--generated-disabled", action="store_true", help="generated jobs start disabled (default: enabled)")
    parser.add_argument("--state-dir", metavar="DIR", help="where the CA file goes (default: a new temporary directory)")
    parser.add_argument("--ca-file", metavar="PATH", help="where to write the CA certificate (default: <state dir>/ca.pem)")
    parser.add_argument("--plain-http", action="store_true", help="serve plain HTTP instead of HTTPS")
    parser.add_argument("--ready-file", metavar="PATH",
                        help="once listening, write JSON {vb365_url, em_url, vbr_url, vb365_port, em_port, vbr_port, ca_path, username, "
                             "password, ...} here")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument("--version", action="version", version="veeam_sim " + __version__)
    return parser.parse_args(argv)


def scenario_from(args):
    """The scenario the command line asks for; generated jobs are added to it (None = the bundled default)."""
    scenario = load_scenario_file(args.scenario) if args.scenario else None
    if args.vb365_jobs or args.vb365_copy_jobs or args.em_jobs or args.vbr_jobs:
        if scenario is None:
            scenario = {}
        generate = dict(scenario.get("generate") or {})
        generate.update(vb365_jobs=args.vb365_jobs, vb365_copy_jobs=args.vb365_copy_jobs, em_jobs=args.em_jobs, vbr_jobs=args.vbr_jobs,
                        enabled=not args.generated_disabled)
        scenario["generate"] = generate
    return scenario


def vbr_settings(args):
    """(port, accepted revisions oldest first, release or None when --vbr-api-versions lists them) for VBR;
    ScenarioError for an unknown revision."""
    if args.vbr_api_versions is None:
        release = args.vbr_release or DEFAULT_RELEASE
        versions = served_by(release)
    else:
        release = None
        versions = [name.strip() for name in args.vbr_api_versions.split(",") if name.strip()]
        unknown = [name for name in versions if name not in REVISIONS]
        if unknown or not versions:
            raise ScenarioError("--vbr-api-versions: unknown revision(s) %s (known: %s)" % (", ".join(unknown) or "none", ", ".join(REVISIONS)))
        versions = [name for name in REVISIONS if name in versions]
    port = args.vbr_port
    if port is None:
        # Tests that ask for free ports for the other two APIs must not collide on VBR's fixed port.
        port = 0 if args.vb365_port == 0 and args.em_port == 0 else 9419
    return port, versions, release


def _url(scheme, host, port, path):
    shown = "[%s]" % host if ":" in host else host
    return "%s://%s:%d%s" % (scheme, shown, port, path)


def raise_open_files_limit():
    """Raise the soft limit on open files to the hard one: each listener and each connection is a descriptor (fleets of 500 servers)."""
    if resource is None:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft == hard:
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ValueError, OSError):
        pass  # an unlimited hard limit the kernel caps lower: keep the soft limit, smaller fleets still fit


def main(argv=None):
    args = parse_args(argv)
    raise_open_files_limit()
    try:
        scenario = scenario_from(args)
        state_dir = args.state_dir or tempfile.mkdtemp(prefix="veeam-sim-")
        os.makedirs(state_dir, exist_ok=True)
        ca_path = os.path.abspath(args.ca_file or os.path.join(state_dir, "ca.pem"))
        context = None if args.plain_http else make_server_context(ca_path)
        vbr_port, vbr_versions, vbr_release = vbr_settings(args)
        simulator = Simulator(args.username, args.password, scenario, tls=not args.plain_http,
                              vbr_api_versions=None if vbr_release else vbr_versions, vbr_release=vbr_release)
        listeners = [listen(args.host, port, simulator, api, context, args.verbose)
                     for api, port in (("vb365", args.vb365_port), ("em", args.em_port), ("vbr", vbr_port))]
        for _index in range(args.extra_vb365_ports):
            listeners.append(Listener(args.host, 0, Simulator(args.username, args.password, scenario, tls=not args.plain_http),
                                      "vb365", context, args.verbose))
    except (ScenarioError, OSError) as exc:
        hint = ""
        if getattr(exc, "errno", None) == errno.EMFILE and resource is not None:
            hint = " (open-files limit %d: one per listener and per connection; raise the hard limit, ulimit -Hn)" % (
                resource.getrlimit(resource.RLIMIT_NOFILE)[0])
        sys.stderr.write("veeam_sim: %s%s\n" % (exc, hint))
        return 2
    scheme = "http" if args.plain_http else "https"
    info = {"vb365_url": _url(scheme, args.host, listeners[0].port, "/"), "em_url": _url(scheme, args.host, listeners[1].port, "/api/"),
            "vbr_url": _url(scheme, args.host, listeners[2].port, "/api/"),
            "vb365_port": listeners[0].port, "em_port": listeners[1].port, "vbr_port": listeners[2].port, "host": args.host,
            "ca_path": None if args.plain_http else ca_path, "username": args.username, "password": args.password,
            "extra_vb365_urls": [_url(scheme, args.host, listener.port, "/") for listener in listeners[3:]],
            "extra_vb365_ports": [listener.port for listener in listeners[3:]], "pid": os.getpid(),
            "vbr_release": vbr_release, "vbr_api_versions": vbr_versions}
    print("VB365 %s" % info["vb365_url"])
    print("EM %s" % info["em_url"])
    print("VBR %s" % info["vbr_url"])
    for url in info["extra_vb365_urls"]:
        print("VB365 %s (extra)" % url)
    print("CA %s" % (ca_path if not args.plain_http else "none (plain HTTP)"))
    sys.stdout.flush()
    if args.ready_file:
        write_ready_file(args.ready_file, info)
    return serve_until_signalled(listeners)


PORT_OPTIONS = dict(vb365="--vb365-port", em="--em-port", vbr="--vbr-port")


def listen(host, port, simulator, api, context, verbose):
    """A listener for one API, or an OSError that names the port taken and the option that moves it."""
    try:
        return Listener(host, port, simulator, api, context, verbose)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        raise OSError(exc.errno, "port %d (%s) on %s is already in use: stop what listens there, or move the simulator with %s <port> "
                                 "(0 = a free port; make simulator SIM_ARGS='%s 0')" % (port, api, host, PORT_OPTIONS[api], PORT_OPTIONS[api]))


def write_ready_file(path, info):
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(info, handle)
    os.replace(temporary, path)


def serve_until_signalled(listeners):
    """Accept connections on every listener from this (the main) thread until SIGINT or SIGTERM; each connection gets a thread."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_args: stop.set())
    serve_listeners(listeners, stop)
    for listener in listeners:
        listener.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
