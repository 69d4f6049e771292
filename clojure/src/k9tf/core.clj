(ns k9tf.core
  "Builds, trains and runs small neural networks with k9's API; every number is
  computed by the k9tf Python core (TensorFlow) through `k9tf.python`.

      (require '[k9tf.core :as k9])
      (def nnet (k9/construct-network 2 3 2))
      (def samples (repeatedly 1000 k9/nand-gen))       ; [[n1 n2] [and? nand?]]
      (def trained (k9/train-epochs 500 nnet samples 0.5))
      (k9/ff [1 1] trained)                             ; => [0.99.. 0.00..]

  Networks are plain maps (keyword keys, keyword option values, vectors of
  doubles): printable, `=`-comparable, EDN-safe; training returns a new one.
  Numbers cross to Python as packed float64 blocks (see `k9tf.codec`); inputs
  and samples may be vectors, `double-array`s or 2-d Java arrays. Bad
  arguments throw ex-info whose data has `:k9tf/error :invalid-arg`, the
  `:arg` and the Python `:py-message`."
  (:require [clojure.set :as set]
            [k9tf.codec :as codec]
            [k9tf.kept :as kept]
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
  * `:seed` - seed of the shuffle order and of the validation split
    (default nil: random)
  * `:validation` - held-out samples, scored at each report and each epoch
    (default nil)
  * `:report-every` - steps between history records, logged in the article's
    words by the Python core (default nil; `train` uses 200)
  * `:report` - what a record scores: `:running` (the running mean of the
    batches since the last record, computed inside the loop, default) or
    `:full` (the whole training set at the record's weights)
  * `:loop` - `:xla` (one compiled TensorFlow loop, default) or `:session`
    (the article's one `Session.run` a step; plain gradient descent only)
  * `:optimizer` - `:sgd` (gradient descent, default) or `:adam`
  * `:momentum` - `:sgd`'s momentum, in [0, 1) (default 0.0: plain descent)
  * `:nesterov` - `:sgd`'s Nesterov momentum (default false)
  * `:beta-1`, `:beta-2`, `:epsilon` - `:adam`'s decay rates of its moment
    estimates and its denominator's term (defaults 0.9, 0.999, 1e-8)
  * `:alpha` - L2 penalty on the weights, scikit-learn's (default 0.0)
  * `:schedule` - the learning rate per epoch: `:constant` (default),
    `:invscaling` (lrate / (1 + samples seen) ^ `:power-t`) or `:step`
    (times `:decay-rate` every `:decay-epochs` epochs)
  * `:power-t`, `:decay-rate`, `:decay-epochs` - the schedules' numbers
    (defaults 0.5, 0.5, 10)
  * `:early-stopping` - stop once the validation loss has not improved by
    more than `:tol` for more than `:patience` epochs in a row (default false)
  * `:validation-fraction` - the share of samples held out for early stopping
    when `:validation` is nil, drawn with `:seed` (default 0.1)
  * `:patience`, `:tol` - early stopping's epochs and least improvement
    (defaults 10, 1e-4)
  * `:restore-best` - return the weights of the best validation epoch when
    early stopping (default true)
  See: `k9tf.train` in Python, which takes the same options in snake_case."
  {:batch-size 1 :shuffle false :seed nil :validation nil :report-every nil
   :report :running :loop :xla
   :optimizer :sgd :momentum 0.0 :nesterov false :beta-1 0.9 :beta-2 0.999 :epsilon 1e-8
   :alpha 0.0 :schedule :constant :power-t 0.5 :decay-rate 0.5 :decay-epochs 10
   :early-stopping false :validation-fraction 0.1 :patience 10 :tol 1e-4 :restore-best true})

(defn limits
  "Returns the sizes beyond which arguments are refused before anything is
  sent, so that an infinite or absurd sequence fails at once with ex-info
  naming it. They are the Python core's (read when the backend starts), which
  it checks again:
  * `:layers` - most weight layers (`:sizes` has one more entry)
  * `:units` - most numbers in one input row or one layer
  * `:samples` - most samples in one training call
  * `:rows` - most input rows in one `ff` or `accuracy` call
  * `:runs` - most values on one axis of a `sweep` (and runs in it)"
  []
  (:limits (py/core)))

(defn- invalid
  "Returns the ex-info for bad argument `arg` with value `value`."
  [message arg value & {:as more}]
  (ex-info message (merge {:k9tf/error :invalid-arg :arg arg :value value} more)))

(defn- sequence-like? [x]
  (or (sequential? x) (and (some? x) (.isArray (class x)))))

(defn- bounded!
  "Returns `coll`, throwing ex-info for `arg` if it has more than `limit` items."
  [arg coll limit what]
  (when (and (sequential? coll) (> (bounded-count (inc limit) coll) limit))
    (throw (invalid (str (name arg) " has more than " limit " " what "; k9tf takes at most "
                         limit)
                    arg '... :limit limit)))
  coll)

(defn- options-map
  "Returns the trailing `options` of `fn-name` (key-value pairs or one map) as a map."
  [fn-name options]
  (cond
    (empty? options) {}
    (and (= 1 (count options)) (map? (first options))) (first options)
    (and (even? (count options)) (every? keyword? (take-nth 2 options))) (apply hash-map options)
    :else (throw (invalid (str fn-name " takes options as keyword-value pairs or one map, got "
                               (pr-str options))
                          :options options))))

(defn- checked-options
  "Returns `opts` merged over `defaults`, throwing ex-info on unknown keys."
  [fn-name defaults opts]
  (let [unknown (set/difference (set (keys opts)) (set (keys defaults)))]
    (when (seq unknown)
      (throw (invalid (str fn-name " got unknown options " unknown) :options unknown
                      :expected (set (keys defaults)))))
    (merge defaults opts)))

;;; Plain data on its way to Python and back

(def ^:private option-keys
  "The network keys whose values are keywords in Clojure and strings in Python."
  [:model :activation :output :loss :init :dtype])

(defn- network-out
  "Returns the network `net` from Python with its option values as keywords."
  [net]
  (reduce (fn [n k] (cond-> n (string? (get n k)) (update k keyword))) net option-keys))

(defn- network-in
  "Returns `network` with its weights and biases marked to cross as numbers."
  [network]
  (if (and (map? network) (sequential? (:layers network)))
    (update network :layers
            (fn [layers]
              (mapv (fn [layer]
                      (cond-> layer
                        (and (map? layer) (contains? layer :weights)) (update :weights codec/numbers)
                        (and (map? layer) (contains? layer :biases)) (update :biases codec/numbers)))
                    (bounded! :network layers (:layers (limits)) "layers"))))
    network))

(defn- network-arg
  "Returns `network` marked to cross once (see `k9tf.kept`): later calls on
  the same value send only a reference to it."
  [network]
  (kept/network network network-in))

(def ^:private returns-network
  "The `k9tf.python/call` options of a call returning a network: Python keeps
  it, so that the first call on it sends no weights."
  {:result network-out :network identity})

(defn- input-in
  "Returns `input` (one row or rows) marked to cross as numbers."
  [arg input]
  (when (or (set? input) (map? input))
    (throw (invalid (str (name arg) " must be a vector of numbers or of rows, got " (pr-str input))
                    arg input)))
  (let [rows? (and (sequential? input) (sequence-like? (first input)))]
    (bounded! arg input (if rows? (:rows (limits)) (:units (limits))) (if rows? "rows" "numbers"))
    (when rows?
      (doseq [row input] (bounded! arg row (:units (limits)) "numbers in a row")))
    (codec/numbers input)))

(defn- pair? [p]
  (and (sequential? p) (= 2 (bounded-count 3 p)) (sequence-like? (first p))
       (sequence-like? (second p))))

(defn- bounded-pair!
  "Returns sample `p`, throwing ex-info for `arg` if its input or target is too long."
  [arg p]
  (bounded! arg (first p) (:units (limits)) "numbers in a sample's input")
  (bounded! arg (second p) (:units (limits)) "numbers in a sample's target")
  p)

(defn- samples-in
  "Returns `samples` ready to cross: k9 pairs `[[input target] ...]` as
  `{:inputs .. :labels ..}` columns of numbers; a map's columns marked as
  numbers. Malformed samples go as they are, for Python to say what is wrong,
  but one longer than a layer may be is refused here: an endless one would
  otherwise be read to the codec's limit (2^26 items, gigabytes of heap)."
  [arg samples]
  (cond
    (map? samples) (reduce (fn [m k] (cond-> m (contains? m k) (update k codec/numbers)))
                           samples [:inputs :labels])
    (set? samples) (throw (invalid (str (name arg) " must be a vector of [input target] pairs, "
                                        "got a set")
                                   arg samples))
    (sequential? samples)
    (let [samples (bounded! arg samples (:samples (limits)) "samples")]
      (if (every? pair? samples)
        (let [samples (mapv #(bounded-pair! arg %) samples)]
          {:inputs (codec/numbers (mapv first samples))
           :labels (codec/numbers (mapv second samples))})
        (do (doseq [sample samples]
              (bounded! arg sample (:units (limits)) "items in one sample"))
            samples)))
    :else samples))

(defn- call-options
  "Returns the train options `opts` of `fn-name`, checked and ready to cross."
  [fn-name defaults options]
  (let [opts (checked-options fn-name defaults (options-map fn-name options))]
    (cond-> opts
      (= :full (:batch-size opts)) (assoc :batch-size nil)
      (:validation opts) (update :validation #(samples-in :validation %)))))

(defn- sizes-in
  "Returns `sizes` bounded, a Java array of ints as a vector (so they cross as ints)."
  [arg sizes]
  (if (and (some? sizes) (.isArray (class sizes)))
    (bounded! arg (vec sizes) (inc (:layers (limits))) "sizes")
    (bounded! arg sizes (inc (:layers (limits))) "sizes")))

(defn- network-call [sizes opts]
  (let [opts (checked-options "construct-network" default-network-options opts)]
    (py/call "construct_network" [[:sizes (sizes-in :sizes sizes)]] opts returns-network)))

(defn- network-args
  "Returns `[sizes opts]` from `construct-network`'s arguments: sizes first,
  then options as one map, keyword-value pairs, or both."
  [args]
  (let [[positional pairs] (split-with (complement keyword?) args)
        [positional opts] (if (map? (last positional))
                            [(vec (butlast positional)) (last positional)]
                            [(vec positional) {}])
        opts (merge opts (options-map "construct-network" pairs))]
    (case (count positional)
      0 (if (contains? opts :sizes)
          [(:sizes opts) (dissoc opts :sizes)]
          (throw (invalid (str "construct-network needs sizes: numbers first, or an options "
                               "map with :sizes")
                          :sizes nil)))
      (2 3) [positional opts]
      4 (let [[size-in size-hidden num-hidden size-out] positional]
          (when-not (and (integer? num-hidden) (<= 0 num-hidden (:layers (limits))))
            (throw (invalid (str "num-hidden must be an int from 0 to " (:layers (limits)))
                            :num-hidden num-hidden)))
          [(concat [size-in] (repeat (max 1 num-hidden) size-hidden) [size-out]) opts])
      (throw (invalid (str "construct-network takes 2 to 4 sizes before its options, got "
                           (count positional))
                      :sizes positional)))))

(defn construct-network
  "Constructs a network with random weights and zero biases, like k9:
  `(construct-network num-in num-hidden num-out)` has one hidden layer;
  `(construct-network size-in size-hidden num-hidden size-out)` has
  `num-hidden` hidden layers of `size-hidden`; `(construct-network 2 2)` has
  none. Options (`default-network-options`) follow as one map or as
  keyword-value pairs: `(construct-network 2 3 2 :seed 1)`;
  `(construct-network {:sizes [2 16 16 2] ...})` takes any sizes."
  {:arglists '([num-in num-hidden num-out & opts]
               [size-in size-hidden num-hidden size-out & opts]
               [opts])}
  [& args]
  (apply network-call (network-args args)))

(defn from-k9
  "Converts a k9 network value (its vector `[input W hidden W ... output]`)
  into a `:model :k9` network with the same weights."
  [k9-network]
  (let [k9-network (if (sequential? k9-network)
                     (vec (map-indexed (fn [i x] (if (odd? i) (codec/numbers x) x))
                                       (bounded! :k9-network k9-network
                                                 (* 2 (:layers (limits))) "items")))
                     k9-network)]
    (py/call "from_k9" [[:k9-network k9-network]] {} returns-network)))

(defn ff
  "Feeds `input` (a vector of numbers, or a vector of such vectors; also a
  `double-array` or a 2-d Java array) through `network` and returns the
  output vector (or one per input row)."
  [input network]
  (py/call "ff" [[:input (input-in :input input)] [:network (network-arg network)]] {}))

;;; Tables: rows of maps

(def default-table-options
  "Options that make `train-data`, `train-epochs` and `train` read `data` as
  a table: a sequence of maps, one per row (what `clojure.data.csv` plus
  `zipmap` gives, with the numbers parsed).
  * `:target` - the key of the column to predict: class labels (strings,
    keywords or numbers, one-hot encoded over the sorted distinct labels) for
    a softmax network, numbers for any other (a regressor). Required.
  * `:features` - the keys of the input columns, in order (default nil: the
    ones the network remembers from earlier training)
  * `:standardize` - scale each feature to mean 0 and standard deviation 1
    (default false)
  The trained network remembers the feature names, the classes and the
  scaler under `:data`, so `predict` and `predict-proba` take rows in the
  same terms and give labels back. Keys are looked up as given, then as the
  keyword or string of the same name."
  {:target nil :features nil :standardize false})

(def ^:private table-keys (set (keys default-table-options)))

(defn- column-name
  "Returns the name a column key `k` has in the network: a keyword's without the colon."
  [k]
  (if (keyword? k) (subs (str k) 1) k))

(defn- cell
  "Returns the value of column `k` in map `row`, trying `k`, then its keyword or
  string twin; `::missing` if none is there."
  [row k]
  (let [v (get row k ::missing)]
    (if (= ::missing v)
      (get row (if (string? k) (keyword k) (column-name k)) ::missing)
      v)))

(defn- table-inputs
  "Returns the `features` columns of `rows` as rows of numbers, throwing
  ex-info for `arg` that names the first row lacking one or holding a non-number."
  [arg rows features]
  (codec/numbers
   (vec (map-indexed
         (fn [i row]
           (when-not (map? row)
             (throw (invalid (str (name arg) " row " i " must be a map of columns, got "
                                  (pr-str row))
                             arg row :row i)))
           (mapv (fn [k]
                   (let [v (cell row k)]
                     (cond
                       (= ::missing v)
                       (throw (invalid (str (name arg) " row " i " has no feature " (pr-str k))
                                       arg row :row i :key k))
                       (and (number? v) (not (ratio? v))) v
                       :else (throw (invalid (str (name arg) " row " i " feature " (pr-str k)
                                                  " must be a number, got " (pr-str v))
                                             arg row :row i :key k)))))
                 features))
         (bounded! arg rows (:samples (limits)) "rows")))))

(defn- table-labels
  "Returns `[labels keywords?]`: the `target` column of `rows`, keywords as
  their names (and `keywords?` true), throwing ex-info on a missing or
  mixed label."
  [arg rows target]
  (let [labels (vec (map-indexed
                     (fn [i row]
                       (let [v (cell row target)]
                         (when (= ::missing v)
                           (throw (invalid (str (name arg) " row " i " has no target "
                                                (pr-str target))
                                           arg row :row i :key target)))
                         v))
                     rows))
        kinds (set (map #(cond (keyword? %) :keyword (string? %) :string (number? %) :number
                               :else (throw (invalid (str (name arg) " target " (pr-str target)
                                                          " must hold strings, keywords or "
                                                          "numbers, got " (pr-str %))
                                                     arg %)))
                        labels))]
    (when (> (count kinds) 1)
      (throw (invalid (str (name arg) " target " (pr-str target) " mixes " (pr-str kinds)
                           "; use one kind of label")
                      arg kinds)))
    (if (= #{:keyword} kinds)
      [(mapv column-name labels) true]
      [labels false])))

(defn- table-features
  "Returns the feature keys for training `network` on a table: `features`,
  or those the network remembers."
  [network features]
  (let [features (or features (get-in network [:data :features]))]
    (when-not (and (sequential? features) (seq features))
      (throw (invalid "a table needs :features, the keys of the input columns" :features
                      features)))
    (vec features)))

(defn- table-call
  "Trains `network` for `n` epochs on the table `rows` (see
  `default-table-options`) with the checked options `opts`; returns the
  network, or `{:network :history}` if `history?`."
  [fn-name n network rows lrate opts history?]
  (let [{:keys [target features standardize validation]} opts
        _ (when (nil? target)
            (throw (invalid (str fn-name " on a table needs :target, the column to predict")
                            :target target)))
        features (table-features network features)
        [labels keywords?] (table-labels :data rows target)
        validation (when validation
                     {:inputs (table-inputs :validation validation features)
                      :labels (first (table-labels :validation validation target))})]
    (py/call "train_table" [[:epochs n] [:network (network-in network)]
                            [:inputs (table-inputs :data rows features)] [:labels labels]
                            [:learning-rate lrate]]
             (cond-> (assoc (apply dissoc opts :validation table-keys)
                            :features (mapv column-name features) :target (column-name target)
                            :standardize standardize :keywords keywords? :history history?)
               (= :full (:batch-size opts)) (assoc :batch-size nil)
               validation (assoc :validation validation)))))

(defn- table-options
  "Returns `options` as a map if they hold a table option, else nil."
  [fn-name options]
  (let [opts (options-map fn-name options)]
    (when (some table-keys (keys opts)) opts)))

(defn- rows-in
  "Returns `rows` ready to cross as inputs of `network`: maps through the
  network's remembered features, anything else as `ff` takes it."
  [network rows]
  (if (and (sequential? rows) (map? (first rows)))
    (let [features (get-in network [:data :features])]
      (when-not features
        (throw (invalid (str "rows are maps but the network remembers no features; train it "
                             "on a table, or pass rows of numbers")
                        :rows (first rows))))
      (table-inputs :rows rows features))
    (input-in :rows rows)))

(defn predict
  "Returns what `network` predicts for each of `rows` (maps holding the
  network's features, or vectors of numbers), in the terms it was trained
  in: a class label per row (a keyword if the labels were keywords), or a
  regressor's number (a vector of them for several outputs). Inputs are
  scaled as the network remembers. See `default-table-options`."
  [rows network]
  (let [labels (py/call "predict" [[:inputs (rows-in network rows)] [:network (network-in network)]]
                        {})]
    (if (get-in network [:data :keywords]) (mapv keyword labels) labels)))

(defn predict-proba
  "Returns, for each of `rows`, the vector of class probabilities `network`
  gives, in the order of its classes (`(get-in network [:data :classes])`).
  Rows are as for `predict`."
  [rows network]
  (py/call "predict_proba" [[:inputs (rows-in network rows)] [:network (network-in network)]] {}))

;;; Training

(defn train-data
  "Returns `network` trained for one pass over `data`, k9's
  `[[input target] ...]` (or `{:inputs [...] :labels [...]}`), with learning
  rate `lrate`. Options are `default-train-options`, as trailing keys or a
  map; with `default-table-options` (`:target` ...), `data` is a table,
  rows of maps."
  [network data lrate & options]
  (if-let [opts (table-options "train-data" options)]
    (network-out
     (table-call "train-data" 1 network data lrate
                 (checked-options "train-data" (merge default-train-options default-table-options)
                                  opts)
                 false))
    (py/call "train_epochs" [[:epochs 1] [:network (network-arg network)]
                             [:samples (samples-in :samples data)] [:learning-rate lrate]]
             (call-options "train-data" default-train-options options) returns-network)))

(defn train-epochs
  "Returns `network` trained for `n` passes over `data` with learning rate
  `lrate`. Options are the same as for `train-data`:

      (train-epochs 200 net rows 0.01 :features [:petal-length :petal-width]
                    :target :species :optimizer :adam :batch-size 16)"
  [n network data lrate & options]
  (if-let [opts (table-options "train-epochs" options)]
    (network-out
     (table-call "train-epochs" n network data lrate
                 (checked-options "train-epochs"
                                  (merge default-train-options default-table-options) opts)
                 false))
    (py/call "train_epochs" [[:epochs n] [:network (network-arg network)]
                             [:samples (samples-in :samples data)] [:learning-rate lrate]]
             (call-options "train-epochs" default-train-options options) returns-network)))

(defn train
  "Trains like `train-epochs` and returns `{:network trained :history h}`,
  where h has vectors `:step`, `:cost`, `:train-accuracy`,
  `:validation-accuracy` and `:seconds`, one entry per report, and Keras'
  per-epoch vectors `:epoch`, `:loss`, `:accuracy`, `:val-loss` and
  `:val-accuracy` (nil entries without validation); early stopping adds
  `:stopped-epoch` and `:best-epoch`. Options are those of `train-data` plus
  `:epochs` (default 1); `:report-every` defaults to 200."
  [network data lrate & options]
  (let [defaults (assoc default-train-options :epochs 1 :report-every 200)]
    (if-let [opts (table-options "train" options)]
      (let [opts (checked-options "train" (merge defaults default-table-options) opts)]
        (update (table-call "train" (:epochs opts) network data lrate (dissoc opts :epochs) true)
                :network network-out))
      (py/call "train" [[:network (network-arg network)] [:samples (samples-in :samples data)]
                        [:learning-rate lrate]]
               (call-options "train" defaults options)
               {:result #(update % :network network-out) :network :network}))))

(defn- logic-sample
  "Returns a random sample `[[n1 n2] [t (- 1 t)]]` where t is 1 if `(f n1 n2)`."
  [f]
  (let [n1 (rand-int 2)
        n2 (rand-int 2)
        t (if (f n1 n2) 1 0)]
    [[n1 n2] [t (- 1 t)]]))

(defn nand-gen
  "Returns one random NAND sample `[[n1 n2] [and? nand?]]` of 0/1 (the article's)."
  []
  (logic-sample #(= 1 %1 %2)))

(defn xor-gen
  "Returns one random XOR sample `[[n1 n2] [xor? (not xor?)]]` of 0/1."
  []
  (logic-sample not=))

(defn and-gen
  "Returns one random AND sample `[[n1 n2] [and? (not and?)]]` of 0/1."
  []
  (logic-sample #(= 1 %1 %2)))

(defn or-gen
  "Returns one random OR sample `[[n1 n2] [or? (not or?)]]` of 0/1."
  []
  (logic-sample #(or (= 1 %1) (= 1 %2))))

(defn sample-logic
  "Returns `n` samples of logic function `f` (`:xor`, `:nand`, `:and` or
  `:or`) as k9 pairs `[[[x1 x2] [f? (not f?)]] ...]` of doubles, like the
  article's `sample_logic_fn`; the same seed draws the same samples as in
  Python. Option `:seed` makes them reproducible."
  [f n & options]
  (let [{:keys [seed]} (checked-options "sample-logic" {:seed nil}
                                        (options-map "sample-logic" options))
        {:keys [inputs labels]} (py/call "sample_logic" [[:f f] [:samples n]] {:seed seed})]
    (mapv vector inputs labels)))

(defn accuracy
  "Returns the fraction of rows whose largest value is at the same index in
  `predictions` and `labels`."
  [predictions labels]
  (py/call "accuracy" [[:predictions (input-in :predictions predictions)]
                       [:labels (input-in :labels labels)]] {}))

(defn save-network
  "Saves `network` to the JSON file `path` (a string or java.io.File)
  atomically (a crash leaves any old file intact) and returns `path` as a
  string. Option values are written as strings."
  [network path]
  (py/call "save_network" [[:network (network-in network)] [:path (some-> path str)]] {}))

(defn load-network
  "Loads and validates the network saved at `path`."
  [path]
  (py/call "load_network" [[:path (some-> path str)]] {} returns-network))

(defn export
  "Exports `network` to `path` as a model other runtimes load, computing what
  `ff` does, and returns `path`. `format` (keyword or string) is one of
  * `:keras` - a `.keras` file of a Keras Sequential of Dense layers
  * `:savedmodel` - a SavedModel directory; signature `serving_default` takes
    `input` [batch, n-in] and returns `{output [batch, n-out]}`
  * `:tflite` - a TFLite file with that signature (float64 networks become float32)
  * `:onnx` - an ONNX file (opset 17) with input `input` and output `output`
  The export is written beside `path` and renamed into place: a failed one
  leaves nothing there. See `k9tf.export` in Python."
  [network path format]
  (py/call "export" [[:network (network-in network)] [:path (some-> path str)]]
           {:format format}))

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
  [task & options]
  (let [opts (checked-options "sweep" default-sweep-options (options-map "sweep" options))
        axes [:seeds :learning-rates :sizes :models :activations :batch-sizes :epochs]
        opts (reduce (fn [o k] (update o k #(bounded! k % (:runs (limits)) "values")))
                     opts axes)
        opts (cond-> opts
               (sequential? (:sizes opts)) (update :sizes #(mapv (partial sizes-in :sizes) %)))
        full->nil (fn [batch-size] (when-not (= :full batch-size) batch-size))
        named? #(or (keyword? %) (string? %))
        tasks? (and (sequential? task) (every? named? (take (inc (:runs (limits))) task)))]
    (py/call "sweep" [[:task (cond (named? task) task
                                   tasks? (bounded! :task task (:runs (limits)) "tasks")
                                   :else (samples-in :task task))]]
             (cond-> opts
               (sequential? (:batch-sizes opts)) (update :batch-sizes #(mapv full->nil %))
               (:validation opts) (update :validation #(samples-in :validation %))))))
