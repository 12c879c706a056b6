# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one HTTP layer of the collection: a keep-alive requests.Session with TLS,
timeouts, safe retries and a single error type.

Private to the collection: the API may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json
import random
import re
import time
import traceback

from ansible.module_utils.six.moves.urllib.parse import urlsplit

try:
    import requests
    import urllib3
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import MaxRetryError, ProtocolError
    from urllib3.util.retry import RequestHistory, Retry
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

    class Retry(object):  # pylint: disable=too-few-public-methods
        """Placeholder so the module imports; the caller reports the missing library."""

    RequestHistory = MaxRetryError = ProtocolError = None
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

RETRY_STATUSES = (429, 502, 503, 504)
RETRY_AFTER_MAX = 30.0
BACKOFF_MAX = 10.0
# A throttled request was not processed, so it may be resent whatever its method; throttling lasts longer than a hiccup.
RATE_LIMITED_RETRIES = 10
# Throttled clients that all wait exactly Retry-After come back together and are throttled together again.
RETRY_AFTER_JITTER = 0.5
EXCERPT_LENGTH = 200
# What OpenSSL says when an https:// request is answered by a plain-HTTP server.
PLAIN_HTTP_ANSWER = re.compile(r"WRONG_VERSION_NUMBER|wrong version number|record layer failure|HTTP_REQUEST|http request", re.I)
# What a TLS port does to a plain-HTTP request: it closes the connection without an HTTP answer.
HUNG_UP = re.compile(r"RemoteDisconnected|closed connection without response|Connection reset by peer|Connection aborted", re.I)
USER_AGENT = "backupops.veeam-ansible"
# Reads: a server may see them twice, so they are retried on failures that leave the outcome unclear.
READ_METHODS = ("GET", "HEAD")


# The three Veeam REST APIs the collection speaks: their names, default ports, and what their error answers look like, so that
# a login sent to another API's port says which API answers there (a port is often copied from another server's settings).
VB365_API, EM_API, VBR_API = "vb365", "em", "vbr"
APIS = collections.OrderedDict([
    # VBR refuses any request without x-api-version, whatever its path, before it looks at anything else.
    (VBR_API, ("Veeam Backup & Replication REST API", 9419, re.compile(r"Unsupported RESTAPI version|x-api-version", re.I))),
    # EM's errors: <Error xmlns="http://www.veeam.com/ent/v1.0" Message=... StatusCode=.../> in XML, {"Message", "StatusCode"} in JSON.
    (EM_API, ("Veeam Backup Enterprise Manager REST API", 9398, re.compile(r"www\.veeam\.com/ent/|\"StatusCode\"\s*:", re.I))),
    # VB365 (ASP.NET Web API): an unknown route is "No HTTP resource was found ..."; its v8 stack traces name Veeam.Archiver.
    (VB365_API, ("Veeam Backup for Microsoft 365 REST API", 4443,
                 re.compile(r"No HTTP resource was found that matches the request URI|Veeam\.Archiver", re.I))),
])


class VeeamApiError(Exception):
    """Any failure talking to a Veeam server, always with enough context for a one-line report."""

    def __init__(self, message, method=None, url=None, status=None, server_message=None, excerpt=None):
        super(VeeamApiError, self).__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.status = status
        self.server_message = server_message
        self.excerpt = excerpt

    def __str__(self):
        where = " ".join(part for part in (self.method, self.url) if part)
        parts = [self.message]
        if where:
            parts.append("(%s%s)" % (where, "" if self.status is None else " -> HTTP %s" % self.status))
        return " ".join(parts)

    def to_dict(self):
        return dict(method=self.method, url=self.url, status=self.status, server_message=self.server_message)


