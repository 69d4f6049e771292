(ns k9tf.bridge.jpype
  "Backend for a JVM hosted by Python through JPype (`python -m k9tf clj`).
  The host passes in a Python object implementing `java.util.function.Function`
  that maps a request frame (a direct ByteBuffer over native memory, see
  `k9tf.bridge.buffers`, which Python reads in place) to `k9tf.jvm.call`'s
  reply frame (a ByteBuffer over Python's memory, read at once); JPype takes
  the GIL on each call, from any thread.

  Calls pass a gate that `close!` shuts when the JVM exits: once JPype has
  marked the JVM stopped, a thread entering a proxy (or leaving one with an
  exception) aborts the process, and one still inside when the JVM halts holds
  the GIL that exit needs. So the host's exit hook closes the gate and waits
  for the calls in Python to end before JPype goes on."
  (:require [k9tf.bridge.buffers :as buffers]
            [k9tf.bridge.protocol :as p])
  (:import (sun.misc Signal SignalHandler)
           (java.util.concurrent TimeUnit)
           (java.util.concurrent.atomic AtomicBoolean)
           (java.util.concurrent.locks ReadWriteLock ReentrantReadWriteLock)
           (java.util.function Function)))

(set! *warn-on-reflection* true)

(defn- refuse []
  (throw (ex-info "The JVM is exiting: the JPype backend takes no more calls."
                  {:k9tf/error :backend :backend :jpype})))

(defn- gated
  "Returns (f) while holding gate's read lock, or refuses once `closed` is set."
  [^ReadWriteLock gate ^AtomicBoolean closed f]
  (let [read-lock (.readLock gate)]
    ;; tryLock: a call never waits for the gate; it fails only once close! holds it.
    (when-not (.tryLock read-lock) (refuse))
    (try (when (.get closed) (refuse))
         (f)
         (finally (.unlock read-lock)))))

(defrecord JPypeBackend [kind ^Function py-call ^Runnable interrupt gate closed]
  p/PBridge
  (-start! [b]
    (when-not (and (instance? Function py-call) (instance? Runnable interrupt))
      (throw (ex-info (str "The JPype backend runs only in a JVM that Python hosts: "
                           "start it with `python -m k9tf clj` (or `repl`).")
                      {:k9tf/error :backend :backend :jpype})))
    b)
  (-call [_ request read]
    (gated gate closed
           #(buffers/with-request
              request
              (fn [_ request-bytes size _ _]
                (read (.apply py-call (buffers/slice request-bytes size)))))))
  (-stop! [b] b))

(defn close!
  "Makes `backend` refuse every later call, then interrupts the calls still in
  Python every 100 ms until none is left. Returns true once none is left (the
  gate then stays shut), false if some still run after `timeout-ms`."
  [{:keys [^Runnable interrupt ^ReadWriteLock gate ^AtomicBoolean closed]} timeout-ms]
  (.set closed true)
  (let [write-lock (.writeLock gate)
        deadline (+ (System/nanoTime) (* 1000000 (long timeout-ms)))]
    (loop []
      (cond (.tryLock write-lock) true
            (neg? (- deadline (System/nanoTime))) false
            :else (do (.run interrupt)
                      (or (.tryLock write-lock 100 TimeUnit/MILLISECONDS) (recur)))))))

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
                      :gate (ReentrantReadWriteLock.) :closed (AtomicBoolean.)}))
