(ns k9tf.codec
  "Writes plain Clojure data as the bridge's frames and reads them back: a
  JSON header for the structure and packed float64 blocks for numbers.

      (unpack (pack {:w (numbers [[0.5 1] [2 3]]) :sizes [2 2]}) :key-fn keyword)
      ;; => {:w [[0.5 1.0] [2.0 3.0]], :sizes [2 2]}

  A frame is `<u32 header length><UTF-8 JSON header><zero padding to 8
  bytes><payload>`, little-endian; in the header each block is
  `{\"#k9tf/array\": [dtype offset shape]}` with dtype `\"f8\"` (float64) or
  `\"i8\"` (int64), as `k9tf/jvm/_codec.py` reads and writes them. `pack` packs
  what is marked with `numbers` and every Java array of numbers (1-d, or 2-d
  as an array of rows); everything else, including marked data that is not a
  rectangular block of numbers, goes as JSON. `unpack` returns vectors
  whatever the form, exactly as JSON would (doubles stay doubles, longs
  longs), so results do not depend on it."
  (:require [clojure.data.json :as json])
  (:import (clojure.lang ExceptionInfo Indexed LazilyPersistentVector)
           (java.nio ByteBuffer ByteOrder)
           (java.nio.charset StandardCharsets)
           (java.util Arrays)))

(set! *warn-on-reflection* true)

(def frame-format
  "The version of the frame format; the Python core reports its own in `hello`."
  2)

(def array-key
  "The header key that marks a packed block."
  "#k9tf/array")

(def ^:const max-elements
  "Most items a sequence may hold (2^26; as doubles, 512 MB): longer ones are
  refused when reached rather than read to the end, so that an infinite
  sequence cannot hang a call."
  (bit-shift-left 1 26))

(deftype Numbers [value])

(defn numbers
  "Marks `x`, a vector of numbers or of equal-length vectors of numbers (or
  any sequential or Java array of such), to cross as one packed float64
  block. If it is not such a block it crosses as JSON, unchanged."
  [x]
  (->Numbers x))

(defn- refuse
  "Throws the codec's ex-info about the value at `path` (keys and indices)."
  [message path value & {:as more}]
  (throw (ex-info message (merge {:k9tf/error :invalid-arg :path path :value value} more))))

