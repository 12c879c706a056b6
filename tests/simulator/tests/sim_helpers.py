"""Helpers of the simulator's own tests: thin VB365, EM and VBR clients, XML access, polling."""

import time
import xml.etree.ElementTree as ET

import requests


NS = "{http://www.veeam.com/ent/v1.0}"


def wait_until(predicate, timeout=5.0, sleep=0.05):
    """Poll predicate() until it returns something truthy; fail the test after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met within %.1f s" % timeout)
        time.sleep(sleep)


def idle(job):
    """The job (a /_sim/state entry) once it no longer runs, else None: for wait_until()."""
    return None if job["running"] else job


def copy_start_body(version):
    """The body of POST /vN/CopyJobs/{id}/start as each version documents it: v6 a RESTStartJobOptions, v7 and v8 none."""
    return {"full": False} if version == "v6" else None


def http_session(simulator):
    session = requests.Session()
    session.trust_env = False
    session.verify = simulator.ca_path
    return session


class Vb365Session:
    """One logged-in VB365 conversation against one API version."""

    def __init__(self, simulator, version="v8", antiforgery=False):
        self.sim = simulator
        self.version = version
        self.http = http_session(simulator)
        form = {"grant_type": "password", "username": simulator.username, "password": simulator.password}
        if int(version[1:]) >= 7 and not antiforgery:
            form["disable_antiforgery_token"] = "true"
        answer = self.http.post(self.url("token"), data=form, timeout=10)
        assert answer.status_code == 200, answer.text
        self.token = answer.json()
        self.http.headers["Authorization"] = "Bearer " + self.token["access_token"]

    def url(self, path):
        return "%s%s/%s" % (self.sim.vb365_url, self.version, path)

    def get(self, path, **kwargs):
        return self.http.get(self.url(path), timeout=10, **kwargs)

    def post(self, path, **kwargs):
        return self.http.post(self.url(path), timeout=10, **kwargs)

    def job_id(self, name):
        return self.sim.vb365_job(name)["id"]

    def copy_job_id(self, name):
        return self.sim.vb365_copy_job(name)["id"]


class VbrSession:
    """One logged-in VBR REST conversation (x-api-version on every request, bearer token)."""

    def __init__(self, simulator, revision="1.3-rev1", grant_type="password", username=None, password=None):
        self.sim = simulator
        self.revision = revision
        self.http = http_session(simulator)
        self.http.headers["x-api-version"] = revision
        form = {"grant_type": grant_type, "username": username or simulator.username, "password": password or simulator.password}
        answer = self.http.post(self.url("oauth2/token"), data=form, timeout=10)
        assert answer.status_code == 200, answer.text
        self.token = answer.json()
        self.http.headers["Authorization"] = "Bearer " + self.token["access_token"]

    def url(self, path):
        return self.sim.vbr_url + path

    def get(self, path, **kwargs):
        return self.http.get(self.url(path), timeout=10, **kwargs)

    def post(self, path, **kwargs):
        return self.http.post(self.url(path), timeout=10, **kwargs)

    def job_id(self, name):
        return self.sim.vbr_job(name)["id"]

    def state(self, name):
        """The job's JobStateModel as this revision shows it."""
        data = self.get("v1/jobs/states", params={"idFilter": self.job_id(name)}).json()["data"]
        assert len(data) == 1, data
        return data[0]


class EmSession:
    """One EM logon session; XML by default, JSON when as_json."""

    def __init__(self, simulator, as_json=False):
        self.sim = simulator
        self.http = http_session(simulator)
        if as_json:
            self.http.headers["Accept"] = "application/json"
        answer = self.http.post(simulator.em_url + "sessionMngr/?v=latest", auth=(simulator.username, simulator.password), timeout=10)
        assert answer.status_code == 201, answer.text
        self.logon = answer
        self.http.headers["X-RestSvcSessionId"] = answer.headers["X-RestSvcSessionId"]

    def url(self, path):
        return self.sim.em_url + path

    def get(self, path, **kwargs):
        return self.http.get(self.url(path), timeout=10, **kwargs)

    def post(self, path, **kwargs):
        return self.http.post(self.url(path), timeout=10, **kwargs)

    def delete(self, path, **kwargs):
        return self.http.delete(self.url(path), timeout=10, **kwargs)

    def job_id(self, name):
        return self.sim.em_job(name)["id"]

    def wait_task(self, task_id, timeout=5.0):
        """Poll a task until Finished; return the last answer."""
        def finished():
            answer = self.get("tasks/" + task_id)
            assert answer.status_code == 200, answer.text
            return answer if state_of(answer) == "Finished" else None
        return wait_until(finished, timeout)


def xml(answer):
    """The root element of an XML answer (namespace kept: use NS + name)."""
    return ET.fromstring(answer.content)


def state_of(answer):
    if answer.headers.get("Content-Type", "").startswith("application/json"):
        return answer.json()["State"]
    return xml(answer).find(NS + "State").text
