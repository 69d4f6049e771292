(ns k9tf.kept
  "Remembers which network values the Python core keeps, so that a network
  crosses the bridge once: later calls send only its ref.

  A network is an immutable map, so its weights need encoding only once. The
  first call passing a network sends `{\"#k9tf/net\" ref \"value\" encoded}`;
  once that call succeeds, the network is remembered here under `ref`
  (weakly: a network nobody holds is forgotten) and later calls send
  `{\"#k9tf/net\" ref}`. Networks a call returns are remembered under the ref
  the request asked Python to keep them by. Python keeps a bounded number
  (`k9tf/jvm/_kept.py`); when it no longer has a ref, `k9tf.python/call`
  sends the networks again in full. Only maps made of vectors, maps, strings,
  keywords, booleans and boxed numbers are remembered (nothing in them can
  change); others, a lazy sequence of weights say, are sent in full each call."
  (:import (clojure.lang IPersistentMap IPersistentVector Keyword)
           (java.lang.ref WeakReference)
           (java.util Collections Map WeakHashMap)
           (java.util.concurrent.atomic AtomicLong)))

(set! *warn-on-reflection* true)

(def mark
  "The header key of a network argument sent by reference."
  "#k9tf/net")

(deftype ^:no-doc Network [value encode])

(defn network
  "Marks `network` (a map) as a network argument: sent by ref when Python
  keeps it, else as `(encode network)`."
  [network encode]
  (->Network network encode))

(defn network?
  "Returns true if `x` is a network argument made by `network`."
  [x]
  (instance? Network x))

(defonce ^:private refs
  ;; network map -> ref, by value (Java's equals: exact types and double bits)
  (Collections/synchronizedMap (WeakHashMap.)))

(def ^:private recent-size 32)

(defonce ^:private recent
  ;; The last networks remembered or found, as [WeakReference ref] pairs: found
  ;; by identity without hashing or walking them.
  (object-array recent-size))

(defonce ^:private recent-next (AtomicLong.))

(defonce ^:private ids (AtomicLong.))

(defn next-ref
  "Returns a fresh ref (a long), unique in this JVM."
  ^long []
  (.incrementAndGet ^AtomicLong ids))

(defn- recent-index
  "Returns the index of `net` in `recent`, or -1."
  ^long [net]
  (loop [i 0]
    (cond (== i recent-size) -1
          (let [[^WeakReference r] (aget ^objects recent i)]
            (and r (some? net) (identical? net (.get r)))) i ; a cleared ref holds nil
          :else (recur (inc i)))))

(defn- note-recent!
  "Puts `[net ref]` in `recent`, in the place of an older ref of `net` if any."
  [net ref]
  (locking recent
    (let [i (recent-index net)
          i (if (neg? i) (mod (.getAndIncrement ^AtomicLong recent-next) recent-size) i)]
      (aset ^objects recent (int i) [(WeakReference. net) ref]))))

(defn- recent-ref
  "Returns the ref `recent` holds for `net`, or nil (reading each entry once:
  another thread may replace it meanwhile)."
  [net]
  (when (some? net)
    (loop [i 0]
      (when (< i recent-size)
        (let [[^WeakReference r ref] (aget ^objects recent i)]
          (if (and r (identical? net (.get r)))
            ref
            (recur (inc i))))))))

(defn- immutable?
  "Returns true if `x` is nil, a string, keyword, boolean or boxed number, or
  a vector or map of such, at most `depth` levels deep."
  [x ^long depth]
  (or (nil? x) (string? x) (instance? Keyword x) (instance? Boolean x) (instance? Double x)
      (instance? Long x) (instance? Integer x)
      (and (pos? depth)
           (or (and (instance? IPersistentVector x)
                    (let [^IPersistentVector v x
                          n (.count v)]
                      (loop [i 0]
                        (or (== i n)
                            (and (immutable? (.nth v i) (dec depth)) (recur (inc i)))))))
               (and (instance? IPersistentMap x)
                    (every? (fn [[k v]] (and (immutable? k 0) (immutable? v (dec depth))))
                            x))))))

(defn remember!
  "Records that Python keeps network map `net` under `ref`."
  [net ref]
  (.put ^Map refs net ref)
  (note-recent! net ref))

(defn outgoing
  "Returns `[args remember]`: `named-args` (`[arg-keyword value]` pairs) with
  each network argument replaced by what to send, and the `[net ref]` pairs
  to `remember!` once the call succeeds. With `resend?`, every network goes
  in full (Python no longer keeps one of them)."
  [named-args resend?]
  (reduce (fn [[args pending] [k v]]
            (if (network? v)
              (let [^Network arg v
                    net (.value arg)
                    hit (when-not resend? (recent-ref net))
                    immutable (and (nil? hit) (instance? IPersistentMap net)
                                   (immutable? net 6))
                    ref (or hit
                            (when (and immutable (not resend?))
                              (when-let [ref (.get ^Map refs net)]
                                (note-recent! net ref)
                                ref)))]
                (cond
                  ref [(conj args [k {mark ref}]) pending]
                  immutable
                  (let [ref (next-ref)]
                    [(conj args [k {mark ref "value" ((.encode arg) net)}])
                     (conj pending [net ref])])
                  :else [(conj args [k ((.encode arg) net)]) pending]))
              [(conj args [k v]) pending]))
          [[] []] named-args))
