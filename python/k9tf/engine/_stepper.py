"""The article's training loop: variables, an optimizer, one ``Session.run`` a step."""

import threading

from ..model import shapes_of
from ._layers import correct, forward, matmul, sample_losses
from ._tf import tf, tf1


class Stepper:
    """The article's loop: variables, ``GradientDescentOptimizer``, one ``Session.run`` a step.

    It keeps the article's math (matrix products, TensorFlow's own kernels),
    as the reference the XLA loop is compared with.
    """

    def __init__(self, model):
        self.model = model
        self.lock = threading.Lock()
        self.params = [tf1.placeholder(model.dtype, shape, name=f"step_param{i}")
                       for i, shape in enumerate(shapes_of(model.sizes))]
        self.variables = [tf1.Variable(tf.zeros(p.shape, model.dtype), name=f"var_{i}")
                          for i, p in enumerate(self.params)]
        self.loads = [v.assign(p) for v, p in zip(self.variables, self.params)]
        self.learning_rate = tf1.placeholder(model.dtype, [], name="step_learning_rate")
        z, y = forward(self.variables, model.inputs, model.activation, model.output, matmul)
        self.cost = tf.reduce_mean(sample_losses(z, y, model.targets, model.loss))
        self.hits = tf.reduce_sum(correct(y, model.targets))
        trained = [v for i, v in enumerate(self.variables) if model.bias or i % 2 == 0]
        self.optimize = tf1.train.GradientDescentOptimizer(self.learning_rate).minimize(
            self.cost, var_list=trained)

    def load(self, session, params):
        """Set the variables to ``params`` in ``session``."""
        session.session.run(self.loads, dict(zip(self.params, params)))

    def step(self, session, inputs, targets, learning_rate):
        """Run one optimiser step on a batch; return its cost and correct count before it."""
        feed = {self.model.inputs: inputs, self.model.targets: targets,
                self.learning_rate: learning_rate}
        _, cost, hits = session.session.run([self.optimize, self.cost, self.hits], feed)
        return cost, hits

    def read(self, session):
        """Return the variables' values."""
        return session.session.run(self.variables)
