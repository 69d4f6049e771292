"""Tests for k9tf.sweep: in-process, on a local Dask cluster, on a real `dask scheduler` with
two `dask worker` processes (one killed mid-sweep), through the CLI and under joblib's Dask
backend. Grids are tiny: every worker process imports TensorFlow (3-9 s)."""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import k9tf
from k9tf.tools import _sweep

distributed = pytest.importorskip("distributed")

PYTHONPATH = os.path.dirname(os.path.dirname(os.path.abspath(k9tf.__file__)))
GRID = dict(seeds=range(4), sizes=[(2, 3, 2)], epochs=[300], n_samples=200, progress=False)
# 8M online steps, ~1-2 s a run: long enough to catch one running and kill its worker
SLOW_GRID = dict(seeds=range(3), sizes=[(2, 3, 2)], epochs=[8000], n_samples=1000,
                 progress=False)
SAMPLES = k9tf.sample_logic_fn("or", 64, seed=9)
SAMPLES_GRID = dict(seeds=[0, 1], sizes=[(2, 4, 2)], learning_rates=[0.1, 0.5],
                    batch_sizes=[8, None], epochs=[40], validation=k9tf.sample_logic_fn(
                        "or", 32, seed=10), progress=False)
DEADLINE = 300  # seconds any one wait may take on a loaded machine before the test fails


def weights_derived(rows):
    return [{k: v for k, v in row.items() if k != "seconds"} for row in rows]


