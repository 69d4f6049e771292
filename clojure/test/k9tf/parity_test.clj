(ns k9tf.parity-test
  "Every backend that can start here computes exactly what the current one
  does; with `K9TF_PARITY_OUT` set, the results are also written there as JSON
  for the Python suite to compare with direct Python calls."
  (:require [clojure.data.json :as json]
            [clojure.test :refer [deftest is testing]]
            [k9tf.core :as k9]
            [k9tf.python :as py]))

(defn session
  "Returns the results of a fixed set of seeded calls, 200k rows and a table
  of maps among them."
  []
  (let [data (k9/sample-logic :xor 200 :seed 3)
        net (k9/construct-network 2 3 2 {:seed 3})
        k9net (k9/construct-network {:sizes [2 4 4 2] :model :k9 :seed 4})
        online (k9/train-epochs 5 net data 0.5)
        big (k9/sample-logic :xor 200000 :seed 7)
        rows (vec (for [i (range 30)]
                    {:x (double (mod i 7)) :y (* 0.5 i) :kind (nth [:low :mid :high] (mod i 3))}))
        table (k9/train-epochs 20 (k9/construct-network 2 4 3 {:seed 5}) rows 0.1
                               :features [:x :y] :target :kind :standardize true :batch-size 4
                               :optimizer :adam :shuffle true :seed 1)]
    {:net net
     :online online
     :full (k9/train-epochs 30 net data 0.5 :batch-size :full)
     :mini (k9/train-epochs 3 net data 0.5 :batch-size 16 :shuffle true :seed 2)
     :k9 (k9/train-epochs 5 k9net data 0.2)
     :ff (k9/ff [[0 0] [0 1] [1 0] [1 1] [0.25 0.75]] online)
     :big-full (k9/train-epochs 1 net big 0.5 :batch-size :full)
     :big-ff (k9/ff (mapv first big) online)
     :arrays (k9/ff (into-array [(double-array [0 1]) (double-array [0.5 0.25])]) online)
     :adam (k9/train-epochs 5 net data 0.05 :optimizer :adam :alpha 0.001 :batch-size 16
                            :shuffle true :seed 2)
     :nesterov (k9/train-epochs 4 net data 0.1 {:momentum 0.9 :nesterov true :schedule :step
                                                :decay-epochs 2 :batch-size 8})
     :early (let [{:keys [network history]}
                  (k9/train net data 0.5 :epochs 30 :batch-size 16 :optimizer :adam
                            :early-stopping true :validation-fraction 0.2 :patience 1
                            :seed 5 :report-every nil)]
              {:network network
               :history (select-keys history [:epoch :loss :accuracy :val-loss :val-accuracy
                                              :stopped-epoch :best-epoch])})}))

(defn- try-backend [kind]
  (try (py/backend kind)
       (catch Exception e (println "  skipping backend" kind "-" (ex-message e)) nil)))

(deftest test-backends-agree
  (let [reference (session)
        kinds (remove #{(py/current-backend-kind)} (keys py/backends))]
    (when-let [out (System/getenv "K9TF_PARITY_OUT")]
      (spit out (json/write-str (assoc reference :backend (py/current-backend-kind)))))
    (is (= (:online reference) (:online (session))) "reruns are bit-identical")
    (doseq [kind kinds]
      (when-let [b (try-backend kind)]
        (testing (str kind)
          (is (= reference (py/with-backend b (session)))))))))
