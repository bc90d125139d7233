"""The dashboard API's OpenAPI document tells the truth: schemathesis (every phase, every check,
a bounded number of examples) finds no failure against the running app over the real warehouse.

Every phase runs: ``examples`` (the examples the schema gives), ``coverage`` (boundary and
schema-violating values of every parameter), ``fuzzing`` (generated requests) and ``stateful``
(sequences following the links between operations); every check runs (server errors, status
codes and content types documented, responses conforming to their schema, schema-valid requests
accepted and schema-violating ones rejected, undeclared methods answered 405 with ``Allow``);
the response-time check's limit is set out of reach: timings belong to the load benchmark
(``python -m benchmarks web``), not to a test on a shared machine. ``--max-examples`` bounds the
run (about 500 requests, 1-2 minutes on two cores); the seed makes it reproducible.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("schemathesis")
uvicorn = pytest.importorskip("uvicorn")

from tests.fixtures.live_server import serving  # noqa: E402

pytestmark = [pytest.mark.snapshot, pytest.mark.slow]
MAX_EXAMPLES = 10
SEED = 1



@pytest.fixture(scope="module")
def server(real_warehouse):
    from article2.web import create_app
    from article2.web.limits import Limits

    # the answers are under test, not the limits: no rate limit, no time limit in reach
    app = create_app(real_warehouse, limits=Limits(rate=0, time_limit=600))
    with serving(app) as url:
        yield app, url
    app.state.store.close()


def test_schemathesis_finds_no_failure(server, tmp_path):
    _, base = server
    cmd = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{base}/openapi.json",
        "--phases", "examples,coverage,fuzzing,stateful",
        "--checks", "all", "--max-response-time", "600",
        "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED),
        "--workers", "1", "--request-timeout", "600", "--no-color",
        "--generation-database", "none",
    ]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, cwd=tmp_path)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-8000:]
    assert "Tested: " in report and " failed" not in report.split("SUMMARY")[-1]


def test_every_operation_documents_its_errors_and_content_types(server):
    app, _ = server
    spec = app.openapi()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            codes = set(op["responses"])
            assert {"200", "429", "503"} <= codes, (method, path)
            if op.get("parameters"):
                assert {"404", "422"} <= codes, (method, path)
            for code in ("404", "422", "429", "503"):
                if code in codes:
                    schema = op["responses"][code]["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (path, code)
            if any(p["name"] == "format" for p in op.get("parameters", ())):
                assert "text/csv" in op["responses"]["200"]["content"], path


def test_undeclared_methods_get_405_with_allow(server):
    import httpx

    _, base = server
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        r = httpx.request(method, f"{base}/api/countries")
        assert r.status_code == 405 and r.headers["allow"] == "GET"
        assert "not allowed" in r.json()["error"]
