;; Reductions over leading or middle dims of dense float32 data for the wasm backend (driven by
;; reduce.ts): the bias gradient (sum over the batch), max pooling (max over each window). As in
;; backend/cpu/reduce.ts, whole runs of the kept trailing elements are folded into an accumulator
;; row, one reduced position at a time, so each output element sees its inputs in the same order as
;; there: sums in float64 (rounded to float32 once at the end), max and min keeping the running value
;; unless the new one is greater (smaller) or NaN. The results equal the TypeScript kernel's bits.
;;
;; $outer holds $nOuter i32 element offsets (one per group of outputs), $steps $nSteps i32 element
;; offsets (one per reduced position); each (outer, step) pair starts a run of $t contiguous floats.
;; $acc is scratch for $t f64 (rounded up to 4); runs and rows are processed in whole vectors, so the
;; caller leaves a vector of room after x and the output. Addresses are byte offsets.
(module
  (import "env" "memory" (memory 1))

  ;; op: 0 sum, 1 max, 2 min.
  (func (export "tiles") (param $op i32) (param $x i32) (param $outer i32) (param $nOuter i32)
    (param $steps i32) (param $nSteps i32) (param $t i32) (param $acc i32) (param $out i32)
    (local $o i32) (local $k i32) (local $j i32) (local $base i32) (local $p i32) (local $a i32)
    (local $bytes i32) (local $v v128) (local $cur v128) (local $init v128)
    (local.set $bytes (i32.shl (i32.and (i32.add (local.get $t) (i32.const 3)) (i32.const -4)) (i32.const 2)))
    (local.set $init
      (if (result v128) (i32.eq (local.get $op) (i32.const 1))
        (then (f32x4.splat (f32.const -inf)))
        (else (f32x4.splat (f32.const inf)))))
    (loop $outerLoop
      (local.set $base
        (i32.add (local.get $x)
          (i32.shl (i32.load (i32.add (local.get $outer) (i32.shl (local.get $o) (i32.const 2)))) (i32.const 2))))
      ;; acc = 0 (f64, two per float) for sum, else the f32 identity of max or min
      (local.set $j (i32.const 0))
      (loop $init
        (if (i32.eqz (local.get $op))
          (then
            (v128.store (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 1))) (v128.const i64x2 0 0))
            (v128.store offset=16 (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 1))) (v128.const i64x2 0 0)))
          (else (v128.store (i32.add (local.get $acc) (local.get $j)) (local.get $init))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $init (i32.lt_u (local.get $j) (local.get $bytes))))
      (local.set $k (i32.const 0))
      (loop $stepLoop
        (local.set $p
          (i32.add (local.get $base)
            (i32.shl (i32.load (i32.add (local.get $steps) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 2))))
        (local.set $j (i32.const 0))
        (if (i32.eqz (local.get $op))
          (then
            (loop $sum
              (local.set $v (v128.load (i32.add (local.get $p) (local.get $j))))
              (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 1))))
              (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (f64x2.promote_low_f32x4 (local.get $v))))
              (v128.store offset=16 (local.get $a)
                (f64x2.add (v128.load offset=16 (local.get $a))
                  (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br_if $sum (i32.lt_u (local.get $j) (local.get $bytes)))))
          (else
            (loop $extremum
              (local.set $v (v128.load (i32.add (local.get $p) (local.get $j))))
              (local.set $a (i32.add (local.get $acc) (local.get $j)))
              (local.set $cur (v128.load (local.get $a)))
              ;; the new value wins where it is greater (max) or smaller (min), or NaN
              (v128.store (local.get $a)
                (v128.bitselect (local.get $v) (local.get $cur)
                  (v128.or
                    (f32x4.ne (local.get $v) (local.get $v))
                    (if (result v128) (i32.eq (local.get $op) (i32.const 1))
                      (then (f32x4.gt (local.get $v) (local.get $cur)))
                      (else (f32x4.lt (local.get $v) (local.get $cur)))))))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br_if $extremum (i32.lt_u (local.get $j) (local.get $bytes))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $stepLoop (i32.lt_u (local.get $k) (local.get $nSteps))))
      ;; out row o = acc (sums rounded to float32)
      (local.set $j (i32.const 0))
      (loop $store
        (local.set $a (i32.add (local.get $out) (local.get $j)))
        (if (i32.eqz (local.get $op))
          (then
            (local.set $p (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 1))))
            (v128.store (local.get $a)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (v128.load (local.get $p)))
                (f32x4.demote_f64x2_zero (v128.load offset=16 (local.get $p))))))
          (else (v128.store (local.get $a) (v128.load (i32.add (local.get $acc) (local.get $j))))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $store (i32.lt_u (local.get $j) (local.get $bytes))))
      (local.set $out (i32.add (local.get $out) (i32.shl (local.get $t) (i32.const 2))))
      (local.set $o (i32.add (local.get $o) (i32.const 1)))
      (br_if $outerLoop (i32.lt_u (local.get $o) (local.get $nOuter)))))
)
