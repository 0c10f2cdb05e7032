"""The Python peer of ari-bench: aioari (PyPI), measured the same way as the Swift client.

    aioari_peer.py events PORT                      decode events of app "bench" until BenchDone; prints events/s
    aioari_peer.py rest PORT REQUESTS CONCURRENCY   asterisk.getInfo() REQUESTS times; prints round trips/s
"""
import asyncio
import sys
import time

import aioari


async def events(port):
    client = await aioari.connect("http://127.0.0.1:%d/" % port, "bench", "bench")
    state = {"count": 0, "start": None, "end": None}

    def on_any(event):
        if state["start"] is None:
            state["start"] = time.perf_counter()
        if event["type"] == "BenchDone":
            state["end"] = time.perf_counter()
            asyncio.get_event_loop().create_task(client.close())
            return
        state["count"] += 1

    client.on_event("*", on_any)
    try:
        await client.run(apps="bench")
    except Exception:
        pass
    seconds = (state["end"] or time.perf_counter()) - (state["start"] or time.perf_counter())
    print("RESULT client=aioari events=%d seconds=%.3f events_per_s=%d" % (state["count"], seconds, state["count"] / max(seconds, 1e-9)))


async def rest(port, requests, concurrency):
    client = await aioari.connect("http://127.0.0.1:%d/" % port, "bench", "bench")
    await client.asterisk.getInfo()

    async def worker(first):
        for _ in range(first, requests, concurrency):
            await client.asterisk.getInfo()

    start = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    seconds = time.perf_counter() - start
    await client.close()
    print("RESULT client=aioari requests=%d seconds=%.3f requests_per_s=%d" % (requests, seconds, requests / seconds))


if __name__ == "__main__":
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "events":
        asyncio.run(events(port))
    else:
        asyncio.run(rest(port, int(sys.argv[3]), int(sys.argv[4])))
