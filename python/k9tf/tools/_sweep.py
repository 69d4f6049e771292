"""Sweeps: one seeded network trained and scored per point of a grid, in-process or on Dask.

A run depends only on its configuration (every random choice is seeded), so
its row is the same, bit for bit, whether it ran in this process, on a local
cluster of worker processes or on any Dask cluster. Dask is imported only when
a sweep uses it: ``import k9tf`` stays light.
"""

import functools
import hashlib
import itertools
import logging
import math
import os
import re
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from contextlib import ExitStack, contextmanager

import numpy as np

from ..data import LOGIC_FUNCTIONS, sample_logic_fn
from ..engine import ff, load, train
from ..model import (
    ACTIVATIONS,
    PRESETS,
    DivergedError,
    InvalidType,
    InvalidValue,
    argument_of,
    brief,
    check_choice,
    check_int,
    check_learning_rate,
    check_options,
    check_samples,
    check_seed,
    check_sizes,
    construct_network,
    rephrased,
)

MAX_RUNS = 10_000
"""Most runs one sweep call agrees to make."""

ROW_KEYS = (
    "task", "model", "activation", "sizes", "learning_rate", "batch_size", "epochs", "seed",
    "samples", "cost", "train_accuracy", "validation_accuracy", "learned", "diverged", "seconds",
)
"""The keys of a sweep row, in order: the configuration, then the scores."""

CONFIG_KEYS = ROW_KEYS[:ROW_KEYS.index("cost")]
"""The keys of a row that describe its run rather than score it."""

SCHEDULERS = ("local", "serial")
"""The named schedulers; any other str is a Dask scheduler address."""

LOGIC_INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]]
"""The four inputs a network must get right to have learned a logic task."""

WORKER_BYTES = 3 * 2**29
"""Memory a local cluster's worker is given at least (1.5 GiB); see :func:`max_workers`."""

_ADDRESS = re.compile(r"(?:tcp|tls|ws|wss|ucx)://(\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]@]+):(\d{1,5})")
_NO_WORKER_SECONDS = 60.0  # a Dask cluster without workers this long fails the sweep
_CONNECT_SECONDS = 30  # to reach a scheduler address
_POLL_SECONDS = 1.0  # how often the Dask wait checks that the cluster has workers


def _length(values, name):
    """Return how many values an axis holds, refusing strings, dicts, scalars and iterators.

    Only the length is read, so ``range(10**12)`` costs nothing to refuse.
    """
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, (Sequence,
                                                                            np.ndarray)):
        raise InvalidType(argument_of(name), f"{name} must be a list of values (the grid's "
                                             f"points on that axis), got {brief(values)}.")
    try:
        n = len(values)
    except OverflowError:  # a range longer than sys.maxsize
        n = math.inf
    if not n:
        raise InvalidValue(argument_of(name), f"{name} must not be empty.")
    return n


def _check_runs(axes):
    """Raise ValueError if the grid of ``axes`` (name: length) has more than MAX_RUNS runs."""
    runs = math.prod(axes.values())
    if runs > MAX_RUNS:
        def shown(n):
            return str(n) if n != math.inf else "more than 2**63"
        shape = " x ".join(shown(n) for n in axes.values())
        raise InvalidValue(None, f"the grid has {shown(runs)} runs ({shape}: "
                                  f"{' x '.join(axes)}); a sweep makes at most {MAX_RUNS}.")


def _axis(values, name, check):
    """Return the checked values of a grid axis, refusing an empty axis and duplicates."""
    _length(values, name)
    checked, seen = [], set()
    for i, value in enumerate(values):
        value = check(value, f"{name}[{i}]")
        key = tuple(value) if isinstance(value, list) else value
        if key in seen:
            raise InvalidValue(argument_of(name), f"{name} must not repeat a value, got "
                                                  f"{value!r} twice in {brief(values)}.")
        seen.add(key)
        checked.append(value)
    return checked


def _rewrapped(check):
    """Return ``check`` taking ``(value, name)``, its errors prefixed with ``name``."""
    def checked(value, name):
        try:
            return check(value)
        except (TypeError, ValueError) as error:
            raise rephrased(error, f"{name}: {error}", argument_of(name)) from None
    return checked


