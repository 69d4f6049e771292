(ns k9tf.core
  "Builds, trains and runs small neural networks with k9's API; every number is
  computed by the k9tf Python core (TensorFlow) through `k9tf.python`.

      (require '[k9tf.core :as k9])
      (def nnet (k9/construct-network 2 3 2))
      (def samples (repeatedly 1000 k9/nand-gen))       ; [[n1 n2] [and? nand?]]
      (def trained (k9/train-epochs 500 nnet samples 0.5))
      (k9/ff [1 1] trained)                             ; => [0.99.. 0.00..]

  Networks are plain maps (keyword keys, vectors of doubles): printable,
  `=`-comparable, EDN- and JSON-safe; training returns a new one. Bad
  arguments throw ex-info whose data has `:k9tf/error :invalid-arg`, the
  `:arg` and the Python `:message`."
  (:require [clojure.set :as set]
            [k9tf.python :as py]))

(set! *warn-on-reflection* true)

(def default-network-options
  "Options of `construct-network`; nil means the `:model` preset's choice.
  * `:model` - `:default` (learns reliably: tanh, softmax, Glorot init),
    `:article` (the 2016 article's relu model) or `:k9` (k9's exactly)
  * `:activation` - hidden units: `:tanh`, `:relu` or `:sigmoid`
  * `:output` - `:softmax`, `:linear`, `:tanh` or `:sigmoid`
  * `:loss` - `:softmax-cross-entropy` or `:squared-error`
  * `:bias` - whether biases are trained
  * `:init` - `:glorot-uniform`, `:truncated-normal` or `:k9-uniform`
  * `:dtype` - `:float32` or `:float64`
  * `:seed` - makes the weights reproducible (nil: random)"
  {:model :default :activation nil :output nil :loss nil :bias nil :init nil :dtype nil
   :seed nil})

(def default-train-options
  "Options of `train-data`, `train-epochs` and `train`.
  * `:batch-size` - samples per update: 1 is k9's online training (default),
    `:full` (or nil) the article's full batch, any other int mini-batches
  * `:shuffle` - reorder samples each epoch (default false)
  * `:seed` - seed of the shuffle order (default nil: random)
  * `:validation` - held-out samples scored at each report (default nil)
  * `:report-every` - steps between history records, logged in the article's
    words by the Python core (default nil; `train` uses 200)
  * `:loop` - `:xla` (one compiled TensorFlow loop, default) or `:session`
    (the article's one `Session.run` a step)"
  {:batch-size 1 :shuffle false :seed nil :validation nil :report-every nil :loop :xla})

(defn- checked-options
  "Returns `opts` merged over `defaults`, throwing ex-info on unknown keys."
  [fn-name defaults opts]
  (let [unknown (set/difference (set (keys opts)) (set (keys defaults)))]
    (when (seq unknown)
      (throw (ex-info (str fn-name " got unknown options " unknown)
                      {:k9tf/error :invalid-arg :arg :options :value unknown
                       :expected (set (keys defaults))})))
    (merge defaults opts)))

(defn- network-call [sizes opts]
  (let [opts (checked-options "construct-network" default-network-options opts)]
    (py/call "construct_network" [[:sizes sizes]] opts)))

(defn construct-network
  "Constructs a network with random weights and zero biases, like k9:
  `(construct-network num-in num-hidden num-out)` has one hidden layer;
  `(construct-network size-in size-hidden num-hidden size-out)` has
  `num-hidden` hidden layers of `size-hidden`. Either takes a trailing map
  of `default-network-options` (`(construct-network 2 2 opts)` has no hidden
  layer); `(construct-network {:sizes [2 16 16 2] ...})` takes any sizes."
  ([opts]
   (when-not (map? opts)
     (throw (ex-info "construct-network with one argument needs an options map with :sizes"
                     {:k9tf/error :invalid-arg :arg :options :value opts})))
   (network-call (:sizes opts) (dissoc opts :sizes)))
  ([num-in num-hidden num-out]
   (if (map? num-out)
     (network-call [num-in num-hidden] num-out)
     (network-call [num-in num-hidden num-out] {})))
  ([size-in size-hidden num-hidden-or-out size-out-or-opts]
   (if (map? size-out-or-opts)
     (network-call [size-in size-hidden num-hidden-or-out] size-out-or-opts)
     (construct-network size-in size-hidden num-hidden-or-out size-out-or-opts {})))
  ([size-in size-hidden num-hidden size-out opts]
   (when-not (and (integer? num-hidden) (not (neg? num-hidden)))
     (throw (ex-info "num-hidden must be an int >= 0"
                     {:k9tf/error :invalid-arg :arg :num-hidden :value num-hidden})))
   (network-call (concat [size-in] (repeat (max 1 num-hidden) size-hidden) [size-out]) opts)))

(defn from-k9
  "Converts a k9 network value (its vector `[input W hidden W ... output]`)
  into a `:model \"k9\"` network with the same weights."
  [k9-network]
  (py/call "from_k9" [[:k9-network k9-network]] {}))

(defn ff
  "Feeds `input` (a vector of numbers, or a vector of such vectors) through
  `network` and returns the output vector (or one per input)."
  [input network]
  (py/call "ff" [[:input input] [:network network]] {}))

(defn- train-options [fn-name opts]
  (let [opts (checked-options fn-name default-train-options opts)]
    (cond-> opts (= :full (:batch-size opts)) (assoc :batch-size nil))))

(defn train-data
  "Returns `network` trained for one pass over `data`, k9's
  `[[input target] ...]` (or `{:inputs [...] :labels [...]}`), with learning
  rate `lrate`. Options are `default-train-options`, as trailing keys or a map."
  [network data lrate & {:as opts}]
  (py/call "train_epochs" [[:epochs 1] [:network network] [:samples data] [:learning-rate lrate]]
           (train-options "train-data" opts)))

(defn train-epochs
  "Returns `network` trained for `n` passes over `data` with learning rate
  `lrate`. Options are the same as for `train-data`."
  [n network data lrate & {:as opts}]
  (py/call "train_epochs" [[:epochs n] [:network network] [:samples data] [:learning-rate lrate]]
           (train-options "train-epochs" opts)))

(defn train
  "Trains like `train-epochs` and returns `{:network trained :history h}`,
  where h has vectors `:step`, `:cost`, `:train-accuracy`,
  `:validation-accuracy` and `:seconds`, one entry per report. Options are
  those of `train-data` plus `:epochs` (default 1); `:report-every` defaults
  to 200."
  [network data lrate & {:as opts}]
  (let [epochs (get opts :epochs 1)
        opts (train-options "train" (merge {:report-every 200} (dissoc opts :epochs)))]
    (py/call "train" [[:network network] [:samples data] [:learning-rate lrate]]
             (assoc opts :epochs epochs))))

(defn nand-gen
  "Returns one random NAND sample `[[n1 n2] [and? nand?]]` of 0/1 (the article's)."
  []
  (py/call "nand_gen" [] {}))

(defn xor-gen
  "Returns one random XOR sample `[[n1 n2] [xor? (not xor?)]]` of 0/1."
  []
  (py/call "xor_gen" [] {}))

(defn and-gen
  "Returns one random AND sample `[[n1 n2] [and? (not and?)]]` of 0/1."
  []
  (py/call "and_gen" [] {}))

(defn or-gen
  "Returns one random OR sample `[[n1 n2] [or? (not or?)]]` of 0/1."
  []
  (py/call "or_gen" [] {}))

(defn sample-logic
  "Returns `n` samples of logic function `f` (`:xor`, `:nand`, `:and` or
  `:or`) as k9 pairs `[[[x1 x2] [f? (not f?)]] ...]` of doubles, like the
  article's `sample_logic_fn`. Option `:seed` makes them reproducible."
  [f n & {:keys [seed] :as opts}]
  (checked-options "sample-logic" {:seed nil} opts)
  (let [{:keys [inputs labels]} (py/call "sample_logic" [[:f f] [:samples n]] {:seed seed})]
    (mapv vector inputs labels)))

(defn accuracy
  "Returns the fraction of rows whose largest value is at the same index in
  `predictions` and `labels`."
  [predictions labels]
  (py/call "accuracy" [[:predictions predictions] [:labels labels]] {}))

(defn save-network
  "Saves `network` to the JSON file `path` atomically (a crash leaves any old
  file intact) and returns `path`."
  [network path]
  (py/call "save_network" [[:network network] [:path (str path)]] {}))

