"""The 2016 article's TensorFlow XOR script, on the k9tf core.

The article built a ``tf.Graph`` by hand: truncated-normal weights, relu hidden
layers, a linear last layer with softmax cross-entropy, ``GradientDescentOptimizer``
and one ``session.run`` a step, logging cost and accuracies every 200 steps.
Here the same model is ``model="article"``; ``loop="session"`` keeps the
article's step-by-step loop, the default runs the steps in one XLA loop.

Run: .venv/bin/python examples/xor.py
"""

import logging

import k9tf


def main():
    """Train the article's model on XOR both ways and print the predictions."""
    logging.basicConfig(format="%(message)s", level=logging.INFO)
    train_set = k9tf.sample_logic_fn(k9tf.xor, 10000, seed=1)
    valid_set = k9tf.sample_logic_fn(k9tf.xor, 1000, seed=2)
    net = k9tf.construct_network(2, 16, 16, 2, model="article", seed=3)
    for loop in ("session", "xla"):
        print(f"\n--- loop={loop!r}")
        trained, history = k9tf.train(net, train_set, 0.01, epochs=1000, batch_size=None,
                                      validation=valid_set, loop=loop)
        print(f"{history['seconds'][-1]:.2f} s")
        for row in ([0, 0], [0, 1], [1, 0], [1, 1]):
            print(row, "=>", [round(v, 3) for v in k9tf.ff(row, trained)])


if __name__ == "__main__":
    main()
