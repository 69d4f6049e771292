(ns k9tf.python-test
  (:require [clojure.test :refer [deftest is testing]]
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
      (is (= "ValueError" (:type data) (:py-type data)))
      (is (re-find #"input has 3 values, the network takes 2" (:message data)))
      (is (re-find #"Traceback" (:traceback data)))
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

(deftest test-future-cancel-interrupts-training
  (let [net (k9/construct-network 2 16 2 {:seed 1})
        data (k9/sample-logic :xor 1000 :seed 1)
        outcome (promise)
        started (System/nanoTime)
        f (future (try (deliver outcome (k9/train-epochs 1000000 net data 0.1))
                       (catch clojure.lang.ExceptionInfo e (deliver outcome (ex-data e)))))]
    (Thread/sleep 1500)
    (future-cancel f)
    (let [result (deref outcome 20000 ::timeout)]
      (is (= :interrupted (:k9tf/error result)))
      (is (< (/ (- (System/nanoTime) started) 1e9) 10.0) "stopped within seconds"))
    (testing "the interpreter is still usable"
      (is (not= net (k9/train-epochs 1 net data 0.1))))))
