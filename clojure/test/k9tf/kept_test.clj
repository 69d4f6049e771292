(ns k9tf.kept-test
  (:require [clojure.test :refer [deftest is testing]]
            [k9tf.core :as k9]
            [k9tf.kept :as kept]
            [k9tf.python :as py]))

(defn- sent-args
  "Returns what `k9tf.kept/outgoing` would send for network `net` now."
  [net]
  (second (first (first (kept/outgoing [[:network (kept/network net identity)]] false)))))

(deftest test-network
  (testing "a network crosses once: later calls send only its ref"
    (let [net (k9/construct-network 2 3 2 {:seed 1})
          out (k9/ff [1 0] net)]
      (is (= #{kept/mark} (set (keys (sent-args net)))) "returned networks are kept already")
      (is (= out (k9/ff [1 0] net) (k9/ff [1 0] (into {} net))))
      (let [copy (k9/load-network (k9/save-network net (doto (java.io.File/createTempFile "k9tf" ".json") .deleteOnExit)))]
        (is (= out (k9/ff [1 0] copy))))))
  (testing "a reference Python no longer holds is sent again, transparently"
    (let [net (k9/construct-network 2 3 2 {:seed 2})
          out (k9/ff [1 0] net)]
      (is (pos? (py/call "forget_networks" [] {})))
      (is (= out (k9/ff [1 0] net)))
      (is (= #{kept/mark} (set (keys (sent-args net)))))
      (py/call "forget_networks" [] {})
      (let [trained (k9/train-epochs 1 net [[[1 0] [0 1]]] 0.5)]
        (is (= (k9/ff [0 1] trained) (k9/ff [0 1] (into {} trained)))))))
  (testing "a changed network is a new value, never served from the old one's ref"
    (let [net (k9/construct-network 2 3 2 {:seed 3})
          out (k9/ff [1 0] net)
          changed (assoc-in net [:layers 0 :weights 0 1] 5.0)
          as-long (assoc-in net [:layers 1 :biases 0] 1)
          as-double (assoc-in net [:layers 1 :biases 0] 1.0)]
      (is (not= out (k9/ff [1 0] changed)))
      (is (= (k9/ff [1 0] changed) (k9/ff [1 0] (assoc-in net [:layers 0 :weights 0 1] 5.0))))
      (is (= (k9/ff [1 0] as-long) (k9/ff [1 0] as-double)))
      (is (= (k9/ff [1 0] (assoc net :activation :relu))
             (k9/ff [1 0] (assoc (into {} net) :activation :relu))))
      (is (= out (k9/ff [1 0] net)))))
  (testing "networks with mutable or lazy parts are sent in full every call"
    (let [net (k9/construct-network 2 3 2 {:seed 4})
          arrays (update-in net [:layers 0 :weights] #(into-array (map double-array %)))
          lazy (update-in net [:layers 0 :weights] #(map seq %))]
      (is (contains? (sent-args arrays) :layers))
      (is (contains? (sent-args lazy) :layers))
      (is (= (k9/ff [1 0] net) (k9/ff [1 0] arrays) (k9/ff [1 0] lazy)))
      (aset ^doubles (aget ^objects (get-in arrays [:layers 0 :weights]) 0) 1 5.0)
      (is (= (k9/ff [1 0] (assoc-in net [:layers 0 :weights 0 1] 5.0)) (k9/ff [1 0] arrays))))))
