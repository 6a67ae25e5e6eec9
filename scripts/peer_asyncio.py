#!/usr/bin/env python3
"""The Python peer of `scripts/bench peer`: what a Python user writes for many live streams.

asyncio + websockets (Debian's python3-websockets), one task per stream: connect to the Deepgram
listen v1 endpoint, send linear16 chunks paced in real time with asyncio.sleep, read the server's
messages in a second task, then CloseStream. Prints one JSON object with the same figures the
taskscope run report carries: CPU (user/kernel) per stream-second, chunk send lateness (p50/p99:
how long after its due time each chunk was handed to the socket) and memory per stream.
"""
import argparse
import asyncio
import json
import os
import resource
import sys
import time
import wave

import websockets


def rss_bytes():
    # Anonymous resident memory (resident minus file-backed and shared), as taskscope's report counts
    # it: pages of mapped files are the page cache's, not the streams'.
    with open("/proc/self/statm") as f:
        fields = f.read().split()
        return (int(fields[1]) - int(fields[2])) * os.sysconf("SC_PAGE_SIZE")


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[index]


def load_audio(path):
    with wave.open(path, "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            sys.exit(f"peer_asyncio: {path} is not 16-bit mono")
        return w.readframes(w.getnframes()), w.getframerate()


class Stream:
    def __init__(self):
        self.lateness = []
        self.seconds = 0.0
        self.ok = False
        self.error = ""
        self.messages = 0


async def reader(ws, stream):
    try:
        async for _ in ws:
            stream.messages += 1
    except websockets.ConnectionClosed:
        pass


async def run_stream(url, audio, rate, chunk_ms, seconds, stream, started):
    chunk_bytes = rate * 2 * chunk_ms // 1000
    chunks = int(seconds * 1000 // chunk_ms)
    loop = asyncio.get_running_loop()
    try:
        async with websockets.connect(url, max_size=None, open_timeout=60) as ws:
            started()
            read_task = asyncio.create_task(reader(ws, stream))
            begin = loop.time()
            pos = 0
            for k in range(chunks):
                due = begin + k * chunk_ms / 1000.0
                delay = due - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                if pos + chunk_bytes > len(audio):
                    pos = 0
                chunk = audio[pos:pos + chunk_bytes]
                pos += chunk_bytes
                stream.lateness.append(max(0.0, loop.time() - due))
                await ws.send(chunk)
            stream.seconds = loop.time() - begin
            await ws.send(json.dumps({"type": "CloseStream"}))
            try:
                await asyncio.wait_for(read_task, timeout=10)
            except asyncio.TimeoutError:
                read_task.cancel()
            stream.ok = True
    except Exception as e:  # a failed stream is counted, not fatal
        stream.error = f"{type(e).__name__}: {e}"


async def main_async(args):
    audio, rate = load_audio(args.audio)
    url = args.url.rstrip("/")
    if url.startswith("http"):
        url = "ws" + url[4:]
    url += ("/v1/listen?model=nova-3&language=en-US&encoding=linear16&sample_rate=%d&channels=1"
            "&interim_results=true&endpointing=300&utterance_end_ms=1000&vad_events=true" % rate)
    streams = [Stream() for _ in range(args.streams)]
    live = 0
    peak = {"rss": 0, "live": 0}
    baseline = rss_bytes()

    def started():
        nonlocal live
        live += 1

    async def sample_memory():
        while True:
            if live >= peak["live"]:
                peak["live"] = live
                peak["rss"] = max(peak["rss"], rss_bytes())
            await asyncio.sleep(0.25)

    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    wall0 = time.monotonic()
    sampler = asyncio.create_task(sample_memory())
    await asyncio.gather(*(run_stream(url, audio, rate, args.chunk_ms, args.seconds, s, started) for s in streams))
    sampler.cancel()
    wall = time.monotonic() - wall0
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    user_ms = (usage1.ru_utime - usage0.ru_utime) * 1000
    sys_ms = (usage1.ru_stime - usage0.ru_stime) * 1000
    stream_seconds = sum(s.seconds for s in streams)
    lateness = sorted(v * 1000 for s in streams for v in s.lateness)
    errors = sorted({s.error for s in streams if s.error})
    return {
        "client": "python-asyncio",
        "python": sys.version.split()[0],
        "websockets": websockets.__version__,
        "streams": args.streams,
        "ok": sum(1 for s in streams if s.ok),
        "errors": errors[:5],
        "wallS": wall,
        "cpuMs": user_ms + sys_ms,
        "cpuUserMs": user_ms,
        "cpuSystemMs": sys_ms,
        "streamSeconds": stream_seconds,
        "cpuMsPerStreamSecond": (user_ms + sys_ms) / stream_seconds if stream_seconds > 0 else None,
        "latenessP50Ms": percentile(lateness, 0.50),
        "latenessP99Ms": percentile(lateness, 0.99),
        "latenessMaxMs": lateness[-1] if lateness else None,
        "maxLiveStreams": peak["live"],
        "memoryPerStreamBytes": (peak["rss"] - baseline) / peak["live"] if peak["live"] else None,
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the server's base URL, e.g. http://127.0.0.1:8089")
    parser.add_argument("--streams", type=int, default=512)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--chunk-ms", type=int, default=20)
    parser.add_argument("--audio", default=os.path.join(here, "..", "resources", "speech", "email-dictation.wav"))
    args = parser.parse_args()
    if args.streams < 1 or args.seconds <= 0 or args.chunk_ms < 1:
        sys.exit("peer_asyncio: --streams, --seconds and --chunk-ms must be positive")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = args.streams + 64
    if soft < want and hard >= want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    print(json.dumps(asyncio.run(main_async(args))))


if __name__ == "__main__":
    main()
