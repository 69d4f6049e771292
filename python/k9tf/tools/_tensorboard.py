"""TensorBoard scalar summaries of a training run's history records."""

from ..engine import tensorflow

tf = tensorflow()


class ScalarWriter:
    """A ``train`` callback writing cost and accuracies as TensorBoard scalars.

    Parameters
    ----------
    logdir : str
        Directory for the event files.
    """

    def __init__(self, logdir):
        self._writer = tf.summary.create_file_writer(logdir)

    def __call__(self, record):
        """Write one history record."""
        with self._writer.as_default():
            for name in ("cost", "train_accuracy", "validation_accuracy"):
                if record[name] is not None:
                    tf.summary.scalar(name, record[name], step=record["step"])

    def close(self):
        """Flush and close the event file."""
        self._writer.close()
