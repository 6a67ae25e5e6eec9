#!/usr/bin/env python3
"""`scripts/bench peer`: taskscope's execution models against a Python asyncio + websockets client.

One `taskscope-server --load-sink` serves every run. For each stream count, each repetition runs
every client once, in an order that rotates between repetitions (the machine is shared: alternating
spreads its noise over all clients). Each client is one process sending N live streams of 20 ms
linear16 chunks for S seconds: the Python peer (scripts/peer_asyncio.py), and `taskscope --headless`
with the trace on, in the coroutine and thread models, on each requested event loop. Prints one
table of medians: CPU ms per stream-second (user / kernel), p50 / p99 chunk send lateness and
memory per stream, with the load average the runs started at.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

# Debian's interpreter, whose python3-websockets the peer uses (a pyenv or venv python3 may lack it).
PYTHON = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


# Prefix for every process the bench starts (--nice): on a machine shared with builds, all clients
# and the sink get the same priority over the compilers, or single-threaded clients starve.
PREFIX = []
NICE = [0]


def own_group():
    """Child set-up for --nice: with autogroup scheduling (kernel.sched_autogroup_enabled), a nice
    value only ranks threads inside their session's group, and each session (every other user's
    build) gets an equal share whatever its nice. So every process the bench starts leads a new
    session whose group gets the --nice value too."""
    if not NICE[0]:
        return
    os.setsid()
    try:
        with open("/proc/self/autogroup", "w") as f:
            f.write(str(NICE[0]))
    except OSError:
        pass  # no autogroup (or not allowed): the plain nice prefix still applies


def start_server(binary):
    server = subprocess.Popen(PREFIX + [binary, "--load-sink", "--host", "127.0.0.1", "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, preexec_fn=own_group)
    line = server.stdout.readline()
    if not line.startswith("listening on "):
        server.kill()
        sys.exit(f"bench peer: {binary} did not start ({line.strip()!r})")
    return server, line.split("listening on ", 1)[1].strip().rstrip("/")


def run_python(root, url, streams, seconds):
    out = subprocess.run(PREFIX + [PYTHON, os.path.join(root, "scripts", "peer_asyncio.py"), "--url", url,
                          "--streams", str(streams), "--seconds", str(seconds)],
                         capture_output=True, text=True, timeout=seconds * 6 + 300, preexec_fn=own_group)
    if out.returncode != 0:
        return {"error": out.stderr.strip()[-300:]}
    r = json.loads(out.stdout)
    return {k: r.get(k) for k in ("ok", "cpuUserMs", "cpuSystemMs", "streamSeconds", "latenessP50Ms",
                                  "latenessP99Ms", "memoryPerStreamBytes")} | {"streams": streams}


def run_taskscope(binary, url, model, event_loop, streams, seconds, workdir):
    scenario = {
        "name": f"peer-{model}-{streams}",
        "timeoutS": int(seconds * 4 + 120),
        # As users run it: the trace on, the whole run retained.
        "trace": {"retentionS": 30, "maxItems": 20000000},
        "workloads": [{"workload": "live-transcription", "model": model, "count": streams, "source": "sample",
                       "audio": "email-dictation", "chunkMs": 20, "durationS": seconds, "baseUrl": url}],
    }
    path = os.path.join(workdir, f"peer-{model}-{streams}.json")
    report_path = os.path.join(workdir, f"report-{model}-{event_loop}-{streams}.json")
    with open(path, "w") as f:
        json.dump(scenario, f)
    if os.path.exists(report_path):
        os.remove(report_path)  # a run that writes none must not read the previous run's
    out = subprocess.run(PREFIX + [binary, "--headless", "--quiet", "--scenario", path, "--report", report_path,
                          "--event-loop", event_loop], capture_output=True, text=True,
                         timeout=seconds * 6 + 300, preexec_fn=own_group)
    if not os.path.exists(report_path):
        return {"error": (out.stderr or out.stdout).strip()[-300:]}
    with open(report_path) as f:
        report = json.load(f)
    run = report["runs"][0]
    process = run["process"]
    summary = run["workloads"][0]["summary"]
    return {
        "streams": streams,
        "ok": summary.get("ok"),
        "cpuUserMs": process["cpuUserMs"],
        "cpuSystemMs": process["cpuSystemMs"],
        "streamSeconds": process["streamSeconds"],
        "latenessP50Ms": summary.get("latenessP50Ms"),
        "latenessP99Ms": summary.get("latenessP99Ms"),
        "memoryPerStreamBytes": process.get("memoryPerStreamBytes"),
        "eventDispatcher": report["environment"].get("eventDispatcher"),
    }


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=2):
    return "-" if value is None else f"{value:.{digits}f}"


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(prog="scripts/bench peer", description=__doc__.splitlines()[0])
    parser.add_argument("--streams", default="512,2000", help="stream counts, comma-separated (default 512,2000)")
    parser.add_argument("--seconds", type=float, default=10, help="seconds of audio per stream (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="repetitions per client (default 3)")
    parser.add_argument("--clients", default="python,coroutine,thread",
                        help="python, coroutine, thread (default: all three)")
    parser.add_argument("--event-loops", default="epoll", help="taskscope's --event-loop values: epoll, qt")
    parser.add_argument("--quick", action="store_true", help="64 streams, 4 s, 1 run: a smoke test")
    parser.add_argument("--build", default=os.environ.get("TASKSCOPE_BUILD_DIR", os.path.join(root, "build")))
    parser.add_argument("--baseline", metavar="BUILD",
                        help="also run taskscope's clients from this other build folder (labelled 'baseline'), "
                             "alternating with this one: a before/after under the same load")
    parser.add_argument("--json", help="also write every run's figures to this file")
    parser.add_argument("--nice", type=int, default=0,
                        help="run the sink and every client at this nice value (negative needs root)")
    args = parser.parse_args()
    if args.quick:
        args.streams, args.seconds, args.runs = "64", 4, 1
    if args.nice:
        PREFIX.extend(["nice", "-n", str(args.nice)])
        NICE[0] = args.nice
    counts = [int(s) for s in args.streams.split(",") if s]
    loops = [s for s in args.event_loops.split(",") if s]
    taskscope = os.path.join(args.build, "app", "taskscope")
    builds = [("", taskscope)]
    if args.baseline:
        builds.append((" (baseline)", os.path.join(args.baseline, "app", "taskscope")))
    clients = []
    for c in [s for s in args.clients.split(",") if s]:
        if c == "python":
            clients.append(("python asyncio + websockets", "python", None, None))
        elif c in ("coroutine", "thread"):
            clients.extend((f"taskscope {c}, {loop}{tag}", c, loop, binary) for loop in loops for tag, binary in builds)
        else:
            sys.exit(f"bench peer: unknown client {c!r}")
    if any(loop not in ("epoll", "qt") for loop in loops) or not counts or args.runs < 1:
        sys.exit("bench peer: --event-loops takes epoll and/or qt; --streams and --runs must be given")

    server_binary = os.path.join(args.build, "workers", "loopback", "taskscope-server")
    for b in [binary for _, binary in builds] + [server_binary]:
        if not os.access(b, os.X_OK):
            sys.exit(f"bench peer: {b} is missing (build the taskscope and taskscope-server targets)")
    server, url = start_server(server_binary)
    results = {}
    loads = []
    try:
        with tempfile.TemporaryDirectory(prefix="taskscope-peer-") as workdir:
            for n in counts:
                for rep in range(args.runs):
                    order = clients[rep % len(clients):] + clients[:rep % len(clients)]
                    for label, kind, loop, binary in order:
                        time.sleep(2)  # let the server close the previous run's sockets
                        load = load_average()
                        loads.append(load)
                        if kind == "python":
                            r = run_python(root, url, n, args.seconds)
                        else:
                            r = run_taskscope(binary, url, kind, loop, n, args.seconds, workdir)
                        r["loadAtStart"] = load
                        results.setdefault((label, n), []).append(r)
                        print(f"  {label}, {n} streams, run {rep + 1}: " + (
                            r["error"] if "error" in r else
                            f"{fmt((r['cpuUserMs'] + r['cpuSystemMs']) / r['streamSeconds'])} ms/stream-s, "
                            f"p99 {fmt(r['latenessP99Ms'])} ms, ok {r['ok']}/{n}, load {load:.2f}"),
                            file=sys.stderr, flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"\n{len(counts)} stream counts × {len(clients)} clients × {args.runs} runs, {args.seconds:g} s of "
          f"20 ms chunks per stream, one taskscope-server --load-sink; medians. Load average at the runs' "
          f"start: {min(loads):.2f}–{max(loads):.2f} on {os.cpu_count()} CPUs"
          + (f"; sink and clients at nice {args.nice}" if args.nice else "") + ".\n")
    print("| client | streams | CPU ms per stream-second | of it user / kernel | p50 lateness ms "
          "| p99 lateness ms | KiB per stream | streams ok |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for n in counts:
        for label, _, _, _ in clients:
            runs = [r for r in results.get((label, n), []) if "error" not in r and r["streamSeconds"]]
            if not runs:
                print(f"| {label} | {n} | failed | | | | | |")
                continue
            total = median([(r["cpuUserMs"] + r["cpuSystemMs"]) / r["streamSeconds"] for r in runs])
            user = median([r["cpuUserMs"] / r["streamSeconds"] for r in runs])
            kernel = median([r["cpuSystemMs"] / r["streamSeconds"] for r in runs])
            p50 = median([r["latenessP50Ms"] for r in runs])
            p99 = median([r["latenessP99Ms"] for r in runs])
            p99s = "/".join(fmt(r["latenessP99Ms"], 1) for r in runs)
            mem = median([r["memoryPerStreamBytes"] for r in runs])
            ok = min(r["ok"] or 0 for r in runs)
            print(f"| {label} | {n} | {fmt(total)} | {fmt(user)} / {fmt(kernel)} | {fmt(p50)} | {fmt(p99)} "
                  f"({p99s}) | {fmt(mem / 1024 if mem is not None else None, 0)} | {ok}/{n} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({f"{label} {n}": runs for (label, n), runs in results.items()}, f, indent=1)


if __name__ == "__main__":
    main()
