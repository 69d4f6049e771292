(ns k9tf.test-runner
  "Runs every clojure.test namespace on the classpath (each `*_test.clj` file)
  and exits 0 only if all pass and the sources load without reflection warnings:
  `bin/k9tf-clj -A:test -m k9tf.test-runner [ns ...]`."
  (:require [clojure.java.io :as io]
            [clojure.string :as str]
            [clojure.test :as t]))

(defn- path->ns
  "Returns the namespace symbol of source file `path` relative to a classpath root."
  [^String path]
  (-> path (str/replace #"\.clj$" "") (str/replace "/" ".") (str/replace "_" "-") symbol))

(defn- classpath-namespaces
  "Returns the sorted k9tf namespaces of the `.clj` files in classpath
  directories whose file name satisfies `pred`."
  [pred]
  (->> (str/split (System/getProperty "java.class.path") (re-pattern java.io.File/pathSeparator))
       (map io/file)
       (filter #(.isDirectory ^java.io.File %))
       (mapcat (fn [^java.io.File root]
                 (for [^java.io.File f (file-seq root)
                       :let [file-name (.getName f)]
                       :when (and (str/ends-with? file-name ".clj") (pred file-name))]
                   (path->ns (str (.relativize (.toPath root) (.toPath f)))))))
       (filter #(str/starts-with? (name %) "k9tf."))
       distinct
       sort))

(defn- test-file? [^String file-name] (str/ends-with? file-name "_test.clj"))

(defn source-namespaces
  "Returns the library's namespaces (every other `.clj` file but this runner),
  loaded first to catch reflection warnings."
  []
  (remove #{'k9tf.test-runner} (classpath-namespaces (complement test-file?))))

(defn test-namespaces
  "Returns every test namespace: each `*_test.clj` file in a classpath directory."
  []
  (classpath-namespaces test-file?))

(defn- reflection-warnings
  "Loads the sources and returns the reflection warnings they print."
  []
  (let [err (java.io.StringWriter.)]
    (binding [*err* err] (apply require (source-namespaces)))
    (filter #(str/includes? % "Reflection warning") (str/split-lines (str err)))))

(defn -main
  "Runs the named test namespaces (default: all) and exits with their status."
  [& names]
  (let [warnings (reflection-warnings)
        namespaces (if (seq names) (map symbol names) (test-namespaces))
        _ (apply require namespaces)
        {:keys [fail error]} (apply t/run-tests namespaces)]
    (run! println warnings)
    (println (count warnings) "reflection warnings.")
    (shutdown-agents)
    (System/exit (if (zero? (+ fail error (count warnings))) 0 1))))
