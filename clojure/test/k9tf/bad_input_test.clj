(ns k9tf.bad-input-test
  "Every bad input gets ex-info naming the argument, and the next call works."
  (:require [clojure.java.io :as io]
            [clojure.test :refer [deftest is testing]]
            [k9tf.core :as k9]))

(def net (k9/construct-network 2 3 2 {:seed 1}))
(def good [[[0 1] [1 0]] [[1 1] [0 1]]])
(defn- layer0 [m] (assoc-in net [:layers 0] (merge (get-in net [:layers 0]) m)))

(defn- temp-file [content]
  (doto (java.io.File/createTempFile "k9tf-bad" ".json") (.deleteOnExit) (spit content)))

(def cases
  "[description thunk expected-arg]"
  [["input too long" #(k9/ff [1 0 1] net) :input]
   ["input too short" #(k9/ff [1] net) :input]
   ["empty input" #(k9/ff [] net) :input]
   ["ragged batch" #(k9/ff [[1 0] [1]] net) :input]
   ["string in input" #(k9/ff ["1" 0] net) :input]
   ["nil in input" #(k9/ff [nil 0] net) :input]
   ["keyword in input" #(k9/ff [:one 0] net) :input]
   ["NaN in input" #(k9/ff [##NaN 0] net) :input]
   ["+Inf in input" #(k9/ff [##Inf 0] net) :input]
   ["-Inf in input" #(k9/ff [##-Inf 0] net) :input]
   ["input beyond float32's range" #(k9/ff [1e39 0] net) :input]
   ["double-array beyond float32's range" #(k9/ff (double-array [0 -1e39]) net) :input]
   ["input is a number" #(k9/ff 5 net) :input]
   ["input is a set" #(k9/ff #{1 0} net) :input]
   ["input is infinite" #(k9/ff (range) net) :input]
   ["ragged 2-d array" #(k9/ff (into-array [(double-array [1 0]) (double-array [1])]) net) :input]
   ["double-array too long" #(k9/ff (double-array [1 0 1]) net) :input]
   ["NaN in a double-array" #(k9/ff (double-array [1 ##NaN]) net) :input]
   ["empty double-array" #(k9/ff (double-array 0) net) :input]
   ["3-d array" #(k9/ff (into-array [(into-array [(double-array [1 0])])]) net) :input]
   ["ratio in input" #(k9/ff [1/3 0] net) :input]
   ["empty samples" #(k9/train-data net [] 0.5) :samples]
   ["ragged samples" #(k9/train-data net [[[0 1] [1 0]] [[0] [1 0]]] 0.5) :samples]
   ["sample without target" #(k9/train-data net [[[0 1]]] 0.5) :samples]
   ["target too long" #(k9/train-data net [[[0 1] [1 0 0]]] 0.5) :samples]
   ["target too short" #(k9/train-data net [[[0 1] [1]]] 0.5) :samples]
   ["string target" #(k9/train-data net [[[0 1] ["a" 0]]] 0.5) :samples]
   ["nil sample" #(k9/train-data net [nil] 0.5) :samples]
   ["NaN target" #(k9/train-data net [[[0 1] [##NaN 0]]] 0.5) :samples]
   ["sample beyond float32's range" #(k9/train-data net [[[0 1e300] [1 0]]] 0.5) :samples]
   ["samples as a number" #(k9/train-data net 3 0.5) :samples]
   ["infinite samples" #(k9/train-epochs 1 net (repeat [[0 1] [1 0]]) 0.5) :samples]
   ["sample that is not a pair of vectors" #(k9/train-epochs 10 net [[1 2]] 0.5) :samples]
   ["NaN in a sample's double-array" #(k9/train-data net [[(double-array [0 ##NaN]) [1 0]]] 0.5)
    :samples]
   ["samples map missing labels" #(k9/train-data net {:inputs [[0 1]]} 0.5) :samples]
   ["NaN learning rate" #(k9/train-data net good ##NaN) :learning-rate]
   ["Inf learning rate" #(k9/train-data net good ##Inf) :learning-rate]
   ["zero learning rate" #(k9/train-data net good 0) :learning-rate]
   ["negative learning rate" #(k9/train-data net good -0.5) :learning-rate]
   ["string learning rate" #(k9/train-data net good "0.5") :learning-rate]
   ["nil learning rate" #(k9/train-data net good nil) :learning-rate]
   ["negative epochs" #(k9/train-epochs -1 net good 0.5) :epochs]
   ["fractional epochs" #(k9/train-epochs 2.5 net good 0.5) :epochs]
   ["keyword epochs" #(k9/train-epochs :ten net good 0.5) :epochs]
   ["zero size" #(k9/construct-network 2 0 2) :sizes]
   ["negative size" #(k9/construct-network 2 -3 2) :sizes]
   ["absurd size" #(k9/construct-network 2 1000000000 2) :sizes]
   ["string size" #(k9/construct-network 2 "3" 2) :sizes]
   ["negative num-hidden" #(k9/construct-network 2 3 -1 2) :num-hidden]
   ["unknown network option" #(k9/construct-network 2 3 2 {:colour :red}) :options]
   ["unknown activation" #(k9/construct-network 2 3 2 {:activation :gelu}) :activation]
   ["unknown model" #(k9/construct-network 2 3 2 {:model :keras}) :model]
   ["unknown train option" #(k9/train-epochs 1 net good 0.5 :momentm 0.9) :options]
   ["odd train options" #(k9/train-data net good 0.5 :batch-size) :options]
   ["train options as a vector" #(k9/train-epochs 1 net good 0.5 [:batch-size 1]) :options]
   ["infinite sizes" #(k9/construct-network {:sizes (range)}) :sizes]
   ["absurd num-hidden" #(k9/construct-network 2 16 1000000000 2) :num-hidden]
   ["options that are not a map" #(k9/construct-network 2 3 2 :seed) :options]
   ["one size" #(k9/construct-network 5) :sizes]
   ["five sizes" #(k9/construct-network 2 3 3 3 2) :sizes]
   ["no sizes" #(k9/construct-network :seed 1) :sizes]
   ["zero batch size" #(k9/train-epochs 1 net good 0.5 :batch-size 0) :batch-size]
   ["bad loop" #(k9/train-epochs 1 net good 0.5 :loop :eager) :loop]
   ["network missing layers" #(k9/ff [1 0] (dissoc net :layers)) :network]
   ["network with extra key" #(k9/ff [1 0] (assoc net :colour 1)) :network]
   ["network sizes mistyped" #(k9/ff [1 0] (assoc net :sizes "2 3 2")) :network]
   ["network weights wrong shape" #(k9/ff [1 0] (layer0 {:weights [[0.1 0.2 0.3]]})) :network]
   ["network weight is a string" #(k9/ff [1 0] (layer0 {:weights [[0.1 "x" 0.3] [1 2 3]]}))
    :network]
   ["network NaN weight" #(k9/ff [1 0] (layer0 {:weights [[0.1 ##NaN 0.3] [1 2 3]]})) :network]
   ["network is a vector" #(k9/ff [1 0] [1 2 3]) :network]
   ["network is nil" #(k9/ff [1 0] nil) :network]
   ["truncated saved file" #(k9/load-network (temp-file "{\"version\": 1, \"siz")) :path]
   ["non-JSON saved file" #(k9/load-network (temp-file "not json")) :path]
   ["deeply nested file" #(k9/load-network (temp-file (str (apply str (repeat 100000 "["))
                                                            (apply str (repeat 100000 "]")))))
    :path]
   ["valid JSON, not a network" #(k9/load-network (temp-file "[1, 2, 3]")) :path]
   ["missing file" #(k9/load-network "/nonexistent/k9tf/net.json") :path]
   ["save into missing directory" #(k9/save-network net (io/file "/nonexistent/k9tf" "n.json"))
    :path]
   ["unknown logic function" #(k9/sample-logic :xnor 10) :f]
   ["zero samples" #(k9/sample-logic :xor 0) :samples]
   ["k9 vector of even length" #(k9/from-k9 [[0 0] [[0.1 0.2] [0.3 0.4]]]) :k9-network]
   ;; issue 22, items 4, 8 and 13: depth and inner sequences bounded before they are realised
   ["input nested 2000 deep" #(k9/ff (nth (iterate vector 1) 2000) net) :input]
   ["network nested 2000 deep" #(k9/ff [1 0] (assoc net :seed (nth (iterate vector 1) 2000)))
    :network]
   ["infinite row in the input" #(k9/ff [[1 0] (range)] net) :input]
   ["infinite input in a sample" #(k9/train-data net [[(range) [1 0]]] 0.5) :samples]
   ["infinite target in a sample" #(k9/train-data net [[[0 1] (range)]] 0.5) :samples]
   ["infinite sample" #(k9/train-data net [(range)] 0.5) :samples]
   ["BigInt seed of 10^5000" #(k9/construct-network 2 3 2 {:seed (.pow (biginteger 10) 5000)})
    :seed]
   ["infinite sweep seeds" #(k9/sweep :xor :seeds (range) :scheduler :serial) :seeds]
   ["infinite sweep sizes entry" #(k9/sweep :xor :sizes [(range)] :scheduler :serial) :sizes]
   ["infinite sweep tasks" #(k9/sweep (repeat :xor) :scheduler :serial) :task]
   ["too many sweep seeds" #(k9/sweep :xor :seeds (range 10001) :scheduler :serial) :seeds]])

(deftest test-java-array-sizes
  (is (= [2 3 2] (:sizes (k9/construct-network {:sizes (long-array [2 3 2])})))))

(deftest test-bad-inputs
  (is (>= (count cases) 40))
  (doseq [[description thunk arg] cases]
    (testing description
      (let [data (try (thunk) nil (catch clojure.lang.ExceptionInfo e (ex-data e)))]
        (is (= :invalid-arg (:k9tf/error data)) (str description " => " (pr-str data)))
        (is (= arg (:arg data)) description))
      (is (= 2 (count (k9/ff [1 0] net))) "the next valid call still works"))))
