#!/usr/bin/env python3
"""Turns compare.sh's raw results (TSV: peer, metric, repetition, value) into a markdown table.

Each cell is the median over the repetitions, followed by its ratio to the direct connection
(for p99 a ratio above 1 means slower than direct). Missing measurements print as a dash.
"""

import statistics
import sys

COLUMNS = [
    # metric key, header, format
    ("bulk1", "1 stream Gbit/s", "{:.1f}"),
    ("bulk8", "8 streams Gbit/s", "{:.1f}"),
    ("ka_rps", "kept-alive req/s", "{:,.0f}"),
    ("ka_p99_ms", "kept-alive p99 ms", "{:.2f}"),
    ("close_cps", "new conn/s", "{:,.0f}"),
    ("idle_kib", "KiB per idle conn", "{:.1f}"),
]


def load(path):
    values, order, notes = {}, [], {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4:
                continue
            peer, metric, _, value = parts[:4]
            if peer not in order:
                order.append(peer)
            if metric == "note":
                notes.setdefault(peer, []).append(value)
                continue
            try:
                values.setdefault((peer, metric), []).append(float(value))
            except ValueError:
                continue
    return values, order, notes


def main():
    values, order, notes = load(sys.argv[1])
    medians = {key: statistics.median(v) for key, v in values.items() if v}

    header = "| relay | " + " | ".join(h for _, h, _ in COLUMNS) + " |"
    print(header)
    print("|" + "---|" * (len(COLUMNS) + 1))
    for peer in order:
        cells = []
        for key, _, fmt in COLUMNS:
            median = medians.get((peer, key))
            if median is None:
                cells.append("-")
                continue
            cell = fmt.format(median)
            direct = medians.get(("direct", key))
            if peer != "direct" and direct:
                cell += f" ({median / direct:.2f})"
            cells.append(cell)
        print(f"| {peer} | " + " | ".join(cells) + " |")

    shown = {peer: sorted(set(n)) for peer, n in notes.items()}
    if shown:
        print()
        for peer in order:
            for note in shown.get(peer, []):
                print(f"- {peer}: {note}")


if __name__ == "__main__":
    main()
