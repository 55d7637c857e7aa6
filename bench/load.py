"""A small asyncio load generator: `concurrency` clients posting uploads back to back."""

from __future__ import annotations

import asyncio
import io
import statistics
import time
from dataclasses import dataclass


def photo_jpegs(count: int, *, start: int = 0, width: int = 640, height: int = 480) -> list[bytes]:
    """Distinct photo-like JPEGs (gradients with grain, a numbered stamp): every upload is new
    to the sha256 reuse, so every one is analysed."""
    from PIL import Image, ImageDraw

    def channel(sigma: float) -> Image.Image:
        gradient = Image.radial_gradient("L").resize((width, height))
        return Image.blend(gradient, Image.effect_noise((width, height), sigma), 0.35)

    base = Image.merge("RGB", [channel(40), channel(60), channel(80)])
    images = []
    for n in range(start, start + count):
        image = base.copy()
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 0, 120, 30), fill=(n % 256, (n // 256) % 256, 90))
        draw.text((6, 8), f"#{n}", fill=(255, 255, 255))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85)
        images.append(out.getvalue())
    return images


@dataclass
class LoadResult:
    concurrency: int
    latencies: list[float]
    seconds: float
    errors: dict[int, int]

    @property
    def requests_per_second(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: float) -> float:
        """Seconds; nearest-rank, so p99 of 100 samples is the 99th slowest-but-one."""
        ordered = sorted(self.latencies)
        return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered)) - 1))]

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)


async def _post_all(
    url: str, token: str, bodies: list[bytes], concurrency: int, expect: int
) -> LoadResult:
    import logging

    import httpx

    # httpx logs every request at INFO: the console gets one line per measurement instead.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    latencies: list[float] = []
    errors: dict[int, int] = {}
    remaining = iter(bodies)
    headers = {"Authorization": f"Token {token}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def client(http: httpx.AsyncClient) -> None:
        for body in remaining:
            started = time.perf_counter()
            response = await http.post(
                url, files={"image": ("photo.jpg", body, "image/jpeg")}, headers=headers
            )
            latencies.append(time.perf_counter() - started)
            if response.status_code != expect:
                errors[response.status_code] = errors.get(response.status_code, 0) + 1

    async with httpx.AsyncClient(timeout=300, limits=limits) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return LoadResult(concurrency, latencies, seconds, errors)


def post_uploads(
    url: str, token: str, bodies: list[bytes], *, concurrency: int, expect: int
) -> LoadResult:
    return asyncio.run(_post_all(url, token, bodies, concurrency, expect))
