"""Scoring predictions against labels."""

import numpy as np

from ..model import InvalidValue, check_matrix, plural


def accuracy(predictions, labels):
    """Return the fraction of rows whose argmax agrees between ``predictions`` and ``labels``.

    Parameters
    ----------
    predictions, labels : array-like of shape (n_samples, n_classes)
        Scores (probabilities, logits or outputs) and one-hot labels: finite
        numbers (booleans and strings are refused).

    Returns
    -------
    float
        Accuracy in [0, 1].

    Raises
    ------
    TypeError
        If either holds something other than numbers.
    ValueError
        If the two are not equally shaped, non-empty 2-D arrays of finite numbers.

    Examples
    --------
    >>> accuracy([[0.9, 0.1], [0.2, 0.8]], [[1, 0], [1, 0]])
    0.5
    """
    predictions = check_matrix(predictions, "predictions")
    width = predictions.shape[1]
    labels = check_matrix(labels, "labels", width=width, takes=f"predictions have {width}")
    if len(labels) != len(predictions):
        raise InvalidValue("labels", "labels must have one row per prediction, got "
                                     f"{plural(len(labels), 'label row')} and "
                                     f"{plural(len(predictions), 'prediction row')}.")
    return float(np.mean(np.argmax(predictions, 1) == np.argmax(labels, 1)))
