(ns k9tf.sweep-test
  (:require [clojure.test :refer [deftest is are testing]]
            [k9tf.core :as k9]))

(def grid
  "A tiny grid: two seeds of the article's k9 session, shortened."
  {:seeds [0 1] :sizes [[2 3 2]] :epochs [100] :n-samples 100 :progress false})

(defn- invalid-arg [f]
  (try (f) nil
       (catch clojure.lang.ExceptionInfo e (ex-data e))))

(defn- weights-derived [rows] (mapv #(dissoc % :seconds) rows))

(deftest test-sweep
  (let [rows (k9/sweep :xor (assoc grid :scheduler :serial))]
    (testing "a vector of maps with kebab-case keys, in grid order"
      (is (vector? rows))
      (is (= [0 1] (mapv :seed rows)))
      (is (= #{:task :model :activation :sizes :learning-rate :batch-size :epochs :seed
               :samples :cost :train-accuracy :validation-accuracy :learned :diverged
               :seconds}
             (set (keys (first rows)))))
      (is (every? #(= ["xor" "default" "tanh" "2-3-2" 0.5 1 100 100]
                      ((juxt :task :model :activation :sizes :learning-rate :batch-size
                             :epochs :samples) %))
                  rows))
      (is (every? (comp boolean? :learned) rows))
      (is (every? (comp double? :cost) rows)))
    (testing "one local Dask worker gives the same rows"
      (is (= (weights-derived rows)
             (weights-derived (k9/sweep :xor (assoc grid :scheduler :local :n-workers 1)))))))
  (testing "several tasks and :full batches"
    (is (= [["xor" 1] ["xor" nil] ["nand" 1] ["nand" nil]]
           (mapv (juxt :task :batch-size)
                 (k9/sweep [:xor :nand] {:seeds [0] :batch-sizes [1 :full] :epochs [5]
                                         :n-samples 20 :scheduler :serial :progress false})))))
  (testing "given samples"
    (let [[row] (k9/sweep [[[0 0] [1 0]] [[1 1] [0 1]]]
                          :seeds [3] :epochs [50] :scheduler :serial :progress false)]
      (is (nil? (:task row)))
      (is (= 2 (:samples row)))
      (is (= (:learned row) (= 1.0 (:train-accuracy row))))))
  (testing "bad options"
    (are [f arg] (= arg (:arg (invalid-arg f)))
      #(k9/sweep :xor {:seedz [1]}) :options
      #(k9/sweep :xor {:seeds [-1] :scheduler :serial}) :seeds
      #(k9/sweep :xnor {:scheduler :serial}) :task
      #(k9/sweep :xor {:learning-rates [0] :scheduler :serial}) :learning-rates
      #(k9/sweep :xor {:sizes [[2 3 1]] :scheduler :serial}) :sizes
      #(k9/sweep :xor {:scheduler :threads}) :scheduler
      #(k9/sweep :xor {:scheduler :serial :n-workers 2}) :n-workers)
    (is (= :invalid-arg (:k9tf/error (invalid-arg #(k9/sweep :xor {:seedz [1]})))))))
