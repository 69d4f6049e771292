(ns k9tf.jpype-test
  "The JPype backend's exit gate, with stand-ins for the Python host's objects
  (so it runs in every mode)."
  (:require [clojure.test :refer [deftest is testing]]
            [k9tf.bridge.jpype :as jpype]
            [k9tf.bridge.protocol :as p]
            [k9tf.codec :as codec])
  (:import (java.util.concurrent CountDownLatch)
           (java.util.function Function)))

(defn- backend
  "Returns a started JPype backend whose calls count themselves in `calls`,
  count down `entered`, wait for `release` and reply with the frame of
  \"reply to <request>\", and whose interrupt runs `on-interrupt`."
  [calls ^CountDownLatch entered ^CountDownLatch release on-interrupt]
  (p/-start! (jpype/jpype-backend
              {:call (reify Function
                       (apply [_ request]
                         (swap! calls inc)
                         (.countDown entered)
                         (.await release)
                         (java.nio.ByteBuffer/wrap
                          (codec/pack (str "reply to " (codec/unpack request))))))
               :interrupt on-interrupt})))

(defn- call
  "Returns the reply of backend `b` to a request of plain data `x`."
  [b x]
  (p/-call b (codec/encode x) codec/unpack))

(deftest test-close!
  (let [calls (atom 0)
        entered (CountDownLatch. 1)
        release (CountDownLatch. 1)
        interrupts (atom 0)
        b (backend calls entered release #(do (swap! interrupts inc) (.countDown release)))
        running (future (call b "first"))]
    (.await entered)
    (testing "a running call is interrupted and waited for"
      (is (true? (jpype/close! b 60000)))
      (is (pos? @interrupts))
      (is (= "reply to first" @running)))
    (testing "later calls are refused with ex-info, without reaching Python"
      (let [data (try (call b "late") (catch clojure.lang.ExceptionInfo e (ex-data e)))]
        (is (= {:k9tf/error :backend :backend :jpype} data))
        (is (= 1 @calls))))))

(deftest test-close!-timeout
  (testing "a call that ignores interrupts: close! gives up after timeout-ms"
    (let [entered (CountDownLatch. 1)
          release (CountDownLatch. 1)
          b (backend (atom 0) entered release (fn []))
          running (future (call b "stuck"))]
      (.await entered)
      (is (false? (jpype/close! b 300)))
      (is (thrown? clojure.lang.ExceptionInfo (call b "late")))
      (.countDown release)
      (is (= "reply to stuck" @running)))))

(deftest test-start!
  (testing "outside a JPype host (no :call or :interrupt) the backend refuses to start"
    (is (= {:k9tf/error :backend :backend :jpype}
           (try (p/-start! (jpype/jpype-backend {:call (reify Function (apply [_ r] r))}))
                (catch clojure.lang.ExceptionInfo e (ex-data e)))))))
