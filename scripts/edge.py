"""
Serve the desk behind its edge cache on this machine (`make edge`): gunicorn
origins, Varnish with deploy/varnish/default.vcl in front of them, and the
task worker that delivers the purges every change queues.

    python scripts/edge.py [--origins 2] [--port 6081] [--origin-port 8001]

Readers use http://127.0.0.1:6081/; the origins answer on 8001, 8002...
The tests, `make bench` and `make soak` start Varnish through the same
Varnish class. Needs Debian's varnish and varnish-modules (xkey).
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VCL_DIR = ROOT / "deploy" / "varnish"
HOST = "127.0.0.1"
PYTHON = sys.executable
XKEY = Path("/usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so")


def varnishd():
    """The varnishd executable, or None where Varnish is not installed."""
    return shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None
    )


def missing_varnish():
    """Why Varnish cannot run here (a sentence), or None."""
    if varnishd() is None:
        return "varnishd is not installed (Debian: apt-get install varnish varnish-modules)"
    if not any(Path(p).exists() for p in [XKEY, "/usr/lib/varnish/vmods/libvmod_xkey.so"]):
        return "the xkey vmod is not installed (Debian: apt-get install varnish-modules)"
    return None


def origins_vcl(ports, host=HOST, probe_interval="1s"):
    """origins.vcl for gunicorns on `ports`, each probed on /healthz, for the shard director."""
    backends = "".join(
        f'backend origin_{n} {{\n    .host = "{host}";\n    .port = "{port}";\n'
        f"    .probe = desk_health;\n}}\n\n"
        for n, port in enumerate(ports, 1)
    )
    added = "".join(f"    origins.add_backend(origin_{n});\n" for n in range(1, len(ports) + 1))
    return (
        f'probe desk_health {{\n    .url = "/healthz";\n    .interval = {probe_interval};\n'
        "    .timeout = 2s;\n    .window = 5;\n    .threshold = 3;\n}\n\n"
        f"{backends}sub vcl_init {{\n    new origins = directors.shard();\n{added}"
        "    origins.reconfigure();\n}\n"
    )


def free_port(host=HOST):
    """A port nothing listens on now, from the system: fixed ports collide with other runs."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def wait_for_port(port, seconds=30, host=HOST):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.1)
    return False


class Varnish:
    """varnishd with the desk's VCL in front of `origin_ports`, for the length of a `with` block."""

    def __init__(self, port, origin_ports, admin_port=None, memory="256m", probe_interval="1s"):
        self.port, self.origin_ports = port, origin_ports
        self.admin_port = admin_port or port + 10
        self.memory, self.probe_interval = memory, probe_interval
        self.base = f"http://{HOST}:{port}"

    def __enter__(self):
        self.directory = tempfile.mkdtemp(prefix="factcheck-varnish-")
        # Varnish compiles the VCL as its own unprivileged user, who must read it.
        os.chmod(self.directory, 0o755)  # noqa: S103
        Path(self.directory, "origins.vcl").write_text(
            origins_vcl(self.origin_ports, probe_interval=self.probe_interval)
        )
        self.workdir = str(Path(self.directory, "work"))
        self.process = subprocess.Popen(
            [
                varnishd(),
                "-F",
                "-n",
                self.workdir,
                "-a",
                f"{HOST}:{self.port}",
                "-T",
                f"{HOST}:{self.admin_port}",
                "-f",
                str(VCL_DIR / "default.vcl"),
                "-p",
                f"vcl_path={self.directory}:{VCL_DIR}",
                "-s",
                f"malloc,{self.memory}",
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        if not wait_for_port(self.port):
            self.__exit__()
            raise RuntimeError(f"Varnish did not listen on {self.port} within 30 s.")
        # Origins start sick until their probes pass: readers arriving before
        # then would get 503s from an edge whose origins are all up.
        self.wait_until_healthy()
        return self

    def healthy(self):
        """How many origins Varnish counts healthy now."""
        return sum(
            1
            for line in self.admin("backend.list").splitlines()
            if ".origin_" in line and line.split()[3] == "healthy"
        )

    def wait_until_healthy(self, seconds=10):
        """Wait (up to `seconds`) until every origin's probe has passed; whether they did."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.healthy() == len(self.origin_ports):
                return True
            time.sleep(0.1)
        return False

    def admin(self, *command):
        """A varnishadm command's output (raises when it fails)."""
        return subprocess.run(
            ["varnishadm", "-n", self.workdir, *command],
            check=True,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout

    def set_health(self, origin_number, state):
        """Force an origin's health: "sick", "healthy" or "auto" (its probe decides)."""
        self.admin("backend.set_health", f"*.origin_{origin_number}", state)

    def objects(self):
        """How many objects Varnish holds now."""
        return self.counters("n_object").get("n_object", 0)

    def counters(self, *names):
        """Varnish's MAIN counters now, by name: those asked for, or all."""
        fields = [arg for name in names for arg in ("-f", f"MAIN.{name}")] or ["-f", "MAIN.*"]
        output = subprocess.run(
            ["varnishstat", "-n", self.workdir, "-1", *fields],
            check=True,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout
        return {
            line.split()[0].removeprefix("MAIN."): int(line.split()[1])
            for line in output.splitlines()
            if line.startswith("MAIN.")
        }

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        shutil.rmtree(self.directory, ignore_errors=True)


def start(command, env):
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--origins", type=int, default=2, help="how many gunicorns")
    parser.add_argument("--port", type=int, default=6081, help="where Varnish listens")
    parser.add_argument("--origin-port", type=int, default=8001, help="the first gunicorn's")
    return parser.parse_args()


def main():
    args = parse_args()
    # Stopped by a signal (a service manager, timeout), stop everything started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if reason := missing_varnish():
        raise SystemExit(f"Cannot serve the edge: {reason}.")
    ports = [args.origin_port + n for n in range(args.origins)]
    env = {
        **os.environ,
        "EDGE_PURGE_BACKEND": "varnish",
        "EDGE_VARNISH_URLS": f"http://{HOST}:{args.port}/",
        "SITE_URL": os.environ.get("SITE_URL", f"http://{HOST}:{args.port}"),
    }
    processes = [
        start(
            [PYTHON, "-m", "factcheck.serve", "--bind", f"{HOST}:{port}", "--workers", "2"],
            env,
        )
        for port in ports
    ]
    worker = [PYTHON, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2"]
    processes.append(start(worker, env))
    try:
        with Varnish(args.port, ports):
            print(f"The desk, behind its edge: http://{HOST}:{args.port}/ (origins {ports})")
            # Deliver whatever a crash or an edge outage left pending.
            subprocess.run([PYTHON, "manage.py", "deliver_purges"], cwd=ROOT, env=env, check=False)
            while all(process.poll() is None for process in processes):
                time.sleep(1)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
