"""TLS: verification on by default, `verify: false`, and a CA bundle named in orbit.yaml."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

ARGS = ("--orbit-no-db", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:logging")
SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[HTTPServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    server.expect_request("/ping").respond_with_json({"pong": True})
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def write_project(folder: Path, server: HTTPServer, verify: str | None) -> None:
    setting = f"\n    verify: {verify}" if verify is not None else ""
    folder.mkdir(exist_ok=True)
    (folder / "orbit.yaml").write_text(
        f"environments:\n  local:\n    base_url: {server.url_for('').rstrip('/')}{setting}\n"
    )
    (folder / "ping.orbit.yaml").write_text(
        "steps:\n  - name: ping\n    request: {method: GET, url: /ping}\n"
        "    expect: {json: {$.pong: true}}\n"
    )


def test_a_self_signed_certificate_fails_the_step_by_default(
    pytester: pytest.Pytester, tls_server: HTTPServer
) -> None:
    write_project(pytester.path, tls_server, None)
    result = pytester.runpytest(*ARGS)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*request failed: SSLError*certificate verify failed*"])


def test_verify_false_is_honoured_even_with_a_ca_bundle_in_the_environment(
    pytester: pytest.Pytester, tls_server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # requests lets REQUESTS_CA_BUNDLE override a session's verify=False (requests #3829).
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", SYSTEM_BUNDLE)
    write_project(pytester.path, tls_server, "false")
    # urllib3 warns about the unverified request, as it should; the warning is not the point.
    result = pytester.runpytest(*ARGS, "-W", "ignore::urllib3.exceptions.InsecureRequestWarning")
    result.assert_outcomes(passed=1)


def test_verify_names_a_ca_bundle_relative_to_orbit_yaml(
    pytester: pytest.Pytester, tls_server: HTTPServer, certificate: tuple[Path, Path]
) -> None:
    suite = pytester.path / "suite"
    write_project(suite, tls_server, "ca.pem")
    shutil.copy(certificate[0], suite / "ca.pem")
    result = pytester.runpytest(*ARGS, "suite")  # run from the folder above orbit.yaml's
    result.assert_outcomes(passed=1)
