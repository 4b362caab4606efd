"""Spans captured in memory (the SDK's exporter behind the services' own scrubbing), and a search of
them for personal values."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from aktywni_shared import tracing


@contextlib.contextmanager
def captured_spans(service: str = "test") -> Iterator[InMemorySpanExporter]:
    """Tracing on for what is built inside the block; every ended span lands in the exporter."""
    exporter = InMemorySpanExporter()
    tracing.install(tracing.provider(service, SimpleSpanProcessor(exporter)))
    try:
        yield exporter
    finally:
        tracing.uninstall()


def span_texts(span: ReadableSpan) -> list[str]:
    """Everything of a span that leaves the process as text: name, attributes, events, links, status."""
    texts = [span.name, str(span.status.description or "")]
    texts += [f"{k}={v}" for k, v in (span.attributes or {}).items()]
    for event in span.events:
        texts.append(event.name)
        texts += [f"{k}={v}" for k, v in (event.attributes or {}).items()]
    for link in span.links:
        texts += [f"{k}={v}" for k, v in (link.attributes or {}).items()]
    return texts


def leaks(spans: Iterable[ReadableSpan], needles: Iterable[str]) -> list[tuple[str, str]]:
    """(span name, needle) for every needle found in a span's text."""
    wanted = [n for n in needles if n]
    return [(span.name, n) for span in spans for text in span_texts(span) for n in wanted if n in text]
