"""The processes under test: the simulator and Home Assistant, on loopback, always stopped."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from types import TracebackType
from typing import Any, Self
import urllib.error
import urllib.request

ROOT = Path(__file__).resolve().parent.parent
SIM_PYTHON = ROOT / ".venv" / "bin" / "python"
HASS = ROOT / ".venv-dev" / "bin" / "hass"
LOOPBACK = "127.0.0.1"


class E2eError(Exception):
    """A step or a check failed; the message says what, for a person."""


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(port: int) -> bool:
    """Nothing can be listening on the loopback port when we can bind it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
        return True


def http_json(url: str, method: str = "GET", body: Any = None, timeout: float = 10) -> Any:
    """One JSON request to a loopback server (no proxies)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310
    if data is not None:
        request.add_header("Content-Type", "application/json")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


def log_tail(path: Path, lines: int = 40) -> str:
    """The end of a log file, for failure messages."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(text[-lines:])


@dataclass
class Service:
    """A child process in its own process group, with its output in a log file."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def check_alive(self) -> None:
        """Raise a E2eError with the end of the log when the process has exited."""
        code = self.process.poll()
        if code is not None:
            raise E2eError(
                f"{self.name} exited with code {code}. End of {self.log_path}:\n"
                f"{log_tail(self.log_path)}"
            )

    def stop(self, grace_s: float = 30) -> None:
        """SIGTERM the whole group, then SIGKILL what is left after ``grace_s``."""
        if self.process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        # Children that outlived their parent (same group) get the same treatment.
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


def wait_until[T](
    what: str,
    probe: Callable[[], T | None],
    timeout_s: float,
    services: tuple[Service, ...] = (),
    interval_s: float = 0.25,
) -> T:
    """Poll ``probe`` until it returns something other than None (or fail, saying ``what``)."""
    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while True:
        for service in services:
            service.check_alive()
        try:
            result = probe()
        except (OSError, urllib.error.URLError, ValueError) as err:
            last_error, result = err, None
        if result is not None:
            return result
        if time.monotonic() > deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            raise E2eError(f"timed out after {timeout_s:.0f} s waiting for {what}{detail}")
        time.sleep(interval_s)


@dataclass
class Stack:
    """Simulator + Home Assistant on loopback, in fresh temporary folders."""

    artifacts: Path
    sim_port: int = 0
    ha_port: int = 0
    vehicles: int = 3
    scenario: str = "default"
    time_scale: float = 1.0
    ha_start_timeout_s: float = 300
    config_dir: Path = field(init=False)
    services: list[Service] = field(default_factory=list, init=False)
    _exit: ExitStack = field(default_factory=ExitStack, init=False)

    @property
    def sim_url(self) -> str:
        """Base URL of the simulator."""
        return f"http://{LOOPBACK}:{self.sim_port}"

    @property
    def ha_url(self) -> str:
        """Base URL of Home Assistant."""
        return f"http://{LOOPBACK}:{self.ha_port}"

    def __enter__(self) -> Self:
        """Start both servers; everything started is stopped again if a later step fails."""
        self._exit.__enter__()
        try:
            self._start()
        except BaseException:
            self._exit.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop Home Assistant, then the simulator, and remove the temporary folder."""
        self._exit.close()

    def _start(self) -> None:
        for path in (SIM_PYTHON, HASS):
            if not path.exists():
                raise E2eError(f"{path} is missing: run scripts/setup --dev first")
        self.artifacts.mkdir(parents=True, exist_ok=True)
        for port in (self.sim_port, self.ha_port):
            if port and not port_is_free(port):
                raise E2eError(f"port {port} on {LOOPBACK} is already in use")
        self.sim_port = self.sim_port or free_port()
        self.ha_port = self.ha_port or free_port()
        self.config_dir = Path(tempfile.mkdtemp(prefix="psa-e2e-config-"))
        self._exit.callback(shutil.rmtree, self.config_dir, ignore_errors=True)
        self._prepare_config()

        simulator = self._spawn(
            "simulator",
            [
                str(SIM_PYTHON), "-m", "simulator", "--host", LOOPBACK,
                "--port", str(self.sim_port), "--vehicles", str(self.vehicles),
                "--scenario", self.scenario, "--time-scale", str(self.time_scale),
                "--quiet-world",
            ],
        )  # fmt: skip
        wait_until(
            "the simulator to answer",
            lambda: http_json(f"{self.sim_url}/_sim/time"),
            timeout_s=30,
            services=(simulator,),
        )
        hass = self._spawn(
            "home assistant", [str(HASS), "-c", str(self.config_dir), "--log-no-color"]
        )
        wait_until(
            f"Home Assistant to serve {self.ha_url}",
            lambda: http_json(f"{self.ha_url}/api/onboarding", timeout=5),
            timeout_s=self.ha_start_timeout_s,
            services=(hass, simulator),
            interval_s=0.5,
        )

    def _prepare_config(self) -> None:
        shutil.copy(ROOT / "config" / "configuration.yaml", self.config_dir)
        subprocess.run(  # noqa: S603 - our own interpreter and script
            [
                sys.executable, str(ROOT / "scripts" / "ha_config.py"), str(self.config_dir),
                "--port", str(self.ha_port), "--host", LOOPBACK,
            ],
            check=True,
        )  # fmt: skip

    def _spawn(self, name: str, command: list[str]) -> Service:
        log_path = self.artifacts / f"{name.replace(' ', '-')}.log"
        log = self._exit.enter_context(log_path.open("wb"))
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        service = Service(name, process, log_path)
        self.services.append(service)
        self._exit.callback(service.stop)
        return service

    def check_alive(self) -> None:
        """Fail at once when a server died under the test."""
        for service in self.services:
            service.check_alive()

    def log_of(self, name: str) -> Path:
        """Where a service's output goes."""
        return self.artifacts / f"{name.replace(' ', '-')}.log"
