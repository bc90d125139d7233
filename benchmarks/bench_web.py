"""Load test of the dashboard on loopback: p50/p95 latency and errors under concurrent clients.

A uvicorn server (one process, as ``article2 serve`` runs it) serves the warehouse; ``--clients``
asyncio clients (httpx, default 50) send requests back to back for ``--seconds`` (default 30)
per phase. Phases: the API profile (``/api/country/{iso3}``), the country page
(``/country/{iso3}``), the map API (``/api/map/...``), and the peer: an empty endpoint
(``/favicon.ico``, 204) on the same server — the floor of the stack, so latencies are reported
as ratios against it. Every cache is warmed first (one pass over the URLs), as a running server
would be. Usage: ``python -m benchmarks web [--seconds=30] [--clients=50]``.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time

import numpy as np

ISO3S = ("JPN", "KOR", "USA", "CHN", "AUS", "IDN", "VNM", "PHL", "THA", "MYS", "SGP", "IND",
         "DEU", "FRA", "GBR", "BRA", "MEX", "CAN", "NZL", "PAK", "BGD", "LKA", "MMR", "KHM",
         "LAO", "MNG", "PNG", "FJI", "ZAF", "NGA", "KEN", "EGY", "SAU", "TUR", "RUS", "ITA")
YEARS = (1990, 2000, 2005, 2010, 2014)


def _arg(argv: list[str], name: str, default: int) -> int:
    for a in argv:
        if a.startswith(f"--{name}="):
            return int(a.split("=", 1)[1])
    return default


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _phases() -> dict[str, list[str]]:
    return {
        "api_profile": [f"/api/country/{c}" for c in ISO3S],
        "country_page": [f"/country/{c}" for c in ISO3S],
        "api_map": [f"/api/map/balance_usajpn_chn?year={y}" for y in YEARS]
        + [f"/api/map/trade_share_chn?year={y}" for y in YEARS],
        "floor (empty endpoint)": ["/favicon.ico"],
    }


async def _load(base: str, urls: list[str], clients: int, seconds: float):
    import httpx

    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:

        async def worker(k: int) -> None:
            nonlocal errors
            i = k
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
    return np.array(latencies) * 1000, errors


def main(argv: list[str]) -> None:
    import httpx

    seconds, clients = _arg(argv, "seconds", 30), _arg(argv, "clients", 50)
    from article2 import paths, warehouse

    if not warehouse.exists():
        print("building the warehouse first ...")
        warehouse.build()
    port = _free_port()
    code = (
        "import uvicorn, sys; from pathlib import Path; from article2.web import create_app; "
        f"uvicorn.run(create_app(Path({str(paths.warehouse_path())!r})), host='127.0.0.1', "
        f"port={port}, log_level='error')"
    )
    server = subprocess.Popen([sys.executable, "-c", code], env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/favicon.ico", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        print(f"server {base}; {clients} concurrent clients, {seconds} s per phase "
              f"(shared machine: figures vary with other load)")
        for urls in _phases().values():  # warm every cache once
            for url in urls:
                httpx.get(base + url, timeout=60)
        results = {}
        for name, urls in _phases().items():
            lat, errors = asyncio.run(_load(base, urls, clients, seconds))
            results[name] = (lat, errors)
        floor_p95 = np.percentile(results["floor (empty endpoint)"][0], 95)
        print(f"{'phase':24} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'errors':>6} {'p95/floor':>9}")
        for name, (lat, errors) in results.items():
            p50, p95 = np.percentile(lat, 50), np.percentile(lat, 95)
            print(f"{name:24} {len(lat):>8} {len(lat) / seconds:>7.0f} {p50:>8.1f} {p95:>8.1f} "
                  f"{errors:>6} {p95 / floor_p95:>9.2f}")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main(sys.argv[1:])
