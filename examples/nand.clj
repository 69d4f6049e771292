;; The k9 REPL session of the 2016 article, computed by k9tf's Python core.
;; Run: bin/k9tf-clj examples/nand.clj   (or: .venv/bin/python -m k9tf clj examples/nand.clj)
(require '[k9tf.core :as k9])

(def nnet (k9/construct-network 2 3 2))               ; 2 inputs, 3 hidden, 2 outputs
(def trainsamples (repeatedly 1000 k9/nand-gen))      ; [[n1 n2] [and? nand?]]
(def trained (k9/train-epochs 500 nnet trainsamples 0.5))

(doseq [input [[0 0] [0 1] [1 0] [1 1]]]
  (println "(ff" input "trained) =>" (k9/ff input trained)))

;; The same network, saved and loaded back as plain JSON.
(def path (str (java.io.File/createTempFile "nand" ".json")))
(k9/save-network trained path)
(println "reloaded equal:" (= trained (k9/load-network path)))
(shutdown-agents)
