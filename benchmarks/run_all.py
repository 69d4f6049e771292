"""Run every k9tf benchmark and collect the tables into ``benchmarks/RESULTS.md``.

Each benchmark runs in its own Python process (so that one's caches, threads and
memory do not colour the next one's times) with ``--json``; this script then
writes ``RESULTS.md`` - the machine, date and library versions, then every
benchmark's table, then ``NOTES.md`` (measurements too long for a run, each
with the command that made it) - and ``train_speed.png``, a bar chart of the training times.
``--quick`` passes through to every benchmark and writes the files to a
temporary directory instead, leaving the real results alone.
"""

import argparse
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

from _common import HERE, ROOT, render

BENCHMARKS = ["train_speed", "speed_targets", "warm_cold", "cold_start", "convergence", "scale",
              "bridge_overhead", "sweep_speed", "datasets", "real_data", "call_overhead",
              "optimizers"]
PACKAGES = ["tensorflow-cpu", "keras", "numpy", "scikit-learn", "matplotlib", "jpype1", "dask",
            "distributed", "k9tf"]


def _command_output(command, stream="stdout"):
    try:
        out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return (getattr(out, stream).strip().splitlines() or ["unknown"])[0]


def machine():
    """Describe the machine and software the benchmarks ran on.

    Returns
    -------
    list of str
        Markdown bullet lines: cores, CPU, date, Python, package versions, git commit.
    """
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = []
    for package in PACKAGES:
        try:
            versions.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            pass
    commit = _command_output(["git", "rev-parse", "--short", "HEAD"])
    return [
        f"- Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} "
        f"{platform.release()}",
        f"- Date: {_command_output(['date'])}",
        f"- Python {platform.python_version()}; {', '.join(versions)}",
        f"- Java: {_command_output(['java', '-version'], 'stderr')}",
        f"- k9tf at git commit {commit} (working tree as it was during the run)",
    ]


def chart_train_speed(res, path):
    """Write a bar chart of time per contender per cell (log scale) from train_speed's rows.

    Parameters
    ----------
    res : dict
        The train_speed result.
    path : str
        PNG file to write.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    contenders = ["k9tf", "numpy", "session", "sklearn", "keras"]
    labels = {"k9tf": "k9tf (XLA loop)", "numpy": "numpy hand loop",
              "session": "session loop (article)", "sklearn": "scikit-learn MLP",
              "keras": "Keras"}
    rows = res["rows"]
    fig, ax = plt.subplots(figsize=(11, 5))
    width = 0.8 / len(contenders)
    for i, name in enumerate(contenders):
        xs, ys, hatches = [], [], []
        for j, row in enumerate(rows):
            if name in row["seconds"]:
                xs.append(j + (i - (len(contenders) - 1) / 2) * width)
                ys.append(row["seconds"][name])
                hatches.append("//" if row["mode"] == "online" and name == "session" else "")
        bars = ax.bar(xs, ys, width, label=labels[name])
        for bar, hatch in zip(bars, hatches):
            bar.set_hatch(hatch)
    names = []
    for row in rows:
        sizes = "-".join(map(str, row["sizes"]))
        if row["mode"] == "online":
            names.append(f"k9 {sizes}\nonline\n{row['steps'] // 1000}k updates")
        else:
            names.append(f"{sizes}\nN={row['n'] // 1000}k\n{row['steps']} steps")
    ax.set_xticks(range(len(rows)), names, fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel("seconds (best of warm runs)")
    ax.set_title("Training time per contender (lower is better; hatched = extrapolated)")
    ax.grid(True, axis="y", which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    """Run the benchmarks and write the results.

    Parameters
    ----------
    argv : list of str, optional
        Arguments; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        0 when every benchmark ran, 1 otherwise.
    """
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fast smoke run of every benchmark")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, metavar="NAME",
                        help="run only these benchmarks")
    args = parser.parse_args(argv)
    out_dir = os.path.join(tempfile.gettempdir(), "k9tf-bench-quick") if args.quick else HERE
    os.makedirs(out_dir, exist_ok=True)
    began = time.perf_counter()
    header = machine()
    results, failures = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only or BENCHMARKS:
            print(f"\n=== {name} ===", flush=True)
            path = os.path.join(tmp, f"{name}.json")
            command = [sys.executable, os.path.join(HERE, f"{name}.py"), "--json", path]
            started = time.perf_counter()
            code = subprocess.run(command + (["--quick"] if args.quick else [])).returncode
            if code != 0 or not os.path.exists(path):
                failures.append(f"{name} failed (exit code {code}) after "
                                f"{time.perf_counter() - started:.0f} s; see its output.")
                continue
            with open(path) as f:
                results.append(json.load(f))
    total = time.perf_counter() - began

    lines = ["# k9tf benchmark results", ""]
    if args.quick:
        lines += ["**Quick smoke run (--quick): sizes are reduced, numbers are not results.**",
                  ""]
    lines += header + [f"- run_all.py total time: {total:.0f} s ({total / 60:.1f} min)", ""]
    lines += ["Benchmarks are not tests: each table compares contenders measured in the same "
              "run on the same (possibly shared) machine, so read the ratios, not the absolute "
              "times. Regenerate with `python benchmarks/run_all.py`.", ""]
    lines += [f"- **{failure}**" for failure in failures] + ([""] if failures else [])
    for res in results:
        lines += [f"## {res['title']} (`benchmarks/{res['name']}.py`)", "", render(res), ""]
        if res["name"] == "train_speed":
            chart_train_speed(res, os.path.join(out_dir, "train_speed.png"))
            lines += ["![training time per contender](train_speed.png)", ""]
        if res["name"] == "scale":
            lines += ["![time against N](scale.png)", ""]
    notes_path = os.path.join(HERE, "NOTES.md")
    if os.path.exists(notes_path):  # measurements too long for a run, kept by hand
        with open(notes_path) as f:
            lines += [f.read()]
    results_path = os.path.join(out_dir, "RESULTS.md")
    with open(results_path, "w") as f:
        f.write("\n".join(lines))
    print(f"\nWrote {results_path} in {total:.0f} s total.", flush=True)
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
