"""Prints the side-by-side tables from tests/peers/out (standard library only)."""
import json
import os
import re
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")


def load(name):
    j, t = os.path.join(OUT, name + ".json"), os.path.join(OUT, name + ".time")
    if not (os.path.exists(j) and os.path.exists(t)):
        return None
    d = json.load(open(j))
    text = open(t).read()
    parts = [float(x) for x in re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1).split(":")]
    d["wall"] = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) == 3 else 0)
    d["rss_mb"] = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    return d


sp1 = load("signpost_1M")
an = {n["name"]: n for n in sp1["nodes"]} if sp1 else {}
runs = [("signpost", "signpost_1M"), ("SimPy 4.1.2", "simpy_1M"), ("Ciw 3.2.7", "ciw_1M")]
print("## Speed: one replication of 1,000,000 minutes, one process (GNU time -v, whole process)\n")
print("| simulator | wall s | events | events/s (wall) | events/s (sim loop) | peak RSS MB | signpost speed-up (wall) |")
print("|---|---|---|---|---|---|---|")
for label, name in runs:
    d = load(name)
    if not d:
        continue
    ev = d["events"]
    t_sim = d.get("t_sim", float("nan"))
    ratio = d["wall"] / sp1["wall"] if sp1 else float("nan")
    print(f"| {label} | {d['wall']:.2f} | {ev:,} | {ev / d['wall']:,.0f} | {ev / t_sim:,.0f} | {d['rss_mb']:.0f} | {ratio:,.0f}x |")

print("\n## Mean wait in queue Wq (min): 10 replications x 100,000 minutes (warm-up 10,000), mean ± 95% t-CI across replications\n")
reps = [("signpost", "signpost_x10"), ("SimPy", "simpy_x10"), ("Ciw", "ciw_x10")]
loaded = [(label, load(name)) for label, name in reps]
loaded = [(label, d) for label, d in loaded if d]
print("| node | analytic Wq | " + " | ".join(f"{label} Wq ± CI" for label, _ in loaded) + " |")
print("|---|---|" + "---|" * len(loaded))
for k, name in enumerate(["navigation", "GP", "SPLW", "VCSE"]):
    a = an.get(name, {}).get("analytic_Wq", float("nan"))
    cells = []
    for _, d in loaded:
        nd = d["nodes"][k]
        cells.append(f"{nd['mean_wait']:.2f} ± {nd['wait_ci95_halfwidth']:.2f}")
    print(f"| {name} | {a:.4f} | " + " | ".join(cells) + " |")
print("\n| simulator | wall s (10 reps, 2 workers) | events | events/s (wall) | peak RSS MB |")
print("|---|---|---|---|---|")
for label, d in loaded:
    ev = d.get("events_total", d.get("events"))
    print(f"| {label} | {d['wall']:.2f} | {ev:,} | {ev / d['wall']:,.0f} | {d['rss_mb']:.0f} |")
