(ns k9tf.bridge.buffers
  "Writes request frames straight into native memory (JNA `Memory`) that
  Python reads in place, for every backend: each thread keeps a request and
  a reply buffer; a request longer than `max-kept-request` gets a buffer of
  its own, and the largest of those freed lately is kept as the one spare
  for the next long request. Internal to the backends."
  (:require [k9tf.codec :as codec])
  (:import (com.sun.jna Memory)
           (java.nio ByteBuffer)))

(set! *warn-on-reflection* true)

(def reply-capacity
  "Size of each thread's reply buffer; longer replies take a second call."
  (* 64 1024))

(def max-kept-request
  "Longest request buffer a thread keeps between its calls (16 MiB)."
  (* 16 1024 1024))

(deftype ^:private Native [^Memory memory ^ByteBuffer bytes])

(defn- native
  "Returns `size` bytes of native memory with a ByteBuffer over all of them."
  ^Native [^long size]
  (let [memory (Memory. size)]
    (Native. memory (.getByteBuffer memory 0 size))))

(defonce ^:private buffers
  ;; This thread's [request reply] Natives.
  (ThreadLocal.))

(defn- thread-buffers
  "Returns this thread's `[request reply]`, the request grown (to twice
  `size`, at most `max-kept-request`) if `size` does not fit but could."
  [^long size]
  (let [[^Native request reply :as pair] (.get ^ThreadLocal buffers)
        capacity (if request (.size ^Memory (.-memory request)) 0)]
    (if (or (<= size capacity) (and request (> size (long max-kept-request))))
      pair
      (let [pair [(native (min (long max-kept-request) (max 4096 (* 2 size))))
                  (or reply (native reply-capacity))]]
        (.set ^ThreadLocal buffers pair)
        (when request (.close ^Memory (.-memory request)))
        pair))))

(defonce ^:private spare
  ;; The largest buffer of a long request lately given back, or nil: writing a
  ;; data set into fresh memory costs a page fault per page (0.25 s for 380 MB
  ;; here), more than the copy itself. One spare at most.
  (atom nil))

(defn- capacity ^long [^Native buffer]
  (if buffer (.size ^Memory (.-memory buffer)) -1))

(defn- own-buffer
  "Returns a buffer of at least `size` bytes for one request: the spare if it
  is large enough, else a new one (freeing the spare)."
  ^Native [^long size]
  (let [[^Native taken] (reset-vals! spare nil)]
    (if (<= size (capacity taken))
      taken
      (do (when taken (.close ^Memory (.-memory taken)))
          (native size)))))

(defn- give-back!
  "Keeps `buffer` (from `own-buffer`) as the spare if it is larger than the
  spare, and frees whichever is not kept."
  [^Native buffer]
  (let [[^Native old ^Native kept] (swap-vals! spare #(if (> (capacity buffer) (capacity %))
                                                        buffer
                                                        %))
        ^Native freed (if (identical? kept buffer) old buffer)]
    (when freed (.close ^Memory (.-memory freed)))))

(defn slice
  "Returns the first `size` bytes of `buffer` as a ByteBuffer of their own
  (position 0, capacity `size`)."
  ^ByteBuffer [^ByteBuffer buffer ^long size]
  (.slice (.limit (.duplicate buffer) (int size))))

(defn with-request
  "Writes `encoded` (see `k9tf.codec/encode`) into native memory and returns
  `(f request request-bytes size reply reply-bytes)`: the request's Memory,
  a ByteBuffer over it and its length, and this thread's reply buffer (a
  Memory of `reply-capacity` bytes, and a ByteBuffer over it). The request
  is this thread's buffer, or past `max-kept-request` bytes one of its own
  (the spare, kept for the next long request), given back when `f` returns;
  either is valid only until then."
  [encoded f]
  (let [size (codec/frame-size encoded)
        [^Native kept ^Native reply] (thread-buffers size)
        own (when (> size (.size ^Memory (.-memory kept))) (own-buffer size))
        ^Native request (or own kept)]
    (try
      (codec/write-frame! encoded (.-bytes request))
      (f (.-memory request) (.-bytes request) size (.-memory reply) (.-bytes reply))
      (finally
        (when own (give-back! own))))))
