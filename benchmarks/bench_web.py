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
- the peer, ``floor``: an empty endpoint (``/favicon.ico``, 204, answered on the event loop as
  a cached body is) on the same server — the cost of the stack itself; p95s are also reported
  as ratios against it.

Each phase runs twice on one server started for the run: **cold** (the first requests compute
and fill the caches while the load runs: latency then measures the computation queue), then,
after one untimed pass that requests every URL of the phase and waits for it, **warm**. Usage:
``python -m benchmarks web [--seconds=30] [--clients=50] [--workers=1] [--tool=wrk]``.
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
        "floor": ["/favicon.ico"],
    }


_WRK_SCRIPT = """
local urls = %s
local counter = 0
setup = function(thread) counter = counter + 1 end
local i = 0
init = function(args) math.randomseed(os.time() + counter); i = math.random(#urls) end
request = function()
  i = i %% #urls + 1
  return wrk.format("GET", urls[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nRESULT {"requests": %%d, "p50": %%.3f, "p95": %%.3f, "p99": %%.3f, "errors": %%d}\\n',
    summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.timeout + e.status))
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
                    ok = r.status_code < 400
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t)
                errors += not ok
                i += 1

        await asyncio.gather(*(worker(k) for k in range(clients)))
    lat = np.array(latencies) * 1000
    return {"requests": len(lat), "p50": float(np.percentile(lat, 50)),
            "p95": float(np.percentile(lat, 95)), "p99": float(np.percentile(lat, 99)),
            "errors": errors}


def _complete(base: str, urls: list[str]) -> None:
    """Request every URL once, waiting for each (finishes what the cold phase left computing)."""
    import httpx

    with httpx.Client(base_url=base, timeout=600) as http:
        for url in urls:
            http.get(url)


def _start_server(workers: int) -> tuple[subprocess.Popen, str]:
    import httpx

    port = _free_port()
    code = (
        "import uvicorn; uvicorn.run('article2.web:create_app', factory=True, "
        f"host='127.0.0.1', port={port}, workers={workers}, log_level='error')"
    )
    server = subprocess.Popen([sys.executable, "-c", code], env=os.environ.copy())
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
    results = []
    try:
        for name, urls in phases().items():
            if only and name not in only and name != "floor":
                continue
            for state in ("cold", "warm") if name != "floor" else ("warm",):
                if state == "warm":
                    _complete(base, urls)
                if tool == "wrk":
                    r = _wrk(base, urls, clients, seconds)
                else:
                    r = asyncio.run(_httpx_load(base, urls, clients, seconds))
                results.append((name, state, len(urls), r))
                print(f"  {name:13} {state:5} done: p95 {r['p95']:.1f} ms", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    floor = next(r for n, _, _, r in results if n == "floor")["p95"]
    print(f"\n{'phase':13} {'cache':5} {'URLs':>5} {'requests':>8} {'req/s':>7} {'p50 ms':>8} "
          f"{'p95 ms':>8} {'p99 ms':>8} {'errors':>6} {'p95/floor':>9}")
    for name, state, n_urls, r in results:
        print(f"{name:13} {state:5} {n_urls:>5} {r['requests']:>8} {r['requests'] / seconds:>7.0f} "
              f"{r['p50']:>8.1f} {r['p95']:>8.1f} {r['p99']:>8.1f} {r['errors']:>6} "
              f"{r['p95'] / floor:>9.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