(defn- too-long [path]
  (refuse (str "has more than " max-elements " items; it cannot cross the bridge") path
          '... :limit max-elements))

;;; WRITING

(def ^:private ^Class doubles-class (class (double-array 0)))
(def ^:private ^Class objects-class (class (object-array 0)))

(defn- primitive-array?
  "Returns true for a Java array of a primitive number type."
  [x]
  (let [kind (some-> x class .getComponentType)]
    (boolean (and kind (.isPrimitive ^Class kind) (not= Boolean/TYPE kind)
                  (not= Character/TYPE kind)))))

(defn- java-array-of-numbers?
  "Returns true for a primitive number array or an array of them."
  [x]
  (or (primitive-array? x)
      (and (instance? objects-class x) (pos? (alength ^objects x))
           (primitive-array? (aget ^objects x 0)))))

(definterface ^:private IBlock
  (^boolean addNumber [x] "Appends number x, or returns false if x is not one.")
  (^doubles toArray [] "Returns the numbers added so far."))

(deftype ^:private Block [^:unsynchronized-mutable ^doubles data
                          ^:unsynchronized-mutable ^long size]
  IBlock
  (addNumber [_ x]
    (if (or (instance? Double x) (instance? Long x) (instance? Integer x)
            (instance? Float x) (instance? Short x) (instance? Byte x))
      (do (when (== size (alength data))
            (when (>= size max-elements) (too-long []))
            (when (Thread/interrupted)
              (throw (ex-info "packing was interrupted" {:k9tf/error :interrupted})))
            (set! data (Arrays/copyOf data (int (min max-elements (* 2 size))))))
          (aset data size (.doubleValue ^Number x))
          (set! size (inc size))
          true)
      false))
  (toArray [_] (Arrays/copyOf data (int size))))

(defn- sequence-like?
  "Returns true if `x` holds items to walk: sequential or a Java array."
  [x]
  (or (sequential? x) (primitive-array? x) (instance? objects-class x)))

(defn- fill-row!
  "Appends the numbers of `row` to `out` and returns how many, or -1 when an
  item is not a number."
  ^long [^IBlock out row]
  (cond
    (instance? doubles-class row)
    (let [^doubles a row]
      (dotimes [i (alength a)] (.addNumber out (aget a i)))
      (alength a))
    (instance? Indexed row)
    (let [^Indexed v row
          n (count row)]
      (loop [i 0]
        (cond (== i n) n
              (.addNumber out (.nth v i)) (recur (inc i))
              :else -1)))
    (sequence-like? row)
    (loop [items (seq row) n 0]
      (cond (nil? items) n
            (.addNumber out (first items)) (recur (next items) (inc n))
            :else -1))
    :else -1))

(defn- numeric-block
  "Returns `[^doubles values shape]` if `x` is a non-empty rectangular 1-d or
  2-d block of numbers, else nil."
  [x]
  (let [out (Block. (double-array 64) 0)]
    (cond
      (not (sequence-like? x)) nil
      (nil? (seq x)) nil
      (sequence-like? (first x))
      (loop [rows (seq x) n 0 width -1]
        (if rows
          (let [w (fill-row! out (first rows))]
            (when (and (pos? w) (or (neg? width) (== width w)))
              (recur (next rows) (inc n) w)))
          [(.toArray out) [n width]]))
      :else
      (let [n (fill-row! out x)]
        (when (pos? n) [(.toArray out) [n]])))))

(defn- scalar
  "Returns scalar `x` if the JSON header can carry it, else throws."
  [x path]
  (cond
    (or (nil? x) (string? x) (boolean? x) (keyword? x) (instance? Long x)
        (instance? Integer x) (instance? Short x) (instance? Byte x)
        (instance? clojure.lang.BigInt x) (instance? java.math.BigInteger x)) x
    (or (instance? Double x) (instance? Float x) (decimal? x))
    (if (Double/isFinite (double x))
      x
      (refuse (str "must be finite numbers (no NaN or Inf), got " x) path x))
    :else (refuse (str "cannot cross the bridge: " (pr-str x) " is a " (.getName (class x))
                       "; pass numbers, strings, keywords, vectors and maps")
                  path x)))

(defn- prepare
  "Returns `x` ready for the JSON writer, its blocks replaced by markers and
  collected in `blocks` (a java.util.List of double arrays; `offset` holds
  the payload size so far); `path` locates `x` for error messages."
  [x path ^java.util.List blocks ^longs offset]
  (let [marked? (instance? Numbers x)
        x (if marked? (.value ^Numbers x) x)
        packed (when (or marked? (java-array-of-numbers? x))
                 (try (numeric-block x)
                      (catch ExceptionInfo e
                        (throw (ex-info (ex-message e) (assoc (ex-data e) :path path))))))]
    (cond
      packed
      (let [[^doubles values shape] packed]
        (dotimes [i (alength values)]
          (when-not (Double/isFinite (aget values i))
            (refuse (str "must be finite numbers (no NaN or Inf), got " (aget values i))
                    path (aget values i))))
        (.add blocks values)
        (aset offset 0 (+ (aget offset 0) (* 8 (alength values))))
        {array-key ["f8" (- (aget offset 0) (* 8 (alength values))) shape]})
      (map? x)
      (persistent! (reduce-kv (fn [m k v] (assoc! m k (prepare v (conj path k) blocks offset)))
                              (transient {}) x))
      (set? x) (refuse "must be a vector: a set has no order" path x)
      (sequence-like? x)
      (loop [items (seq x) out (transient []) n 0]
        (cond (nil? items) (persistent! out)
              (>= n max-elements) (too-long path)
              :else (recur (next items)
                           (conj! out (prepare (first items) (conj path n) blocks offset))
                           (inc n))))
      :else (scalar x path))))

(defn- payload-start ^long [^long header-size]
  (* 8 (quot (+ 4 header-size 7) 8)))

(defn pack
  "Returns the frame (a byte array) of plain data `x`. Options:
  * `:key-fn` - turns map keys into header strings (default `name`)
  Throws ex-info (`:k9tf/error :invalid-arg`, with the `:path` of keys and
  indices to the culprit) on a set, a sequence longer than `max-elements`,
  NaN or Inf, or a value of another type (a Java object, a ratio...)."
  ^bytes [x & {:keys [key-fn] :or {key-fn name}}]
  (let [blocks (java.util.ArrayList.)
        offset (long-array 1)
        header (.getBytes ^String (json/write-str (prepare x [] blocks offset) :key-fn key-fn
                                                    :escape-slash false)
                          StandardCharsets/UTF_8)
        start (payload-start (alength header))
        frame (byte-array (+ start (aget offset 0)))
        buffer (.order (ByteBuffer/wrap frame) ByteOrder/LITTLE_ENDIAN)]
    (.putInt buffer (alength header))
    (.put buffer header)
    (.position buffer (int start))
    (doseq [^doubles values blocks]
      (.put (.asDoubleBuffer buffer) values)
      (.position buffer (+ (.position buffer) (* 8 (alength values)))))
    frame))

;;; READING

(defn- block->vector
  "Returns the block `[dtype offset shape]` of `buffer` as (nested) vectors."
  [^ByteBuffer buffer ^long start [dtype offset shape]]
  (let [n (long (reduce * 1 shape))
        at (.order (.position (.duplicate buffer) (int (+ start (long offset))))
                   ByteOrder/LITTLE_ENDIAN)
        values (object-array n)]
    (case dtype
      "f8" (let [doubles (double-array n)]
             (.get (.asDoubleBuffer at) doubles)
             (dotimes [i n] (aset values i (Double/valueOf (aget doubles i)))))
      "i8" (let [longs (long-array n)]
             (.get (.asLongBuffer at) longs)
             (dotimes [i n] (aset values i (Long/valueOf (aget longs i))))))
    (if (= 1 (count shape))
      (LazilyPersistentVector/createOwning values)
      (let [rows (long (first shape))
            cols (int (second shape))
            out (object-array rows)]
        (dotimes [r rows]
          (let [row (object-array cols)]
            (System/arraycopy values (* r cols) row 0 cols)
            (aset out r (LazilyPersistentVector/createOwning row))))
        (LazilyPersistentVector/createOwning out)))))

(defn- restore
  "Returns header data `x` with its block markers (map key `marker`) read."
  [x marker ^ByteBuffer buffer start]
  (cond
    (map? x) (if-let [block (and (= 1 (count x)) (get x marker))]
               (block->vector buffer start block)
               (persistent! (reduce-kv (fn [m k v] (assoc! m k (restore v marker buffer start)))
                                       (transient {}) x)))
    (vector? x) (mapv #(restore % marker buffer start) x)
    :else x))

(defn unpack
  "Returns the plain data in `frame` (a byte array or a ByteBuffer): maps,
  vectors, strings, longs, doubles, booleans and nil. Options are the same
  as for `clojure.data.json/read-str` (e.g. `:key-fn`)."
  [frame & {:as options}]
  (let [buffer (.order (if (bytes? frame) (ByteBuffer/wrap frame) (.duplicate ^ByteBuffer frame))
                       ByteOrder/LITTLE_ENDIAN)
        size (.getInt buffer 0)
        header (byte-array size)
        key-fn (get options :key-fn identity)]
    (.get buffer 4 header)
    (restore (apply json/read-str (String. header StandardCharsets/UTF_8)
                    (mapcat identity options))
             (key-fn array-key) buffer (payload-start size))))
