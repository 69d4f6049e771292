(ns k9tf.bridge.libpython
  "Backend over libpython-clj (clj-python/libpython-clj 2.x), used when it is on
  the classpath (deps.edn alias `:libpython-clj`). libpython-clj is resolved at
  start, so this namespace loads without it."
  (:require [k9tf.bridge.protocol :as p]))

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

(defrecord LibpythonBackend [kind opts bridge py-call-attr py->jvm]
  p/PBridge
  (-start! [b]
    (let [initialize! (resolve-py 'initialize!)
          import-module (resolve-py 'import-module)
          python (or (:python opts) (System/getProperty "k9tf.python")
                     (System/getenv "K9TF_PYTHON") "python3")]
      (apply initialize! (cond-> [:python-executable python]
                           (:library-path opts) (conj :library-path (:library-path opts))))
      (assoc b
             :bridge (import-module "k9tf.jvm")
             :py-call-attr (resolve-py 'call-attr)
             :py->jvm (resolve-py '->jvm))))
  (-call [_ request]
    (str (py->jvm (py-call-attr bridge "call" request))))
  (-stop! [b] b))

(defn libpython-backend
  "Returns an unstarted libpython-clj backend. Options:
  * `:python` - Python executable that has k9tf (default: `-Dk9tf.python`,
    `K9TF_PYTHON`, else `python3`)
  * `:library-path` - libpython path, passed to `py/initialize!`"
  [opts]
  (map->LibpythonBackend {:kind :libpython-clj :opts opts}))
