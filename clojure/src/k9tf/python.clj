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

  Arguments and results cross as frames of `k9tf.codec`: a JSON header for
  the structure and packed float64 blocks for numbers, so doubles survive
  bit-exactly and big arrays cost little; NaN and Inf are refused with
  ex-info. Python errors come back as ex-info."
  (:require [clojure.java.io :as io]
            [clojure.string :as str]
            [k9tf.bridge.protocol :as p]
            [k9tf.codec :as codec]
            [k9tf.kept :as kept]))

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

(defn- greet!
  "Returns started backend `b` with its Python core's greeting (`:version`,
  `:frames`, `:limits`) as metadata `:k9tf/core`, if the core reads this
  side's frames (`k9tf.codec/frame-format`); else throws ex-info naming both."
  [b]
  (let [reply (p/-call b (codec/encode {:fn "hello" :args [] :kwargs {}})
                       #(codec/unpack % :key-fn keyword))
        core (:ok reply)
        frames (when (map? core) (:frames core))]
    (when-not (= codec/frame-format frames)
      (throw (ex-info (str "k9tf's Python core "
                           (if (map? core) (str (:version core) " speaks frame format " frames)
                               (str (or core "(unknown)") " predates frame format "
                                    codec/frame-format))
                           ", this Clojure side speaks " codec/frame-format
                           "; install the same k9tf version of both.")
                      {:k9tf/error :backend :backend (kind-of b) :frames codec/frame-format
                       :python-version (if (map? core) (:version core) core)})))
    (vary-meta b assoc :k9tf/core core)))

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
     (try (greet! (p/-start! ((requiring-resolve ctor) opts)))
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

(defn core
  "Returns the current backend's Python core greeting: `:version` (k9tf's),
  `:frames` (the frame format) and `:limits` (see `k9tf.core/limits`)."
  []
  (:k9tf/core (meta (current-backend))))

(defn version
  "Returns the k9tf version of the Python core the current backend runs."
  []
  (:version (core)))

(defn current-backend-kind
  "Returns the keyword of the backend calls use now (starting one if needed)."
  []
  (kind-of (current-backend)))

(defonce ^:private snake-names
  ;; keyword -> its name in snake_case, for at most 4096 keywords
  (java.util.concurrent.ConcurrentHashMap.))

(defn- snake [k]
  (if (keyword? k)
    (or (.get ^java.util.Map snake-names k)
        (let [s (str/replace (name k) "-" "_")]
          (when (< (.size ^java.util.Map snake-names) 4096) (.put ^java.util.Map snake-names k s))
          s))
    (str/replace (str k) "-" "_")))
(defn- kebab [k] (keyword (str/replace k "_" "-")))

(defn- refused
  "Returns the ex-info of the codec's refusal `e` of a request of `fn-name`,
  naming the argument (of `named-args` or a kwarg) its path leads to."
  [fn-name named-args e]
  (let [{[section k] :path :as data} (ex-data e)
        arg (if (= :args section) (first (nth named-args k nil)) k)]
    (ex-info (str (some-> arg name) " " (ex-message e))
             (-> data (dissoc :path) (assoc :arg arg :fn fn-name)) e)))

(defn- encode-request
  "Returns the request encoded as a frame (see `k9tf.codec/encode`), or
  throws ex-info naming the argument the codec refuses."
  [fn-name named-args kwargs id keep]
  (try
    (codec/encode (cond-> {:fn fn-name :args (mapv second named-args) :kwargs kwargs :id id}
                    keep (assoc :keep keep))
                  :key-fn snake)
    (catch clojure.lang.ExceptionInfo e
      (throw (refused fn-name named-args e)))))

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
      (try (p/-call b (encode-request "interrupt" [[:id id]] {} nil nil) (constantly nil))
           (catch Exception _)))
    (recur)))

(defonce ^:private watcher
  (delay (doto (Thread. ^Runnable watch-interrupts "k9tf-interrupt-watcher")
           (.setDaemon true)
           (.start))))

