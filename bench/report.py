#!/usr/bin/env python3
"""Render bench/run.sh's rows as one markdown table, print it, append it to
bench/results.md and put it in BENCHMARKS.md between the markers
<!-- bench:begin --> and <!-- bench:end --> (the rest of BENCHMARKS.md is
hand-written and left alone).

    python3 bench/report.py HEADER.md ROWS.tsv [--results FILE] [--benchmarks FILE]

ROWS.tsv: one row per line, tab-separated: what, messages, wall s, CPU s,
peak RSS MB, messages/s, output MB, files, load1, notes ("" = blank cell).
"""
import argparse
import re
import sys

BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"
COLUMNS = [
    ("what", "---"),
    ("messages", "---:"),
    ("wall s", "---:"),
    ("CPU s", "---:"),
    ("peak RSS MB", "---:"),
    ("messages/s", "---:"),
    ("output MB", "---:"),
    ("files", "---:"),
    ("load1", "---:"),
    ("notes", "---"),
]


def grouped(cell):
    """12345 -> 12,345; 1234.5 -> 1,234.5; anything else unchanged."""
    if re.fullmatch(r"\d{4,}(\.\d+)?", cell):
        whole, _, frac = cell.partition(".")
        return f"{int(whole):,}" + (f".{frac}" if frac else "")
    return cell


def table(rows):
    out = ["| " + " | ".join(c for c, _ in COLUMNS) + " |",
           "|" + "|".join(a for _, a in COLUMNS) + "|"]
    for r in rows:
        cells = [c.replace("|", "\\|") for c in r]
        cells += [""] * (len(COLUMNS) - len(cells))
        cells = [cells[0]] + [grouped(c) for c in cells[1:9]] + [cells[9]]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("header")
    ap.add_argument("rows")
    ap.add_argument("--results")
    ap.add_argument("--benchmarks")
    a = ap.parse_args()
    header = open(a.header, encoding="utf-8").read().strip()
    with open(a.rows, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    text = header + "\n\n" + table(rows) + "\n"
    sys.stdout.write("\n" + text)
    if a.results:
        with open(a.results, "a", encoding="utf-8") as f:
            f.write("\n" + text)
    if a.benchmarks:
        doc = open(a.benchmarks, encoding="utf-8").read()
        block = f"{BEGIN}\n{text}{END}"
        if BEGIN in doc and END in doc:
            head, rest = doc.split(BEGIN, 1)
            _, tail = rest.split(END, 1)
            doc = head + block + tail
        else:
            doc = doc.rstrip("\n") + "\n\n## Latest run\n\n" + block + "\n"
        with open(a.benchmarks, "w", encoding="utf-8") as f:
            f.write(doc)


if __name__ == "__main__":
    main()
