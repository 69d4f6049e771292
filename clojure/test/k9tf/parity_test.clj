(ns k9tf.parity-test
  "Every backend that can start here computes exactly what the current one does."
  (:require [clojure.test :refer [deftest is testing]]
            [k9tf.core :as k9]
            [k9tf.python :as py]))

(defn- session
  "Returns the results of a fixed set of seeded calls."
  []
  (let [data (k9/sample-logic :xor 100 :seed 3)
        net (k9/construct-network 2 3 2 {:seed 3})
        k9net (k9/construct-network 2 3 2 {:model :k9 :seed 3})]
    {:online (k9/train-epochs 5 net data 0.5)
     :full (k9/train-epochs 20 net data 0.5 :batch-size :full)
     :k9 (k9/train-epochs 5 k9net data 0.5)
     :ff (k9/ff [[0 0] [0 1] [1 0] [1 1]] (k9/train-epochs 5 net data 0.5))}))

(defn- try-backend [kind]
  (try (py/backend kind)
       (catch Exception e (println "  skipping backend" kind "-" (ex-message e)) nil)))

(deftest test-backends-agree
  (let [reference (session)
        kinds (remove #{(py/current-backend-kind)} (keys py/backends))]
    (is (= (:online reference) (:online (session))) "reruns are bit-identical")
    (doseq [kind kinds]
      (when-let [b (try-backend kind)]
        (testing (str kind)
          (is (= reference (py/with-backend b (session)))))))))
