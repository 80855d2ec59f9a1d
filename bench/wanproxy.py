#!/usr/bin/env python3
"""A loopback TCP proxy that behaves like a WAN link: a fixed one-way delay each way and a shared
bandwidth cap per direction (bytes are queued behind each other, as on a real link).

Usage: wanproxy.py LISTEN_PORT TARGET_HOST:PORT [RTT_MS] [MBIT]   (prints "ready" when listening)
Only binds 127.0.0.1. Used by bench/wan.bench.sh; never by tests.
"""
import asyncio
import sys
import time


class Link:
    """One direction: a byte may leave no sooner than the link has sent the bytes before it."""

    def __init__(self, one_way_s, bytes_per_s):
        self.delay = one_way_s
        self.rate = bytes_per_s
        self.free_at = 0.0

    def schedule(self, n):
        now = time.monotonic()
        start = max(now, self.free_at)
        self.free_at = start + n / self.rate
        return self.free_at + self.delay


async def pump(reader, writer, link):
    queue = asyncio.Queue()

    async def deliver():
        while True:
            item = await queue.get()
            if item is None:
                break
            at, data = item
            wait = at - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        try:
            writer.write_eof()
        except (OSError, RuntimeError):
            pass

    task = asyncio.ensure_future(deliver())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            queue.put_nowait((link.schedule(len(data)), data))
            # back-pressure: do not read far ahead of what the link has delivered
            while queue.qsize() > 64:
                await asyncio.sleep(0.001)
    except (ConnectionError, OSError):
        pass
    queue.put_nowait(None)
    try:
        await task
    except (ConnectionError, OSError):
        pass


async def main():
    listen = int(sys.argv[1])
    host, port = sys.argv[2].rsplit(":", 1)
    rtt = float(sys.argv[3]) if len(sys.argv) > 3 else 30.0
    mbit = float(sys.argv[4]) if len(sys.argv) > 4 else 200.0
    up = Link(rtt / 2000.0, mbit * 1e6 / 8)
    down = Link(rtt / 2000.0, mbit * 1e6 / 8)

    async def handle(cr, cw):
        try:
            sr, sw = await asyncio.open_connection(host, int(port))
        except OSError:
            cw.close()
            return
        await asyncio.gather(pump(cr, sw, up), pump(sr, cw, down))
        sw.close()
        cw.close()

    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
