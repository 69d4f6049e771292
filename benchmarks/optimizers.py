"""Optimizers: which update rule and defaults learn the k9 tasks and scikit-learn's digits best.

Question: for plain gradient descent, momentum, Nesterov and Adam (at their
usual learning rates), how many seeds learn NAND and XOR in the article's k9
session, and what held-out accuracy and fit time do they reach on digits?

NAND / XOR: 2-3-2 ``default`` networks, 1000 samples of ``sample_logic_fn``
(seed ``s`` for both weights and data), 500 online epochs (k9's session); a
seed succeeds when ``ff`` gets all four inputs right. Digits (bundled with
scikit-learn, no download): 25 % held out (``train_test_split(...,
random_state=0, stratify=y)``), standardised, a 64-100-10 ``default`` network,
mini-batches of 200 shuffled, 200 epochs (early stopping: at most 200); the
mean held-out accuracy and warm fit time over the seeds, beside ``MLPClassifier``
with its defaults (Adam, lr 0.001, batches of 200, up to 200 epochs).
"""

import statistics
import time

import numpy as np

import k9tf
from _common import main, markdown_table, progress, result

INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]]

CONFIGS = [
    ("sgd (plain)", 0.5, 0.1, {}),
    ("sgd, momentum 0.9", 0.05, 0.01, {"momentum": 0.9}),
    ("sgd, Nesterov 0.9", 0.05, 0.01, {"momentum": 0.9, "nesterov": True}),
    ("adam", 0.001, 0.001, {"optimizer": "adam"}),
    ("adam", 0.01, 0.01, {"optimizer": "adam"}),
    ("adam, alpha 1e-4", 0.001, 0.001, {"optimizer": "adam", "alpha": 1e-4}),
    ("adam, early stopping", 0.001, 0.001, {"optimizer": "adam", "early_stopping": True}),
]
"""(name, learning rate on the logic tasks, learning rate on digits, options)."""


def logic_learned(f, seed, rate, options):
    """Return whether seed ``seed``'s k9 session on ``f`` learns all four inputs."""
    x, y = k9tf.sample_logic_fn(f, 1000, seed=seed)
    net = k9tf.construct_network(2, 3, 2, seed=seed)
    options = {k: v for k, v in options.items() if k != "early_stopping"}
    try:
        trained = k9tf.train_epochs(500, net, (x, y), rate, **options)
    except ValueError:  # diverged
        return False
    truth = [f(a, b) for a, b in INPUTS]
    return [o[0] > o[1] for o in k9tf.ff(INPUTS, trained)] == truth


def digits():
    """Return digits' standardised train and held-out inputs and one-hot labels."""
    from sklearn.datasets import load_digits  # noqa: PLC0415
    from sklearn.model_selection import train_test_split  # noqa: PLC0415
    from sklearn.preprocessing import StandardScaler  # noqa: PLC0415

    x, y = load_digits(return_X_y=True)
    xa, xb, ya, yb = train_test_split(x, y, test_size=0.25, random_state=0, stratify=y)
    scaler = StandardScaler().fit(xa)
    return scaler.transform(xa), np.eye(10)[ya], scaler.transform(xb), np.eye(10)[yb]


def digits_run(data, seed, rate, options, epochs=200):
    """Return held-out accuracy, fit seconds and epochs run of one k9tf fit."""
    xa, ya, xb, yb = data
    net = k9tf.construct_network(64, 100, 10, seed=seed)
    began = time.perf_counter()
    trained, history = k9tf.train(net, (xa, ya), rate, epochs=epochs, batch_size=200,
                                  shuffle=True, seed=seed, report_every=None, **options)
    seconds = time.perf_counter() - began
    return k9tf.accuracy(k9tf.ff(xb.tolist(), trained), yb), seconds, len(history["epoch"])


def sklearn_run(data, seed):
    """Return held-out accuracy, fit seconds and epochs run of ``MLPClassifier()``."""
    from sklearn.neural_network import MLPClassifier  # noqa: PLC0415

    xa, ya, xb, yb = data
    began = time.perf_counter()
    clf = MLPClassifier(hidden_layer_sizes=(100,), random_state=seed).fit(xa, ya.argmax(1))
    seconds = time.perf_counter() - began
    return clf.score(xb, yb.argmax(1)), seconds, clf.n_iter_


def run(quick=False):
    """Measure every configuration; return the result."""
    seeds = range(3 if quick else 20)
    digit_seeds = range(1 if quick else 3)
    data = digits()
    rows = []
    for name, logic_rate, digits_rate, options in CONFIGS:
        progress(f"{name} ...")
        nand = sum(logic_learned(k9tf.and_, s, logic_rate, options) for s in seeds)
        xor = sum(logic_learned(k9tf.xor, s, logic_rate, options) for s in seeds)
        digits_run(data, 0, digits_rate, options, epochs=1)  # compile outside the timings
        runs = [digits_run(data, s, digits_rate, options) for s in digit_seeds]
        rows.append({"config": name, "logic_lr": logic_rate, "digits_lr": digits_rate,
                     "nand": nand, "xor": xor, "seeds": len(seeds),
                     "digits_accuracy": statistics.mean(r[0] for r in runs),
                     "digits_seconds": statistics.mean(r[1] for r in runs),
                     "digits_epochs": statistics.mean(r[2] for r in runs)})
    sklearn_run(data, 0)  # warm, as the others are
    runs = [sklearn_run(data, s) for s in digit_seeds]
    rows.append({"config": "MLPClassifier() (adam)", "logic_lr": None, "digits_lr": 0.001,
                 "nand": None, "xor": None, "seeds": len(seeds),
                 "digits_accuracy": statistics.mean(r[0] for r in runs),
                 "digits_seconds": statistics.mean(r[1] for r in runs),
                 "digits_epochs": statistics.mean(r[2] for r in runs)})
    table = markdown_table(
        ["optimizer", "lr (logic / digits)", "NAND learned", "XOR learned",
         "digits accuracy", "digits fit", "epochs run"],
        [[r["config"], f"{r['logic_lr']} / {r['digits_lr']}",
          "-" if r["nand"] is None else f"{r['nand']}/{r['seeds']}",
          "-" if r["xor"] is None else f"{r['xor']}/{r['seeds']}",
          f"{r['digits_accuracy']:.3f}", f"{r['digits_seconds']:.2f} s",
          f"{r['digits_epochs']:.0f}"] for r in rows])
    return result("optimizers", "Optimizers on the k9 tasks and digits",
                  "Which update rule and defaults learn NAND, XOR and digits best?", table, rows,
                  notes=[f"NAND / XOR: {len(seeds)} seeds, 2-3-2, 500 online epochs; digits: "
                         f"{len(digit_seeds)} seeds, 64-100-10, batches of 200, 200 epochs."])


if __name__ == "__main__":
    main(run)
