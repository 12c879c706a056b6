"""Request and response objects shared by the HTTP plumbing and both API implementations, and the base class of those APIs."""

from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import parse_qsl


class ApiError(Exception):
    """An error answer; each API renders it in its own format (VB365 JSON, EM Error document)."""

    def __init__(self, status, message, code=None, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers or {}


@dataclass
class Request:
    api: str
    method: str
    path: str
    query: str
    headers: dict
    body: bytes
    base_url: str
    # The matched task_fail/task_stuck fault, read by the handler that creates the task or session.
    task_fault: Optional[dict] = None
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        # Query parameter names are case-insensitive on both products (ASP.NET / WCF binding).
        for key, value in parse_qsl(self.query, keep_blank_values=True):
            self.params.setdefault(key.lower(), value)

    def header(self, name, default=None):
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return default

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    @property
    def target(self):
        """path?query, what fault `path` patterns are searched in."""
        return self.path + ("?" + self.query if self.query else "")


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: Optional[str] = None
    headers: dict = field(default_factory=dict)
    # Close the connection without answering (the `reset` fault).
    reset: bool = False


class SimulatedApi:
    """What both simulated APIs share: the simulator whose state and settings they serve."""

    def __init__(self, simulator):
        self.sim = simulator

    @property
    def world(self):
        return self.sim.world

    @property
    def config(self):
        return self.sim.config