(defn load-network
  "Loads and validates the network saved at `path`."
  [path]
  (py/call "load_network" [[:path (str path)]] {}))

(def default-sweep-options
  "Options of `sweep`: the grid's axes (each a collection of values) and where it runs.
  * `:seeds` - seeds of the weights and of a logic task's samples (default `(range 10)`)
  * `:learning-rates` - each > 0 (default `[0.5]`)
  * `:sizes` - architectures, input first; a logic task needs 2 in, 2 out
    (default `[[2 3 2]]`)
  * `:models` - presets `:default`, `:article`, `:k9` (default `[:default]`)
  * `:activations` - hidden activations `:tanh`, `:relu`, `:sigmoid`, or nil for
    the model's (default `[nil]`)
  * `:batch-sizes` - 1 is online, `:full` (or nil) the full batch, other ints
    mini-batches (default `[1]`)
  * `:epochs` - each >= 0 (default `[500]`)
  * `:n-samples` - training samples a logic task draws per run (default 1000)
  * `:validation` - validation samples for every run (default nil: a logic task
    draws its own, given samples have none)
  * `:scheduler` - `:local` starts a Dask cluster of worker processes for the
    call, `:serial` runs in the Python process without Dask, a string like
    `\"tcp://127.0.0.1:8786\"` uses that running Dask scheduler (default `:local`)
  * `:n-workers` - worker processes of the `:local` cluster (default nil: one
    per core)
  * `:progress` - a progress bar on Python's stderr when it is a terminal
    (default true)"
  {:seeds (range 10) :learning-rates [0.5] :sizes [[2 3 2]] :models [:default]
   :activations [nil] :batch-sizes [1] :epochs [500] :n-samples 1000 :validation nil
   :scheduler :local :n-workers nil :progress true})