(defn- call-interruptibly
  "Sends `request` with call `id` on backend `b` and returns the reply read
  by `read`; an interrupt of this thread (e.g. `future-cancel`) stops the
  Python call within about a second."
  [b id request read]
  @watcher
  (let [thread (Thread/currentThread)]
    (.put ^java.util.Map running thread [id b false])
    (try (p/-call b request read)
         (finally (.remove ^java.util.Map running thread)))))

(defn- error-kind [type]
  (case type
    ("ValueError" "TypeError") :invalid-arg
    "KeyboardInterrupt" :interrupted
    :python))

(defn- interrupted
  "Returns the ex-info of an interrupted call, clearing this thread's
  interrupt status as a method throwing InterruptedException does."
  [b fn-name data]
  (Thread/interrupted)
  (ex-info (str fn-name " was interrupted")
           (merge {:k9tf/error :interrupted :backend (kind-of b) :fn fn-name} data)))

(defn- python-error [b fn-name {:keys [type message arg traceback]}]
  (if (= type "KeyboardInterrupt")
    (interrupted b fn-name {})
    (ex-info message (cond-> {:k9tf/error (error-kind type) :py-type type :py-message message
                              :py-traceback traceback :backend (kind-of b) :fn fn-name}
                       arg (assoc :arg (kebab arg))))))

(defn call
  "Calls Python function `fn-name` of the k9tf core (`k9tf.jvm.call`) with
  `named-args`, a vector of `[arg-keyword value]` pairs, and `kwargs`, a map of
  kebab-case keyword options. Returns the result as Clojure data (keyword keys
  in kebab-case, vectors, longs and doubles). Throws ex-info with
  `:k9tf/error` (`:invalid-arg`, `:python`, `:interrupted` or `:backend`),
  `:arg` (when known), `:py-type`, `:py-message` and `:py-traceback` on a
  Python error.

  A value marked with `k9tf.kept/network` crosses once (see `k9tf.kept`): a
  network Python no longer keeps is sent again, in full, within the call.
  Options:
  * `:result` - turns the result into the value returned (default identity)
  * `:network` - picks the network out of that value, for Python to keep
    and later calls to send by ref (default nil: none)

  Interruption follows java.util.concurrent: a call made or running while
  this thread is interrupted (e.g. `future-cancel`) stops within about a
  second and throws ex-info `:interrupted`, clearing the interrupt status; a
  call that finished before seeing the interrupt returns normally and leaves
  the status set."
  ([fn-name named-args kwargs] (call fn-name named-args kwargs nil))
  ([fn-name named-args kwargs {:keys [result network]}]
   (let [b (current-backend)]
     (when (Thread/interrupted)
       (throw (interrupted b fn-name {})))
     (loop [resend? false]
       (let [[args pending] (kept/outgoing named-args resend?)
             id (.incrementAndGet ^java.util.concurrent.atomic.AtomicLong call-ids)
             keep (when network (kept/next-ref))
             request (encode-request fn-name args kwargs id keep)
             decoded (try (call-interruptibly b id request #(codec/unpack % :key-fn kebab))
                          (catch clojure.lang.ExceptionInfo e
                            ;; NaN or Inf in a block, found as the frame was written
                            (throw (if (:path (ex-data e)) (refused fn-name args e) e)))
                          (catch Exception e
                            (throw (ex-info (str "k9tf backend " (kind-of b) " failed: "
                                                 (ex-message e))
                                            {:k9tf/error :backend :backend (kind-of b)
                                             :fn fn-name}
                                            e))))]
         (cond
           (contains? decoded :ok)
           (let [out (cond-> (:ok decoded) result result)]
             (doseq [[net ref] pending] (kept/remember! net ref))
             (when (:kept decoded) (kept/remember! (network out) keep))
             out)
           (and (contains? decoded :missing) (not resend?)) (recur true)
           :else (throw (python-error b fn-name (or (:error decoded)
                                                    {:type "MissingNetwork"
                                                     :message (str "Python lost network "
                                                                   (:missing decoded))})))))))))

(defn python-info
  "Returns which Python the current backend runs: `:version` (`sys.version`),
  `:prefix`, `:executable` and `:ssl` (OpenSSL's version, proving that
  compiled modules load)."
  []
  (call "python_info" [] {}))
