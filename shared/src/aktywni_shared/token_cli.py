"""`aktywni-token`: issue a bearer token for a user of an organisation in a role.

    aktywni-token --user anna --organisation mops-wroclaw --role coordinator --ttl-hours 8

The signing key is read from ``AKTYWNI_JWT_SECRET`` (the one the services verify with).
"""

from __future__ import annotations

import argparse
import os
import sys

from pydantic import ValidationError

from aktywni_shared.auth import Principal, Role, Tokens


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="aktywni-token", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--user", required=True)
    parser.add_argument("--organisation", required=True, help="organisation id, e.g. mops-wroclaw")
    parser.add_argument("--role", required=True, choices=[r.value for r in Role])
    parser.add_argument("--ttl-hours", type=float, default=8.0)
    args = parser.parse_args(argv)
    secret = os.environ.get("AKTYWNI_JWT_SECRET", "")
    try:
        tokens = Tokens(secret)
        principal = Principal(user=args.user, organisation_id=args.organisation, role=Role(args.role))
    except (ValueError, ValidationError) as error:
        print(f"aktywni-token: {error} (AKTYWNI_JWT_SECRET must be set, 32+ bytes)", file=sys.stderr)
        return 2
    print(tokens.issue(principal, ttl_seconds=int(args.ttl_hours * 3600)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
