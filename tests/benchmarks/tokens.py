"""What verifying an access token adds to a request, with the provider's keys cached.

Two copies of one small FastAPI app answer ``GET /ping``: one without authentication, one behind
the services' own dependency with the OpenID Connect verifier (RS256, keys fetched once from a
stand-in provider's JWKS over local HTTP). The requests alternate between the two (ASGI, in
process, no network), so both see the same noise; the figures are each one's latency quantiles and
the difference of the p99s. ``python -m tests.benchmarks.tokens`` prints them; ``make bench`` puts
them in its table.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import httpx
from fastapi import Depends, FastAPI

from aktywni_shared.auth import Principal, authentication
from aktywni_shared.oidc import OidcVerifier
from tests.support.jwks import AUDIENCE, Provider


def _app(verifier: OidcVerifier | None) -> FastAPI:
    app = FastAPI()
    if verifier is None:

        @app.get("/ping")
        async def open_ping() -> dict[str, str]:
            return {"user": "-"}

    else:
        authenticated = authentication(verifier)

        @app.get("/ping")
        async def ping(caller: Principal = Depends(authenticated)) -> dict[str, str]:
            return {"user": caller.user}

    return app


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _measure(requests: int) -> dict[str, Any]:
    provider = Provider()
    provider.add_key("k1")
    try:
        verifier = OidcVerifier(provider.issuer, AUDIENCE)
        token = provider.token()
        headers = {"Authorization": f"Bearer {token}"}
        plain = httpx.AsyncClient(transport=httpx.ASGITransport(app=_app(None)), base_url="http://bench")
        guarded = httpx.AsyncClient(transport=httpx.ASGITransport(app=_app(verifier)), base_url="http://bench")
        took: dict[str, list[float]] = {"plain": [], "verified": []}
        async with plain, guarded:
            for _ in range(50):  # warm both (and fetch the keys once)
                await plain.get("/ping")
                assert (await guarded.get("/ping", headers=headers)).status_code == 200
            for _ in range(requests):
                for name, client, sent in (("plain", plain, {}), ("verified", guarded, headers)):
                    began = time.perf_counter()
                    answer = await client.get("/ping", headers=sent)
                    took[name].append((time.perf_counter() - began) * 1000)
                    assert answer.status_code == 200
        verify_ms = []
        for _ in range(requests):
            began = time.perf_counter()
            verifier.verify(token)
            verify_ms.append((time.perf_counter() - began) * 1000)
        return {
            "requests": requests,
            "key_set_fetches": provider.fetches,
            "plain_ms": {q: _quantile(took["plain"], p) for q, p in (("p50", 0.5), ("p99", 0.99))},
            "verified_ms": {q: _quantile(took["verified"], p) for q, p in (("p50", 0.5), ("p99", 0.99))},
            "verify_only_ms": {
                "p50": statistics.median(verify_ms),
                "p99": _quantile(verify_ms, 0.99),
            },
        }
    finally:
        provider.server.shutdown()


def measure(requests: int = 2000) -> dict[str, Any]:
    figures = asyncio.run(_measure(requests))
    figures["added_p99_ms"] = figures["verified_ms"]["p99"] - figures["plain_ms"]["p99"]
    return figures


def rows(figures: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("token verification alone (RS256, keys cached), p50 / p99 ms", _pair(figures["verify_only_ms"])),
        ("request without a token, p50 / p99 ms", _pair(figures["plain_ms"])),
        ("request with the provider's token verified, p50 / p99 ms", _pair(figures["verified_ms"])),
        ("  added by verification at p99, ms", f"{figures['added_p99_ms']:.3f}"),
        ("  key set fetched (times, all requests)", str(figures["key_set_fetches"])),
    ]


def _pair(figure: dict[str, float]) -> str:
    return f"{figure['p50']:.3f} / {figure['p99']:.3f}"


def main() -> None:
    figures = measure()
    width = max(len(name) for name, _ in rows(figures)) + 2
    print(f"Token verification ({figures['requests']} requests each, alternating)")
    for name, value in rows(figures):
        print(f"{name:{width}}{value}")


if __name__ == "__main__":
    main()
