# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A scripted HTTP(S) server on 127.0.0.1 for tests of the HTTP layer."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


Answer = collections.namedtuple("Answer", "status headers body")
RESET = "reset"


class ScriptedServer(object):
    """Answers each request with the next scripted answer for its path (the last one repeats)."""

    def __init__(self, tls_context=None):
        self.script = {}
        self.seen = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # pylint: disable=arguments-differ
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.seen.append((self.command, self.path, dict(self.headers), body))
                answers = server.script.get(self.path) or [Answer(404, {}, "")]
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                if answer == RESET:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.close_connection = True
                    self.connection.close()
                    return
                payload = answer.body.encode("utf-8")
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = _answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if tls_context is not None:
            self.httpd.socket = tls_context.wrap_socket(self.httpd.socket, server_side=True)
        scheme = "https" if tls_context is not None else "http"
        self.url = "%s://127.0.0.1:%d/" % (scheme, self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, path, *answers):
        self.script[path] = list(answers)

    def count(self, method, path):
        return sum(1 for seen in self.seen if seen[0] == method and seen[1] == path)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
