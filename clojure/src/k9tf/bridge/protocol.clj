(ns k9tf.bridge.protocol
  "Internal: the protocol every Python backend implements. Callers use
  `k9tf.python`, never these functions.")

(defprotocol PBridge
  "A live connection to a Python interpreter that has the k9tf core."
  (-start! [backend]
    "Starts or attaches to the interpreter and imports `k9tf.jvm`; returns
    the started backend. Throws ex-info saying what is missing if it cannot.")
  (-call [backend request read]
    "Sends `request`, a frame encoded by `k9tf.codec/encode`, to
    `k9tf.jvm.call` and returns `(read reply)`: `reply` is the reply frame,
    a ByteBuffer valid only until `read` returns. Safe to call from any
    thread.")
  (-stop! [backend]
    "Releases what -start! acquired; the interpreter may live on."))
