(ns k9tf.codec-test
  (:require [clojure.data.json]
            [clojure.string :as str]
            [clojure.test :refer [deftest is are testing]]
            [k9tf.codec :as codec]))

(defn- round-trip [x] (codec/unpack (codec/pack x) :key-fn keyword))

(defn- refusal [x]
  (try (codec/pack x) nil
       (catch clojure.lang.ExceptionInfo e (assoc (ex-data e) :message (ex-message e)))))

(defn- header ^String [^bytes frame]
  (String. frame 4 (.getInt (.order (java.nio.ByteBuffer/wrap frame)
                                   java.nio.ByteOrder/LITTLE_ENDIAN) 0)
           java.nio.charset.StandardCharsets/UTF_8))

(deftest test-pack-unpack
  (testing "plain data survives unchanged: JSON for structure, longs stay longs"
    (are [x] (= x (round-trip x))
      {:a [2 3 2] :b "s" :c nil :d true :e [] :f {:g [1.5 -0.0 5.0E-324]}}
      {:nested [[1 "a"] [2.5 nil]]}
      {:k [4.9E-324 1.7976931348623157E308 0.1]}))
  (testing "numbers marked with `numbers` and Java arrays cross as packed float64 blocks"
    (let [frame (codec/pack {:m (codec/numbers [[1 2.5] [3 4]]) :v (codec/numbers [1 2])
                             :d (double-array [0.5 0.25]) :f (float-array [0.5])
                             :dd (into-array Object [(double-array [1 2]) (long-array [3 4])])})]
      (is (= 5 (count (re-seq #"#k9tf/array" (header frame)))))
      (is (= {:m [[1.0 2.5] [3.0 4.0]] :v [1.0 2.0] :d [0.5 0.25] :f [0.5]
              :dd [[1.0 2.0] [3.0 4.0]]}
             (codec/unpack frame :key-fn keyword)))))
  (testing "a vector of double arrays (a data set's rows) is one block, read as written"
    (let [rows [(double-array [1 2]) (double-array [3 4.5]) (double-array [-0.0 5.0E-324])]
          frame (codec/pack {:x (codec/numbers rows)})]
      (is (= 1 (count (re-seq #"#k9tf/array" (header frame)))))
      (is (= {:x [[1.0 2.0] [3.0 4.5] [-0.0 5.0E-324]]} (codec/unpack frame :key-fn keyword))))
    (is (= {:x [[1.0 2.0] [3.0 4.0]]}
           (round-trip {:x (codec/numbers [(double-array [1 2]) [3 4]])}))
        "rows of mixed kinds still make one block")
    (is (= [:x] (:path (refusal {:x (codec/numbers [(double-array [1 2])
                                                    (double-array [##NaN 0])])})))))
  (testing "marked data that is not a rectangular block of numbers goes as JSON"
    (are [x] (= {:x x} (round-trip {:x (codec/numbers x)}))
      [[1 0] [1]]
      [1 "a"]
      []
      [[[1 0]]]))
  (testing "the header's JSON is what data.json writes: strings escaped, keys through key-fn"
    (let [x {:s "quote \" backslash \\ slash / tab \t nl \n é ☃ \u0001" :k :kw
             :n [1 -2 0.5 1.0E-5 1.0E300 (float 0.5) 3N 1.25M true false nil] :e {}}]
      (is (= (-> x (assoc :k "kw") (update :n #(mapv (fn [v] (if (decimal? v) (double v) v)) %)))
             (round-trip x)))
      (is (= (clojure.data.json/read-str (header (codec/pack x)))
             (clojure.data.json/read-str (clojure.data.json/write-str x :escape-slash false))))
      (is (= "{\"a_b\":{\"c_d\":1}}"
             (header (codec/pack {:a-b {:c-d 1}} :key-fn #(str/replace (name %) "-" "_")))))))
  (testing "lazy sequences and lists become vectors"
    (is (= {:x [0.0 1.0 2.0]} (round-trip {:x (codec/numbers (range 3))})))
    (is (= {:x [0 1 2]} (round-trip {:x (range 3)})))))

(deftest test-refusals
  (testing "bad values are refused with the path to them"
    (are [x path] (= path (:path (refusal x)))
      {:a [1 ##NaN]} [:a 1]
      {:a (codec/numbers [[1 0] [##Inf 0]])} [:a]
      {:a (codec/numbers [1 2]) :b [(codec/numbers [3]) (double-array [##NaN])]} [:b 1]
      {:a #{1 2}} [:a]
      {:a [1 (Object.)]} [:a 1]
      {:a [1/3]} [:a 0])
    (is (re-find #"finite" (:message (refusal {:a (codec/numbers [##NaN])}))))
    (is (re-find #"set has no order" (:message (refusal {:a #{1}}))))
    (is (= :invalid-arg (:k9tf/error (refusal {:a (Object.)})))))
  (testing "an infinite sequence is refused, not read forever"
    (is (= codec/max-elements (:limit (refusal {:a (codec/numbers (repeat 1.0))}))))))

(deftest test-python-frames
  (testing "frames written by Python read back (int64 blocks as longs)"
    (let [header "{\"a\":{\"#k9tf/array\":[\"i8\",0,[3]]},\"b\":{\"#k9tf/array\":[\"f8\",24,[1,2]]}}"
          hb (.getBytes header "UTF-8")
          start (* 8 (quot (+ 4 (alength hb) 7) 8))
          buffer (doto (.order (java.nio.ByteBuffer/allocate (+ start 40))
                               java.nio.ByteOrder/LITTLE_ENDIAN)
                   (.putInt (alength hb)) (.put hb) (.position (int start))
                   (.putLong 1) (.putLong -2) (.putLong 3) (.putDouble 0.5) (.putDouble 2.0))]
      (is (= {:a [1 -2 3] :b [[0.5 2.0]]} (codec/unpack (.array buffer) :key-fn keyword)))
      (is (= {:a [1 -2 3] :b [[0.5 2.0]]}
             (codec/unpack (.rewind (.flip buffer)) :key-fn keyword))))))

(defn- frame-of
  "Returns a frame with JSON text `header` and the doubles `payload`."
  ^bytes [^String header payload]
  (let [hb (.getBytes header "UTF-8")
        start (* 8 (quot (+ 4 (alength hb) 7) 8))
        buffer (doto (.order (java.nio.ByteBuffer/allocate (+ start (* 8 (count payload))))
                             java.nio.ByteOrder/LITTLE_ENDIAN)
                 (.putInt (alength hb)) (.put hb) (.position (int start)))]
    (doseq [x payload] (.putDouble buffer (double x)))
    (.array buffer)))

(defn- read-refusal [header payload]
  (try (codec/unpack (frame-of header payload)) nil
       (catch clojure.lang.ExceptionInfo e (ex-message e))))

(deftest test-malformed-blocks
  (testing "issue 22, item 11: block markers are checked before they are used"
    (are [block pattern] (re-find pattern (str (read-refusal (str "{\"x\":{\"#k9tf/array\":"
                                                                  block "}}")
                                                             [1 2 3 4 5 6 7 8])))
      "[\"f8\",0,[-1,2]]" #"shape must be 1 or 2 ints >= 0"
      "[\"f8\",-8,[2]]" #"offset must be an int >= 0"
      "[\"f8\",4,[2]]" #"multiple of 8"
      "[\"f8\",true,[2]]" #"offset must be"
      "[\"f8\",0,[true]]" #"shape must be"
      "[\"f8\",0,[]]" #"shape must be"
      "[\"f8\",0,[1,1,2]]" #"shape must be"
      "[\"f8\",0,[9]]" #"runs past the payload"
      "[\"f8\",9223372036854775800,[1]]" #"runs past the payload"
      "[\"f8\",0,[9223372036854775807,9223372036854775807]]" #"runs past the payload"
      "[\"f8\",99999999999999999999,[1]]" #"offset must be"
      "[\"u8\",0,[2]]" #"dtype f8 or i8")
    (is (re-find #"NaN or Inf" (read-refusal "{\"x\":{\"#k9tf/array\":[\"f8\",0,[2]]}}"
                                             [1 ##NaN])))
    (is (= {:x [[3.0 4.0] [5.0 6.0]]}
           (codec/unpack (frame-of "{\"x\":{\"#k9tf/array\":[\"f8\",16,[2,2]]}}"
                                   [1 2 3 4 5 6 7 8])
                         :key-fn keyword)))))

(deftest test-depth-and-big-integers
  (testing "data nested past max-depth is refused with its path, not a StackOverflowError"
    (let [data (refusal {:a (nth (iterate vector 1) 2000)})]
      (is (= codec/max-depth (:limit data)))
      (is (= :a (first (:path data))))))
  (is (= {:a [1 2]} (round-trip {:a (nth (iterate vector [1 2]) 0)})))
  (testing "integers beyond 64 bits are refused; those within cross"
    (is (re-find #"at most 64 bits" (:message (refusal {:a (.pow (biginteger 10) 5000)}))))
    (is (= [:a] (:path (refusal {:a (.pow (biginteger 10) 5000)}))))
    (is (= {:a 12345} (round-trip {:a (bigint 12345)})))))

(deftest test-encode
  (testing "write-frame! writes pack's bytes into a buffer that held anything before"
    (let [x {:a "é" :m (codec/numbers [[1 2.5] [3 4]]) :rows (codec/numbers [(double-array [5 6])])}
          encoded (codec/encode x)
          frame (codec/pack x)
          buffer (java.nio.ByteBuffer/allocateDirect (+ 16 (codec/frame-size encoded)))]
      (dotimes [i (.capacity buffer)] (.put buffer i (byte -1)))
      (is (= (alength frame) (codec/frame-size encoded)))
      (is (identical? buffer (codec/write-frame! encoded buffer)))
      (is (zero? (.position buffer)) "the caller's position is left as it was")
      (let [written (byte-array (alength frame))]
        (.get (.duplicate buffer) written)
        (is (java.util.Arrays/equals frame written) "padding zeroed, blocks little-endian"))
      (is (= {:a "é" :m [[1.0 2.5] [3.0 4.0]] :rows [[5.0 6.0]]}
             (codec/unpack (.limit (.duplicate buffer) (alength frame)) :key-fn keyword)))))
  (testing "NaN in a block is found as the block is written, with its path"
    (let [encoded (codec/encode {:ok (codec/numbers [1 2]) :bad [[(double-array [1 ##Inf])]]})
          data (try (codec/write-frame! encoded (java.nio.ByteBuffer/allocate 256)) nil
                    (catch clojure.lang.ExceptionInfo e (ex-data e)))]
      (is (= {:k9tf/error :invalid-arg :path [:bad 0 0] :value ##Inf} data)))))

(deftest test-unpack-repeated-headers
  (testing "a header read before is read again with the key-fn of this call"
    (let [frame (codec/pack {:a-b [1 2] :c {:d-e 0.5}})]
      (dotimes [_ 2]
        (is (= {:a-b [1 2] :c {:d-e 0.5}} (codec/unpack frame :key-fn keyword)))
        (is (= {"a-b" [1 2] "c" {"d-e" 0.5}} (codec/unpack frame)))
        (is (= {:A-B [1 2] :C {:D-E 0.5}}
               (codec/unpack frame :key-fn #(keyword (str/upper-case %)))))))))
