(ns k9tf.python
  "Calls the k9tf Python core through one of several backends, behind one API.

  Backends (see `backends`): `:libpython-clj` when libpython-clj is on the
  classpath, `:jna` (CPython embedded through JNA) in a plain JVM, and
  `:jpype` when Python hosts this JVM (`python -m k9tf clj`). The first call
  starts one automatically; `K9TF_BACKEND` / `-Dk9tf.backend` or `init!`
  force a choice.

      (require '[k9tf.python :as py])
      (py/init! :jna)
      (py/call \"ff\" [[:input [1 0]] [:network net]] {})

  Arguments and results cross as JSON text, so doubles survive bit-exactly;
  NaN and Inf are refused with ex-info. Python errors come back as ex-info."
  (:require [clojure.data.json :as json]
            [clojure.java.io :as io]
            [clojure.string :as str]
            [k9tf.bridge.protocol :as p]))

(set! *warn-on-reflection* true)

(def backends
  "Maps each backend keyword to the constructor that takes an options map."
  {:libpython-clj 'k9tf.bridge.libpython/libpython-backend
   :jna 'k9tf.bridge.jna/jna-backend
   :jpype 'k9tf.bridge.jpype/jpype-backend})

(defonce ^:private current (atom nil))

(def ^:dynamic *backend*
  "When bound (see `with-backend`), the backend calls use instead of the current one."
  nil)

(defn- kind-of [backend] (:kind backend))

(defn- forced-backend []
  (some-> (or (System/getProperty "k9tf.backend") (System/getenv "K9TF_BACKEND"))
          str/trim not-empty keyword))

(defn libpython-clj-available?
  "Returns true when libpython-clj is on the classpath."
  []
  (some? (io/resource "libpython_clj2/python.clj")))

(defn default-backend
  "Returns the backend keyword a first call starts: the forced one
  (`K9TF_BACKEND` or `-Dk9tf.backend`), else `:libpython-clj` when available,
  else `:jna`."
  []
  (or (forced-backend) (if (libpython-clj-available?) :libpython-clj :jna)))

(defn backend
  "Returns a started backend of kind `kind` (see `backends`) with `opts`.
  Options depend on the backend; see its constructor."
  ([kind] (backend kind {}))
  ([kind opts]
   (let [ctor (get backends kind)]
     (when-not ctor
       (throw (ex-info (str "Unknown k9tf backend " kind "; choose one of "
                            (str/join ", " (keys backends)) ".")
                       {:k9tf/error :invalid-arg :arg :backend :value kind
                        :expected (set (keys backends))})))
     (try (p/-start! ((requiring-resolve ctor) opts))
          (catch clojure.lang.ExceptionInfo e (throw e))
          (catch Throwable e ; e.g. NoClassDefFoundError: jna.jar missing
            (throw (ex-info (str "k9tf backend " kind " cannot start: "
                                 (last (take-while some? (iterate ex-cause e)))
                                 " (are its jars on the classpath?)")
                            {:k9tf/error :backend :backend kind} e)))))))

(defn set-backend!
  "Makes `b` the backend every call uses: a started backend, or a keyword
  (optionally with `opts`) to start one. Returns the backend."
  ([b] (set-backend! b {}))
  ([b opts]
   (let [started (if (keyword? b) (backend b opts) b)]
     (reset! current started))))

(defn init!
  "Starts the default backend (see `default-backend`), or `kind` with `opts`,
  and makes it current. Returns the backend."
  ([] (init! (default-backend) {}))
  ([kind] (init! kind {}))
  ([kind opts] (set-backend! kind opts)))

(defmacro with-backend
  "Evaluates body with calls going to backend `b` (started, or a keyword)."
  [b & body]
  `(binding [*backend* (let [b# ~b] (if (keyword? b#) (backend b#) b#))]
     ~@body))

(defn current-backend
  "Returns the backend calls use now, starting the default one if none is."
  []
  (or *backend*
      @current
      (locking current (or @current (init!)))))

(defn current-backend-kind
  "Returns the keyword of the backend calls use now (starting one if needed)."
  []
  (kind-of (current-backend)))

(defn- snake [k] (str/replace (if (keyword? k) (name k) (str k)) "-" "_"))
(defn- kebab [k] (keyword (str/replace k "_" "-")))

(defn- refusal
  "Returns the exception JSON raises writing `v`, or nil."
  [v]
  (try (json/write-str v) nil
       (catch Exception e e)))

(defn- encode
  "Returns the JSON request, or throws ex-info naming the argument JSON refuses."
  [fn-name named-args kwargs id]
  (try
    (json/write-str {:fn fn-name :args (mapv second named-args) :kwargs kwargs :id id}
                    :key-fn snake)
    (catch Exception e
      (let [[arg v] (first (filter (comp refusal second) (concat named-args kwargs)))]
        (throw (ex-info (str (some-> arg name) " must be plain data of finite numbers: "
                             (ex-message (or (refusal v) e)))
                        {:k9tf/error :invalid-arg :arg arg :fn fn-name
                         :expected "finite numbers, strings, vectors and maps"}
                        e))))))

;;; Interrupting calls: a watcher asks Python to stop the calls of interrupted threads.

(defonce ^:private call-ids (java.util.concurrent.atomic.AtomicLong.))
(defonce ^:private running
  ;; Thread -> [call id, backend, interrupt already sent?]
  (java.util.concurrent.ConcurrentHashMap.))

(defn- watch-interrupts []
  (loop []
    (Thread/sleep 100)
    (doseq [[^Thread thread [id b sent?]] running
            :when (and (not sent?) (.isInterrupted thread))]
      (.replace ^java.util.Map running thread [id b true])
      (try (p/-call b (encode "interrupt" [[:id id]] {} nil))
           (catch Exception _)))
    (recur)))

(defonce ^:private watcher
  (delay (doto (Thread. ^Runnable watch-interrupts "k9tf-interrupt-watcher")
           (.setDaemon true)
           (.start))))

(defn- call-interruptibly
  "Sends `request` with call `id` on backend `b`; an interrupt of this thread
  (e.g. `future-cancel`) stops the Python call within about a second."
  [b id request]
  @watcher
  (let [thread (Thread/currentThread)]
    (.put ^java.util.Map running thread [id b false])
    (try (p/-call b request)
         (finally (.remove ^java.util.Map running thread)))))

(defn- error-kind [type]
  (case type
    ("ValueError" "TypeError") :invalid-arg
    "KeyboardInterrupt" :interrupted
    :python))

(defn- python-error [b fn-name {:keys [type message arg traceback]}]
  (ex-info (if (= type "KeyboardInterrupt") (str fn-name " was interrupted") message)
           (cond-> {:k9tf/error (error-kind type)
                    :type type :message message :traceback traceback
                    :py-type type :py-message message
                    :backend (kind-of b) :fn fn-name}
             arg (assoc :arg (kebab arg)))))

(defn call
  "Calls Python function `fn-name` of `k9tf.jvm` with `named-args`, a
  vector of `[arg-keyword value]` pairs, and `kwargs`, a map of kebab-case
  keyword options. Returns the result as Clojure data (keyword keys in
  kebab-case, vectors, doubles). Throws ex-info with `:k9tf/error`, `:type`,
  `:message`, `:arg` (when known) and `:traceback` on a Python error, and
  with `:k9tf/error :interrupted` when this thread is interrupted meanwhile."
  [fn-name named-args kwargs]
  (let [b (current-backend)
        id (.incrementAndGet ^java.util.concurrent.atomic.AtomicLong call-ids)
        reply (try (call-interruptibly b id (encode fn-name named-args kwargs id))
                   (catch clojure.lang.ExceptionInfo e (throw e))
                   (catch Exception e
                     (throw (ex-info (str "k9tf backend " (kind-of b) " failed: " (ex-message e))
                                     {:k9tf/error :backend :backend (kind-of b) :fn fn-name}
                                     e))))
        decoded (json/read-str reply :key-fn kebab)]
    (if (contains? decoded :ok)
      (:ok decoded)
      (throw (python-error b fn-name (:error decoded))))))
