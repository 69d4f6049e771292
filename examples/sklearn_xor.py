"""Train k9tf's K9Classifier and scikit-learn's MLPClassifier side by side on XOR.

The data is the article's: 10000 random 0/1 input pairs to train on and 1000
more to test, from :func:`k9tf.sample_logic_fn`. Both models get two tanh
hidden layers of 16 units; the script prints each one's test accuracy and fit
time (K9Classifier's includes building and XLA-compiling its TensorFlow graph,
done once per architecture and data shape). Needs the ``sklearn`` extra::

    python examples/sklearn_xor.py
"""

import time

from sklearn.neural_network import MLPClassifier

import k9tf


def _report(name, clf, train, test):
    """Fit ``clf`` on ``train``, then print its accuracy on ``test`` and the fit time."""
    began = time.perf_counter()
    clf.fit(*train)
    seconds = time.perf_counter() - began
    print(f"{name:<14} accuracy {clf.score(*test):.3f}   fit {seconds:6.2f} s")


def main():
    """Sample the XOR data and compare the two classifiers on it."""
    train_inputs, train_labels = k9tf.sample_logic_fn(k9tf.xor, 10000, seed=1)
    test_inputs, test_labels = k9tf.sample_logic_fn(k9tf.xor, 1000, seed=2)
    train = (train_inputs, train_labels.argmax(1))
    test = (test_inputs, test_labels.argmax(1))
    _report("K9Classifier", k9tf.K9Classifier(hidden_layer_sizes=(16, 16), epochs=500,
                                              random_state=0), train, test)
    _report("MLPClassifier", MLPClassifier(hidden_layer_sizes=(16, 16), activation="tanh",
                                           max_iter=500, random_state=0), train, test)


if __name__ == "__main__":
    main()
