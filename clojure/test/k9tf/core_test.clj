(ns k9tf.core-test
  (:require [clojure.edn :as edn]
            [clojure.java.io :as io]
            [clojure.test :refer [deftest is are testing]]
            [k9tf.core :as k9]))

(def input-hidden [[0.12 0.2 0.13] [0.01 0.02 0.03]])
(def hidden-output [[0.15 0.16] [0.02 0.03] [0.01 0.02]])
(def k9-nn [[0 0] input-hidden [0 0 0] hidden-output [0 0]])

(defn- close? [expected actual]
  (and (= (count expected) (count actual))
       (every? #(< (abs (double %)) 1e-12) (map - expected actual))))

(defn- invalid-arg [f]
  (try (f) nil
       (catch clojure.lang.ExceptionInfo e (ex-data e))))

(deftest test-construct-network
  (testing "k9 arities"
    (let [net (k9/construct-network 2 3 2)]
      (is (= [2 3 2] (:sizes net)))
      (is (= :default (:model net)))
      (is (every? double? (flatten (map :weights (:layers net))))))
    (is (= [2 4 4 4 1] (:sizes (k9/construct-network 2 4 3 1 {:model :k9}))))
    (is (= [2 4 1] (:sizes (k9/construct-network 2 4 0 1 {:model :k9})))))
  (testing "options map and trailing options"
    (is (= (k9/construct-network {:sizes [2 16 16 2] :seed 3})
           (k9/construct-network {:sizes [2 16 16 2] :seed 3})))
    (is (= (k9/construct-network 2 3 2 {:seed 3})
           (k9/construct-network {:sizes [2 3 2] :seed 3})
           (k9/construct-network 2 3 2 :seed 3)
           (k9/construct-network :sizes [2 3 2] :seed 3)))
    (is (= (k9/construct-network 2 4 2 2 {:seed 3 :activation :relu})
           (k9/construct-network 2 4 2 2 {:seed 3} :activation :relu)))
    (is (= [2 2] (:sizes (k9/construct-network 2 2 :seed 1))))
    (is (= [:article :relu :linear :softmax-cross-entropy :truncated-normal :float32]
           ((juxt :model :activation :output :loss :init :dtype)
            (k9/construct-network {:sizes [2 3 2] :model :article})))))
  (testing "the value is printable, EDN-safe, and crosses the bridge unchanged"
    (let [net (k9/construct-network 2 3 2 {:seed 4})]
      (is (= net (edn/read-string (pr-str net))))
      (is (= net (k9/train-epochs 0 net [[[0 1] [1 0]]] 0.5)))
      (is (= (k9/ff [1 0] net) (k9/ff [1 0] (edn/read-string (pr-str net)))))))
  (testing "bad arguments"
    (are [f arg] (= arg (:arg (invalid-arg f)))
      #(k9/construct-network 2 0 2) :sizes
      #(k9/construct-network 2 3 2 {:activation :gelu}) :activation
      #(k9/construct-network 2 3 2 {:seeed 1}) :options
      #(k9/construct-network 2 3 -1 2) :num-hidden
      #(k9/construct-network 2 "3" 2) :sizes)
    (is (= :invalid-arg (:k9tf/error (invalid-arg #(k9/construct-network 2 3 2 {:seeed 1})))))))

(deftest test-from-k9-and-ff
  (let [nn (k9/from-k9 k9-nn)]
    (is (= :k9 (:model nn)))
    (testing "k9's published vectors"
      (is (close? [0.02315019005321053 0.027608061500083565] (k9/ff [1 0] nn)))
      (is (close? [0.03765676393050254 0.10552175312900794]
                  (k9/ff [1 0] (k9/train-data nn [[[1 0] [0 1]] [[0.5 0] [0 0.5]]
                                                  [[0.25 0] [0 0.25]]] 0.5)))))
    (testing "batches"
      (is (= 2 (count (k9/ff [[1 0] [0 1]] nn)))))
    (testing "bad input"
      (are [input arg] (= arg (:arg (invalid-arg #(k9/ff input nn))))
        [1 0 1] :input
        [1 nil] :input
        ["a" 1] :input
        [##NaN 1] :input
        [##Inf 1] :input
        [:a 1] :input)
      (is (= :network (:arg (invalid-arg #(k9/ff [1 0] (dissoc nn :layers)))))))))

(deftest test-train-epochs
  (testing "the article's k9 session learns NAND"
    (let [trained (k9/train-epochs 500 (k9/construct-network 2 3 2 {:seed 2})
                                   (repeatedly 1000 k9/nand-gen) 0.5)
          [and? nand?] (k9/ff [1 1] trained)]
      (is (> and? 0.99))
      (is (< nand? 0.01))))
  (testing "options, purity and bad input"
    (let [net (k9/construct-network 2 4 2 {:seed 5})
          data (k9/sample-logic :xor 200 :seed 1)]
      (is (not= net (k9/train-epochs 1 net data 0.5 :batch-size :full)))
      (is (= (k9/train-epochs 2 net data 0.5 {:batch-size 16 :shuffle true :seed 1})
             (k9/train-epochs 2 net data 0.5 :batch-size 16 :shuffle true :seed 1)))
      (is (= net (k9/train-epochs 0 net data 0.5)))
      (are [f arg] (= arg (:arg (invalid-arg f)))
        #(k9/train-epochs -1 net data 0.5) :epochs
        #(k9/train-epochs 1.5 net data 0.5) :epochs
        #(k9/train-epochs 1 net data 0) :learning-rate
        #(k9/train-epochs 1 net data ##NaN) :learning-rate
        #(k9/train-epochs 1 net [] 0.5) :samples
        #(k9/train-epochs 1 net [[[1 0 1] [1 0]]] 0.5) :samples
        #(k9/train-epochs 1 net data 0.5 :batch-size 0) :batch-size
        #(k9/train-epochs 1 net data 0.5 :momentum-decay 0.9) :options))))

(deftest test-train-history
  (let [{:keys [network history]} (k9/train (k9/construct-network 2 8 2 {:seed 1})
                                            (k9/sample-logic :or 100 :seed 2) 0.5
                                            :epochs 300 :batch-size :full :report-every 100
                                            :validation (k9/sample-logic :or 50 :seed 3))]
    (is (= [0 100 200 300] (:step history)))
    (is (= 1.0 (last (:validation-accuracy history))))
    (is (= 1.0 (k9/accuracy (k9/ff [[0 0] [1 1]] network) [[0 1] [1 0]]))))
  (testing "full reports score the whole set and change no weight"
    (let [net (k9/construct-network 2 4 2 {:seed 1})
          data (k9/sample-logic :xor 64 :seed 2)
          run #(k9/train net data 0.5 :epochs 5 :batch-size 8 :report-every 8 :report %)
          running (run :running)
          full (run :full)]
      (is (= (:network running) (:network full)))
      (is (= (:step (:history running)) (:step (:history full))))
      (is (every? #(<= 0.0 % 1.0) (:train-accuracy (:history full))))
      (is (= :report (:arg (invalid-arg #(run :sometimes))))))))

(deftest test-train-options
  (let [net (k9/construct-network 2 4 2 {:seed 5})
        data (k9/sample-logic :xor 64 :seed 1)
        adam #(k9/train-epochs 3 net data 0.05 :optimizer :adam :batch-size 8 :alpha 0.01)]
    (testing "optimizers train, reproducibly, and differ from plain descent"
      (is (= (adam) (adam)))
      (is (not= (adam) (k9/train-epochs 3 net data 0.05 :batch-size 8)))
      (is (= (k9/train-epochs 3 net data 0.05 :batch-size 8)
             (k9/train-epochs 3 net data 0.05 :batch-size 8 :optimizer :sgd :momentum 0.0))))
    (testing "early stopping and the per-epoch history"
      (let [{:keys [history]} (k9/train net data 0.5 :epochs 50 :batch-size 8
                                        :early-stopping true :patience 0 :tol 1e9 :seed 1
                                        :report-every nil)]
        (is (= [0 1] (:epoch history)))
        (is (= 1 (:stopped-epoch history)))
        (is (every? double? (concat (:loss history) (:val-loss history))))))
    (testing "bad options name the argument"
      (are [f arg] (= arg (:arg (invalid-arg f)))
        #(k9/train-epochs 1 net data 0.5 :optimizer :rmsprop) :optimizer
        #(k9/train-epochs 1 net data 0.5 :momentum 1.5) :momentum
        #(k9/train-epochs 1 net data 0.5 :optimizer :adam :beta-1 1.0) :beta-1
        #(k9/train-epochs 1 net data 0.5 :schedule :cosine) :schedule
        #(k9/train-epochs 1 net data 0.5 :patience -1) :patience
        #(k9/train-epochs 1 net data 0.5 :early-stopping 1) :early-stopping
        #(k9/train-epochs 1 net data 0.5 :nesterov? true) :options))))

(deftest test-generators
  (are [gen f] (every? (fn [[[a b] [t n]]] (and (= t (if (f a b) 1 0)) (= n (- 1 t))))
                       (repeatedly 50 gen))
    k9/nand-gen #(= 1 %1 %2)
    k9/and-gen #(= 1 %1 %2)
    k9/xor-gen not=
    k9/or-gen #(or (= 1 %1) (= 1 %2)))
  (is (= (k9/sample-logic :nand 20 :seed 9) (k9/sample-logic :nand 20 {:seed 9})))
  (is (= :f (:arg (invalid-arg #(k9/sample-logic :xnor 5))))))

(deftest test-save-load
  (let [file (java.io.File/createTempFile "k9tf" ".json")
        net (k9/construct-network 2 3 2 {:seed 7})]
    (try
      (is (= (str file) (k9/save-network net file)))
      (is (= net (k9/load-network file)))
      (spit file "{\"version\": 1, \"siz")
      (is (= :path (:arg (invalid-arg #(k9/load-network file)))))
      (is (= :path (:arg (invalid-arg #(k9/save-network net (io/file file "no" "x.json"))))))
      (finally (.delete file)))))
