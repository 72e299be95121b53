#!/usr/bin/env python3
"""Turns compare.sh's raw results (TSV: peer, metric, repetition, value) into a markdown table.

Each cell is the median over the repetitions, followed by its ratio to the direct connection
(for p99 a ratio above 1 means slower than direct). Missing measurements print as a dash.

A second table sets tcprelay against the best other relay in each column. There each
repetition's value is divided by direct's value of the same repetition (so drift of the shared
machine between repetitions cancels), and the spread of those ratios over the repetitions decides
whether a lead is outside the noise: it is when the two relays' ranges do not overlap.
"""

import statistics
import sys

COLUMNS = [
    # metric key, header, format, True when higher is better
    ("bulk1", "1 stream Gbit/s", "{:.1f}", True),
    ("bulk8", "8 streams Gbit/s", "{:.1f}", True),
    ("ka_rps", "kept-alive req/s", "{:,.0f}", True),
    ("ka_p99_ms", "kept-alive p99 ms", "{:.2f}", False),
    ("close_cps", "new conn/s", "{:,.0f}", True),
    ("idle_kib", "KiB per idle conn", "{:.1f}", False),
]

SUBJECT = "tcprelay"


def load(path):
    values, order, notes = {}, [], {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4:
                continue
            peer, metric, repetition, value = parts[:4]
            if peer not in order:
                order.append(peer)
            if metric == "note":
                notes.setdefault(peer, []).append(value)
                continue
            try:
                values.setdefault((peer, metric), {})[repetition] = float(value)
            except ValueError:
                continue
    return values, order, notes


def spread(values, peer, key):
    """A relay's figures for one column, one per repetition: ratios to direct where direct was
    measured in the same repetition, the raw values where it was not (the idle column)."""
    mine = values.get((peer, key), {})
    direct = values.get(("direct", key), {})
    if direct:
        return [v / direct[rep] for rep, v in mine.items() if direct.get(rep)]
    return list(mine.values())


def lead_table(values, order):
    """Rows of tcprelay against the best other relay (by median) in each column."""
    if SUBJECT not in order:
        return []
    rows = []
    for key, header, _, higher_better in COLUMNS:
        ours = spread(values, SUBJECT, key)
        others = {p: spread(values, p, key) for p in order if p not in ("direct", SUBJECT)}
        others = {p: v for p, v in others.items() if v}
        if not ours or not others:
            continue
        pick = max if higher_better else min
        best = pick(others, key=lambda p: statistics.median(others[p]))
        theirs = others[best]
        ahead = statistics.median(ours) > statistics.median(theirs)
        if not higher_better:
            ahead = statistics.median(ours) < statistics.median(theirs)
        apart = min(ours) > max(theirs) or max(ours) < min(theirs)
        if len(ours) < 2 or len(theirs) < 2:
            verdict = ("ahead" if ahead else "behind") + " (one repetition: the noise is unknown)"
        else:
            verdict = ("ahead" if ahead else "behind") + (", outside the noise" if apart else ", within the noise")
        label = header.replace(" Gbit/s", "").replace(" ms", "")
        rows.append((label, describe(ours), f"{best} {describe(theirs)}", verdict))
    return rows


def describe(figures):
    figures = sorted(figures)
    if len(figures) == 1:
        return f"{figures[0]:.2f}"
    return f"{statistics.median(figures):.2f} ({figures[0]:.2f} to {figures[-1]:.2f})"


def main():
    values, order, notes = load(sys.argv[1])
    medians = {key: statistics.median(v.values()) for key, v in values.items() if v}

    header = "| relay | " + " | ".join(h for _, h, _, _ in COLUMNS) + " |"
    print(header)
    print("|" + "---|" * (len(COLUMNS) + 1))
    for peer in order:
        cells = []
        for key, _, fmt, _ in COLUMNS:
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

    rows = lead_table(values, order)
    if rows:
        print()
        print(f"{SUBJECT} against the best other relay of each column: ratios to direct of the same")
        print("repetition (raw KiB for idle memory), median and range over the repetitions; a lead is")
        print("outside the noise when the two ranges do not overlap.")
        print()
        print(f"| column | {SUBJECT} | best other relay | {SUBJECT} is |")
        print("|---|---|---|---|")
        for row in rows:
            print("| " + " | ".join(row) + " |")

    shown = {peer: sorted(set(n)) for peer, n in notes.items()}
    if shown:
        print()
        for peer in order:
            for note in shown.get(peer, []):
                print(f"- {peer}: {note}")


if __name__ == "__main__":
    main()
