#!/usr/bin/env python3
"""Turns compare.sh's raw results (TSV: peer, metric, repetition, value) into a markdown table.

Each cell is the median over the repetitions, followed by its ratio to the direct connection
(for p99 a ratio above 1 means slower than direct). Missing measurements print as a dash.

A second table sets tcprelay against the best other relay of each column, repetition by
repetition: the two ran minutes apart in each repetition, so drift of the shared machine between
repetitions cancels out of each pair. A lead is outside the noise when tcprelay is ahead in
every one of three or more repetitions (were the two equal, all five repetitions would fall
tcprelay's way by chance once in 32 runs).
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

# Figures that do not measure what the column means: pen allocates its table for -x connections
# when it starts, so the growth it shows per idle connection is about zero.
NOT_COMPARABLE = {("pen", "idle_kib")}


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


def lead_table(values, order):
    """Rows of tcprelay against the best other relay (by median) in each column."""
    if SUBJECT not in order:
        return []
    rows = []
    for key, header, _, higher_better in COLUMNS:
        ours = values.get((SUBJECT, key), {})
        others = {
            p: v for p in order
            if p not in ("direct", SUBJECT) and (p, key) not in NOT_COMPARABLE and (v := values.get((p, key)))
        }
        if not ours or not others:
            continue
        pick = max if higher_better else min
        best = pick(others, key=lambda p: statistics.median(others[p].values()))
        theirs = others[best]
        # Paired by repetition: the two ran minutes apart, so the machine's drift between
        # repetitions cancels out of each pair.
        leads = sorted(
            (ours[rep] / theirs[rep] - 1) * (1 if higher_better else -1)
            for rep in ours if theirs.get(rep))
        if not leads:
            continue
        ahead = sum(1 for lead in leads if lead > 0)
        median = statistics.median(leads)
        if len(leads) < 3:
            verdict = "ahead" if median > 0 else "behind"
            verdict += f" ({len(leads)} repetition(s): too few to tell the noise)"
        elif ahead == len(leads):
            verdict = f"ahead in all {len(leads)} repetitions"
        elif ahead == 0:
            verdict = f"behind in all {len(leads)} repetitions"
        else:
            verdict = f"ahead in {ahead} of {len(leads)} repetitions: within the noise"
        label = header.replace(" Gbit/s", "").replace(" ms", "")
        span = f"{median:+.0%}" if len(leads) == 1 else f"{median:+.0%} ({leads[0]:+.0%} to {leads[-1]:+.0%})"
        rows.append((label, best, span, verdict))
    return rows


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
        print(f"{SUBJECT} against the best other relay of each column (by median), repetition by")
        print(f"repetition: the lead is how much better {SUBJECT} did than that relay in the same")
        print("repetition (median and range). A lead in every one of 3 or more repetitions is outside")
        print("the noise; pen's idle figure is left out (it allocates its table when it starts).")
        print()
        print(f"| column | best other relay | {SUBJECT}'s lead | {SUBJECT} is |")
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
