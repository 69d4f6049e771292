(ns k9tf.bridge.jpype
  "Backend for a JVM hosted by Python through JPype (`python -m k9tf clj`).
  The host passes in a Python object implementing `java.util.function.Function`
  that maps a request frame (byte array) to `k9tf.jvm.call`'s reply frame (a
  ByteBuffer over Python's memory, read at once); JPype takes the GIL on each
  call, from any thread."
  (:require [k9tf.bridge.protocol :as p])
  (:import (java.util.function Function)))

(set! *warn-on-reflection* true)

(defrecord JPypeBackend [kind ^Function py-call]
  p/PBridge
  (-start! [b]
    (when-not (instance? Function py-call)
      (throw (ex-info (str "The JPype backend runs only in a JVM that Python hosts: "
                           "start it with `python -m k9tf clj` (or `repl`).")
                      {:k9tf/error :backend :backend :jpype})))
    b)
  (-call [_ frame] (.apply py-call frame))
  (-stop! [b] b))

(defn jpype-backend
  "Returns a JPype backend. Options:
  * `:call` - the host's `java.util.function.Function` from request frame to
    reply frame (the Python host passes it; there is no default)."
  [opts]
  (map->JPypeBackend {:kind :jpype :py-call (:call opts)}))
