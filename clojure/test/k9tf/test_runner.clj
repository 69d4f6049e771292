(ns k9tf.test-runner
  "Runs every k9tf clojure.test namespace and exits 0 only if all pass:
  `bin/k9tf-clj -A:test -m k9tf.test-runner [ns ...]`."
  (:require [clojure.test :as t]))

(def test-namespaces
  "The test namespaces, in the order they run."
  '[k9tf.core-test k9tf.python-test k9tf.parity-test])

(defn -main
  "Runs the named test namespaces (default: all) and exits with their status."
  [& names]
  (let [namespaces (if (seq names) (map symbol names) test-namespaces)
        _ (apply require namespaces)
        {:keys [fail error]} (apply t/run-tests namespaces)]
    (shutdown-agents)
    (System/exit (if (zero? (+ fail error)) 0 1))))
