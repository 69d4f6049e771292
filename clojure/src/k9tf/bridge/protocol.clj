(ns k9tf.bridge.protocol
  "Internal: the protocol every Python backend implements. Callers use
  `k9tf.python`, never these functions.")

(defprotocol PBridge
  "A live connection to a Python interpreter that has the k9tf core."
  (-start! [backend]
    "Starts or attaches to the interpreter and imports `k9tf.jvm`; returns
    the started backend. Throws ex-info saying what is missing if it cannot.")
  (-call [backend frame]
    "Sends the request `frame` (a byte array, see `k9tf.codec`) to
    `k9tf.jvm.call` and returns its reply frame (a byte array or a
    ByteBuffer the caller reads at once). Safe to call from any thread.")
  (-stop! [backend]
    "Releases what -start! acquired; the interpreter may live on."))
