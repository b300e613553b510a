"""A crawl opens no listening socket: no telnet console, no remote-control server (Scrapy 2.19
turns one on by default: it runs the code sent to it), in the crawl's process or its workers."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from newscrawl.mirror.server import COUNTERS, MirrorProcess
from tests.conftest import FIXTURES, PROJECT, crawl_env

# /proc/net/tcp's state of a listening socket, and /proc/net/unix's flag of one (__SO_ACCEPTCON).
_TCP_LISTEN = "0A"
_UNIX_ACCEPTING = 0x10000


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it, as /proc shows them now."""
    found = [pid]
    for current in found:
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                found += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def socket_inodes(pid: int) -> set[str]:
    """The inodes of the sockets the process ``pid`` has open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").glob("*"):
        try:
            target = fd.readlink()
        except OSError:
            continue
        if str(target).startswith("socket:["):
            inodes.add(str(target)[len("socket:[") : -1])
    return inodes


def listening_inodes() -> set[str]:
    """The inodes of every socket in this network namespace that listens: TCP (v4, v6) and UNIX."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == _TCP_LISTEN:
                inodes.add(fields[9])
    for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[3], 16) & _UNIX_ACCEPTING:
            inodes.add(fields[6])
    return inodes


def test_a_crawl_opens_no_listening_socket(tmp_path: Path) -> None:
    # The homepage answers after 4 s: the crawl is up and waiting for it while we look.
    server = MirrorProcess.start(FIXTURES / "site", faults=[{"match": "^/$", "mode": "slow", "delay": 4, "times": 1}])
    command = [sys.executable, "-m", "scrapy", "crawl", "almayadeen", "-a", f"base_url={server.base_url}"]
    command += ["-a", "max_articles=1", "-s", f"ARCHIVE_DB={tmp_path / 'a.db'}", "-s", "LOG_LEVEL=WARNING"]
    process = subprocess.Popen(command, cwd=PROJECT, env=crawl_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while process.poll() is None:
            with urllib.request.urlopen(server.base_url + COUNTERS, timeout=30) as answer:
                if json.load(answer)["injected"].get("slow"):
                    break
            time.sleep(0.05)
        assert process.poll() is None, "the crawl ended before the slow homepage was asked for"
        opened = {inode: pid for pid in process_tree(process.pid) for inode in socket_inodes(pid)}
        listening = {inode: pid for inode, pid in opened.items() if inode in listening_inodes()}
        assert opened  # it is talking to the mirror
        assert listening == {}
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr[-3000:]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        server.stop()
