"""A PNG of a training run: cost and accuracy curves beside the learned decision surface."""

import numpy as np

from ..engine import ff
from ..files import write_atomic


def plot_training(history, network, path, name="path"):
    """Save the curves of ``history`` and, for 2-input networks, the decision surface.

    Parameters
    ----------
    history : dict
        From :func:`k9tf.train`.
    network : dict
        The trained network.
    path : str or os.PathLike
        PNG file to write (whatever its extension), atomically, like
        :func:`k9tf.save_network`.
    name : str, default="path"
        What to call ``path`` in messages (the CLI passes ``"--plot"``).

    Returns
    -------
    str
        ``path``.

    Raises
    ------
    TypeError, ValueError
        If ``path`` cannot be written (the message names ``path``).
    """
    import matplotlib  # noqa: PLC0415 - optional dependency

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    surface = network["sizes"][0] == 2
    figure, axes = plt.subplots(1, 2 if surface else 1, figsize=(11 if surface else 6, 4.5),
                                squeeze=False)
    curves = axes[0][0]
    curves.plot(history["step"], history["cost"], label="cost")
    curves.plot(history["step"], history["train_accuracy"], label="training accuracy")
    if any(v is not None for v in history["validation_accuracy"]):
        curves.plot(history["step"], history["validation_accuracy"], "--",
                    label="validation accuracy")
    curves.set_xlabel("step")
    curves.set_title("Training")
    curves.legend()
    if surface:
        grid = np.linspace(0.0, 1.0, 101)
        xx, yy = np.meshgrid(grid, grid)
        outputs = np.asarray(ff(np.column_stack([xx.ravel(), yy.ravel()]).tolist(), network))
        image = axes[0][1].contourf(xx, yy, outputs[:, 0].reshape(xx.shape), levels=20,
                                    cmap="RdBu_r")
        figure.colorbar(image, ax=axes[0][1], label="output 0")
        axes[0][1].set_xlabel("input 1")
        axes[0][1].set_ylabel("input 2")
        axes[0][1].set_title("Decision surface over [0, 1]²")
    figure.tight_layout()
    try:
        return write_atomic(path, lambda file: figure.savefig(file, format="png"), name)
    finally:
        plt.close(figure)
