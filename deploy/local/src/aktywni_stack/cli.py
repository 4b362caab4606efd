"""`aktywni-stack`: install, start, stop and inspect the embedded Kafka + FerretDB + Keycloak stack.

aktywni-stack install   fetch Kafka's jars, build FerretDB, fetch, build and seed Keycloak into the cache (once)
aktywni-stack start     start Kafka, FerretDB and Keycloak in the background (var/demo)
aktywni-stack status    what runs, and where
aktywni-stack env       shell exports that point the services at the stack
aktywni-stack stop      stop the services and the stack started from this checkout
aktywni-stack install-browser   install Debian's Chromium for the dashboard's browser test (if missing)
"""

from __future__ import annotations

import argparse
import sys

from aktywni_stack import artefacts, assets, browser, keycloak, paths
from aktywni_stack.embedded import EmbeddedStack
from aktywni_stack.process import ManagedProcess
from aktywni_stack.services import SERVICES, WEB
from aktywni_stack.tools import MissingToolError


def _stop_all(stack: EmbeddedStack) -> None:
    for name in (*SERVICES, WEB):
        ManagedProcess(name, stack.state_dir).stop()
    stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="aktywni-stack", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["install", "install-browser", "start", "stop", "status", "env"])
    args = parser.parse_args(argv)
    if args.command == "install-browser":
        return browser.install_command()
    stack = EmbeddedStack(paths.default_state_dir())
    try:
        if args.command == "install":
            print(f"Kafka jars: {artefacts.kafka_lib()}")
            print(f"FerretDB:   {artefacts.ferretdb_binary()}")
            print(f"Keycloak:   {keycloak.install()} (Java: {keycloak.java_home()})")
            print(f"Web assets: {assets.web_assets()}")
        elif args.command == "start":
            timings = stack.start(with_keycloak=True)
            for name, seconds in timings.items():
                print(f"{name} ready in {seconds:.1f} s")
            print(f"export KAFKA_BOOTSTRAP_SERVERS={stack.kafka_bootstrap_servers} MONGODB_URI={stack.mongodb_uri}")
            print(f"OpenID Connect issuer: {stack.keycloak.issuer}")
        elif args.command == "stop":
            _stop_all(stack)
            print("stopped")
        elif args.command == "status":
            for name, state in stack.status().items():
                print(f"{name:9} {state}")
            for name in (*SERVICES, WEB):
                proc = ManagedProcess(name, stack.state_dir)
                print(f"{name:9} {'running' if proc.running() else 'stopped'}")
        else:
            print(f"export KAFKA_BOOTSTRAP_SERVERS={stack.kafka_bootstrap_servers} MONGODB_URI={stack.mongodb_uri}")
    except MissingToolError as error:
        print(f"aktywni-stack: {error}", file=sys.stderr)
        return 2
    return 0
