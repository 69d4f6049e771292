(ns k9tf.bridge.env
  "Internal: finds the Python (and its shared libpython) that the embedding
  backends load, the same way for `:jna` and `:libpython-clj`."
  (:require [clojure.java.io :as io]
            [clojure.string :as str]))

(set! *warn-on-reflection* true)

(defn setting
  "Returns option `k` from `opts`, else system property `prop`, else env var `env`."
  [opts k prop env]
  (or (get opts k) (not-empty (System/getProperty prop)) (not-empty (System/getenv env))))

(defn run-python
  "Runs `python -c code` and returns `[exit-status trimmed-output]`, or nil if
  `python` cannot be started."
  [python code]
  (try
    (let [process (.start (doto (ProcessBuilder. ^java.util.List (list python "-c" code))
                            (.redirectErrorStream true)))
          out (slurp (.getInputStream process))]
      [(.waitFor process) (str/trim out)])
    (catch java.io.IOException _ nil)))

(defn- source-python
  "Returns the Python of the environment these sources belong to: the `.venv`
  of the k9tf checkout they come from, or the virtual environment whose
  site-packages holds them (a pip-installed k9tf). Nil if neither."
  []
  (when-let [url (io/resource "k9tf/core.clj")]
    (when (= "file" (.getProtocol url))
      (->> (iterate #(.getParentFile ^java.io.File %) (io/file (.toURI url)))
           (take-while some?)
           (some (fn [^java.io.File dir]
                   (let [venv (io/file dir ".venv" "bin" "python")
                         own (io/file dir "bin" "python")]
                     (cond (.canExecute venv) (str venv)
                           (and (.isFile (io/file dir "pyvenv.cfg")) (.canExecute own)) (str own)))))))))

(defn python-executable
  "Returns the Python executable whose k9tf the backends embed, the first of:
  `:python` in `opts`, `-Dk9tf.python`, `K9TF_PYTHON`; the `.venv` of the
  checkout these sources come from (or the virtual environment they are
  installed in); `python3` on the PATH if it can import k9tf. Throws one
  ex-info saying how to install the Python side if there is none."
  [opts]
  (or (setting opts :python "k9tf.python" "K9TF_PYTHON")
      (source-python)
      (when (= 0 (first (run-python "python3" "import k9tf"))) "python3")
      (throw (ex-info (str "No Python with k9tf found. Install it (`pip install k9tf`, or "
                           "`make setup` in a k9tf checkout) and set K9TF_PYTHON to that "
                           "Python if it is not python3 on the PATH.")
                      {:k9tf/error :backend}))))

(defn libpython-path
  "Returns the shared libpython of `python`: `:libpython` in `opts`,
  `-Dk9tf.libpython`, `K9TF_LIBPYTHON`, else asked of `python`'s sysconfig.
  Throws ex-info if `python` has none."
  [opts python]
  (or (setting opts :libpython "k9tf.libpython" "K9TF_LIBPYTHON")
      (let [[status path] (run-python python
                                      (str "import os, sysconfig; v = sysconfig.get_config_var; "
                                           "print(os.path.join(v('LIBDIR') or '', "
                                           "v('LDLIBRARY') or ''))"))]
        (when-not (and (= 0 status) (str/ends-with? path ".so"))
          (throw (ex-info (str python " has no shared libpython (" (or path "cannot run it")
                               "); use a Python built with --enable-shared or set "
                               "K9TF_LIBPYTHON.")
                          {:k9tf/error :backend :python python :libpython path})))
        path)))
