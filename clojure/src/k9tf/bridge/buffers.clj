(ns k9tf.bridge.buffers
  "Keeps each thread's native request and reply buffers (JNA `Memory`), for
  the backends that hand frames to Python by address (`:jna`,
  `:libpython-clj`). Internal to the backends."
  (:import (com.sun.jna Memory)))

(set! *warn-on-reflection* true)

(def reply-capacity
  "Size of each thread's reply buffer; longer replies take a second call."
  (* 64 1024))

(defonce ^:private buffers
  ;; This thread's [request reply] Memory pair.
  (ThreadLocal.))

(defn request-buffers
  "Returns this thread's `[request reply]` buffers, the request holding `frame`
  (grown when `frame` does not fit)."
  [^bytes frame]
  (let [[^Memory request reply] (.get ^ThreadLocal buffers)
        size (alength frame)
        pair (if (and request (<= size (.size request)))
               [request reply]
               [(Memory. (max 4096 (* 2 size))) (or reply (Memory. reply-capacity))])]
    (when-not (identical? request (first pair)) (.set ^ThreadLocal buffers pair))
    (.write ^Memory (first pair) 0 frame 0 size)
    pair))
