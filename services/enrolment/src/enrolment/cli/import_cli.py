"""`aktywni-import`: enrol the participants of a CSV or XLSX file through the enrolment API.

    aktywni-import lista.xlsx --project TA-2012 --token "$TOKEN" [--url http://127.0.0.1:8001]

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
from pathlib import Path
from typing import Any, TextIO

import httpx

from enrolment.domain import importing, tabular

CHUNK_ROWS = 500


class ProgressBar:
    def __init__(self, total: int, out: TextIO = sys.stderr, width: int = 30) -> None:
        self.total, self.out, self.width = total, out, width
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


def run(path: Path, project: str, url: str, token: str, chunk_rows: int = CHUNK_ROWS) -> dict[str, Any]:
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
    bar = ProgressBar(len(table.rows))
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=600) as client:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="aktywni-import", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--project", required=True)
    parser.add_argument("--url", default=os.environ.get("AKTYWNI_ENROLMENT_URL", "http://127.0.0.1:8001"))
    parser.add_argument("--token", default=os.environ.get("AKTYWNI_TOKEN"), help="bearer token (or AKTYWNI_TOKEN)")
    parser.add_argument("--errors", type=Path, help="write the refused rows to this CSV file")
    parser.add_argument("--enrolled", type=Path, help="write the enrolled rows and their participant ids to this CSV")
    parser.add_argument("--chunk-rows", type=int, default=CHUNK_ROWS)
    args = parser.parse_args(argv)
    if not args.token:
        print("aktywni-import: a token is needed (--token or AKTYWNI_TOKEN; see aktywni-token)", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        totals = run(args.file, args.project, args.url, args.token, args.chunk_rows)
    except (OSError, tabular.UnreadableFile, importing.WrongHeader, RuntimeError, httpx.HTTPError) as error:
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
