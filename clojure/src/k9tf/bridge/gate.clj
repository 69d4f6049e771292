(ns k9tf.bridge.gate
  "The gate every backend's calls into Python pass, which JVM exit shuts.
  The process must not end while a thread is inside Python: that thread
  holds the GIL exit needs (and, under JPype, a thread entering or leaving a
  proxy once JPype has stopped aborts the process). So exit shuts the gate
  (later calls are refused) and interrupts the calls still in Python until
  none is left. Interrupting once is not enough: a call past the gate but
  not yet registered in Python (waiting for the GIL or for TensorFlow's
  import) would miss it and run to its end. Internal to the backends."
  (:import (java.util.concurrent TimeUnit)
           (java.util.concurrent.atomic AtomicBoolean)
           (java.util.concurrent.locks ReadWriteLock ReentrantReadWriteLock)))

(set! *warn-on-reflection* true)

(def exit-grace-ms
  "How long JVM exit waits for interrupted calls to leave Python."
  30000)

(defn gate
  "Returns an open gate."
  []
  {:lock (ReentrantReadWriteLock.) :closed (AtomicBoolean.)})

(defn- refuse [backend]
  (throw (ex-info (str "The JVM is exiting: the " (name backend) " backend takes no more calls.")
                  {:k9tf/error :backend :backend backend})))

(defn through
  "Returns `(f)`, run while `gate` is open; once it is shutting, throws ex-info
  naming `backend` instead. A call never waits at the gate."
  [{:keys [^ReadWriteLock lock ^AtomicBoolean closed]} backend f]
  (let [read-lock (.readLock lock)]
    (when-not (.tryLock read-lock) (refuse backend))
    (try (when (.get closed) (refuse backend))
         (f)
         (finally (.unlock read-lock)))))

(defn close!
  "Shuts `gate`, then calls `interrupt!` every 100 ms until no call is inside
  it. Returns true once none is (the gate then stays shut), false if some
  still run after `timeout-ms`."
  [{:keys [^ReadWriteLock lock ^AtomicBoolean closed]} interrupt! timeout-ms]
  (.set closed true)
  (let [write-lock (.writeLock lock)
        deadline (+ (System/nanoTime) (* 1000000 (long timeout-ms)))]
    (loop []
      (cond (.tryLock write-lock) true
            (neg? (- deadline (System/nanoTime))) false
            :else (do (interrupt!)
                      (or (.tryLock write-lock 100 TimeUnit/MILLISECONDS) (recur)))))))

(defn add-exit-hook!
  "Makes JVM exit shut `gate` for a backend that embeds Python: `call-python!`
  calls a k9tf bridge function by name, with no arguments. Exit interrupts
  the calls in Python, waits for TensorFlow's background import (`settle`:
  TensorFlow torn down while it loads fails a fatal check), then closes the
  gate (see `close!`); calls that still run after `exit-grace-ms` are named
  on stderr and left to the process's end."
  [gate backend call-python!]
  (let [call! (fn [f] (try (call-python! f) (catch Throwable _)))]
    (.addShutdownHook (Runtime/getRuntime)
                      (Thread. ^Runnable
                               (fn []
                                 (call! "interrupt")
                                 (call! "settle")
                                 (when-not (close! gate #(call! "interrupt") exit-grace-ms)
                                   (binding [*out* *err*]
                                     (println (str "k9tf: calls into Python (" (name backend)
                                                   ") still run " (quot exit-grace-ms 1000)
                                                   " s after the JVM began to exit.")))))
                               "k9tf-exit"))))
