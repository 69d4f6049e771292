"""The article's two sessions, on the k9tf core: NAND k9-style, XOR TensorFlow-style."""

import k9tf

GRID = [[0, 0], [0, 1], [1, 0], [1, 1]]


def _show(network):
    for row, out in zip(GRID, k9tf.ff(GRID, network)):
        print(f"  (ff {row} net) => [{out[0]:.6g} {out[1]:.6g}]")


def run():
    """Run both sessions, printing the report lines and ``ff`` results; return 0."""
    print("NAND, k9 style: 2-3-2, 1000 nand_gen samples [[n1, n2], [and?, nand?]], "
          "500 online epochs, lr 0.5", flush=True)
    net = k9tf.construct_network(2, 3, 2, seed=1)
    samples = [k9tf.nand_gen() for _ in range(1000)]
    trained, _ = k9tf.train(net, samples, 0.5, epochs=500, report_every=100_000)
    _show(trained)
    print("\nXOR, the article's TensorFlow script: 2-16-16-2, full batch of 10000 samples, "
          "targets [xor?, not xor?], 1000 steps, lr 0.5", flush=True)
    train_set = k9tf.sample_logic_fn(k9tf.xor, 10000, seed=1)
    valid_set = k9tf.sample_logic_fn(k9tf.xor, 1000, seed=2)
    net = k9tf.construct_network(2, 16, 16, 2, seed=1)
    trained, _ = k9tf.train(net, train_set, 0.5, epochs=1000, batch_size=None,
                            validation=valid_set, report_every=200)
    _show(trained)
    return 0
