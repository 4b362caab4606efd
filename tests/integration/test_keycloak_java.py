"""Keycloak runs on a JDK of its own (21 or newer), found at run time; the rest of the stack keeps its java."""

from __future__ import annotations

from pathlib import Path

import pytest

from aktywni_stack import keycloak
from aktywni_stack.tools import MissingToolError


def _jdk(root: Path, name: str, version: str) -> Path:
    home = root / name
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "java").write_text("#!/bin/sh\n")
    (home / "release").write_text(f'IMPLEMENTOR="Test"\nJAVA_VERSION="{version}"\n')
    return home


@pytest.fixture
def jvms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(keycloak, "JVM_LOCATIONS", (f"{tmp_path}/*",))
    monkeypatch.delenv("AKTYWNI_KEYCLOAK_JAVA_HOME", raising=False)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    return tmp_path


def test_the_newest_jdk_of_21_or_later_is_chosen_and_17_never(jvms: Path) -> None:
    _jdk(jvms, "java-17-openjdk-amd64", "17.0.14")
    _jdk(jvms, "java-21-openjdk-amd64", "21.0.7")
    newest = _jdk(jvms, "temurin-25-jdk-amd64", "25.0.3")
    (jvms / "default-java").symlink_to(jvms / "java-17-openjdk-amd64")
    assert keycloak.java_home() == newest


def test_the_environment_variable_overrides_the_search(jvms: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _jdk(jvms, "temurin-25-jdk-amd64", "25.0.3")
    chosen = _jdk(jvms / "elsewhere", "jdk-21", "21.0.7")
    monkeypatch.setenv("AKTYWNI_KEYCLOAK_JAVA_HOME", str(chosen))
    assert keycloak.java_home() == chosen


def test_java_home_is_used_when_new_enough_and_otherwise_nothing_older_than_21_is(
    jvms: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _jdk(jvms / "elsewhere", "jdk-17", "17.0.14")
    monkeypatch.setenv("JAVA_HOME", str(old))
    with pytest.raises(MissingToolError, match="Java 21 or newer"):
        keycloak.java_home()
    new = _jdk(jvms / "elsewhere", "jdk-21", "21.0.7")
    monkeypatch.setenv("JAVA_HOME", str(new))
    assert keycloak.java_home() == new


def test_an_override_that_is_too_old_is_refused_with_the_reason(jvms: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _jdk(jvms, "temurin-25-jdk-amd64", "25.0.3")
    monkeypatch.setenv("AKTYWNI_KEYCLOAK_JAVA_HOME", str(_jdk(jvms / "elsewhere", "jdk-17", "17.0.14")))
    with pytest.raises(MissingToolError, match=r"AKTYWNI_KEYCLOAK_JAVA_HOME=.* is not a Java 21"):
        keycloak.java_home()