def wait_for(condition, what, timeout=DEADLINE, every=0.05):
    """Poll ``condition()`` until it returns a truthy value, which is returned."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)
    return value


def environment(**extra):
    return {**os.environ, "PYTHONPATH": PYTHONPATH, **extra}


def stop(processes):
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def start(command, log, env):
    with open(log, "w") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)


@pytest.fixture(scope="module")
def serial_rows():
    return k9tf.sweep("xor", scheduler="serial", **GRID)


@pytest.fixture(scope="module")
def serial_slow_rows():
    return k9tf.sweep("xor", scheduler="serial", **SLOW_GRID)


@pytest.fixture(scope="module")
def serial_sample_rows():
    return k9tf.sweep(SAMPLES, scheduler="serial", **SAMPLES_GRID)


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """Yield the address of a `dask scheduler` with two `dask worker`s (nanny-restarted).

    The scheduler fails a run once two workers died running it (allowed-failures 1).
    """
    directory = tmp_path_factory.mktemp("dask")
    scheduler_file = directory / "scheduler.json"
    dask = [sys.executable, "-m", "dask"]
    processes = []
    try:
        processes.append(start(
            [*dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--dashboard-address", ":0", "--scheduler-file", str(scheduler_file)],
            directory / "scheduler.log",
            environment(DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="1")))
        wait_for(scheduler_file.exists, "the scheduler file")
        address = wait_for(lambda: json.loads(scheduler_file.read_text() or "{}").get("address"),
                           "the scheduler address")
        for i in range(2):
            processes.append(start(
                [*dask, "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                 "--no-dashboard", "--name", f"w{i}"], directory / f"worker{i}.log",
                environment()))
        with distributed.Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=DEADLINE)
        yield address
    finally:
        stop(processes)


def bare_scheduler():
    """Return an in-process Dask scheduler on 127.0.0.1 without workers (add them with scale)."""
    return distributed.LocalCluster(n_workers=0, processes=False, protocol="tcp",
                                    host="127.0.0.1", dashboard_address=None,
                                    scheduler_kwargs={"dashboard_address": ":0"})


def executing_worker(client):
    """Return the address of a worker executing a task, or None."""
    executing = client.run(lambda dask_worker: len(dask_worker.state.executing))
    return next((address for address, count in executing.items() if count), None)


def in_thread(fn):
    """Start ``fn()`` in a thread; return the thread and a dict that gets its result or error."""
    outcome = {}

    def target():
        try:
            outcome["result"] = fn()
        except Exception as error:  # handed to the test thread
            outcome["error"] = error
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, outcome


def test_import_k9tf_loads_neither_dask_nor_tensorflow():
    code = ("import sys, k9tf; k9tf.sweep; "
            "print(sorted(m for m in ('dask', 'distributed', 'tensorflow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=environment(), check=True, timeout=120)
    assert out.stdout.strip() == "[]"


def test_serial_rows_are_plain_data_in_grid_order(serial_rows):
    assert [row["seed"] for row in serial_rows] == [0, 1, 2, 3]
    for row in serial_rows:
        assert tuple(row) == _sweep.ROW_KEYS
        assert all(v is None or type(v) in (str, int, float, bool) for v in row.values())
        assert row["task"] == "xor" and row["sizes"] == "2-3-2" and row["activation"] == "tanh"
        assert row["samples"] == 200 and row["batch_size"] == 1 and not row["diverged"]
        assert 0 <= row["train_accuracy"] <= 1 and 0 <= row["validation_accuracy"] <= 1
        assert row["seconds"] > 0
    assert any(row["learned"] for row in serial_rows)


def test_learned_means_all_four_inputs_right(serial_rows):
    for row in serial_rows:
        x, y = k9tf.sample_logic_fn("xor", 200, seed=row["seed"])
        net = k9tf.construct_network(2, 3, 2, seed=row["seed"])
        trained = k9tf.train_epochs(300, net, (x, y), 0.5)
        outputs = np.asarray(k9tf.ff(_sweep.LOGIC_INPUTS, trained))
        assert row["learned"] == bool(np.all(outputs.argmax(1) == [1, 0, 0, 1]))


def test_grid_order_and_given_samples(serial_sample_rows):
    assert [(r["learning_rate"], r["batch_size"], r["seed"]) for r in serial_sample_rows] == [
        (lr, batch, seed) for lr in (0.1, 0.5) for batch in (8, None) for seed in (0, 1)]
    for row in serial_sample_rows:
        assert row["task"] is None and row["samples"] == 64
        assert row["learned"] == (row["train_accuracy"] == 1.0)
        assert row["validation_accuracy"] is not None


def test_diverged_runs_are_rows_not_errors():
    [row] = k9tf.sweep("xor", seeds=[0], models=["article"], learning_rates=[1e30],
                       batch_sizes=[None], epochs=[5], n_samples=50, scheduler="serial",
                       progress=False)
    assert row["diverged"] and not row["learned"]
    assert row["cost"] is None and row["train_accuracy"] is None


@pytest.mark.dask
def test_local_cluster_of_two_workers_gives_the_serial_rows(serial_rows):
    rows = k9tf.sweep("xor", scheduler="local", n_workers=2, **GRID)
    assert weights_derived(rows) == weights_derived(serial_rows)


@pytest.mark.dask
def test_running_cluster_gives_the_serial_rows(dask_cluster, serial_rows, serial_sample_rows):
    with distributed.Client(dask_cluster) as client:
        origins = client.run(_sweep._origin)
        assert all(tuple(origin) == _sweep._origin() for origin in origins.values())
        assert len(origins) == 2
        rows = k9tf.sweep("xor", scheduler=client, **GRID)
    assert weights_derived(rows) == weights_derived(serial_rows)
    rows = k9tf.sweep(SAMPLES, scheduler=dask_cluster, **SAMPLES_GRID)
    assert weights_derived(rows) == weights_derived(serial_sample_rows)


@pytest.mark.dask
def test_cli_sweep_on_the_running_cluster(dask_cluster, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "k9tf", "sweep", "--fn", "xor", "--fn", "and", "--seeds", "1:3",
         "--sizes", "2-3-2", "--sizes", "2-5-2", "--epochs", "30", "--samples", "100",
         "--scheduler", dask_cluster, "--csv", "rows.csv", "--json", "rows.json",
         "--plot", "rows.png"],
        capture_output=True, text=True, cwd=tmp_path, env=environment(), timeout=DEADLINE)
    assert done.returncode == 0, done.stderr
    rows = json.loads((tmp_path / "rows.json").read_text())
    expected = k9tf.sweep(["xor", "and"], seeds=[1, 2], sizes=[(2, 3, 2), (2, 5, 2)],
                          epochs=[30], n_samples=100, scheduler="serial", progress=False)
    assert weights_derived(rows) == weights_derived(expected)
    with open(tmp_path / "rows.csv", newline="") as file:
        table = list(csv.DictReader(file))
    assert [float(r["cost"]) for r in table] == [r["cost"] for r in rows]
    assert [r["learned"] == "True" for r in table] == [r["learned"] for r in rows]
    assert (tmp_path / "rows.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lines = done.stdout.splitlines()
    assert lines[0].split()[:4] == ["task", "model", "activation", "sizes"]
    assert len(lines) == 1 + 4 + 3  # header, 4 configurations, 3 files written


@pytest.mark.dask
def test_worker_killed_mid_sweep_is_retried_elsewhere(dask_cluster, serial_slow_rows):
    with distributed.Client(dask_cluster) as client:
        client.wait_for_workers(2, timeout=DEADLINE)
        thread, outcome = in_thread(lambda: k9tf.sweep("xor", scheduler=dask_cluster,
                                                       **SLOW_GRID))
        victim = wait_for(lambda: executing_worker(client) or outcome, "a run to start")
        assert not outcome, outcome  # the sweep must not end before a run was seen
        os.kill(client.run(os.getpid, workers=[victim])[victim], signal.SIGKILL)
        thread.join(DEADLINE)
        assert not thread.is_alive(), "the sweep hangs after its worker was killed"
    assert "error" not in outcome, outcome
    assert weights_derived(outcome["result"]) == weights_derived(serial_slow_rows)


@pytest.mark.dask
def test_run_whose_workers_keep_dying_fails_with_one_clear_error(dask_cluster):
    with distributed.Client(dask_cluster) as client:
        client.wait_for_workers(2, timeout=DEADLINE)
        thread, outcome = in_thread(lambda: k9tf.sweep(
            "xor", seeds=[7], sizes=[(2, 3, 2)], epochs=[20000], n_samples=1000,
            scheduler=dask_cluster, progress=False))
        for _ in range(2):  # allowed-failures is 1: the second death fails the run
            victim = wait_for(lambda: executing_worker(client) or outcome, "the run to start")
            assert not outcome, outcome
            os.kill(client.run(os.getpid, workers=[victim])[victim], signal.SIGKILL)
            wait_for(lambda: victim not in client.nthreads() or outcome, "the worker's death")
        thread.join(DEADLINE)
        assert not thread.is_alive(), "the sweep hangs after its workers were killed"
    error = outcome.get("error")
    assert isinstance(error, RuntimeError), outcome
    assert "seed=7" in str(error) and "died" in str(error)


@pytest.mark.dask
def test_cluster_without_workers_fails_instead_of_hanging(monkeypatch):
    monkeypatch.setattr(_sweep, "_NO_WORKER_SECONDS", 1.0)
    with bare_scheduler() as cluster:
        with pytest.raises(RuntimeError, match="has no workers"):
            k9tf.sweep("xor", seeds=[0], scheduler=cluster.scheduler_address, progress=False)
        cluster.scale(1)  # a worker thread in this process, then none while a run is going
        with distributed.Client(cluster) as client:
            client.wait_for_workers(1, timeout=DEADLINE)
            thread, outcome = in_thread(lambda: k9tf.sweep(
                "xor", scheduler=cluster.scheduler_address, **SLOW_GRID))
            wait_for(lambda: executing_worker(client) or outcome, "a run to start")
            assert not outcome, outcome
            cluster.scale(0)
            thread.join(DEADLINE)
            assert not thread.is_alive(), "the sweep hangs on a cluster without workers"
    assert isinstance(outcome.get("error"), RuntimeError), outcome
    assert "has had no workers for 1 s" in str(outcome["error"])


@pytest.mark.dask
def test_workers_need_the_same_k9tf_sources_wherever_they_are(tmp_path):
    copies = {"same": None, "edited": "the sources differ"}
    for name in copies:
        shutil.copytree(os.path.dirname(k9tf.__file__), tmp_path / name / "k9tf",
                        ignore=shutil.ignore_patterns("__pycache__"))
    with open(tmp_path / "edited" / "k9tf" / "tools" / "_sweep.py", "a") as file:
        file.write("# edited\n")
    with bare_scheduler() as cluster, distributed.Client(cluster) as client:
        for name, problem in copies.items():
            worker = start([sys.executable, "-m", "dask", "worker", cluster.scheduler_address,
                            "--nthreads", "1", "--no-nanny", "--no-dashboard"],
                           tmp_path / f"{name}.log",
                           {**os.environ, "PYTHONPATH": str(tmp_path / name)})
            try:
                client.wait_for_workers(1, timeout=DEADLINE)
                [origin] = client.run(_sweep._origin).values()
                assert origin[2] == str(tmp_path / name / "k9tf")
                if problem is None:
                    _sweep._check_workers(client)  # accepted: no error
                else:
                    with pytest.raises(RuntimeError, match=problem):
                        k9tf.sweep("xor", seeds=[0], scheduler=client, progress=False)
            finally:
                stop([worker])
            wait_for(lambda: not client.nthreads(), "the worker to leave")


@pytest.mark.dask
def test_grid_search_cv_under_joblib_dask_backend(dask_cluster):
    joblib = pytest.importorskip("joblib")
    from sklearn.datasets import make_blobs
    from sklearn.model_selection import GridSearchCV

    X, y = make_blobs(n_samples=60, centers=3, random_state=0)
    grid = {"learning_rate": [0.01, 0.5]}
    search = GridSearchCV(k9tf.K9Classifier(epochs=30, random_state=0), grid, cv=2)
    serial = GridSearchCV(**search.get_params(deep=False)).fit(X, y)
    with distributed.Client(dask_cluster) as client, distributed.get_task_stream(client) as ts:
        with joblib.parallel_backend("dask"):
            on_dask = search.set_params(n_jobs=-1).fit(X, y)
    assert ts.data  # the fits ran on the cluster
    assert on_dask.best_params_ == serial.best_params_
    np.testing.assert_array_equal(on_dask.cv_results_["mean_test_score"],
                                  serial.cv_results_["mean_test_score"])


@pytest.mark.parametrize("kwargs, error, match", [
    ({"task": "xnor"}, ValueError, "task must be one of"),
    ({"task": ["xor", "xor"]}, ValueError, "task must not repeat"),
    ({"task": 3}, TypeError, "task must be a list"),
    ({"seeds": 5}, TypeError, "seeds must be a list"),
    ({"seeds": []}, ValueError, "seeds must not be empty"),
    ({"seeds": [0, 0]}, ValueError, "seeds must not repeat"),
    ({"seeds": [-1]}, ValueError, r"seeds\[0\] must be an int >= 0"),
    ({"seeds": [1.5]}, TypeError, r"seeds\[0\] must be an int"),
    ({"learning_rates": [0.5, 0]}, ValueError, r"learning_rates\[1\]"),
    ({"learning_rates": ["fast"]}, TypeError, r"learning_rates\[0\]"),
    ({"sizes": [2, 3, 2]}, TypeError, r"sizes\[0\]"),
    ({"sizes": [(2, 0, 2)]}, ValueError, r"sizes\[0\]"),
    ({"sizes": [(2, 3, 1)]}, ValueError, "sizes .* needs 2 inputs and 2 outputs"),
    ({"models": ["keras"]}, ValueError, r"models\[0\] must be one of"),
    ({"activations": ["gelu"]}, ValueError, r"activations\[0\] must be one of"),
    ({"batch_sizes": [0]}, ValueError, r"batch_sizes\[0\]"),
    ({"epochs": [-1]}, ValueError, r"epochs\[0\]"),
    ({"epochs": 500}, TypeError, "epochs must be a list"),
    ({"n_samples": 0}, ValueError, "n_samples"),
    ({"validation": [[1, 2, 3]]}, ValueError, "validation"),
    ({"scheduler": "threads"}, ValueError, "scheduler must be"),
    ({"scheduler": 3}, TypeError, "scheduler must be"),
    ({"scheduler": "serial", "n_workers": 2}, ValueError, "n_workers is for"),
    ({"n_workers": 0}, ValueError, "n_workers must be an int >= 1"),
    ({"progress": "yes"}, TypeError, "progress"),
    ({"seeds": range(1000), "learning_rates": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9,
                                                1.0, 1.1]},
     ValueError, "11000 runs .* at most 10000"),
    ({"task": SAMPLES, "sizes": [(2, 3, 2), (3, 3, 2)]}, ValueError, "do not fit"),
    ({"task": ([[0, 1]], [[1, 0], [0, 1]])}, ValueError, "as many labels as inputs"),
])
def test_bad_arguments_fail_before_any_run(monkeypatch, kwargs, error, match):
    for name in ("_run", "_dask_rows"):
        monkeypatch.setattr(_sweep, name, lambda *args: pytest.fail("a run started"))
    kwargs = {"task": "xor", **kwargs}
    with pytest.raises(error, match=match):
        k9tf.sweep(kwargs.pop("task"), **kwargs)


@pytest.mark.parametrize("args, message", [
    (["--csv", "missing/rows.csv"], "--csv 'missing/rows.csv' is in a directory that does "
                                    "not exist."),
    (["--json", "."], "--json '.' is a directory; give a file name."),
    (["--scheduler", "serial", "--workers", "2"], "n_workers is for scheduler='local' only"),
    (["--lr", "-1"], "learning_rates[0]"),
])
def test_cli_refuses_bad_arguments_before_training(tmp_path, args, message):
    done = subprocess.run([sys.executable, "-m", "k9tf", "sweep", "--fn", "xor", *args],
                          capture_output=True, text=True, cwd=tmp_path, env=environment(),
                          timeout=120)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and message in done.stderr
    assert "Traceback" not in done.stderr and not done.stdout
    assert list(tmp_path.iterdir()) == []


# Issue 22, items 4, 5 and 13: the grid's size and the worker count are checked from
# lengths before any axis is built; unclear scheduler strings are refused naming scheduler.

@pytest.mark.parametrize("seeds, shown", [
    (range(300_000_000), "300000000 runs"), (range(10**12), "1000000000000 runs"),
    (range(10**20), "more than 2\\*\\*63 runs")])
def test_a_huge_axis_is_refused_from_its_length(monkeypatch, seeds, shown):
    def built(*args):
        pytest.fail("a value was checked")
    monkeypatch.setattr(_sweep, "check_seed", built)
    with pytest.raises(ValueError, match=f"the grid has {shown} .* at most 10000"):
        k9tf.sweep("xor", seeds=seeds, scheduler="serial")


def test_repeated_values_are_found_in_one_pass():
    with pytest.raises(ValueError, match="seeds must not repeat a value, got 0 twice"):
        k9tf.sweep("xor", seeds=[*range(9_999), 0], scheduler="serial")
    with pytest.raises(ValueError, match=r"sizes must not repeat a value, got \[2, 3, 2\]"):
        k9tf.sweep("xor", sizes=[[2, 3, 2], (2, 3, 2)], scheduler="serial")


def test_cli_refuses_a_trillion_seeds_at_once(tmp_path):
    done = subprocess.run([sys.executable, "-m", "k9tf", "sweep", "--fn", "xor", "--seeds",
                           "1000000000000", "--scheduler", "serial"], capture_output=True,
                          text=True, cwd=tmp_path, env=environment(), timeout=120)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "the grid has 1000000000000 runs" in done.stderr and not done.stdout


def test_n_workers_is_bounded_by_the_machine():
    most = _sweep.max_workers()
    assert 1 <= most <= 4 * os.cpu_count()
    assert most * _sweep.WORKER_BYTES <= os.sysconf("SC_PAGE_SIZE") * os.sysconf(
        "SC_PHYS_PAGES") or most == 1
    for n in (most + 1, 40, 10**6):
        with pytest.raises(ValueError, match=f"n_workers must be at most {most} on this "
                                             f"machine .* got {n}"):
            k9tf.sweep("xor", n_workers=n)


@pytest.mark.parametrize("address", ["inproc://x", "file:///tmp/x", "tcp://host",
                                     "tcp://host:0", "tcp://host:99999", "tcp://"])
def test_unclear_scheduler_addresses_are_refused_naming_scheduler(monkeypatch, address):
    monkeypatch.setattr(_sweep, "_dask_rows", lambda *args: pytest.fail("Dask was reached"))
    with pytest.raises(ValueError, match=f"^scheduler must be .* got '{address}'"):
        k9tf.sweep("xor", scheduler=address)


def _group(pgid):
    """Return the pids of the live processes in process group ``pgid``."""
    pids = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as file:
                fields = file.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            pids.append(int(entry))
    return pids


@pytest.mark.parametrize("members", [2, 4], ids=["while-workers-start", "while-they-run"])
def test_ctrl_c_on_a_local_cluster_prints_one_line(tmp_path, members):
    # Issue 22, item 14: the terminal's Ctrl-C reaches the whole process group.
    process = subprocess.Popen(
        [sys.executable, "-m", "k9tf", "sweep", "--fn", "xor", "--seeds", "40", "--epochs",
         "20000", "--workers", "2"], cwd=tmp_path, env=environment(), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        wait_for(lambda: len(_group(process.pid)) >= members, f"{members} processes",
                 every=0.01)
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=DEADLINE)
    finally:
        stop([process])
    assert process.returncode == 130 and err == "k9tf sweep: interrupted\n", err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.dask
def test_regressor_grid_search_under_joblib_dask_backend(dask_cluster):
    joblib = pytest.importorskip("joblib")
    from sklearn.datasets import make_regression
    from sklearn.model_selection import GridSearchCV

    X, y = make_regression(n_samples=60, n_features=3, noise=1.0, random_state=0)
    grid = {"alpha": [0.0001, 0.1]}
    search = GridSearchCV(k9tf.K9Regressor(epochs=30, solver="adam", random_state=0), grid,
                          cv=2)
    serial = GridSearchCV(**search.get_params(deep=False)).fit(X, y)
    with distributed.Client(dask_cluster) as client, distributed.get_task_stream(client) as ts:
        with joblib.parallel_backend("dask"):
            on_dask = search.set_params(n_jobs=-1).fit(X, y)
    assert ts.data
    assert on_dask.best_params_ == serial.best_params_
    np.testing.assert_array_equal(on_dask.cv_results_["mean_test_score"],
                                  serial.cv_results_["mean_test_score"])
