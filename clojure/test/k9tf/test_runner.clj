(ns k9tf.test-runner
  "Runs every k9tf clojure.test namespace and exits 0 only if all pass and the
  sources load without reflection warnings:
  `bin/k9tf-clj -A:test -m k9tf.test-runner [ns ...]`."
  (:require [clojure.string :as str]
            [clojure.test :as t]))

(def source-namespaces
  "The library's namespaces, loaded first to catch reflection warnings."
  '[k9tf.codec k9tf.bridge.protocol k9tf.bridge.env k9tf.bridge.jna k9tf.bridge.jpype
    k9tf.bridge.libpython k9tf.python k9tf.core])

(def test-namespaces
  "The test namespaces, in the order they run."
  '[k9tf.codec-test k9tf.core-test k9tf.bad-input-test k9tf.export-test k9tf.python-test
    k9tf.jpype-test k9tf.parity-test k9tf.sweep-test])

(defn- reflection-warnings
  "Loads the sources and returns the reflection warnings they print."
  []
  (let [err (java.io.StringWriter.)]
    (binding [*err* err] (apply require source-namespaces))
    (filter #(str/includes? % "Reflection warning") (str/split-lines (str err)))))

(defn -main
  "Runs the named test namespaces (default: all) and exits with their status."
  [& names]
  (let [warnings (reflection-warnings)
        namespaces (if (seq names) (map symbol names) test-namespaces)
        _ (apply require namespaces)
        {:keys [fail error]} (apply t/run-tests namespaces)]
    (run! println warnings)
    (println (count warnings) "reflection warnings.")
    (shutdown-agents)
    (System/exit (if (zero? (+ fail error (count warnings))) 0 1))))