class BoundedRetry(Retry):
    """urllib3 Retry with bounded waits and its own budget for 429 answers.

    A server asking for an hour would otherwise stall a maintenance window, and a malformed Retry-After would abort
    the run. A 429 means the request was refused before it was processed: any method, a write included, may be sent
    again after the server's Retry-After (plus jitter), up to RATE_LIMITED_RETRIES times on top of the other retries.
    """

    def __init__(self, *args, **kwargs):
        self.throttled = kwargs.pop("throttled", 0)
        super(BoundedRetry, self).__init__(*args, **kwargs)

    def new(self, **kwargs):
        kwargs.setdefault("throttled", self.throttled)
        return super(BoundedRetry, self).new(**kwargs)

    def is_retry(self, method, status_code, has_retry_after=False):
        if status_code == 429:
            return self.throttled < RATE_LIMITED_RETRIES
        return super(BoundedRetry, self).is_retry(method, status_code, has_retry_after)

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        if error is None and response is not None and response.status == 429:
            return self.new(throttled=self.throttled + 1, history=self.history + (RequestHistory(method, url, None, 429, None),))
        try:
            return super(BoundedRetry, self).increment(method, url, response, error, _pool, _stacktrace)
        except Exception as exc:
            # The error that ends the retries says how many attempts it ended, for the message (see _unanswered).
            exc.attempts = len(self.history) + 1
            raise

    def parse_retry_after(self, retry_after):
        return min(float(super(BoundedRetry, self).parse_retry_after(retry_after)), RETRY_AFTER_MAX)

    def get_retry_after(self, response):
        try:
            return super(BoundedRetry, self).get_retry_after(response)
        except Exception:  # pylint: disable=broad-except
            return None

    def sleep_for_retry(self, response):
        retry_after = self.get_retry_after(response)
        if not retry_after:
            return False
        time.sleep(retry_after * (1 + random.uniform(0, RETRY_AFTER_JITTER)))
        return True

    def get_backoff_time(self):
        return min(super(BoundedRetry, self).get_backoff_time(), BACKOFF_MAX)


def safe_retry(retries, backoff, methods):
    """Retry policy for requests a server may safely see twice.

    Connection failures before anything was sent are retried for every method
    (urllib3 counts them as connect errors); read errors and retryable statuses
    only for `methods`. Any other error (TLS, for example) is final at once.
    """
    return BoundedRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        redirect=0,
        backoff_factor=backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset(methods),
        respect_retry_after_header=True,
        raise_on_status=False,
    )


def excerpt(text, length=EXCERPT_LENGTH):
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= length else text[:length] + "..."


def answering_api(exc, port):
    """(APIS key, how it was recognised) of the API whose error answer `exc` carries: by the answer itself, else by `port`
    being that API's default port; (None, None) when neither tells."""
    answer = " ".join(text for text in (exc.server_message, exc.excerpt) if text)
    for key, (_title, _port, signature) in APIS.items():
        if answer and signature.search(answer):
            return key, "it answered %r" % excerpt(exc.server_message or exc.excerpt, 100)
    for key, (_title, default_port, _signature) in APIS.items():
        if default_port == port:
            return key, "%d is its default port" % port
    return None, None


def wrong_port_message(exc, base_url, expected):
    """For a refused login: when another Veeam API than `expected` (an APIS key) answered, a message naming the port, the
    API that answers there and where the expected one listens by default; None when the answer may be the expected API's."""
    port = urlsplit(base_url).port
    other, how = answering_api(exc, port)
    if other is None or other == expected:
        return None
    title, default_port, _signature = APIS[other]
    wanted_title, wanted_port, _signature = APIS[expected]
    return ("%s: port %s answers like the %s (%s), not the %s. Check server and port: the %s listens on %d by default, the %s on %d."
            % (base_url, port, title, how, wanted_title, wanted_title, wanted_port, title, default_port))