(defn sweep
  "Trains one seeded network per point of a grid and returns a vector of maps,
  one per run in grid order (seeds vary fastest). `task` is a logic task
  (`:xor`, `:nand`, `:and`, `:or`), a vector of them (one more axis), or
  samples as `train-epochs` takes them. Each map has the run's `:task` (nil
  for samples), `:model`, `:activation`, `:sizes` (like \"2-3-2\"),
  `:learning-rate`, `:batch-size` (nil: full batch), `:epochs`, `:seed`,
  `:samples`, and its scores `:cost`, `:train-accuracy`,
  `:validation-accuracy`, `:learned` (all four logic inputs right; for
  samples, all of them), `:diverged` and `:seconds`. All but `:seconds` are
  the same whatever the scheduler. Options are `default-sweep-options`, as
  trailing keys or a map. See: `k9tf.sweep` in Python.

      (sweep :xor {:seeds (range 100) :learning-rates [0.1 0.5] :scheduler :serial})"
  [task & {:as opts}]
  (let [opts (checked-options "sweep" default-sweep-options opts)
        full->nil (fn [batch-size] (when-not (= :full batch-size) batch-size))]
    (py/call "sweep" [[:task task]]
             (cond-> opts
               (sequential? (:batch-sizes opts)) (update :batch-sizes #(mapv full->nil %))))))
