(ns k9tf.bridge.jna
  "Embedded CPython through JNA: loads libpython into this JVM and calls the
  k9tf core in-process. Any JVM thread may call; each call holds the GIL only
  while Python runs. A call is one native call into an entry point of
  `k9tf.jvm._native` (see `k9tf.bridge.native`). One interpreter per JVM,
  started on first use and never finalised."
  (:require [k9tf.bridge.env :as env]
            [k9tf.bridge.gate :as gate]
            [k9tf.bridge.native :as native]
            [k9tf.bridge.protocol :as p])
  (:import (com.sun.jna Function Library Memory NativeLibrary Pointer)
           (com.sun.jna.ptr LongByReference PointerByReference)
           (java.nio.charset StandardCharsets)))

(set! *warn-on-reflection* true)

(def ^:private rtld-now-global (int 0x102))

;;; C API access

(defn- function ^Function [^NativeLibrary lib fname] (.getFunction lib fname))

(defn- invoke-ptr ^Pointer [lib fname & args]
  (.invoke (function lib fname) Pointer (object-array args)))

(defn- invoke-int [lib fname & args]
  (long (.invoke (function lib fname) Integer (object-array args))))

(defn- decref [lib ^Pointer obj]
  (when obj (.invokeVoid (function lib "Py_DecRef") (object-array [obj]))))

(defn- utf8 ^String [lib ^Pointer obj]
  (let [size (LongByReference.)
        chars (invoke-ptr lib "PyUnicode_AsUTF8AndSize" obj size)]
    (String. (.getByteArray chars 0 (int (.getValue size))) StandardCharsets/UTF_8)))

(defn- fetch-error
  "Returns the pending Python exception's text (and clears it)."
  [lib]
  (let [refs (repeatedly 3 #(PointerByReference.))]
    (.invokeVoid (function lib "PyErr_Fetch") (object-array refs))
    (let [[kind value tb] (map #(.getValue ^PointerByReference %) refs)
          text (when value
                 (let [s (invoke-ptr lib "PyObject_Str" value)]
                   (try (utf8 lib s) (finally (decref lib s)))))]
      (run! #(decref lib %) [kind value tb])
      (or text "unknown Python error"))))

(defn- checked ^Pointer [lib what ^Pointer obj]
  (or obj (throw (ex-info (str what " failed: " (fetch-error lib))
                          {:k9tf/error :backend :backend :jna}))))

;;; The interpreter

(defonce ^:private interpreter (atom nil))

(defn- with-gil* [lib f]
  (if (native/gil-held? lib)
    (f) ; Python up the stack holds the GIL already (a JVM hosted by Python)
    (do (if-let [thread-state (.get ^ThreadLocal native/thread-states)]
          (.invokeVoid (function lib "PyEval_RestoreThread") (object-array [thread-state]))
          (invoke-int lib "PyGILState_Ensure")) ; creates this thread's state, kept
        (try (f)
             (finally
               (.set ^ThreadLocal native/thread-states (invoke-ptr lib "PyEval_SaveThread")))))))

(defn- call-native
  "Sends `request` through `k9tf.bridge.native/call`, unless the JVM is exiting."
  [{:keys [entries gate]} request read]
  (gate/through gate :jna #(native/call entries :jna request read)))

(defn- entry-points
  "Returns the C addresses `[call-at fetch-reply]` of k9tf.jvm._native's entry
  points, or throws ex-info if `python` cannot import k9tf."
  [lib python]
  (let [module (or (invoke-ptr lib "PyImport_ImportModule" "k9tf.jvm._native")
                   (throw (ex-info (str "Python " python " cannot import k9tf: "
                                        (fetch-error lib) ". Install it (`pip install "
                                        "k9tf`, or `make setup` in a checkout) or set "
                                        "K9TF_PYTHON to a Python that has k9tf.")
                                   {:k9tf/error :backend :backend :jna :python python})))
        f (try (checked lib "getattr entry_points"
                        (invoke-ptr lib "PyObject_GetAttrString" module "entry_points"))
               (finally (decref lib module)))
        addresses (try (checked lib "entry_points()" (invoke-ptr lib "PyObject_CallObject" f nil))
                       (finally (decref lib f)))]
    (try (mapv (fn [i]
                 (.invoke (function lib "PyLong_AsVoidPtr") Long
                          (object-array [(invoke-ptr lib "PyTuple_GetItem" addresses (long i))])))
               [0 1])
         (finally (decref lib addresses)))))

(defn- start-interpreter [opts]
  (let [python (env/python-executable opts)
        path (env/libpython-path opts python)
        ^java.util.Map open-options {Library/OPTION_OPEN_FLAGS rtld-now-global}
        lib (try (NativeLibrary/getInstance ^String path open-options)
                 (catch UnsatisfiedLinkError e
                   (throw (ex-info (str "Cannot load libpython " path ": " (ex-message e))
                                   {:k9tf/error :backend :backend :jna :libpython path} e))))
        ;; Py_SetProgramName keeps the pointer: the Memory must live forever.
        program (doto (Memory. (* 4 (inc (count python)))) (.setWideString 0 python))
        fresh? (zero? (invoke-int lib "Py_IsInitialized"))
        _ (when fresh?
            (.invokeVoid (function lib "Py_SetProgramName") (object-array [program]))
            (.invokeVoid (function lib "Py_InitializeEx") (object-array [(int 0)]))
            (invoke-ptr lib "PyEval_SaveThread"))
        entries (native/entry-points lib (with-gil* lib #(entry-points lib python)))
        state {:lib lib :program program :gate (gate/gate) :python python
               :libpython path :entries entries}]
    (native/add-exit-hook! (:gate state) entries :jna)
    state))

(defn- interpreter! [opts]
  (or @interpreter
      (locking interpreter
        (or @interpreter (reset! interpreter (start-interpreter opts))))))

(defrecord JnaBackend [kind opts state]
  p/PBridge
  (-start! [b] (assoc b :state (interpreter! opts)))
  (-call [_ request read] (call-native state request read))
  (-stop! [b] b))

(defn jna-backend
  "Returns an unstarted embedded-CPython backend. Options:
  * `:python` - Python executable whose environment has k9tf (default: see
    `k9tf.bridge.env/python-executable`)
  * `:libpython` - path of libpython3.x.so (default: `K9TF_LIBPYTHON`, else
    asked of `:python`)
  The interpreter is process-wide: the first started backend's options win."
  [opts]
  (map->JnaBackend {:kind :jna :opts opts}))
