"""Convergence: how often does each model learn XOR and NAND in the article's k9 session.

Question: over 100 seeds, what fraction of 2-3-2 networks learn the task, for
k9tf's default model, the 2016 article's model, the default with relu hidden
units, the default with truncated-normal weights, and k9's model?

Seed ``s`` fixes both the weights (``construct_network(..., seed=s)``) and the
data: 1000 samples drawn like ``k9tf.xor_gen`` / ``k9tf.nand_gen`` after
``k9tf.data._logic._random.seed(s)`` (NAND labels are ``[and, nand]``). Training is
the article's k9 session - 500 online epochs (one update per sample, in order),
learning rate 0.5 - and, for XOR, also 2000 full-batch steps at lr 0.5. A seed
succeeds when ``ff`` puts the argmax on the right class for all four inputs; a
run whose weights diverge (k9tf raises) counts as a failure.
"""

import time

import numpy as np

import k9tf
from _common import main, markdown_table, progress, result

INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]]
TASKS = {"XOR": (k9tf.xor_gen, k9tf.xor), "NAND": (k9tf.nand_gen, k9tf.and_)}
ROWS = [
    ("default", {}, "online", ("XOR", "NAND")),
    ("article", {"model": "article"}, "online", ("XOR", "NAND")),
    ("default + relu", {"activation": "relu"}, "online", ("XOR", "NAND")),
    ("default + truncated-normal", {"init": "truncated-normal"}, "online", ("XOR", "NAND")),
    ("k9", {"model": "k9"}, "online", ("XOR", "NAND")),
    ("default", {}, "full-batch", ("XOR",)),
    ("article", {"model": "article"}, "full-batch", ("XOR",)),
]


def learned(network, truth):
    """Return whether ``network`` classifies all four inputs right, and the three non-zero ones.

    Parameters
    ----------
    network : dict
        A trained 2-in, 2-out network.
    truth : callable
        The logic function of the first target neuron (``k9tf.xor`` for XOR,
        ``k9tf.and_`` for NAND's ``[and, nand]`` labels).

    Returns
    -------
    all_four : bool
        True when the argmax of ``ff`` matches the target's for every input.
    nonzero : bool
        The same over ``[0, 1]``, ``[1, 0]`` and ``[1, 1]`` only.
    """
    outputs = np.asarray(k9tf.ff(INPUTS, network))
    expected = np.array([0 if truth(a, b) else 1 for a, b in INPUTS])
    right = outputs.argmax(axis=1) == expected
    return bool(np.all(right)), bool(np.all(right[1:]))


def trial(options, training, task, seed, epochs, steps):
    """Train one seed and return ``(learned, learned_nonzero, diverged)``.

    Parameters
    ----------
    options : dict
        Keyword arguments for :func:`k9tf.construct_network` besides the sizes and seed.
    training : {"online", "full-batch"}
        ``epochs`` online epochs, or ``steps`` full-batch steps.
    task : {"XOR", "NAND"}
        The data.
    seed : int
        Seeds the weights and the samples.
    epochs, steps : int
        Length of online and full-batch training.

    Returns
    -------
    learned : bool
        All four inputs right.
    learned_nonzero : bool
        The three inputs other than ``[0, 0]`` right.
    diverged : bool
        Training stopped on NaN or Inf weights.
    """
    gen, truth = TASKS[task]
    k9tf.data._logic._random.seed(seed)
    samples = [gen() for _ in range(1000)]
    net = k9tf.construct_network(2, 3, 2, seed=seed, **options)
    try:
        if training == "online":
            trained = k9tf.train_epochs(epochs, net, samples, 0.5)
        else:
            trained = k9tf.train_epochs(steps, net, samples, 0.5, batch_size=None)
    except ValueError as error:
        if "diverged" not in str(error):
            raise
        return False, False, True
    return (*learned(trained, truth), False)


def run(quick=False):
    """Count the seeds that learn, per model, training and task.

    Parameters
    ----------
    quick : bool, default=False
        Smoke run: 5 seeds, 20 online epochs, 200 full-batch steps.

    Returns
    -------
    dict
        The result; ``rows`` has per model, training and task the number of
        seeds, successes, divergences and seconds per seed.
    """
    seeds, epochs, steps = (5, 20, 200) if quick else (100, 500, 2000)
    rows = []
    for label, options, training, tasks in ROWS:
        for task in tasks:
            trial(options, training, task, 0, 1, 1)  # warm-up: graph build + XLA compile
            began = time.perf_counter()
            outcomes = [trial(options, training, task, s, epochs, steps) for s in range(seeds)]
            seconds = time.perf_counter() - began
            rows.append({"model": label, "options": options, "training": training,
                         "task": task, "seeds": seeds,
                         "learned": sum(o[0] for o in outcomes),
                         "learned_nonzero": sum(o[1] for o in outcomes),
                         "diverged": sum(o[2] for o in outcomes),
                         "seconds_per_seed": seconds / seeds})
            progress(f"{label}, {training}, {task}: {rows[-1]['learned']}/{seeds} learned "
                     f"({seconds:.1f} s)")
    body = []
    for label, options, training, tasks in ROWS:
        mine = [r for r in rows if r["model"] == label and r["training"] == training]
        cells, partial = [], []
        for task in TASKS:
            row = next((r for r in mine if r["task"] == task), None)
            if row is None:
                cells.append("–")
                partial.append("–")
                continue
            text = f"{row['learned'] / row['seeds']:.2f}"
            if row["diverged"]:
                text += f" ({row['diverged']} diverged)"
            cells.append(text)
            partial.append(f"{row['learned_nonzero'] / row['seeds']:.2f}")
        length = f"{epochs} epochs, online" if training == "online" else \
            f"{steps} full-batch steps"
        per_seed = sum(r["seconds_per_seed"] for r in mine) / len(mine)
        body.append([label, length, *cells, *partial, f"{per_seed:.3f}"])
    notes = [
        f"Fraction of {seeds} seeds (0..{seeds - 1}) whose trained 2-3-2 network gets all four "
        "inputs right (argmax of ff); lr 0.5, 1000 samples per seed.",
        "'w/o [0,0]': the same, counting only the inputs [0,1], [1,0], [1,1]. The k9 model "
        "has no biases, so ff([0, 0]) is exactly [0, 0] whatever the weights: a tie whose "
        "argmax is class 0, while both XOR and NAND want class 1 there - k9 can never get "
        "all four right by this test.",
        "s/seed: wall time per seed (data, construction, training and ff), mean over the "
        "row's tasks.",
    ]
    return result("convergence", "Convergence over seeds",
                  f"What fraction of {seeds} seeds learn XOR and NAND, per model?",
                  markdown_table(["model", "training", "XOR", "NAND", "XOR w/o [0,0]",
                                  "NAND w/o [0,0]", "s/seed"], body),
                  rows, notes)


if __name__ == "__main__":
    main(run)
