"""`aktywni-import`: enrol the participants of a CSV or XLSX file through the enrolment API.

    aktywni-import lista.xlsx --project TA-2012 --issuer "$ISSUER" [--url http://127.0.0.1:8001]

Signing in, one of:

  --issuer URL                       a person at a terminal: the device authorization grant of the
                                     public client --client-id (default aktywni-cli); the address to
                                     open and the code to enter are printed to stderr
  --issuer URL --client-id ID --client-secret-file FILE
                                     a service account: the client credentials grant of a
                                     confidential client (the secret from the file, or from
                                     AKTYWNI_CLIENT_SECRET; never on the command line)
  --token T                          an access token got elsewhere (or AKTYWNI_TOKEN)

The issuer may also come from AKTYWNI_OIDC_ISSUER. A sign-in's access token is renewed while a long
file is sent.

The file is checked locally (readable, known columns), sent in chunks with a progress bar, and
every refused row is listed with its row number, column and reason (``--errors FILE`` saves them as
CSV; ``--enrolled FILE`` saves the enrolled rows with their participant ids). A person repeated in
the file is refused at the repeat. Running it again on the same file enrols nobody twice. Exit
status: 0 when every row is enrolled or was already, 1 when some rows were refused, 2 when the file
or the call is unusable.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any, TextIO

import httpx

from aktywni_shared import cli_sign_in
from enrolment.domain import importing, tabular

CHUNK_ROWS = 500
#: The public client of the command-line tools (the device authorization grant).
DEVICE_CLIENT = "aktywni-cli"


class ProgressBar:
    def __init__(self, total: int, out: TextIO | None = None, width: int = 30) -> None:
        self.total, self.out, self.width = total, out or sys.stderr, width
        self.started = time.monotonic()

    def show(self, done: int) -> None:
        filled = self.width * done // max(self.total, 1)
        rate = done / max(time.monotonic() - self.started, 1e-9)
        self.out.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total} rows, {rate:.0f} rows/s")
        self.out.flush()

    def close(self) -> None:
        self.out.write("\n")


def _chunk_csv(header: list[str], rows: list[tuple[int, list[str]]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows(cells for _, cells in rows)
    return out.getvalue().encode()


class _Bearer(httpx.Auth):
    def __init__(self, token: str) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


def run(
    path: Path,
    project: str,
    url: str,
    token: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
    *,
    sign_in: Callable[[], httpx.Auth] | None = None,
) -> dict[str, Any]:
    """Import the file with a bearer ``token``, or with the session ``sign_in()`` gives once the file is checked."""
    if (token is None) == (sign_in is None):
        raise ValueError("run() takes either a token or a sign_in")
    table = tabular.read(path.read_bytes(), path.name)
    columns = importing.columns_of(table.header)  # a wrong header stops here, before anything is sent
    # A person repeated in the file is refused here: in another chunk, they would look already enrolled.
    bodies = [(n, importing.row_body(columns, cells)) for n, cells in table.rows]
    _, repeats = importing.repeated_rows([(n, body) for n, (body, problems) in bodies if not problems])
    repeated = {e.row for e in repeats}
    rows = [(n, cells) for n, cells in table.rows if n not in repeated]
    totals: dict[str, Any] = {
        "rows": len(table.rows),
        "enrolled": 0,
        "already_enrolled": 0,
        "errors": [{"row": e.row, "field": e.field, "reason": e.reason} for e in repeats],
        "enrolled_rows": [],
        "already_enrolled_rows": [],
    }
    auth = _Bearer(token) if token is not None else sign_in() if sign_in is not None else None
    bar = ProgressBar(len(table.rows))
    with httpx.Client(base_url=url, auth=auth, timeout=600) as client:
        for start in range(0, len(rows), chunk_rows):
            chunk = rows[start : start + chunk_rows]
            response = client.post(
                f"/projects/{project}/imports",
                files={"file": (f"{path.stem}-{start}.csv", _chunk_csv(table.header, chunk), "text/csv")},
            )
            if response.status_code != 200:
                bar.close()
                raise RuntimeError(f"the enrolment service answered HTTP {response.status_code}: {response.text}")
            report = response.json()
            totals["enrolled"] += report["enrolled"]
            totals["already_enrolled"] += report["already_enrolled"]
            for error in report["errors"]:  # the chunk's row r is the file's row chunk[r - 2]
                totals["errors"].append({**error, "row": chunk[error["row"] - 2][0]})
            for enrolled in report["enrolled_rows"]:
                totals["enrolled_rows"].append({**enrolled, "row": chunk[enrolled["row"] - 2][0]})
            totals["already_enrolled_rows"] += [chunk[r - 2][0] for r in report["already_enrolled_rows"]]
            bar.show(len(repeated) + start + len(chunk))
    bar.close()
    totals["errors"].sort(key=lambda e: e["row"])
    return totals


def _credentials(args: argparse.Namespace) -> tuple[str | None, Callable[[], httpx.Auth] | None]:
    """A token, or how to sign in: the command line first, then the environment (a token before an issuer)."""
    token: str | None = args.token or (None if args.issuer else os.environ.get("AKTYWNI_TOKEN"))
    if token:
        return token, None
    issuer: str | None = args.issuer or os.environ.get("AKTYWNI_OIDC_ISSUER")
    if not issuer:
        return None, None
    client_id: str = args.client_id
    secret_file: Path | None = args.client_secret_file
    if secret_file is not None or os.environ.get(cli_sign_in.SECRET_ENVIRONMENT_VARIABLE):

        def service_account() -> httpx.Auth:
            secret = cli_sign_in.read_client_secret(secret_file)
            return cli_sign_in.client_credentials_sign_in(issuer, client_id, secret)

        return None, service_account
    return None, lambda: cli_sign_in.device_sign_in(issuer, client_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="aktywni-import", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--project", required=True)
    parser.add_argument("--url", default=os.environ.get("AKTYWNI_ENROLMENT_URL", "http://127.0.0.1:8001"))
    parser.add_argument("--issuer", help="sign in at this OpenID Connect issuer (or AKTYWNI_OIDC_ISSUER)")
    parser.add_argument(
        "--client-id",
        default=os.environ.get("AKTYWNI_CLIENT_ID", DEVICE_CLIENT),
        help=f"the client that signs in (default {DEVICE_CLIENT}, or AKTYWNI_CLIENT_ID)",
    )
    parser.add_argument(
        "--client-secret-file",
        type=Path,
        help="a confidential client's secret, for the client credentials grant (or AKTYWNI_CLIENT_SECRET)",
    )
    parser.add_argument("--token", help="an access token instead of signing in (or AKTYWNI_TOKEN)")
    parser.add_argument("--errors", type=Path, help="write the refused rows to this CSV file")
    parser.add_argument("--enrolled", type=Path, help="write the enrolled rows and their participant ids to this CSV")
    parser.add_argument("--chunk-rows", type=int, default=CHUNK_ROWS)
    args = parser.parse_args(argv)
    if args.token and args.issuer:
        print("aktywni-import: give either --token or --issuer, not both", file=sys.stderr)
        return 2
    token, sign_in = _credentials(args)
    if token is None and sign_in is None:
        print(
            "aktywni-import: a sign-in is needed: --issuer URL (or AKTYWNI_OIDC_ISSUER), or --token T"
            " (or AKTYWNI_TOKEN)",
            file=sys.stderr,
        )
        return 2
    started = time.monotonic()
    try:
        totals = run(args.file, args.project, args.url, token, args.chunk_rows, sign_in=sign_in)
    except (
        OSError,
        tabular.UnreadableFile,
        importing.WrongHeader,
        RuntimeError,
        httpx.HTTPError,
        cli_sign_in.SignInError,
    ) as error:
        print(f"aktywni-import: {error}", file=sys.stderr)
        return 2
    seconds = time.monotonic() - started
    errors = totals["errors"]
    print(
        f"{totals['rows']} rows in {seconds:.1f} s ({totals['rows'] / max(seconds, 1e-9):.0f} rows/s): "
        f"{totals['enrolled']} enrolled, {totals['already_enrolled']} already enrolled, "
        f"{len({e['row'] for e in errors})} refused"
    )
    for refused in errors[:50]:
        print(f"  row {refused['row']}: {refused['field']}: {refused['reason']}")
    if len(errors) > 50:
        print(f"  ... and {len(errors) - 50} more")
    if totals["already_enrolled_rows"]:
        print(f"  already in the project: rows {', '.join(map(str, sorted(totals['already_enrolled_rows'])))}")
    if args.enrolled:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Wiersz", "Identyfikator uczestnika"])
        writer.writerows(
            [e["row"], e["participant_id"]] for e in sorted(totals["enrolled_rows"], key=lambda e: e["row"])
        )
        args.enrolled.write_text(out.getvalue(), encoding="utf-8")
    if args.errors:
        report = importing.ImportReport(errors=[importing.RowError(e["row"], e["field"], e["reason"]) for e in errors])
        args.errors.write_text(report.errors_csv(), encoding="utf-8")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
