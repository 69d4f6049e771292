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

(def ^:const max-depth
  "Deepest nesting of maps and sequences `pack` writes: deeper data is refused
  before it can exhaust the JVM's stack or Python's JSON reader."
  100)

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

(defn- double-rows-block
  "Returns `[rows shape]` if `x` is a non-empty vector (or other random-access
  list) of double arrays all of one non-zero length, else nil: the common form of a large data set, whose
  rows are then written into the frame as they are, without boxing or
  copying a number first."
  [x]
  (when (and (instance? java.util.RandomAccess x) (instance? java.util.List x)  ; not lazy
             (pos? (.size ^java.util.List x)) (instance? doubles-class (first x)))
    (let [^java.util.List rows x
          width (alength ^doubles (first x))]
      (when (and (pos? width) (<= (* (.size rows) width) max-elements)
                 (every? #(and (instance? doubles-class %) (== width (alength ^doubles %))) rows))
        [rows [(.size rows) width]]))))

(defn- numeric-block
  "Returns `[segments shape]` if `x` is a non-empty rectangular 1-d or 2-d
  block of numbers, else nil; `segments` are double arrays that, one after
  another, hold the block's numbers in row order."
  [x]
  (cond
    (instance? doubles-class x) (when (pos? (alength ^doubles x)) [[x] [(alength ^doubles x)]])
    (not (sequence-like? x)) nil
    (nil? (seq x)) nil
    :else
    (or (double-rows-block x)
        (let [out (Block. (double-array 64) 0)]
          (if (sequence-like? (first x))
            (loop [rows (seq x) n 0 width -1]
              (if rows
                (let [w (fill-row! out (first rows))]
                  (when (and (pos? w) (or (neg? width) (== width w)))
                    (recur (next rows) (inc n) w)))
                [[(.toArray out)] [n width]]))
            (let [n (fill-row! out x)]
              (when (pos? n) [[(.toArray out)] [n]])))))))

(defn- scalar
  "Returns scalar `x` if the JSON header can carry it, else throws."
  [x path]
  (cond
    (or (nil? x) (string? x) (boolean? x) (keyword? x) (instance? Long x)
        (instance? Integer x) (instance? Short x) (instance? Byte x)) x
    (or (instance? clojure.lang.BigInt x) (instance? java.math.BigInteger x))
    (if (< (.bitLength (biginteger x)) 64)
      x
      (refuse (str "must be an integer of at most 64 bits, got one of "
                   (.bitLength (biginteger x)) " bits")
              path '...))
    (or (instance? Double x) (instance? Float x) (decimal? x))
    (if (Double/isFinite (double x))
      x
      (refuse (str "must be finite numbers (no NaN or Inf), got " x) path x))
    :else (refuse (str "cannot cross the bridge: " (pr-str x) " is a " (.getName (class x))
                       "; pass numbers, strings, keywords, vectors and maps")
                  path x)))

(defn- prepare
  "Returns `x` ready for the JSON writer, its blocks replaced by markers and
  collected in `blocks` (a java.util.List of double arrays, written one after
  another; `offset` holds the payload size so far); `path` locates `x` for
  error messages."
  [x path ^java.util.List blocks ^longs offset]
  (when (> (count path) max-depth)
    (refuse (str "is nested more than " max-depth " deep; it cannot cross the bridge")
            path '... :limit max-depth))
  (let [marked? (instance? Numbers x)
        x (if marked? (.value ^Numbers x) x)
        packed (when (or marked? (java-array-of-numbers? x))
                 (try (numeric-block x)
                      (catch ExceptionInfo e
                        (throw (ex-info (ex-message e) (assoc (ex-data e) :path path))))))]
    (cond
      packed
      (let [[segments shape] packed
            start (aget offset 0)]
        (doseq [^doubles values segments]
          (dotimes [i (alength values)]
            (when-not (Double/isFinite (aget values i))
              (refuse (str "must be finite numbers (no NaN or Inf), got " (aget values i))
                      path (aget values i))))
          (.add blocks values)
          (aset offset 0 (+ (aget offset 0) (* 8 (alength values)))))
        {array-key ["f8" start shape]})
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

;; The header's JSON, written straight into a StringBuilder: what data.json's
;; write-str would write for the values `prepare` returns (non-ASCII escaped),
;; without its per-call options and writer set-up, which cost more than a small
;; call's whole header.

(defn- write-json-string! [^StringBuilder out ^String s]
  (.append out \")
  (dotimes [i (.length s)]
    (let [c (.charAt s i)]
      (cond (= c \") (.append out "\\\"")
            (= c \\) (.append out "\\\\")
            (<= 32 (int c) 126) (.append out c)
            :else (.append out (format "\\u%04x" (int c))))))
  (.append out \"))

(defn- write-json!
  "Appends the JSON of `x` (a value `prepare` returned) to `out`; map keys go
  through `key-fn`."
  [^StringBuilder out x key-fn]
  (cond
    (nil? x) (.append out "null")
    (string? x) (write-json-string! out x)
    (keyword? x) (write-json-string! out (name x))
    (or (instance? Boolean x) (number? x)) (.append out (str x))
    (map? x) (do (.append out \{)
                 (reduce-kv (fn [first? k v]
                              (when-not first? (.append out \,))
                              (write-json-string! out (key-fn k))
                              (.append out \:)
                              (write-json! out v key-fn)
                              false)
                            true x)
                 (.append out \}))
    :else (do (.append out \[)
              (reduce (fn [first? v]
                        (when-not first? (.append out \,))
                        (write-json! out v key-fn)
                        false)
                      true x)
              (.append out \]))))

(defn- payload-start ^long [^long header-size]
  (* 8 (quot (+ 4 header-size 7) 8)))

(defn pack
  "Returns the frame (a byte array) of plain data `x`. Options:
  * `:key-fn` - turns map keys into header strings (default `name`)
  Throws ex-info (`:k9tf/error :invalid-arg`, with the `:path` of keys and
  indices to the culprit) on a set, a sequence longer than `max-elements`,
  data nested deeper than `max-depth`, NaN or Inf, an integer beyond 64
  bits, or a value of another type (a Java object, a ratio...)."
  ^bytes [x & {:keys [key-fn] :or {key-fn name}}]
  (let [blocks (java.util.ArrayList.)
        offset (long-array 1)
        header (.getBytes (str (doto (StringBuilder.)
                                 (write-json! (prepare x [] blocks offset) key-fn)))
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

(defn- check-block!
  "Throws ex-info unless `block` is `[dtype offset shape]` lying within the
  `payload` bytes: dtype \"f8\" or \"i8\", offset an int >= 0 and a multiple
  of 8, shape one or two ints >= 0 (no booleans, no doubles), all checked
  before any size is computed from them."
  [block ^long payload]
  (let [int? #(and (instance? Long %) (not (neg? (long %))))
        [dtype offset shape] (when (and (vector? block) (= 3 (count block))) block)
        bad #(throw (ex-info (str "bad packed block " (pr-str block) " in a bridge frame: " %)
                             {:k9tf/error :invalid-frame :value block}))]
    (when-not (#{"f8" "i8"} dtype) (bad "it must be [dtype offset shape], dtype f8 or i8"))
    (when-not (and (int? offset) (zero? (rem (long offset) 8)))
      (bad "its offset must be an int >= 0 and a multiple of 8"))
    (when-not (and (vector? shape) (<= 1 (count shape) 2) (every? int? shape))
      (bad "its shape must be 1 or 2 ints >= 0"))
    (when (> (.doubleValue (biginteger (reduce *' 8 shape))) (double (- payload (long offset))))
      (bad (str "it runs past the payload's " payload " bytes")))))

(defn- block->vector
  "Returns the block `[dtype offset shape]` of `buffer` as (nested) vectors;
  float64 blocks must hold finite numbers."
  [^ByteBuffer buffer ^long start [dtype offset shape :as block]]
  (check-block! block (- (.limit buffer) start))
  (let [n (long (reduce * 1 shape))
        at (.order (.position (.duplicate buffer) (int (+ start (long offset))))
                   ByteOrder/LITTLE_ENDIAN)
        values (object-array n)]
    (case dtype
      "f8" (let [doubles (double-array n)]
             (.get (.asDoubleBuffer at) doubles)
             (dotimes [i n]
               (when-not (Double/isFinite (aget doubles i))
                 (throw (ex-info "a packed block in a bridge frame holds NaN or Inf"
                                 {:k9tf/error :invalid-frame :value (aget doubles i)})))
               (aset values i (Double/valueOf (aget doubles i)))))
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
