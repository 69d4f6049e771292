(ns k9tf.python-test
  (:require [clojure.test :refer [deftest is testing]]
            [k9tf.bridge.env]
            [k9tf.bridge.protocol]
            [k9tf.codec]
            [k9tf.core :as k9]
            [k9tf.python :as py]))

(deftest test-call
  (testing "results are Clojure data with kebab-case keys"
    (is (= 0.5 (py/call "accuracy" [[:predictions [[1 0] [1 0]]] [:labels [[1 0] [0 1]]]] {})))
    (is (contains? (:history (k9/train (k9/construct-network 2 2 {:seed 1})
                                       [[[0 1] [1 0]]] 0.1 :epochs 1))
                   :train-accuracy)))
  (testing "Python errors become ex-info with the Python details"
    (let [data (try (py/call "ff" [[:input [1 2 3]] [:network (k9/construct-network 2 2 2)]] {})
                    (catch clojure.lang.ExceptionInfo e (ex-data e)))]
      (is (= "ValueError" (:py-type data)))
      (is (re-find #"input has 3 values, the network takes 2" (:py-message data)))
      (is (re-find #"Traceback" (:py-traceback data)))
      (is (not-any? #{:type :message :traceback} (keys data)) "no duplicated keys")
      (is (= (py/current-backend-kind) (:backend data)))
      (is (= :invalid-arg (:k9tf/error data)))))
  (testing "unknown functions and backends"
    (is (thrown-with-msg? clojure.lang.ExceptionInfo #"fn must be one of"
                          (py/call "os.system" [[:cmd "true"]] {})))
    (is (= :backend (:arg (try (py/backend :cobol)
                               (catch clojure.lang.ExceptionInfo e (ex-data e))))))))

(deftest test-concurrent-calls
  (testing "8 futures x 1000 mixed ff / train-data calls equal the serial results"
    (let [net (k9/construct-network 2 3 2 {:seed 8})
          data (k9/sample-logic :nand 20 :seed 8)
          work (fn [i] (if (zero? (mod i 4))
                         (k9/train-data net (take (inc (mod i 20)) data) 0.5)
                         (k9/ff [(mod i 2) (mod (quot i 2) 2)] net)))
          jobs (range 8000)
          serial (mapv work jobs)
          futures (mapv (fn [k] (future (mapv work (filter #(= k (mod % 8)) jobs)))) (range 8))
          results (mapv #(deref % 300000 ::timeout) futures)]
      (is (not-any? #{::timeout} results) "no deadlock")
      (doseq [k (range 8)]
        (is (= (mapv serial (filter #(= k (mod % 8)) jobs)) (nth results k)))))))

(deftest test-interrupting-a-call
  (let [net (k9/construct-network 2 16 2 {:seed 1})
        data (k9/sample-logic :xor 1000 :seed 1)
        started (promise)
        outcome (promise)
        worker (Thread. (fn []
                          (deliver started true)
                          (let [result (try (k9/train-epochs 200000 net data 0.1)
                                            (catch clojure.lang.ExceptionInfo e (ex-data e)))]
                            (deliver outcome
                                     {:result result
                                      :still-interrupted (.isInterrupted (Thread/currentThread))
                                      :next-calls (vec (repeatedly 3 #(k9/ff [1 0] net)))}))))
        began (System/nanoTime)]
    (.start worker)
    @started
    (.interrupt worker)
    (let [{:keys [result still-interrupted next-calls]} (deref outcome 120000 ::timeout)]
      (testing "an interrupted call stops and says so"
        (is (= :interrupted (:k9tf/error result)))
        (is (< (/ (- (System/nanoTime) began) 1e9) 60.0)))
      (testing "it clears the thread's interrupt status, so the thread's next calls work"
        (is (false? still-interrupted))
        (is (apply = (k9/ff [1 0] net) next-calls))))
    (testing "a call made on an interrupted thread throws at once, clearing the status"
      (.interrupt (Thread/currentThread))
      (is (= :interrupted (:k9tf/error (try (k9/ff [1 0] net)
                                            (catch clojure.lang.ExceptionInfo e (ex-data e))))))
      (is (not (Thread/interrupted))))
    (testing "the interpreter is still usable"
      (is (not= net (k9/train-epochs 1 net data 0.1))))))

(deftest test-greeting
  (testing "a core that predates this frame format is refused in one line"
    (let [fake (reify k9tf.bridge.protocol/PBridge
                 (-start! [b] b)
                 (-call [_ _ read] (read (java.nio.ByteBuffer/wrap (k9tf.codec/pack {:ok "0.0.1"}))))
                 (-stop! [b] b))
          data (try (#'py/greet! fake) nil
                    (catch clojure.lang.ExceptionInfo e
                      (assoc (ex-data e) :message (ex-message e))))]
      (is (= :backend (:k9tf/error data)))
      (is (= ["0.0.1" k9tf.codec/frame-format] ((juxt :python-version :frames) data)))
      (is (re-find #"0\.0\.1" (:message data)))
      (is (not (re-find #"\n" (:message data))) "one line")))
  (testing "the version and the limits are the Python core's"
    (let [hello (py/call "hello" [] {})]
      (is (= (:version hello) (py/version)))
      (is (= (:limits hello) (k9/limits)))
      (is (every? pos-int? (vals (k9/limits)))))))

(deftest test-python-info
  (testing "the backend runs the configured Python, whose compiled modules load"
    (let [python (k9tf.bridge.env/python-executable {})
          [_ expected] (k9tf.bridge.env/run-python
                        python "import sys; print(sys.prefix + '|' + sys.version)")
          info (py/python-info)]
      (is (= expected (str (:prefix info) "|" (:version info))))
      (is (re-find #"OpenSSL" (:ssl info))))))
