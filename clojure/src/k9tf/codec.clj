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
  (toArray [_] (if (== size (alength data)) data (Arrays/copyOf data (int size)))))

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
        (let [out (Block. (double-array (if (counted? x) (max 4 (count x)) 64)) 0)]
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

(defn- path-vector
  "Returns `path`, the keys and indices from `x` back to the top, top first."
  [path]
  (vec (reverse path)))

(deftype ^:private Header [^StringBuilder json ^java.util.List blocks ^java.util.List paths
                           ^longs offset key-fn])

(defn- write-json-string! [^StringBuilder out ^String s]
  (.append out \")
  (dotimes [i (.length s)]
    (let [c (.charAt s i)]
      (cond (= c \") (.append out "\\\"")
            (= c \\) (.append out "\\\\")
            (and (<= 32 (int c)) (<= (int c) 126)) (.append out c)
            :else (.append out (format "\\u%04x" (int c))))))
  (.append out \"))

(defn- write-scalar!
  "Appends the JSON of scalar `x` (see `scalar`) to `out`."
  [^StringBuilder out x]
  (cond
    (nil? x) (.append out "null")
    (string? x) (write-json-string! out x)
    (keyword? x) (write-json-string! out (name x))
    (instance? Long x) (.append out (.longValue ^Long x))
    :else (.append out (str x))))

(defn- write-block!
  "Adds the block `[segments shape]` (see `numeric-block`) to `header`'s
  blocks and appends its marker; `path` locates it for error messages (in
  `header`'s paths, after the index of its first segment)."
  [^Header header [segments shape] path]
  (let [^StringBuilder json (.-json header)
        ^longs offset (.-offset header)
        ^java.util.List blocks (.-blocks header)]
    (doto ^java.util.List (.-paths header) (.add (.size blocks)) (.add path))
    (.append json "{\"#k9tf/array\":[\"f8\",")
    (.append json (aget offset 0))
    (.append json ",[")
    (.append json (long (first shape)))
    (when (second shape) (.append (.append json \,) (long (second shape))))
    (.append json "]]}")
    (doseq [^doubles values segments]
      (.add blocks values)
      (aset offset 0 (+ (aget offset 0) (* 8 (alength values)))))))

(defn- write-value!
  "Appends the JSON of `x` to `header`'s text, its blocks written as markers
  and collected in `header`'s blocks (double arrays, written one after
  another; its offset holds the payload size so far), map keys through its
  key-fn; `path` (a list, innermost key first) and `depth` locate `x` for
  error messages."
  [^Header header x path depth]
  (when (> (long depth) (long max-depth))
    (refuse (str "is nested more than " max-depth " deep; it cannot cross the bridge")
            (path-vector path) '... :limit max-depth))
  (let [^StringBuilder json (.-json header)
        marked? (instance? Numbers x)
        x (if marked? (.value ^Numbers x) x)
        packed (when (or marked? (java-array-of-numbers? x))
                 (try (numeric-block x)
                      (catch ExceptionInfo e
                        (throw (ex-info (ex-message e)
                                        (assoc (ex-data e) :path (path-vector path)))))))
        depth (inc (long depth))]
    (cond
      packed (write-block! header packed path)
      (map? x)
      (let [key-fn (.-key-fn header)]
        (.append json \{)
        (reduce-kv (fn [first? k v]
                     (when-not first? (.append json \,))
                     (write-json-string! json (key-fn k))
                     (.append json \:)
                     (write-value! header v (cons k path) depth)
                     false)
                   true x)
        (.append json \}))
      (set? x) (refuse "must be a vector: a set has no order" (path-vector path) x)
      (instance? Indexed x)
      (let [^Indexed v x
            n (count x)]
        (when (> n (long max-elements)) (too-long (path-vector path)))
        (.append json \[)
        (dotimes [i n]
          (when (pos? i) (.append json \,))
          (write-value! header (.nth v i) (cons i path) depth))
        (.append json \]))
      (sequence-like? x)
      (do (.append json \[)
          (loop [items (seq x) n 0]
            (cond (nil? items) nil
                  (>= n max-elements) (too-long (path-vector path))
                  :else (do (when (pos? n) (.append json \,))
                            (write-value! header (first items) (cons n path) depth)
                            (recur (next items) (inc n)))))
          (.append json \]))
      :else (write-scalar! json (scalar x (path-vector path))))))

(defn- payload-start ^long [^long header-size]
  (* 8 (quot (+ 4 header-size 7) 8)))

(deftype ^:no-doc Encoded [^bytes header ^java.util.List blocks ^java.util.List paths ^long size])

(def ^:private max-frame
  "Longest frame, in bytes: what one ByteBuffer or byte array can hold."
  (- Integer/MAX_VALUE 8))

(defn encode
  "Returns plain data `x` encoded as a frame that is not yet written: its
  length is `frame-size`, and `write-frame!` writes it where the caller
  chooses (a native buffer, say, so that a large data set is copied once).
  Options and refusals are those of `pack`, except that NaN and Inf in
  packed blocks are refused by `write-frame!` (which reads each number once,
  as it copies it)."
  ^Encoded [x & {:keys [key-fn] :or {key-fn name}}]
  (let [blocks (java.util.ArrayList. 4)
        paths (java.util.ArrayList. 4)
        offset (long-array 1)
        json (StringBuilder. 256)
        _ (write-value! (Header. json blocks paths offset key-fn) x () 0)
        header (.getBytes (str json) StandardCharsets/UTF_8)
        size (+ (payload-start (alength header)) (aget offset 0))]
    (when (> size (long max-frame))
      (refuse (str "makes a frame of " size " bytes; one call carries at most " max-frame)
              [] '... :limit max-frame))
    (Encoded. header blocks paths size)))

(defn frame-size
  "Returns the length in bytes of the frame of `encoded` (see `encode`)."
  ^long [^Encoded encoded]
  (.-size encoded))

(defn- refuse-non-finite
  "Throws the ex-info of the non-finite number in segment `i` of `encoded`."
  [^Encoded encoded ^long i ^doubles values]
  (let [^java.util.List paths (.-paths encoded)
        path (loop [k 0 path nil]
               (if (and (< k (.size paths)) (<= (long (.get paths k)) i))
                 (recur (+ k 2) (.get paths (inc k)))
                 path))
        x (first (remove #(Double/isFinite %) values))]
    (refuse (str "must be finite numbers (no NaN or Inf), got " x) (path-vector path) x)))

(defn write-frame!
  "Writes the frame of `encoded` (see `encode`) at the start of `buffer`, a
  ByteBuffer with room for `frame-size` bytes; returns `buffer`, its
  position and byte order unchanged. Throws `pack`'s ex-info on NaN or Inf
  in a packed block (`buffer` then holds part of the frame)."
  [^Encoded encoded ^ByteBuffer buffer]
  (let [^bytes header (.-header encoded)
        ^java.util.List blocks (.-blocks encoded)
        out (.order (.duplicate buffer) ByteOrder/LITTLE_ENDIAN)
        start (payload-start (alength header))]
    (.putInt out 0 (alength header))
    (.put (.position out 4) header)
    (while (< (.position out) start) (.put out (byte 0)))
    (dotimes [i (.size blocks)]
      (let [^doubles values (.get blocks i)]
        (dotimes [j (alength values)]  ; just before the copy, which then reads from the cache
          (when-not (Double/isFinite (aget values j))
            (refuse-non-finite encoded i values)))
        (.put (.asDoubleBuffer out) values)
        (.position out (+ (.position out) (* 8 (alength values))))))
    buffer))

(defn pack
  "Returns the frame (a byte array) of plain data `x`. Options:
  * `:key-fn` - turns map keys into header strings (default `name`)
  Throws ex-info (`:k9tf/error :invalid-arg`, with the `:path` of keys and
  indices to the culprit) on a set, a sequence longer than `max-elements`,
  data nested deeper than `max-depth`, NaN or Inf, an integer beyond 64
  bits, a frame longer than a byte array holds, or a value of another type
  (a Java object, a ratio...)."
  ^bytes [x & options]
  (let [encoded (apply encode x options)
        frame (byte-array (frame-size encoded))]
    (write-frame! encoded (ByteBuffer/wrap frame))
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

(def ^:private cached-header-length
  "Longest header (in bytes) whose reading `unpack` remembers."
  512)

(defonce ^:private read-headers
  ;; [header text, key-fn] -> the header read: the replies of repeated calls
  ;; repeat their headers, so JSON is read once per kind of reply. At most
  ;; 256 entries (cleared when full).
  (java.util.concurrent.ConcurrentHashMap.))

(defn- read-header
  "Returns JSON text `header` read with data.json `options`; remembered for
  short headers read with only a :key-fn."
  [^String header options]
  (if (or (> (.length header) (long cached-header-length))
          (seq (dissoc options :key-fn)))
    (apply json/read-str header (mapcat identity options))
    (let [k [header (:key-fn options)]]
      (or (.get ^java.util.Map read-headers k)
          (let [data (apply json/read-str header (mapcat identity options))]
            (when (>= (.size ^java.util.Map read-headers) 256) (.clear ^java.util.Map read-headers))
            (.put ^java.util.Map read-headers k data)
            data)))))

(defn unpack
  "Returns the plain data in `frame` (a byte array or a ByteBuffer, read from
  its start to its limit): maps, vectors, strings, longs, doubles, booleans
  and nil. Options are the same as for `clojure.data.json/read-str` (e.g.
  `:key-fn`)."
  [frame & {:as options}]
  (let [buffer (.order (if (bytes? frame) (ByteBuffer/wrap frame) (.duplicate ^ByteBuffer frame))
                       ByteOrder/LITTLE_ENDIAN)
        size (.getInt buffer 0)
        header (byte-array size)
        key-fn (get options :key-fn identity)]
    (.get buffer 4 header)
    (restore (read-header (String. header StandardCharsets/UTF_8) options)
             (key-fn array-key) buffer (payload-start size))))
