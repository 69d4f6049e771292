"""Tables: CSV text read into numeric features and a target column, labels encoded, scaling.

Nothing here touches files or TensorFlow: :func:`parse_csv` takes the text
(``k9tf.files.read_table`` reads it), and every error names the table's
``source``, the line and the column at fault.
"""

import csv
import io
import math

import numpy as np

from ..model import MAX_SAMPLES, InvalidType, InvalidValue, argument_of, brief, plural


def _cell_number(text):
    """Return ``text`` as a finite float, or None if it is not one."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _header(rows, source):
    """Return the header row's column names, refusing an empty file and bad names."""
    for header in rows:
        if header:  # blank lines before the header are skipped
            break
    else:
        raise InvalidValue(None, f"{source} is empty; it needs a header row and "
                                                "at least one data row.")
    names = [name.strip() for name in header]
    for j, name in enumerate(names):
        if not name:
            raise InvalidValue(None, f"{source} line {rows.line_num}: column "
                                                    f"{j + 1} of the header has no name.")
        if name in names[:j]:
            raise InvalidValue(None, f"{source} line {rows.line_num}: column name "
                                                    f"{name!r} appears twice in the header.")
    return names


def _column(names, name, source, option):
    """Return the index of column ``name``, or raise naming the columns there are."""
    if name not in names:
        raise InvalidValue(None, f"{source} has no column {name!r} ({option}); "
                                                f"its columns are {brief(names, 200)}.")
    return names.index(name)


def parse_csv(text, *, source="table", target=None, features=None, regression=False):
    r"""Return the numeric feature columns and the target column of CSV ``text``.

    The first non-blank line is the header; blank lines are skipped; every
    other line must have one value per column. Feature values must be finite
    numbers; target values are numbers for ``regression`` and otherwise class
    labels: numbers if every one is a number (ints if all are whole), else
    the strings as written.

    Parameters
    ----------
    text : str
        The CSV text (comma separated, ``"`` quoting).
    source : str, default="table"
        What to call the table in messages (the CLI passes ``--data 'file.csv'``).
    target : str, optional
        The target column's name; None reads features only.
    features : sequence of str, optional
        The feature columns, in this order; None takes every column but ``target``.
    regression : bool, default=False
        Whether the target is numeric (a value to predict) rather than labels.

    Returns
    -------
    dict
        ``features`` (the names), ``inputs`` (float64 array, one row per data
        line) and, with a ``target``, ``labels`` (a list of labels, or a float64
        array for ``regression``).

    Raises
    ------
    ValueError
        On an empty table, a header only, a ragged line, a missing or
        duplicate column, a non-numeric or non-finite feature, a non-numeric
        target in ``regression``, or more than 1,000,000 rows; the message
        names ``source``, the line and the column.

    Examples
    --------
    >>> table = parse_csv("a,b,kind\n1,2,x\n3,4.5,y\n", target="kind")
    >>> table["features"], table["inputs"].tolist(), table["labels"]
    (['a', 'b'], [[1.0, 2.0], [3.0, 4.5]], ['x', 'y'])
    """
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        names = _header(rows, source)
        target_at = None if target is None else _column(names, target, source, "target")
        if features is None:
            features = [name for name in names if name != target]
            if not features:
                raise InvalidValue(None, f"{source} has no feature columns "
                                                        f"besides the target {target!r}.")
        at = [_column(names, name, source, "a feature the network takes") for name in features]
        inputs, labels = [], []
        for row in rows:
            if not row:
                continue
            if len(row) != len(names):
                gap = (f"column {names[len(row)]!r} is missing" if len(row) < len(names)
                       else f"column {len(names) + 1} has no name")
                raise InvalidValue(None, f"{source} line {rows.line_num} has "
                                                        f"{plural(len(row), 'value')} but the "
                                                        f"header {plural(len(names), 'column')}: "
                                                        f"{gap}.")
            if len(inputs) == MAX_SAMPLES:
                raise InvalidValue(None, f"{source} has more than {MAX_SAMPLES:,} "
                                                        "rows, the most k9tf trains on or "
                                                        "predicts in one call.")
            values = []
            for j in at:
                value = _cell_number(row[j])
                if value is None:
                    raise InvalidValue(None, f"{source} line {rows.line_num}, "
                                                            f"column {names[j]!r}: "
                                                            f"{brief(row[j])} is not a finite "
                                                            "number (features must be numbers).")
                values.append(value)
            inputs.append(values)
            if target_at is not None:
                labels.append(_target(row[target_at], regression, source, rows.line_num, target))
    except csv.Error as error:
        raise InvalidValue(None, f"{source} line {rows.line_num} is not valid "
                                                f"CSV: {error}.") from None
    if not inputs:
        raise InvalidValue(None, f"{source} has a header but no data rows.")
    table = {"features": list(features), "inputs": np.array(inputs, dtype=np.float64)}
    if target is not None:
        table["labels"] = (np.array(labels, dtype=np.float64) if regression
                           else _class_labels(labels))
    return table


