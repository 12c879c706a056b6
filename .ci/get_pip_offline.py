"""Stand-in for ansible-test's downloaded get-pip bootstrap (its host is unreachable here).

ansible-test runs this file with get-pip's arguments; we bootstrap pip from the
interpreter's bundled wheel and install the requested packages from the package index.
ensurepip must run in a subprocess: in-process it drops pip's configured CA bundle.
"""
import subprocess
import sys

GET_PIP_ONLY = {"--no-setuptools", "--no-wheel"}

subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"], stdout=subprocess.DEVNULL)
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]))
