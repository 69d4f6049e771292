(ns k9tf.bridge.libpython
  "Backend over libpython-clj (clj-python/libpython-clj 2.x), used when it is on
  the classpath (deps.edn alias `:libpython-clj`). It loads the same Python
  and libpython as the `:jna` backend (see `k9tf.bridge.env`) and starts it
  through libpython-clj; calls then take the JNA backend's native path (see
  `k9tf.bridge.native`): one native call each, where a libpython-clj call
  of `call_at` cost several conversions and GIL hand-offs.
  libpython-clj is resolved at start, so this namespace loads without it."
  (:require [k9tf.bridge.env :as env]
            [k9tf.bridge.gate :as gate]
            [k9tf.bridge.native :as native]
            [k9tf.bridge.protocol :as p])
  (:import (com.sun.jna NativeLibrary)))

(set! *warn-on-reflection* true)

(defn- resolve-py
  "Returns libpython-clj's `libpython-clj2.python/<sym>`, or throws ex-info."
  [sym]
  (or (try (requiring-resolve (symbol "libpython-clj2.python" (name sym)))
           (catch Exception e
             (throw (ex-info (str "libpython-clj is not on the classpath; add the deps.edn "
                                  "alias :libpython-clj or choose another backend.")
                             {:k9tf/error :backend :backend :libpython-clj} e))))
      (throw (ex-info (str "libpython-clj has no " sym "; k9tf needs libpython-clj 2.x.")
                      {:k9tf/error :backend :backend :libpython-clj}))))

(defn- class-dir
  "Returns a fresh temporary directory for the classes libpython-clj generates,
  so that none land in the caller's working directory."
  ^String []
  (let [dir (.toFile (java.nio.file.Files/createTempDirectory
                      "k9tf-libpython-clj" (make-array java.nio.file.attribute.FileAttribute 0)))]
    (.deleteOnExit dir)
    (str dir)))

(defrecord LibpythonBackend [kind opts gate entries]
  p/PBridge
  (-start! [b]
    (let [initialize! (resolve-py 'initialize!)
          python (env/python-executable opts)
          library (env/libpython-path opts python)]
      (binding [*compile-path* (class-dir)]
        (initialize! :python-executable python :library-path library))
      (let [import-module (resolve-py 'import-module)
            native-module (try (import-module "k9tf.jvm._native")
                               (catch Exception e
                                 (throw (ex-info (str "Python " python " cannot import k9tf: "
                                                      (ex-message e))
                                                 {:k9tf/error :backend :backend :libpython-clj
                                                  :python python} e))))
            addresses ((resolve-py '->jvm) ((resolve-py 'call-attr) native-module
                                                                     "entry_points"))
            entries (native/entry-points (NativeLibrary/getInstance ^String library) addresses)]
        (native/add-exit-hook! gate entries :libpython-clj)
        (assoc b :entries entries))))
  (-call [_ request read]
    (gate/through gate :libpython-clj #(native/call entries :libpython-clj request read)))
  (-stop! [b] b))

(defn libpython-backend
  "Returns an unstarted libpython-clj backend. Options:
  * `:python` - Python executable that has k9tf (default: see
    `k9tf.bridge.env/python-executable`)
  * `:libpython` - libpython path (default: `K9TF_LIBPYTHON`, else asked of `:python`)"
  [opts]
  (map->LibpythonBackend {:kind :libpython-clj :opts opts :gate (gate/gate)}))