def _target(text, regression, source, line, target):
    """Return a target cell: a float for regression, else the stripped text."""
    if not regression:
        if not text.strip():
            raise InvalidValue(None, f"{source} line {line}, column {target!r}: "
                                                    "the label is empty.")
        return text.strip()
    value = _cell_number(text)
    if value is None:
        raise InvalidValue(None, f"{source} line {line}, column {target!r}: "
                                                f"{brief(text)} is not a finite number (a "
                                                "regression target must be a number).")
    return value


def _class_labels(texts):
    """Return labels as ints if all are whole numbers, floats if all numbers, else the strings."""
    numbers = [_cell_number(text) for text in texts]
    if any(value is None for value in numbers):
        return texts
    if all(value.is_integer() for value in numbers):
        return [int(value) for value in numbers]
    return numbers


def encode_labels(labels, classes=None, name="labels"):
    """Return ``(one_hot, classes)``: labels as one-hot rows over sorted or given ``classes``.

    Parameters
    ----------
    labels : sequence of str or number
        One class label per sample.
    classes : sequence, optional
        The classes in output order; None takes the sorted distinct labels.
    name : str, default="labels"
        What to call ``labels`` in messages.

    Returns
    -------
    one_hot : ndarray of shape (n_samples, n_classes)
    classes : list

    Raises
    ------
    TypeError
        If labels mix strings and numbers, or hold something else.
    ValueError
        If a label is not one of ``classes``, or fewer than 2 classes are found.

    Examples
    --------
    >>> one_hot, classes = encode_labels(["b", "a", "b"])
    >>> one_hot.tolist(), classes
    ([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]], ['a', 'b'])
    """
    labels = list(labels)
    if not labels:
        raise InvalidValue(argument_of(name), f"{name} must not be empty.")
    kinds = set()
    for i, label in enumerate(labels):
        if isinstance(label, np.generic):
            labels[i] = label = label.item()
        if isinstance(label, bool) or not isinstance(label, (str, int, float)):
            raise InvalidType(argument_of(name),
                              f"{name}[{i}] must be a string or a number, got {brief(label)}.")
        if isinstance(label, float) and not math.isfinite(label):
            raise InvalidValue(argument_of(name),
                               f"{name}[{i}] must be a finite number, got {label!r}.")
        kinds.add(str if isinstance(label, str) else float)
    if len(kinds) > 1:
        raise InvalidType(argument_of(name),
                          f"{name} mix strings and numbers, got {brief(labels)}; use one kind.")
    if classes is None:
        classes = sorted(set(labels))
        if len(classes) < 2:
            raise InvalidValue(argument_of(name),
                               f"{name} need at least 2 classes, got only {brief(classes[0])}.")
    index = {label: i for i, label in enumerate(classes)}
    encoded = []
    for i, label in enumerate(labels):
        if label not in index:
            raise InvalidValue(argument_of(name),
                               f"{name}[{i}] is {brief(label)}, not one of the network's classes "
                             f"{brief(list(classes))}.")
        encoded.append(index[label])
    return np.eye(len(classes))[encoded], list(classes)


def fit_scaler(inputs):
    """Return ``{"mean", "scale"}`` that standardize the columns of ``inputs``.

    As scikit-learn's ``StandardScaler``: the scale is the population standard
    deviation, or 1 for a constant column.

    Examples
    --------
    >>> fit_scaler([[1.0, 5.0], [3.0, 5.0]])
    {'mean': [2.0, 5.0], 'scale': [1.0, 1.0]}
    """
    inputs = np.asarray(inputs, dtype=np.float64)
    scale = inputs.std(axis=0)
    return {"mean": inputs.mean(axis=0).tolist(),
            "scale": np.where(scale > 0, scale, 1.0).tolist()}


def apply_scaler(inputs, scaler):
    """Return ``(inputs - mean) / scale`` in float64 for a scaler from :func:`fit_scaler`.

    Examples
    --------
    >>> apply_scaler([[1.0, 5.0]], {"mean": [2.0, 5.0], "scale": [1.0, 1.0]}).tolist()
    [[-1.0, 0.0]]
    """
    inputs = np.asarray(inputs, dtype=np.float64)
    return (inputs - np.asarray(scaler["mean"])) / np.asarray(scaler["scale"])
