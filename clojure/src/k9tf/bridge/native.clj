(ns k9tf.bridge.native
  "The hot path of the backends that load libpython into this JVM (JNA,
  libpython-clj): a request is one native call into a `ctypes` entry point of
  `k9tf.jvm._native`, which takes and releases the GIL itself, with the
  request written into native memory and the reply read from it (see
  `k9tf.bridge.buffers`). Each calling JVM thread keeps one Python thread
  state. Internal to the backends."
  (:require [k9tf.bridge.buffers :as buffers]
            [k9tf.bridge.gate :as gate]
            [k9tf.codec :as codec])
  (:import (com.sun.jna Function Memory NativeLibrary Pointer)))

(set! *warn-on-reflection* true)

(defonce ^{:doc "The Python thread state each JVM thread made at its first call,
  kept released between calls: later calls only swap the GIL in and out,
  which halves the cost of a call from a thread other than main."}
  thread-states
  (ThreadLocal.))

(defn gil-held?
  "Returns whether this thread holds the GIL (Python up the stack called us)."
  [^NativeLibrary lib]
  (= 1 (.invokeInt (.getFunction lib "PyGILState_Check") (object-array 0))))

(defn- ensure-thread-state!
  "Makes this thread's Python thread state once and keeps it (see `thread-states`),
  unless Python up the stack holds the GIL already. The entry points then only
  take and release the GIL: PyGILState_Ensure on a thread without a state would
  create and destroy one on every call."
  [^NativeLibrary lib]
  (when (and (nil? (.get ^ThreadLocal thread-states)) (not (gil-held? lib)))
    (.invokeInt (.getFunction lib "PyGILState_Ensure") (object-array 0))
    (.set ^ThreadLocal thread-states
          (.invokePointer (.getFunction lib "PyEval_SaveThread") (object-array 0)))))

(defn entry-points
  "Returns `{:lib lib :call-at f :fetch-reply f}`: the JNA Functions at the C
  `addresses` `[call-at fetch-reply]` that `k9tf.jvm._native/entry_points`
  returns, in the libpython `lib`."
  [lib [call-at fetch-reply]]
  {:lib lib
   :call-at (Function/getFunction (Pointer. (long call-at)))
   :fetch-reply (Function/getFunction (Pointer. (long fetch-reply)))})

(defn call
  "Sends `request` (see `k9tf.codec/encode`) through the entry points `entries`
  (see `entry-points`) and returns `(read reply)`; `backend` names the
  backend in errors."
  [{:keys [lib ^Function call-at ^Function fetch-reply]} backend request read]
  (ensure-thread-state! lib)
  (buffers/with-request
    request
    (fn [^Memory memory _ size ^Memory reply reply-bytes]
      (let [n (.invokeLong call-at (object-array [memory size reply (.size reply)]))]
        (cond
          (<= n 0) (throw (ex-info "k9tf.jvm.call_at failed (see stderr)"
                                   {:k9tf/error :backend :backend backend}))
          (<= n (.size reply)) (read (buffers/slice reply-bytes n))
          :else (with-open [big (Memory. n)]
                  (.invokeVoid fetch-reply (object-array [reply big]))
                  (read (.getByteBuffer big 0 n))))))))

(defn add-exit-hook!
  "Makes JVM exit shut `gate` (see `k9tf.bridge.gate/add-exit-hook!`); exit's
  own calls into Python go through `entries`, beside the gate they shut."
  [gate entries backend]
  (gate/add-exit-hook! gate backend
                       #(call entries backend (codec/encode {:fn % :args [] :kwargs {}})
                              (constantly nil))))
