"""Scoring predictions against labels."""

import numpy as np


def accuracy(predictions, labels):
    """Return the fraction of rows whose argmax agrees between ``predictions`` and ``labels``.

    Parameters
    ----------
    predictions, labels : array-like of shape (n_samples, n_classes)
        Scores (probabilities, logits or outputs) and one-hot labels.

    Returns
    -------
    float
        Accuracy in [0, 1].

    Raises
    ------
    ValueError
        If the two are not equally shaped, non-empty 2-D arrays of numbers.

    Examples
    --------
    >>> accuracy([[0.9, 0.1], [0.2, 0.8]], [[1, 0], [1, 0]])
    0.5
    """
    try:
        predictions = np.asarray(predictions, dtype=float)
        labels = np.asarray(labels, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"predictions and labels must be 2-D arrays of numbers: {error}") from None
    if predictions.ndim != 2 or predictions.shape != labels.shape or predictions.size == 0:
        raise ValueError("predictions and labels must be non-empty 2-D arrays of one shape, got "
                         f"{predictions.shape} and {labels.shape}.")
    return float(np.mean(np.argmax(predictions, 1) == np.argmax(labels, 1)))
