(ns k9tf.export-test
  "Exports from Clojure write each format's file; bad arguments name themselves."
  (:require [clojure.java.io :as io]
            [clojure.test :refer [deftest is are testing]]
            [k9tf.core :as k9]))

(set! *warn-on-reflection* true)

(defn- temp-dir ^java.io.File []
  (.toFile (java.nio.file.Files/createTempDirectory
            "k9tf-export" (make-array java.nio.file.attribute.FileAttribute 0))))

(defn- delete-tree [^java.io.File dir]
  (run! #(.delete ^java.io.File %) (reverse (file-seq dir))))

(defn- head
  "Returns the first `n` bytes of `file` as a vector of unsigned ints."
  [file n]
  (with-open [^java.io.InputStream in (io/input-stream file)]
    (let [bytes (byte-array n)]
      (.read in bytes)
      (mapv #(bit-and % 0xff) bytes))))

(defn- invalid-arg [f]
  (try (f) nil
       (catch clojure.lang.ExceptionInfo e (ex-data e))))

(deftest test-export
  (let [dir (temp-dir)
        net (k9/construct-network 2 3 2 {:model :k9 :seed 1})]
    (try
      (testing "each format, as keyword or string, returns the path it wrote"
        (are [format name] (= (str (io/file dir name)) (k9/export net (io/file dir name) format))
          :keras "k9.keras"
          "savedmodel" "k9"
          :tflite "k9.tflite"
          "onnx" "k9.onnx"))
      (testing "the files are what their runtimes read"
        (is (= [0x50 0x4b] (head (io/file dir "k9.keras") 2)))               ; a zip archive
        (is (.isFile (io/file dir "k9" "saved_model.pb")))
        (is (= (map int "TFL3") (subvec (head (io/file dir "k9.tflite") 8) 4)))  ; flatbuffer id
        (is (= [0x08 0x08] (head (io/file dir "k9.onnx") 2))))               ; ONNX IR version 8
      (testing "only the exports are left in the directory"
        (is (= #{"k9.keras" "k9" "k9.tflite" "k9.onnx"} (set (.list dir)))))
      (testing "bad arguments"
        (are [f arg] (= [:invalid-arg arg] ((juxt :k9tf/error :arg) (invalid-arg f)))
          #(k9/export net (io/file dir "k9.pb") :pb) :format
          #(k9/export net (io/file dir "no" "k9.onnx") :onnx) :path
          #(k9/export net (io/file dir "k9.h5") :keras) :path
          #(k9/export net nil :onnx) :path
          #(k9/export (assoc net :sizes [2 0 2]) (io/file dir "x.onnx") :onnx) :network)
        (is (= "format must be one of keras, savedmodel, tflite, onnx; got 'pb'."
               (:py-message (invalid-arg #(k9/export net (io/file dir "k9.pb") :pb))))))
      (finally (delete-tree dir)))))
