(ns k9tf.table-test
  "Training on tables: rows of maps, from a CSV file read with clojure.data.csv."
  (:require [clojure.data.csv :as csv]
            [clojure.java.io :as io]
            [clojure.test :refer [deftest is testing]]
            [k9tf.core :as k9]))

(def rows
  "A small table: two numeric features, three classes well apart."
  (vec (for [i (range 30)
             :let [kind (nth [:low :mid :high] (mod i 3))
                   base ({:low 0.0 :mid 5.0 :high 9.0} kind)]]
         {:width (+ base (* 0.01 i)) :length (* 10.0 (+ base (* 0.02 i))) :kind kind})))

(defn- invalid-arg [f]
  (try (f) nil
       (catch clojure.lang.ExceptionInfo e (ex-data e))))

(deftest test-train-epochs-on-rows-of-maps
  (let [net (k9/construct-network 2 8 3 {:seed 0})
        trained (k9/train-epochs 100 net rows 0.05 :features [:width :length] :target :kind
                                 :standardize true :optimizer :adam :batch-size 10 :seed 1)]
    (testing "the network remembers the table's terms"
      (is (= 2 (:version trained)))
      (is (= {:features ["width" "length"] :target "kind" :classes ["high" "low" "mid"]
              :keywords true}
             (dissoc (:data trained) :scaler)))
      (is (= #{:mean :scale} (set (keys (get-in trained [:data :scaler]))))))
    (testing "predict gives keyword labels back, predict-proba rows that sum to 1"
      (is (= (mapv :kind rows) (k9/predict rows trained)))
      (let [proba (k9/predict-proba rows trained)]
        (is (= (count rows) (count proba)))
        (is (every? #(< (abs (- 1.0 (reduce + %))) 1e-6) proba))))
    (testing "training continues from the remembered features, classes and scaler"
      (let [again (k9/train-epochs 1 trained (take 6 rows) 0.01 :target :kind)]
        (is (= (:data trained) (:data again)))))
    (testing "train returns the history"
      (let [{:keys [network history]} (k9/train net rows 0.05 :features [:width :length]
                                                :target :kind :epochs 3 :report-every nil)]
        (is (= [0 1 2] (:epoch history)))
        (is (= ["high" "low" "mid"] (get-in network [:data :classes])))))))

(deftest test-string-labels-and-string-keys
  (let [table (mapv (fn [{:keys [width length kind]}]
                      {"w" width "l" length "species" (name kind)})
                    rows)
        trained (k9/train-epochs 60 (k9/construct-network 2 8 3 {:seed 2}) table 0.05
                                 :features ["w" "l"] :target "species" :standardize true
                                 :optimizer :adam :batch-size 10 :seed 1)]
    (is (nil? (get-in trained [:data :keywords])))
    (is (= (mapv #(get % "species") table) (k9/predict table trained)))
    (testing "rows of numbers in feature order work too"
      (is (= ["low"] (k9/predict [[0.0 0.0]] trained))))))

(deftest test-regression
  (let [table (for [i (range 40)] {:x (/ i 10.0) :y (+ 100.0 (* 3.0 (/ i 10.0)))})
        net (k9/construct-network {:sizes [1 8 1] :output :linear :loss :squared-error :seed 0})
        trained (k9/train-epochs 300 net table 0.05 :features [:x] :target :y
                                 :standardize true :optimizer :adam :batch-size 8 :seed 0)
        predicted (k9/predict table trained)]
    (is (every? double? predicted))
    (is (< (apply max (map #(abs (- %1 (:y %2))) predicted table)) 5.0))
    (is (= :invalid-arg (:k9tf/error (invalid-arg #(k9/predict-proba table trained)))))))

(deftest test-csv-file
  (let [file (java.io.File/createTempFile "k9tf-table" ".csv")]
    (try
      (with-open [w (io/writer file)]
        (csv/write-csv w (cons ["width" "length" "kind"]
                               (map (juxt :width :length (comp name :kind)) rows))))
      (let [[header & lines] (with-open [r (io/reader file)] (doall (csv/read-csv r)))
            table (map #(-> (zipmap (map keyword header) %)
                            (update :width parse-double)
                            (update :length parse-double))
                       lines)
            trained (k9/train-epochs 60 (k9/construct-network 2 8 3 {:seed 0}) table 0.05
                                     :features [:width :length] :target :kind
                                     :standardize true :optimizer :adam :batch-size 10 :seed 1)]
        (is (= (map :kind table) (k9/predict table trained))))
      (finally (.delete file)))))

(deftest test-bad-tables
  (let [net (k9/construct-network 2 4 3 {:seed 0})]
  (testing "a missing feature names the row and key"
    (let [data (invalid-arg #(k9/train-epochs 1 net [{:width 1.0 :kind :a}] 0.1
                                             :features [:width :length] :target :kind))]
      (is (= [:invalid-arg :data 0 :length] ((juxt :k9tf/error :arg :row :key) data)))))
  (testing "a non-number feature (an unparsed CSV cell)"
    (let [data (invalid-arg #(k9/train-epochs 1 net [{:width 1.0 :length "2" :kind :a}] 0.1
                                             :features [:width :length] :target :kind))]
      (is (= [:data 0 :length] ((juxt :arg :row :key) data)))))
  (testing "a missing target, no :target, no :features, mixed labels, a row that is no map"
    (is (= :data (:arg (invalid-arg #(k9/train-epochs 1 net rows 0.1 :features [:width :length]
                                                      :target :colour)))))
    (is (= :target (:arg (invalid-arg #(k9/train-epochs 1 net rows 0.1
                                                        :features [:width :length])))))
    (is (= :features (:arg (invalid-arg #(k9/train-epochs 1 net rows 0.1 :target :kind)))))
    (is (= :data (:arg (invalid-arg #(k9/train-epochs 1 net (assoc-in rows [0 :kind] "low") 0.1
                                                      :features [:width :length]
                                                      :target :kind)))))
    (is (= :data (:arg (invalid-arg #(k9/train-epochs 1 net [[1 2]] 0.1
                                                      :features [:width :length]
                                                      :target :kind))))))
  (testing "more classes than outputs is Python's error, with its argument"
    (let [data (invalid-arg #(k9/train-epochs 1 (k9/construct-network 2 4 2 {:seed 0}) rows 0.1
                                             :features [:width :length] :target :kind))]
      (is (= [:invalid-arg :labels] ((juxt :k9tf/error :arg) data)))))
  (testing "predicting maps with a network that remembers no features"
    (is (= :rows (:arg (invalid-arg #(k9/predict rows net))))))))
