(ns k9tf.bridge.jpype
  "Backend for a JVM hosted by Python through JPype (`python -m k9tf clj`).
  The host passes in a Python object implementing `java.util.function.Function`
  that maps a request frame (a direct ByteBuffer over native memory, see
  `k9tf.bridge.buffers`, which Python reads in place) to `k9tf.jvm.call`'s
  reply frame (a ByteBuffer over Python's memory, read at once); JPype takes
  the GIL on each call, from any thread.

  Calls pass a gate (see `k9tf.bridge.gate`) that the host's exit hook shuts
  with `close!` before JPype goes on stopping."
  (:require [k9tf.bridge.buffers :as buffers]
            [k9tf.bridge.gate :as gate]
            [k9tf.bridge.protocol :as p])
  (:import (sun.misc Signal SignalHandler)
           (java.util.function Function)))

(set! *warn-on-reflection* true)

(defrecord JPypeBackend [kind ^Function py-call ^Runnable interrupt gate]
  p/PBridge
  (-start! [b]
    (when-not (and (instance? Function py-call) (instance? Runnable interrupt))
      (throw (ex-info (str "The JPype backend runs only in a JVM that Python hosts: "
                           "start it with `python -m k9tf clj` (or `repl`).")
                      {:k9tf/error :backend :backend :jpype})))
    b)
  (-call [_ request read]
    (gate/through gate :jpype
                  #(buffers/with-request
                    request
                    (fn [_ request-bytes size _ _]
                      (read (.apply py-call (buffers/slice request-bytes size)))))))
  (-stop! [b] b))

(defn close!
  "Makes `backend` refuse every later call, then interrupts the calls still in
  Python every 100 ms until none is left. Returns true once none is left (the
  gate then stays shut), false if some still run after `timeout-ms`."
  [{:keys [^Runnable interrupt gate]} timeout-ms]
  (gate/close! gate #(.run interrupt) timeout-ms))

(defn exit-on-sigterm!
  "Makes SIGTERM exit the JVM with status 143 through its shutdown hooks, as
  `java` does. (The handler JPype installs instead forwards the signal to
  Python from a thread that has no Python thread state, and can crash.)"
  []
  (Signal/handle (Signal. "TERM") (reify SignalHandler (handle [_ _] (System/exit 143))))
  nil)

(defn jpype-backend
  "Returns a JPype backend. Options (the Python host passes both):
  * `:call` - the `java.util.function.Function` from request frame to reply frame
    (ByteBuffers both)
  * `:interrupt` - a `Runnable` that interrupts every call running in Python"
  [opts]
  (map->JPypeBackend {:kind :jpype :py-call (:call opts) :interrupt (:interrupt opts)
                      :gate (gate/gate)}))