def _check_task(task):
    """Return ``(names, samples)``: logic task names, or None and the given samples' task."""
    if isinstance(task, str):
        names = [task]
    elif isinstance(task, (list, tuple)) and task and all(isinstance(t, str) for t in task):
        names = list(task)
    else:
        return None, task
    for name in names:
        if name not in LOGIC_FUNCTIONS:
            raise InvalidValue("task", f"task must be one of {', '.join(LOGIC_FUNCTIONS)} (or "
                                       f"samples), got {name!r}.")
    return _axis(names, "task", lambda value, _: value), None


def _is_client(value):
    """Return whether ``value`` is a ``distributed.Client`` (False without Dask)."""
    try:
        from distributed import Client  # noqa: PLC0415 - optional dependency
    except ImportError:
        return False
    return isinstance(value, Client)


def max_workers():
    """Return the most worker processes a local cluster may start on this machine.

    Dask gives each worker an equal share of the memory and restarts one that
    outgrows it; a worker that has run TensorFlow needs about
    :data:`WORKER_BYTES`. More than four workers a core only queue for it.

    Returns
    -------
    int
        At least 1: ``min(4 * cores, memory // WORKER_BYTES)``.
    """
    cores = os.cpu_count() or 1
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        memory = WORKER_BYTES * 4 * cores
    return max(1, min(4 * cores, memory // WORKER_BYTES))


def _check_address(scheduler):
    """Return ``scheduler`` if it is a Dask address ``scheme://host:port`` k9tf can reach."""
    match = _ADDRESS.fullmatch(scheduler)
    if match is None or not 0 < int(match.group(2)) < 65536:
        raise InvalidValue("scheduler", "scheduler must be 'local', 'serial', a Dask scheduler "
                                        "address like 'tcp://127.0.0.1:8786' (scheme tcp, tls, "
                                        "ws, wss or ucx, then host:port) or a "
                                        f"distributed.Client, got {scheduler!r}.")
    return scheduler


def _check_scheduler(scheduler, n_workers):
    """Return ``(scheduler, n_workers)`` checked; n_workers only goes with ``"local"``."""
    if isinstance(scheduler, str):
        if scheduler not in SCHEDULERS:
            _check_address(scheduler)
    elif not _is_client(scheduler):
        raise InvalidType("scheduler", "scheduler must be 'local', 'serial', a Dask scheduler "
                                       f"address or a distributed.Client, got {brief(scheduler)}.")
    if n_workers is not None:
        if scheduler != "local":
            raise InvalidValue("n_workers", "n_workers is for scheduler='local' only, got "
                                            f"n_workers={n_workers!r} with "
                                            f"scheduler={brief(scheduler)}.")
        n_workers = check_int(n_workers, "n_workers", minimum=1)
        if n_workers > (most := max_workers()):
            raise InvalidValue("n_workers", f"n_workers must be at most {most} on this machine "
                                            f"({os.cpu_count()} cores; each TensorFlow worker "
                                            f"needs about {WORKER_BYTES / 2**30:.1f} GiB of the "
                                            f"memory Dask shares between them), got {n_workers}.")
    if scheduler != "serial":
        try:
            import distributed  # noqa: F401, PLC0415 - optional dependency
        except ImportError as error:
            raise ImportError(f"scheduler={brief(scheduler)} needs Dask: pip install "
                              f"'k9tf[dask]', or use scheduler='serial' ({error}).") from None
    return scheduler, n_workers


def _grid(names, sizes, models, activations, learning_rates, batch_sizes, epochs, seeds,
          n_samples):
    """Return the run configurations in grid order (the last axis varies fastest)."""
    axes = [names or [None], models, activations, sizes, learning_rates, batch_sizes, epochs,
            seeds]
    keys = ("task", "model", "activation", "sizes", "learning_rate", "batch_size", "epochs",
            "seed")
    return [{**dict(zip(keys, point)), "samples": n_samples}
            for point in itertools.product(*axes)]


def _learned(network, task, train_accuracy):
    """Return whether ``network`` learned: all four logic inputs right, or every sample."""
    if task is None:
        return train_accuracy == 1.0
    truth = LOGIC_FUNCTIONS[task]
    expected = [0 if truth(a, b) else 1 for a, b in LOGIC_INPUTS]
    return bool(np.all(np.argmax(ff(LOGIC_INPUTS, network), axis=1) == expected))


def _run(config, data):
    """Train and score one configuration; return its row (plain data).

    ``data`` is ``(samples, validation)``: the given samples (None for a logic
    task, whose samples are drawn from the run's seed) and the validation set
    (None: a logic task draws its own, given samples have none).
    """
    load()  # TensorFlow loads before the clock

    began = time.perf_counter()
    task, seed, samples, validation = config["task"], config["seed"], *data
    network = construct_network(*config["sizes"], model=config["model"],
                                activation=config["activation"], seed=seed)
    if task is not None:
        samples = sample_logic_fn(task, config["samples"], seed=seed)
        if validation is None:
            validation = sample_logic_fn(task, max(100, config["samples"] // 10),
                                         seed=(seed + 1) % 2**63)
    scores = {"cost": None, "train_accuracy": None, "validation_accuracy": None,
              "learned": False, "diverged": False}
    try:
        # report_every >= the number of steps: one record before training, one after
        trained, history = train(network, samples, config["learning_rate"],
                                 epochs=config["epochs"], batch_size=config["batch_size"],
                                 seed=seed, validation=validation,
                                 report_every=max(1, config["epochs"] * len(samples[0])))
    except DivergedError:
        scores["diverged"] = True
    else:
        scores.update(cost=history["cost"][-1], train_accuracy=history["train_accuracy"][-1],
                      validation_accuracy=history["validation_accuracy"][-1])
        scores["learned"] = _learned(trained, task, scores["train_accuracy"])
    row = {**config, "activation": network["activation"],
           "sizes": "-".join(map(str, config["sizes"])), "samples": len(samples[0]), **scores,
           "seconds": time.perf_counter() - began}
    return {key: row[key] for key in ROW_KEYS}


@functools.cache
def _origin():
    """Return ``(version, digest, directory)`` of the k9tf this process runs."""
    import k9tf  # noqa: PLC0415

    directory = os.path.dirname(os.path.abspath(k9tf.__file__))
    digest = hashlib.sha256()
    for root, dirs, files in sorted(os.walk(directory)):
        dirs.sort()
        for name in sorted(f for f in files if f.endswith(".py")):
            path = os.path.join(root, name)
            digest.update(os.path.relpath(path, directory).encode() + b"\0")
            with open(path, "rb") as file:
                digest.update(file.read())
    return k9tf.__version__, digest.hexdigest(), directory


def _check_workers(client):
    """Wait for a worker, then raise unless every worker runs this process's k9tf."""
    try:
        client.wait_for_workers(1, timeout=_NO_WORKER_SECONDS)
    except TimeoutError:
        raise RuntimeError(f"the Dask cluster at {client.scheduler.address} has no workers "
                           f"(waited {_NO_WORKER_SECONDS:.0f} s); start some with "
                           "'dask worker ADDRESS'.") from None
    try:
        origins = client.run(_origin)
    except ImportError as error:
        raise RuntimeError(f"the Dask workers cannot import k9tf ({error}); install it there, "
                           "or start them with PYTHONPATH set as for this process.") from None
    mine = _origin()
    for address, origin in origins.items():
        if tuple(origin[:2]) != mine[:2]:  # the same sources may live elsewhere
            raise RuntimeError(f"the Dask worker {address} runs k9tf {origin[0]} from "
                               f"{origin[2]}, not this process's k9tf {mine[0]} from "
                               f"{mine[2]} (the sources differ); start the workers with the "
                               "same k9tf, e.g. the same PYTHONPATH or install.")


def _describe(config):
    return ", ".join(f"{key}={config[key]!r}" for key in CONFIG_KEYS
                     if key != "samples" and (key != "task" or config[key] is not None))


def _wait(client, futures, configs, bar):
    """Wait for every future, updating ``bar``; raise one clear error if a run fails."""
    from distributed import KilledWorker, wait  # noqa: PLC0415 - optional dependency

    index = {future.key: i for i, future in enumerate(futures)}
    pending, idle_since = set(futures), None
    while pending:
        try:
            done, pending = wait(pending, timeout=_POLL_SECONDS, return_when="FIRST_COMPLETED")
        except TimeoutError:
            done = set()
        for future in done:
            if future.status == "finished":
                continue
            run = _describe(configs[index[future.key]])
            if future.status == "cancelled":
                raise RuntimeError(f"sweep run ({run}) was cancelled by the Dask scheduler "
                                   "(did it shut down?).")
            try:
                future.result()
            except KilledWorker as error:
                raise RuntimeError(f"sweep run ({run}) failed: every Dask worker that ran it "
                                   f"died. {error}") from None
            except (TypeError, ValueError) as error:
                raise rephrased(error, f"{error} (in sweep run {run})") from error
        bar.update(len(done))
        if pending and not done:
            if client.nthreads():
                idle_since = None
            elif idle_since is None:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > _NO_WORKER_SECONDS:
                raise RuntimeError(f"the Dask cluster has had no workers for "
                                   f"{_NO_WORKER_SECONDS:.0f} s; {len(pending)} sweep runs "
                                   "were left undone.")


@contextmanager
def _workers_stderr_to_null():
    """Point descriptor 2 at the null device meanwhile, for the processes started then.

    The local cluster's worker processes inherit it for good: a terminal's
    Ctrl-C goes to the whole process group, and a worker it meets while it
    starts prints a traceback of its own imports; run failures come back
    through Dask, so the workers' stderr holds nothing the sweep reports.
    This process's own stderr is back as soon as the cluster has started
    (after a Ctrl-C meanwhile, as ``sys.stderr`` only: the process is ending).
    """
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    except KeyboardInterrupt:
        # The cluster's thread may still start a worker: descriptor 2 stays on the null
        # device, and Python's own messages (the CLI's "interrupted") go to the real one.
        sys.stderr = open(saved, "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
        raise
    except BaseException:
        os.dup2(saved, 2)
        os.close(saved)
        raise
    else:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
    finally:
        os.close(null)


def _dask_rows(scheduler, n_workers, configs, data, bar):
    """Run ``configs`` on Dask and return their rows in grid order."""
    from distributed import Client, LocalCluster  # noqa: PLC0415 - optional dependency

    with ExitStack() as stack:
        if scheduler == "local":
            try:
                with _workers_stderr_to_null():
                    cluster = stack.enter_context(LocalCluster(
                        n_workers=n_workers, processes=True, threads_per_worker=1,
                        dashboard_address=None, scheduler_kwargs={"dashboard_address": ":0"},
                        # a worker that has run TensorFlow takes seconds to exit; its nanny
                        # then kills it at close with a warning that says nothing of the sweep
                        silence_logs=logging.ERROR))
            except RuntimeError as error:
                raise RuntimeError(
                    f"the local Dask cluster could not start its worker processes ({error}); "
                    "a script that starts one must guard its top level with 'if __name__ == "
                    "\"__main__\":' and be a file, not stdin. scheduler='serial' needs "
                    "neither.") from error
            client = stack.enter_context(Client(cluster))
        elif isinstance(scheduler, str):
            try:
                client = stack.enter_context(Client(scheduler, timeout=_CONNECT_SECONDS))
            except (OSError, TimeoutError, ValueError, TypeError) as error:
                raise OSError(f"scheduler {scheduler!r} cannot be reached: {error}") from None
        else:
            client = scheduler
        _check_workers(client)
        token = uuid.uuid4().hex[:8]
        if data[0] is not None or data[1] is not None:
            # given samples travel once, as a task every run depends on: unlike scattered
            # data, Dask recomputes it if every worker holding it dies
            data = client.submit(tuple, list(data), key=f"k9tf-sweep-{token}-data")
        futures = [client.submit(_run, config, data, key=f"k9tf-sweep-{token}-{i}")
                   for i, config in enumerate(configs)]
        try:
            _wait(client, futures, configs, bar)
            return client.gather(futures)
        finally:
            client.cancel(futures)


def summarize(rows):
    """Return one summary per configuration of sweep ``rows`` (all seeds pooled), in order.

    Parameters
    ----------
    rows : list of dict
        Rows from :func:`sweep`.

    Returns
    -------
    list of dict
        Per configuration (the rows' keys up to ``samples``, less ``seed``), in
        order of first appearance: those keys, then ``runs``, ``learned`` and
        ``diverged`` (counts), ``success_rate`` (learned / runs), ``mean_cost``
        (over the runs that did not diverge; None if all did) and
        ``mean_seconds``.

    Examples
    --------
    >>> rows = [{"task": "xor", "model": "default", "activation": "tanh", "sizes": "2-3-2",
    ...          "learning_rate": 0.5, "batch_size": 1, "epochs": 500, "seed": seed,
    ...          "samples": 1000, "cost": cost, "learned": cost < 0.1, "diverged": False,
    ...          "seconds": 0.5} for seed, cost in [(0, 0.01), (1, 0.35)]]
    >>> [(s["runs"], s["learned"], s["success_rate"], s["mean_cost"]) for s in summarize(rows)]
    [(2, 1, 0.5, 0.18)]
    """
    keys = [key for key in CONFIG_KEYS if key != "seed"]
    groups = {}
    for row in rows:
        groups.setdefault(tuple(row[key] for key in keys), []).append(row)
    summaries = []
    for config, runs in groups.items():
        costs = [row["cost"] for row in runs if not row["diverged"]]
        learned = sum(row["learned"] for row in runs)
        summaries.append({**dict(zip(keys, config)), "runs": len(runs), "learned": learned,
                          "diverged": sum(row["diverged"] for row in runs),
                          "success_rate": learned / len(runs),
                          "mean_cost": sum(costs) / len(costs) if costs else None,
                          "mean_seconds": sum(row["seconds"] for row in runs) / len(runs)})
    return summaries


def sweep(task="xor", *, seeds=range(10), learning_rates=(0.5,), sizes=((2, 3, 2),),
          models=("default",), activations=(None,), batch_sizes=(1,), epochs=(500,),
          n_samples=1000, validation=None, scheduler="local", n_workers=None, progress=True):
    """Train one seeded network per point of a grid and return a row of scores per run.

    The grid is every combination of the axes ``task`` (when it is a list of
    names), ``models``, ``activations``, ``sizes``, ``learning_rates``,
    ``batch_sizes``, ``epochs`` and ``seeds``. Each run constructs its network
    with its seed, trains it with :func:`k9tf.train` and scores it. The
    defaults are the article's k9 session (2-3-2, 1000 samples, 500 online
    epochs, learning rate 0.5) over 10 seeds.

    Parameters
    ----------
    task : str, list of str, list, tuple or dict, default="xor"
        A logic task's name (``"xor"``, ``"nand"``, ``"and"``, ``"or"``), a list
        of them (an axis of the grid), or samples in any form :func:`k9tf.train`
        takes. A logic task draws its ``n_samples`` training samples with
        :func:`k9tf.sample_logic_fn` from the run's seed, and its validation
        samples (a tenth as many, at least 100) from the seed + 1.
    seeds : sequence of int, default=range(10)
        Seeds of the initial weights (and of a logic task's samples).
    learning_rates : sequence of float, default=(0.5,)
        Learning rates, each > 0.
    sizes : sequence of sequence of int, default=((2, 3, 2),)
        Architectures, input first, output last; a logic task needs 2 and 2.
    models : sequence of str, default=("default",)
        :func:`k9tf.construct_network` presets: ``"default"``, ``"article"``, ``"k9"``.
    activations : sequence of str or None, default=(None,)
        Hidden activations (``"tanh"``, ``"relu"``, ``"sigmoid"``); None keeps
        the model's.
    batch_sizes : sequence of int or None, default=(1,)
        1 is k9's online training, None the full batch, other ints mini-batches.
    epochs : sequence of int, default=(500,)
        Passes over the samples, each >= 0.
    n_samples : int, default=1000
        Training samples a logic task draws per run (given samples are used as they are).
    validation : list, tuple or dict, optional
        Validation samples for every run; None lets a logic task draw its own
        and leaves given samples without (``validation_accuracy`` None).
    scheduler : str or distributed.Client, default="local"
        Where the runs go: ``"local"`` starts a Dask cluster of ``n_workers``
        worker processes for this call and stops it after; an address such as
        ``"tcp://127.0.0.1:8786"`` sends them to that running Dask scheduler
        (see ``dask scheduler`` / ``dask worker``); a ``distributed.Client``
        uses its cluster; ``"serial"`` runs them one after another in this
        process, without Dask. Any but ``"serial"`` needs the ``dask`` extra.
    n_workers : int, optional
        Worker processes of the ``"local"`` cluster, one thread each; None
        means one per CPU core. Only for ``scheduler="local"``.
    progress : bool, default=True
        Show a progress bar (tqdm, on stderr, only when it is a terminal).

    Returns
    -------
    list of dict
        One row per run, in grid order (the last axis varies fastest), whatever
        finished first. Keys, in order: ``task`` (None for given samples),
        ``model``, ``activation`` (the one used), ``sizes`` (like ``"2-3-2"``),
        ``learning_rate``, ``batch_size`` (None: full batch), ``epochs``,
        ``seed``, ``samples`` (their number), then the scores: ``cost`` (mean
        loss over the training samples after training), ``train_accuracy``,
        ``validation_accuracy``, ``learned`` (a logic task: ``ff`` puts the
        argmax right for all four inputs, as in the README's convergence table;
        given samples: every training sample right), ``diverged`` (the weights
        became NaN or Inf: the three scores before are None, ``learned`` is
        False) and ``seconds`` (wall time of the run, including any XLA compile
        of a new shape in its process). All but ``seconds`` are the same
        whatever the scheduler and worker count.

    Raises
    ------
    TypeError, ValueError
        On a bad argument, before any run starts; ValueError also when the grid
        has more than :data:`MAX_RUNS` runs.
    ImportError
        When the scheduler needs Dask and it is not installed.
    OSError
        When the scheduler address cannot be reached.
    RuntimeError
        When the Dask cluster has had no workers for a minute, its workers run
        another k9tf, or every worker running a run died (Dask retries a run
        whose worker died on another worker first, a few times).

    Notes
    -----
    Worker processes import k9tf afresh: a local cluster's inherit this
    process's ``sys.path``; workers of a running cluster must be started with
    the same k9tf (for instance the same ``PYTHONPATH``), which the sweep checks.
    As with any multiprocessing code, a script that starts a local cluster
    must guard its top level with ``if __name__ == "__main__":``.

    Examples
    --------
    >>> rows = sweep("xor", seeds=[0, 1], sizes=[(2, 4, 2)], batch_sizes=[None],
    ...              epochs=[300], n_samples=100, scheduler="serial", progress=False)
    >>> [(row["sizes"], row["seed"], row["learned"]) for row in rows]
    [('2-4-2', 0, True), ('2-4-2', 1, True)]
    """
    names, samples = _check_task(task)
    _check_runs({"tasks": 1 if names is None else len(names),
                 **{name: _length(values, name) for name, values in (
                     ("models", models), ("activations", activations), ("sizes", sizes),
                     ("learning_rates", learning_rates), ("batch_sizes", batch_sizes),
                     ("epochs", epochs), ("seeds", seeds))}})
    sizes = _axis(sizes, "sizes", _rewrapped(check_sizes))
    if names is not None:
        for architecture in sizes:
            if architecture[0] != 2 or architecture[-1] != 2:
                raise InvalidValue("sizes", f"sizes {architecture!r} cannot learn a logic task, "
                                            "which needs 2 inputs and 2 outputs.")
    models = _axis(models, "models", lambda v, name: check_choice(v, name, tuple(PRESETS)))
    activations = _axis(activations, "activations", lambda v, name: None if v is None
                        else check_choice(v, name, ACTIVATIONS))
    for model, activation, architecture in itertools.product(models, activations, sizes):
        try:
            check_options(architecture, model, {"activation": activation})
        except ValueError as error:
            raise InvalidValue("sizes", f"sizes {architecture!r} with model {model!r}: "
                                        f"{error}") from None
    learning_rates = _axis(learning_rates, "learning_rates",
                           _rewrapped(check_learning_rate))
    batch_sizes = _axis(batch_sizes, "batch_sizes", lambda v, name: None if v is None
                        else check_int(v, name, minimum=1))
    epochs = _axis(epochs, "epochs", check_int)
    seeds = _axis(seeds, "seeds", check_seed)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    n_in, n_out = sizes[0][0], sizes[0][-1]
    if samples is not None:
        samples = check_samples(samples, n_in, n_out, "float64", name="task")
        n_samples = len(samples[0])
        for architecture in sizes:
            if (architecture[0], architecture[-1]) != (n_in, n_out):
                raise InvalidValue("sizes", f"sizes {architecture!r} do not fit the samples' "
                                            f"{n_in} inputs and {n_out} targets.")
    if validation is not None:
        validation = check_samples(validation, n_in, n_out, "float64", name="validation")
    if not isinstance(progress, bool):
        raise InvalidType("progress", f"progress must be True or False, got {brief(progress)}.")
    scheduler, n_workers = _check_scheduler(scheduler, n_workers)
    configs = _grid(names, sizes, models, activations, learning_rates, batch_sizes, epochs,
                    seeds, n_samples)

    from tqdm import tqdm  # noqa: PLC0415

    with tqdm(total=len(configs), unit="run", disable=None if progress else True,
              leave=False) as bar:
        if scheduler == "serial":
            rows = []
            for config in configs:
                rows.append(_run(config, (samples, validation)))
                bar.update()
            return rows
        return _dask_rows(scheduler, n_workers, configs, (samples, validation), bar)
