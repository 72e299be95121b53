#!/usr/bin/env python3
"""Measures a relay's memory per idle relayed connection.

Listens as the backend, opens N connections through the relay, exchanges one small message on
each (so every relay has had traffic on the connection before it goes idle), then holds them
all idle and compares the relay's memory with what it used before the first connection.

Prints one line of JSON: {"connections": established, "kib_per_connection": growth / N, ...};
kib_per_connection is null when the relay exited during the test (docker-proxy does when it runs
out of descriptors).
Exit status 0 also when fewer connections could be made than asked for (that is a result);
non-zero only when not a single connection could be made.
"""

import argparse
import asyncio
import json
import os
import sys
import time

MESSAGE = b"idle-hold-ping\n"  # 15 bytes, echoed by the backend


def process_tree(root_pid):
    """The relay's process and all its descendants (socat forks one child per connection)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    tree, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def read_kib(path, key):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def relay_memory_kib(root_pid):
    """VmRSS of a single-process relay; the sum of PSS over the tree when the relay forks.

    PSS splits pages shared between a parent and its forked children, so a forking relay is
    not charged many times for the same code and libraries.
    """
    tree = process_tree(root_pid)
    if len(tree) == 1:
        return read_kib(f"/proc/{root_pid}/status", "VmRSS"), 1
    return sum(read_kib(f"/proc/{pid}/smaps_rollup", "Pss") for pid in tree), len(tree)


class Backend:
    def __init__(self):
        self.accepted = 0
        self.writers = []

    async def handle(self, reader, writer):
        self.accepted += 1
        self.writers.append(writer)
        try:
            data = await reader.readexactly(len(MESSAGE))
            writer.write(data)
            await writer.drain()
            await reader.read()  # until the client closes
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


async def open_one(host, port, semaphore, deadline, relay_pid):
    async with semaphore:
        # A relay with a short listen backlog (socat: 5) drops SYNs under a burst; retry until the
        # overall deadline instead of giving up on the first timeout, unless the relay is gone.
        while time.monotonic() < deadline and os.path.exists(f"/proc/{relay_pid}"):
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(host, port), timeout=5)
                writer.write(MESSAGE)
                await writer.drain()
                await asyncio.wait_for(reader.readexactly(len(MESSAGE)), timeout=10)
                return writer
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
                await asyncio.sleep(0.05)
        return None


async def run(args):
    backend = Backend()
    server = await asyncio.start_server(
        backend.handle, "127.0.0.1", args.backend_port, backlog=4096, reuse_address=True)
    await asyncio.sleep(args.settle)
    before, _ = relay_memory_kib(args.pid)

    started = time.monotonic()
    deadline = started + args.timeout
    semaphore = asyncio.Semaphore(args.parallel)
    writers = await asyncio.gather(*(
        open_one("127.0.0.1", args.relay_port, semaphore, deadline, args.pid)
        for _ in range(args.connections)))
    held = [w for w in writers if w is not None]
    connect_seconds = time.monotonic() - started

    await asyncio.sleep(args.settle)
    after, processes = relay_memory_kib(args.pid)
    relay_alive = os.path.exists(f"/proc/{args.pid}")

    result = {
        "asked": args.connections,
        "connections": len(held),
        "backend_accepted": backend.accepted,
        "before_kib": before,
        "after_kib": after,
        "relay_processes": processes,
        "connect_seconds": round(connect_seconds, 2),
        "relay_alive": relay_alive,
        "kib_per_connection":
            round((after - before) / len(held), 2) if held and relay_alive else None,
    }
    print(json.dumps(result), flush=True)

    for writer in held:
        writer.close()
    for writer in held:
        try:
            await asyncio.wait_for(writer.wait_closed(), timeout=2)
        except (OSError, asyncio.TimeoutError):
            pass
    server.close()
    return 0 if held else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pid", type=int, required=True, help="the relay's process id")
    parser.add_argument("--relay-port", type=int, required=True)
    parser.add_argument("--backend-port", type=int, required=True)
    parser.add_argument("--connections", type=int, default=9000)
    parser.add_argument("--parallel", type=int, default=128, help="connects in flight")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to open them all")
    parser.add_argument("--settle", type=float, default=1.0, help="seconds before each reading")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
