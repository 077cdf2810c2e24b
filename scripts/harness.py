"""Shared by the test scripts (crash-test, browser-test, site-checks, api-fuzz): a copy of the
bundled example in a temporary folder, `advocate serve` on a loopback port, the pages it built.

Nothing here reaches beyond 127.0.0.1.
"""
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
BINARY = os.path.join(ROOT, ".build", "debug", "advocate")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def copy_example(prefix):
    """A fresh copy of the example's content/ and templates/; returns its folder."""
    site = tempfile.mkdtemp(prefix=prefix)
    for name in ("content", "templates"):
        shutil.copytree(os.path.join(ROOT, name), os.path.join(site, name))
    return site


class Server:
    """`advocate serve` over `site`, started and waited for until /healthz answers 200."""

    def __init__(self, site, binary=BINARY, extra=(), data=None, name="serve", startup_seconds=60):
        self.site = site
        self.port = free_port()
        self.log_path = os.path.join(site, f"{name}.log")
        command = [binary, "serve", "--source", site, "--port", str(self.port), "--ip-limit", "0", "--code-limit", "0"]
        if data:
            command += ["--data", data]
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(command + list(extra), stdout=self.log, stderr=self.log)
        deadline = time.time() + startup_seconds
        while time.time() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"the server exited with {self.process.returncode}; see {self.log_path}")
            try:
                if self.request("GET", "/healthz", timeout=1)[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.process.kill()
        sys.exit(f"the server did not answer /healthz within {startup_seconds} s; see {self.log_path}")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def request(self, method, path, body=None, headers=None, timeout=10):
        """(status, headers, body bytes)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def post_json(self, payload, timeout=10):
        return self.request("POST", "/api/referrals", body=json.dumps(payload),
                            headers={"Content-Type": "application/json"}, timeout=timeout)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def built_pages(output):
    """Every HTML page of a built site, as URL paths (`/r/ada/`, `/404.html`), sorted."""
    pages = []
    for folder, _, files in os.walk(output):
        for name in files:
            if name.endswith(".html"):
                relative = os.path.relpath(os.path.join(folder, name), output).replace(os.sep, "/")
                pages.append("/" + (relative[: -len("index.html")] if name == "index.html" else relative))
    return sorted(pages)


def page_kinds(output):
    """One page of each kind the build wrote: the theme marks a page's kind on its body
    (`<body class="page-stats">`), so a new kind of page is picked up without a list here."""
    kinds = {}
    for page in built_pages(output):
        path = os.path.join(output, page.lstrip("/"), "index.html") if page.endswith("/") else os.path.join(output, page.lstrip("/"))
        with open(path, encoding="utf-8") as file:
            marked = re.search(r'<body[^>]*class="([^"]*)"', file.read())
        kinds.setdefault(marked.group(1) if marked else page, page)
    return sorted(kinds.values())


def stats_token(site, code):
    with open(os.path.join(site, "content", "data", "referrers.json"), encoding="utf-8") as file:
        return next(entry["statsToken"] for entry in json.load(file) if entry["code"] == code)


def summary(name, failures, passed):
    """Prints the closing line CI reads and returns the exit status."""
    for failure in failures:
        print(f"{name}: FAILED: {failure}")
    print(f"{name}: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0
