"""Every shell example of README.md and docs/*.md, typed as written, against a fresh demo.

A block runs when it is fenced as ``bash``, ``sh``, ``shell`` or ``console``, unless the line
before it says ``<!-- not-run: why -->``. Each runs in ``bash -euo pipefail`` in a scratch
directory laid out like a checkout after ``make demo`` (``.venv/`` and ``var/demo/``), with the
variables ``make demo`` prints (``TOKEN``, ``ENROLMENT``, ...) exported and no ``uv`` on the PATH.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from aktywni_shared.auth import Role
from aktywni_stack import demo_data, demo_support
from aktywni_stack.http_client import JsonApi
from tests.e2e.conftest import RunningSystem

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```(bash|sh|shell|console)\s*$")
_NOT_RUN = re.compile(r"^<!--\s*not-run:\s*(.*?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    document: str
    line: int
    text: str
    not_run: str | None  # why it is not run, or None

    @property
    def name(self) -> str:
        return f"{self.document}:{self.line}"


def _blocks() -> list[Block]:
    found = []
    for path in DOCUMENTS:
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if not _FENCE.match(line):
                continue
            end = next(i for i in range(number + 1, len(lines)) if lines[i].startswith("```"))
            before = next((lines[i] for i in range(number - 1, -1, -1) if lines[i].strip()), "")
            marker = _NOT_RUN.match(before)
            text = "\n".join(lines[number + 1 : end])
            if _FENCE.match(line).group(1) == "console":  # type: ignore[union-attr]
                text = "\n".join(ln[2:] for ln in text.splitlines() if ln.startswith("$ "))
            found.append(Block(str(path.relative_to(ROOT)), number + 1, text, marker.group(1) if marker else None))
    return found


BLOCKS = _blocks()
RUNNABLE = [b for b in BLOCKS if b.not_run is None]


@pytest.fixture(scope="module")
def demo(system: RunningSystem, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The session's stack seeded as ``make demo`` seeds it; a scratch checkout and the demo's variables."""
    lines = demo_data.set_up(JsonApi(system.url("enrolment")), system.tokens)
    lines += demo_support.set_up(JsonApi(system.url("scheduling")), JsonApi(system.url("reporting")), system.tokens)
    assert not any("refused" in line for line in lines), lines
    checkout = tmp_path_factory.mktemp("checkout")
    (checkout / ".venv").symlink_to(ROOT / ".venv")
    (checkout / "var").mkdir()
    (checkout / "var" / "demo").symlink_to(system.services["enrolment"].state_dir)
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(checkout),
        "LANG": "C.UTF-8",
        "ENROLMENT": system.url("enrolment"),
        "SCHEDULING": system.url("scheduling"),
        "REPORTING": system.url("reporting"),
        "ISSUER": system.provider.issuer,
        **{
            variable: demo_data.token(system.tokens, organisation, role)
            for variable, (organisation, role) in demo_data.EXAMPLE_TOKENS.items()
        },
    }
    variable, organisation, user = demo_data.EXAMPLE_TRAINER
    env[variable] = demo_data.token(system.tokens, organisation, Role.TRAINER, user)
    return checkout, env


def test_there_are_examples_and_each_one_not_run_says_why() -> None:
    assert len(RUNNABLE) >= 4
    not_run = [b for b in BLOCKS if b.not_run is not None]
    for block in not_run:
        assert block.not_run, f"{block.name}: not-run without a reason"
    print("\nshell examples not run:")
    for block in not_run:
        print(f"  {block.name}: {block.not_run}")


@pytest.mark.parametrize("block", RUNNABLE, ids=[b.name for b in RUNNABLE])
def test_example_fails_loudly_on_http_errors(block: Block) -> None:
    for command in re.findall(r"\bcurl\b[^\n]*", block.text):
        assert re.search(r"\s-[a-zA-Z]*f", command), f"{block.name}: use curl -fsS so an HTTP error fails: {command}"
    assert "uv run" not in block.text, f"{block.name}: uv is not on the PATH; use .venv/bin/..."


@pytest.mark.parametrize("block", RUNNABLE, ids=[b.name for b in RUNNABLE])
def test_example_runs(demo: tuple[Path, dict[str, str]], block: Block) -> None:
    checkout, env = demo
    result = subprocess.run(
        ["/bin/bash", "-euo", "pipefail", "-c", block.text],
        cwd=checkout,
        env={**env, "PWD": str(checkout)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{block.name} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
