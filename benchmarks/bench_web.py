"""Load test of the dashboard on loopback: p50/p95 latency and errors under concurrent clients.

A uvicorn server (as ``article2 serve --workers N`` runs it; default 1 process) serves the
warehouse. The load comes from ``wrk`` (C, one thread, keep-alive connections; Debian package
``wrk``) or, with ``--tool=httpx`` or when wrk is not installed, from asyncio httpx clients
(Python: the client then competes with the server for CPU and slows it). ``--clients`` (default
50) connections send requests back to back for ``--seconds`` (default 30) per phase, each
connection walking the URL list from its own offset, so that requests spread over every
country and year of a phase:

- ``api_profile``: ``/api/country/{iso3}/profile?year=Y`` (:func:`article2.api.profile`),
  36 countries x 5 years = 180 distinct URLs;
- ``api_country``: ``/api/country/{iso3}`` (every dashboard indicator over time), 36 URLs;
- ``country_page``: ``/country/{iso3}``, 36 pages;
- ``api_map``: ``/api/map/{indicator}?year=Y``, 4 indicators x 10 years;
- ``api_layers``: agreement layers and the exposure table at distinct dates and years:
  ``/api/architecture/{actor}?at=D``, ``/api/map/agreement_{actor}?at=D``, ``/api/exposure?year=Y``;
- ``api_misc``: ``/api/country/{iso3}/series``, ``/ties``, ``/capability/{name}``, ``/api/compare``,
  the registry endpoints (``/api/indicators``, ``/api/countries``, ``/api/sources``,
  ``/api/capabilities``, ``/api/ranking``);
- ``pages``: the map page at distinct indicators and years, ``/compare``, ``/ranking``, ``/sources``;
- ``briefs``: ``/country/{iso3}/brief.html`` and ``brief.pdf`` for 8 countries (PDF renders are
  bounded by the server: expect deliberate 503s);
- ``all``: every URL above, interleaved;
- the peer, ``floor``: an empty endpoint (``/favicon.ico``, 204, answered on the event loop as
  a cached body is) on the same server — the cost of the stack itself; p95s are also reported
  as ratios against it.

Responses are counted by status: 2xx, 429 (rate limited), other 4xx, 503 (deliberate: queue
full or time limit, with ``Retry-After``) and other 5xx (failures). The server's resident memory
(the server process and its children, e.g. Chromium) is sampled every 0.2 s; its peak is
reported (proportional set size: pages shared between processes are divided among them).
Per-client rate limiting is switched off for the run (every wrk connection comes from
127.0.0.1, i.e. one client); the test suite checks the rate limiter itself.

Each phase runs twice on one server started for the run: **cold** (the first requests compute
and fill the caches while the load runs: latency then measures the computation queue), then,
after one untimed pass that requests every URL of the phase and waits for each (for at most
``--warm-budget`` seconds, default 120; the count of URLs it completed is printed), **warm**.
Usage: ``python -m benchmarks web [--seconds=30] [--clients=50] [--workers=1] [--tool=wrk]
[--warm-budget=120] [--phases=api_map,pages]``.
Timings depend on what else runs on the machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import numpy as np

ISO3S = ("JPN", "KOR", "USA", "CHN", "AUS", "IDN", "VNM", "PHL", "THA", "MYS", "SGP", "IND",
         "DEU", "FRA", "GBR", "BRA", "MEX", "CAN", "NZL", "PAK", "BGD", "LKA", "MMR", "KHM",
         "LAO", "MNG", "PNG", "FJI", "ZAF", "NGA", "KEN", "EGY", "SAU", "TUR", "RUS", "ITA")
PROFILE_YEARS = (1995, 2000, 2005, 2010, 2014)
MAP_YEARS = (1990, 1995, 2000, 2004, 2006, 2008, 2010, 2012, 2013, 2014)
MAP_INDICATORS = ("balance_usajpn_chn", "trade_share_chn", "import_share_usa", "export_share_jpn")
ACTORS = ("USA", "JPN", "CHN", "EU")
#: distinct days: the 1st and 15th of every month, 2012-2014 (72 days)
DAYS = tuple(f"{y}-{m:02d}-{d:02d}" for y in range(2012, 2015) for m in range(1, 13)
             for d in (1, 15))
BRIEF_ISO3S = ISO3S[:8]


def _arg(argv: list[str], name: str, default: str) -> str:
    for a in argv:
        if a.startswith(f"--{name}="):
            return a.split("=", 1)[1]
    return default


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def phases() -> dict[str, list[str]]:
    """Phase name -> the URLs its clients cycle through."""
    return {
        "api_profile": [f"/api/country/{c}/profile?year={y}" for c in ISO3S for y in PROFILE_YEARS],
        "api_country": [f"/api/country/{c}" for c in ISO3S],
        "country_page": [f"/country/{c}" for c in ISO3S],
        "api_map": [f"/api/map/{i}?year={y}" for i in MAP_INDICATORS for y in MAP_YEARS],
        "api_layers": _interleave(
            [f"/api/architecture/{a}?at={d}" for d in DAYS[::2] for a in ACTORS],
            [f"/api/map/agreement_{a.lower()}?at={d}" for d in DAYS[1::2] for a in ACTORS],
            [f"/api/exposure?year={y}" for y in range(2000, 2015)]),
        "api_misc": _interleave(
            [f"/api/country/{c}/series?indicator={i}" for c in ISO3S for i in MAP_INDICATORS],
            [f"/api/country/{c}/ties?year={y}" for c in ISO3S for y in MAP_YEARS[-3:]],
            [f"/api/country/{c}/capability/{n}" for c in ISO3S
             for n in ("profile", "architecture", "recommendations")],
            [f"/api/compare?iso3={a}&iso3={b}&indicator={i}" for a, b in
             zip(ISO3S, ISO3S[1:], strict=False) for i in MAP_INDICATORS[:2]],
            ["/api/indicators", "/api/countries", "/api/sources", "/api/capabilities",
             "/api/ranking", "/api/countries?format=csv"]),
        "pages": _interleave(
            [f"/?indicator={i}&year={y}" for i in MAP_INDICATORS for y in MAP_YEARS],
            [f"/compare?iso3={a}&iso3={b}" for a, b in zip(ISO3S, ISO3S[1:], strict=False)],
            ["/ranking", "/sources"]),
        "briefs": [f"/country/{c}/brief.{f}" for c in BRIEF_ISO3S for f in ("html", "pdf")],
        "floor": ["/favicon.ico"],
    }


def _interleave(*lists: list[str]) -> list[str]:
    """The URLs of several lists taken in turn (so that every slice of the walk mixes kinds)."""
    out: list[str] = []
    for i in range(max(len(x) for x in lists)):
        out += [x[i] for x in lists if i < len(x)]
    return out


def with_all(p: dict[str, list[str]]) -> dict[str, list[str]]:
    """The phases plus ``all``: every URL of every phase (except the floor), interleaved."""
    kinds = [u for n, u in p.items() if n != "floor"]
    return {**{n: u for n, u in p.items() if n != "floor"}, "all": _interleave(*kinds),
            "floor": p["floor"]}


_WRK_SCRIPT = """
local urls = %s
local counter = 0
local i = 0
codes = {}
local threads = {}
setup = function(thread) counter = counter + 1; table.insert(threads, thread) end
init = function(args) math.randomseed(os.time() + counter); i = math.random(#urls) end
response = function(status, headers, body)
  local k = "other5xx"
  if status < 300 then k = "ok" elseif status == 429 then k = "r429"
  elseif status == 503 then k = "r503" elseif status < 500 then k = "other4xx" end
  codes[k] = (codes[k] or 0) + 1
end
request = function()
  i = i %% #urls + 1
  return wrk.format("GET", urls[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  local c = {ok = 0, r429 = 0, other4xx = 0, r503 = 0, other5xx = 0}
  for _, t in ipairs(threads) do
    for _, k in ipairs({"ok", "r429", "other4xx", "r503", "other5xx"}) do
      c[k] = c[k] + (t:get("codes")[k] or 0)
    end
  end
  io.write(string.format(
    '\\nRESULT {"requests": %%d, "p50": %%.3f, "p95": %%.3f, "p99": %%.3f, "errors": %%d, ' ..
    '"ok": %%d, "r429": %%d, "other4xx": %%d, "r503": %%d, "other5xx": %%d}\\n',
    summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.timeout,
    c.ok, c.r429, c.other4xx, c.r503, c.other5xx))
end
"""


def _wrk(base: str, urls: list[str], clients: int, seconds: int) -> dict:
    lua_urls = "{" + ", ".join(json.dumps(u) for u in urls) + "}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(_WRK_SCRIPT % lua_urls)
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "--timeout", "60s", "-s", f.name,
             base + urls[0]],
            capture_output=True, text=True, check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


async def _httpx_load(base: str, urls: list[str], clients: int, seconds: float) -> dict:
    import httpx

    latencies: list[float] = []
    errors = 0
    codes = {"ok": 0, "r429": 0, "other4xx": 0, "r503": 0, "other5xx": 0}
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:

        async def worker(k: int) -> None:
            nonlocal errors
            i = k * 7
            while time.perf_counter() < deadline:
                t = time.perf_counter()
                try:
                    r = await http.get(urls[i % len(urls)])
                    codes[_status_kind(r.status_code)] += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - t)
                i += 1

        await asyncio.gather(*(worker(k) for k in range(clients)))
    lat = np.array(latencies) * 1000
    return {"requests": len(lat), "p50": float(np.percentile(lat, 50)),
            "p95": float(np.percentile(lat, 95)), "p99": float(np.percentile(lat, 99)),
            "errors": errors, **codes}


def _status_kind(status: int) -> str:
    if status < 300:
        return "ok"
    if status in (429, 503):
        return f"r{status}"
    return "other4xx" if status < 500 else "other5xx"


def _complete(base: str, urls: list[str], budget: float) -> int:
    """Request every URL once, waiting for each (finishes what the cold phase left computing);
    a 503 (queue full, or still computing) is asked again after its ``Retry-After``. Stops after
    ``budget`` seconds; returns how many URLs answered."""
    import httpx

    deadline = time.monotonic() + budget
    done = 0
    with httpx.Client(base_url=base, timeout=budget) as http:
        for url in urls:
            try:
                while (r := http.get(url)).status_code == 503 and time.monotonic() < deadline:
                    time.sleep(min(float(r.headers.get("retry-after", "1")), 5))
            except httpx.HTTPError:
                break
            if time.monotonic() > deadline:
                break
            done += r.status_code != 503
    return done


class _MemorySampler:
    """Peak memory (MB, PSS) of a process and its descendants, sampled from /proc."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        import threading

        self.pid, self.every, self.peak = pid, every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat") as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(d))
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo += children.get(p, [])
        return out

    def rss_mb(self) -> float:
        """Proportional set size (PSS: shared pages divided among the processes sharing them,
        so that Chromium's processes are not counted several times) of the process tree."""
        total = 0
        for p in self._tree():
            try:
                with open(f"/proc/{p}/smaps_rollup") as f:
                    total += next(int(x.split()[1]) for x in f if x.startswith("Pss:")) * 1024
            except (OSError, StopIteration, IndexError, ValueError):
                continue
        return total / 2**20

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self.rss_mb())

    def take_peak(self) -> float:
        """The peak since the last call (then reset to the current value)."""
        peak, self.peak = max(self.peak, self.rss_mb()), 0.0
        return peak

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)


def _start_server(workers: int) -> tuple[subprocess.Popen, str]:
    import httpx

    port = _free_port()
    code = (
        "import uvicorn; uvicorn.run('article2.web:create_app', factory=True, "
        f"host='127.0.0.1', port={port}, workers={workers}, log_level='error')"
    )
    # one client (127.0.0.1) sends every request: per-client rate limiting off for the run
    env = {**os.environ, "ARTICLE2_WEB_RATE": "0"}
    server = subprocess.Popen([sys.executable, "-c", code], env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            httpx.get(base + "/favicon.ico", timeout=1)
            return server, base
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the server did not start")


def main(argv: list[str]) -> None:
    seconds, clients = int(_arg(argv, "seconds", "30")), int(_arg(argv, "clients", "50"))
    workers = int(_arg(argv, "workers", "1"))
    warm_budget = float(_arg(argv, "warm-budget", "120"))
    tool = _arg(argv, "tool", "wrk" if shutil.which("wrk") else "httpx")
    only = [p for p in _arg(argv, "phases", "").split(",") if p]
    from article2 import paths, warehouse

    if not warehouse.exists():
        print("building the warehouse first ...")
        warehouse.build()
    print(f"warehouse {paths.warehouse_path()}; tool {tool}; {clients} clients; {seconds} s per "
          f"phase and cache state; {workers} server process(es); {os.cpu_count()} CPU cores, "
          f"shared with other work (figures vary with the machine's load)")
    server, base = _start_server(workers)
    memory = _MemorySampler(server.pid)
    print(f"server memory at start: {memory.rss_mb():.0f} MB", flush=True)
    results = []
    try:
        for name, urls in with_all(phases()).items():
            if only and name not in only and name != "floor":
                continue
            for state in ("cold", "warm") if name != "floor" else ("warm",):
                if state == "warm":
                    done = _complete(base, urls, warm_budget)
                    print(f"  {name:13} warm pass: {done}/{len(urls)} URLs answered within "
                          f"{warm_budget:g} s", flush=True)
                if tool == "wrk":
                    r = _wrk(base, urls, clients, seconds)
                else:
                    r = asyncio.run(_httpx_load(base, urls, clients, seconds))
                r["mem"] = memory.take_peak()
                results.append((name, state, len(urls), r))
                print(f"  {name:13} {state:5} done: p95 {r['p95']:.1f} ms", flush=True)
    finally:
        memory.stop()
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    floor = next(r for n, _, _, r in results if n == "floor")["p95"]
    print(f"\n{'phase':13} {'cache':5} {'URLs':>5} {'requests':>8} {'req/s':>7} {'p50 ms':>8} "
          f"{'p95 ms':>8} {'p99 ms':>8} {'2xx':>6} {'429':>5} {'4xx':>5} {'503':>5} {'5xx':>5} "
          f"{'conn':>5} {'mem MB':>7} {'p95/floor':>9}")
    for name, state, n_urls, r in results:
        print(f"{name:13} {state:5} {n_urls:>5} {r['requests']:>8} {r['requests'] / seconds:>7.0f} "
              f"{r['p50']:>8.1f} {r['p95']:>8.1f} {r['p99']:>8.1f} {r['ok']:>6} {r['r429']:>5} "
              f"{r['other4xx']:>5} {r['r503']:>5} {r['other5xx']:>5} {r['errors']:>5} "
              f"{r['mem']:>7.0f} {r['p95'] / floor:>9.2f}")
    print("2xx/429/4xx/503/5xx: responses by status (503: deliberate, queue full or time "
          "limit; 5xx: other server errors); conn: connection errors and timeouts; mem MB: peak "
          "memory (PSS) of the server and its children (Chromium) during the phase")


if __name__ == "__main__":
    main(sys.argv[1:])