def server_message(response):
    """The message a Veeam server put in an error body, in any of the shapes the APIs use, or None."""
    content_type = response.headers.get("Content-Type", "")
    text = response.text or ""
    if "json" in content_type or text.lstrip().startswith("{"):
        return _json_message(text)
    if "html" in content_type or text.lstrip().lower().startswith(("<!doctype html", "<html")):
        title = re.search(r"<title>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        return "an HTML page%s instead of a Veeam API answer" % (": %r" % excerpt(title.group(1), 80) if title else "")
    found = re.search(r"""<Error\b[^>]*\bMessage=(["'])(.*?)\1""", text, re.DOTALL) or re.search(r"<Message>(.*?)</Message>", text, re.DOTALL)
    return found.groups()[-1] if found else None


def _json_message(text):
    try:
        body = json.loads(text)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    return next((body[key] for key in ("message", "Message", "error_description", "error") if isinstance(body.get(key), str) and body[key]), None)


class HttpClient(object):
    """A keep-alive session bound to one server's base URL.

    GETs (and the paths in `replayable_posts`, i.e. logins) are retried with
    backoff on connection errors, 429 and 502/503/504, honouring Retry-After;
    a GET whose answer does not parse (cut short on its way) too, see parsed().
    Any other request is resent only when it was refused unprocessed (a failed
    connect, or 429): a caller that gets an unclear answer must re-read the
    server's state and decide again.
    """

    def __init__(self, base_url, validate_certs=True, ca_path=None, timeout=30, use_proxy=True,
                 retries=3, backoff=0.5, replayable_posts=(), headers=None):
        self.base_url = base_url.rstrip("/") + "/"
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.session = requests.Session()
        # Passed with every request: a session-level verify loses to REQUESTS_CA_BUNDLE when trust_env is on.
        self.verify = (ca_path or True) if validate_certs else False
        if not validate_certs:
            # The collection warns once (arguments.insecure_connection_warnings); urllib3's warning on every request would
            # go to stderr, where Ansible reports it as a worker writing to stderr, once per host.
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        # trust_env also pulls in ~/.netrc credentials; use_proxy=false must mean no environment at all.
        self.session.trust_env = use_proxy
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers.update(headers or {})
        self.session.mount(self.base_url, HTTPAdapter(max_retries=safe_retry(retries, backoff, READ_METHODS)))
        for path in replayable_posts:
            # requests picks the adapter with the longest matching prefix, so only these URLs replay POSTs.
            self.session.mount(self.url(path), HTTPAdapter(max_retries=safe_retry(retries, backoff, ("POST",))))

    def url(self, path):
        if re.match(r"^https?://", path):
            return path
        return self.base_url + path.lstrip("/")

    def request(self, method, path, expect=(200,), **kwargs):
        """Send one request; return the response if its status is in `expect`, else raise VeeamApiError."""
        url = self.url(path)
        kwargs.setdefault("timeout", self.timeout)
        kwargs["verify"] = self.verify
        started = time.monotonic()
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.exceptions.RequestException as exc:
            raise VeeamApiError(_unanswered(exc, url, kwargs["timeout"], time.monotonic() - started), method, url)
        if response.status_code not in expect:
            if response.status_code == 400 and "plain HTTP request was sent to HTTPS port" in (response.text or ""):
                # A proxy in front of the API (nginx wording) says so instead of hanging up.
                raise VeeamApiError("The scheme does not match the port: this port expects HTTPS. Use https://.",
                                    method, url, response.status_code)
            message = server_message(response)
            raise VeeamApiError(
                "Server answered HTTP %s%s." % (response.status_code, ": %s" % message.rstrip(".") if message else ""),
                method, url, response.status_code, message, excerpt(response.text))
        return response

    def json(self, response):
        """The JSON body of a response, or a VeeamApiError saying what came instead (a GET's unreadable answer is asked for
        again first, see parsed())."""
        return self.parsed(response, _json_body, _unreadable_json)

    def parsed(self, response, parse, unreadable):
        """parse(response) of an answer. A ValueError from parse means the answer did not arrive whole (cut short or mangled
        on its way): a GET is then sent again like any other safe read, with the same policy as the connection and status
        retries (`retries` more attempts, the same backoff, Retry-After honoured); a POST's answer is never replayed. When
        no attempt parses, the VeeamApiError says unreadable(last response, error), and how many attempts were made.
        parse raises VeeamApiError itself for an answer that is whole but foreign (an HTML page): that is not retried.
        """
        method = response.request.method
        policy = safe_retry(self.retries, self.backoff, READ_METHODS)
        while True:
            try:
                return parse(response)
            except ValueError as exc:
                error = exc
            if method not in READ_METHODS:
                break
            try:
                policy = policy.increment(method, response.url, error=ProtocolError("the answer could not be read"))
            except MaxRetryError:
                break
            policy.sleep(response.raw)
            response = self.request(method, response.url, expect=(response.status_code,))
        attempts = len(policy.history) + 1
        tried = " (the same in all %d attempts)" % attempts if attempts > 1 else ""
        raise VeeamApiError(unreadable(response, error) + tried, method, response.url, response.status_code)

    def close(self):
        self.session.close()


def _json_body(response):
    """A response's JSON; a ValueError when a JSON answer does not parse (it may be sent again), a VeeamApiError when the
    answer is not JSON at all (a whole answer from something else: sending it again would not help)."""
    try:
        return response.json()
    except ValueError:
        content_type = response.headers.get("Content-Type") or "no content type"
        if "json" in content_type.lower():
            raise
        raise VeeamApiError("Expected JSON but got %s (is this a Veeam server?): %r" % (content_type, excerpt(response.text, 80)),
                            response.request.method, response.url, response.status_code)


def _unreadable_json(response, error):
    # A JSON answer that does not parse was cut short or mangled on its way; it says nothing about the server.
    return "The JSON answer could not be read (%s), it may have been cut short on its way; it starts %r" % (error, excerpt(response.text, 80))


def _unanswered(exc, url, timeout, elapsed=0.0):
    """Why a request got no HTTP answer, and what to change, for a requests exception (and how many attempts over how
    long, when it was retried)."""
    if isinstance(exc, requests.exceptions.SSLError):
        if PLAIN_HTTP_ANSWER.search(str(exc)):
            return ("The scheme does not match the port: this port answered an https:// request in plain HTTP, without TLS. "
                    "Use the port where the API serves HTTPS (check server and port).")
        return ("TLS certificate verification failed: %s. If the server uses a private or self-signed CA, "
                "set ca_path to that CA's PEM file." % _reason(exc))
    if url.startswith("http://") and HUNG_UP.search(str(exc)):
        return ("Request failed: %s. The scheme may not match the port: a TLS port hangs up on a plain http:// request, "
                "so if this port serves HTTPS (the Veeam APIs do), use https://." % _reason(exc))
    return _unanswered_after_retries(exc, timeout, elapsed)


def _unanswered_after_retries(exc, timeout, elapsed):
    """A timeout, a refused or failed connection: the retries (GETs, logins) are said, how many over how long."""
    attempts = getattr(exc.args[0] if exc.args else None, "attempts", 1)
    reason = _root_cause(exc)
    if isinstance(exc, requests.exceptions.Timeout) or "timed out" in str(reason).lower():
        if attempts > 1:
            return "No answer within %s seconds to any of %d attempts (%.1f s in all; the timeout option is per attempt)." % (
                timeout, attempts, elapsed)
        return "No answer within %s seconds (timeout)." % timeout
    tried = " (%d attempts over %.1f s)" % (attempts, elapsed) if attempts > 1 else ""
    if isinstance(exc, requests.exceptions.ConnectionError) and "connection" in str(reason).lower() + type(reason).__name__.lower():
        return "Cannot connect: %s%s." % (_reason(exc), tried)
    return "Request failed: %s%s." % (_reason(exc), tried)


def _root_cause(exc):
    """The urllib3 error behind a requests exception (MaxRetryError wraps it in `.reason`)."""
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    return getattr(cause, "reason", None) or cause


def _reason(exc):
    """A short human-readable reason, without urllib3's pool and object names."""
    text = str(_root_cause(exc))
    text = re.sub(r"^.*?\(host='[^']*', port=\d+\): ", "", text)
    text = re.sub(r"^<[^>]*>: ", "", text)
    text = re.sub(r"\[SSL: [A-Z_]+\] | \(_ssl\.c:\d+\)|\(Caused by [A-Za-z]+\(|\[Errno -?\d+\] ", "", text)
    if text.count("(") != text.count(")"):
        text = text.replace("(", "").replace(")", "")
    return excerpt(text.strip(" .'\""), 160)
