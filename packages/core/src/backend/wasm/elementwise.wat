;; Dense float32 elementwise kernels for the wasm backend (driven by elementwise.ts), four lanes at
;; a time. Each op is IEEE single arithmetic, which rounds exactly as the TypeScript kernels do
;; (a float64 result of float32 inputs rounded once to float32: for + - * / and sqrt, rounding twice
;; through float64 gives the correctly rounded float32), so results equal cpuBackend's bit for bit,
;; NaN payloads aside.
;;
;; Addresses are 16-byte-aligned byte offsets into the imported memory; $n counts elements and is
;; rounded up to whole vectors (the caller leaves room: the extra lanes are computed and ignored).
(module
  (import "env" "memory" (memory 1))

  ;; out[i] = op(a[i], b[i]) for i < n, reading b at a step of $bStep bytes per vector: 16 for a
  ;; dense b, 0 for a scalar stored four times. Ops: 0 add, 1 sub, 2 mul, 3 div, 4 eq, 5 ne, 6 lt,
  ;; 7 le, 8 gt, 9 ge, 10 reluGrad; comparisons give 1 or 0 (a lane mask ANDed with 1.0); reluGrad
  ;; gives a where not b <= 0, else +0 (the lane mask of b <= 0 cleared from a's bits: a NaN b keeps a).
  (func (export "binary") (param $op i32) (param $a i32) (param $b i32) (param $bStep i32) (param $out i32)
    (param $n i32)
    (local $end i32) (local $one v128)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (i32.add (local.get $n) (i32.const 3)) (i32.const -4)) (i32.const 2))))
    (local.set $one (f32x4.splat (f32.const 1)))
    (block $reluGrad (block $ge (block $gt (block $le (block $lt (block $ne (block $eq (block $div (block $mul (block $sub (block $add
      (br_table $add $sub $mul $div $eq $ne $lt $le $gt $ge $reluGrad (local.get $op)))
      (loop $l
        (v128.store (local.get $out) (f32x4.add (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (local.get $bStep)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $a) (local.get $end))))
      (return))
      (loop $l
        (v128.store (local.get $out) (f32x4.sub (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (local.get $bStep)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $a) (local.get $end))))
      (return))
      (loop $l
        (v128.store (local.get $out) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (local.get $bStep)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $a) (local.get $end))))
      (return))
      (loop $l
        (v128.store (local.get $out) (f32x4.div (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (local.get $bStep)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $a) (local.get $end))))
      (return))
      (loop $l
        (v128.store (local.get $out)
          (v128.and (local.get $one) (f32x4.eq (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (local.get $bStep)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $a) (local.get $end))))
      (return))
      (loop $l
        (v128.store (local.get $out)
          (v128.and (local.get $one) (f32x4.ne (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (local.get $bStep)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $a) (local.get $end))))
      (return))
      (loop $l
        (v128.store (local.get $out)
          (v128.and (local.get $one) (f32x4.lt (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (local.get $bStep)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $a) (local.get $end))))
      (return))
      (loop $l
        (v128.store (local.get $out)
          (v128.and (local.get $one) (f32x4.le (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (local.get $bStep)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $a) (local.get $end))))
      (return))
      (loop $l
        (v128.store (local.get $out)
          (v128.and (local.get $one) (f32x4.gt (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (local.get $bStep)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $a) (local.get $end))))
      (return))
      (loop $l
        (v128.store (local.get $out)
          (v128.and (local.get $one) (f32x4.ge (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (local.get $bStep)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $a) (local.get $end))))
      (return))
      (loop $l
        (v128.store (local.get $out)
          (v128.andnot (v128.load (local.get $a)) (f32x4.le (v128.load (local.get $b)) (v128.const f32x4 0 0 0 0))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (local.get $bStep)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $a) (local.get $end)))))

  ;; out[i] = x[i * step] for i < n ($step in bytes, $n >= 1): one row of a strided copy (a transpose
  ;; made dense), four elements per turn.
  (func (export "gather") (param $x i32) (param $step i32) (param $out i32) (param $n i32)
    (local $end i32) (local $step2 i32)
    (local.set $step2 (i32.shl (local.get $step) (i32.const 1)))
    (local.set $end (i32.add (local.get $out) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (if (i32.ge_u (local.get $n) (i32.const 4))
      (then
        (loop $four
          (f32.store (local.get $out) (f32.load (local.get $x)))
          (f32.store offset=4 (local.get $out) (f32.load (i32.add (local.get $x) (local.get $step))))
          (f32.store offset=8 (local.get $out) (f32.load (i32.add (local.get $x) (local.get $step2))))
          (f32.store offset=12 (local.get $out)
            (f32.load (i32.add (i32.add (local.get $x) (local.get $step2)) (local.get $step))))
          (local.set $x (i32.add (local.get $x) (i32.shl (local.get $step2) (i32.const 1))))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (br_if $four (i32.lt_u (local.get $out) (local.get $end))))))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (f32.store (local.get $out) (f32.load (local.get $x)))
        (local.set $x (i32.add (local.get $x) (local.get $step)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $one))))

  ;; out[i] = op(x[i]) for i < n. Ops: 0 relu (max(x, +0): -0 and negatives give +0, NaN stays NaN,
  ;; as `x <= 0 ? 0 : x`), 1 neg, 2 abs, 3 square, 4 sqrt.
  (func (export "unary") (param $op i32) (param $x i32) (param $out i32) (param $n i32)
    (local $end i32) (local $v v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (i32.add (local.get $n) (i32.const 3)) (i32.const -4)) (i32.const 2))))
    (block $sqrt (block $square (block $abs (block $neg (block $relu
      (br_table $relu $neg $abs $square $sqrt (local.get $op)))
      (loop $l
        (v128.store (local.get $out) (f32x4.max (v128.load (local.get $x)) (v128.const f32x4 0 0 0 0)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $x) (local.get $end))))
      (return))
      (loop $l
        (v128.store (local.get $out) (f32x4.neg (v128.load (local.get $x))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $x) (local.get $end))))
      (return))
      (loop $l
        (v128.store (local.get $out) (f32x4.abs (v128.load (local.get $x))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $x) (local.get $end))))
      (return))
      (loop $l
        (local.set $v (v128.load (local.get $x)))
        (v128.store (local.get $out) (f32x4.mul (local.get $v) (local.get $v)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $x) (local.get $end))))
      (return))
      (loop $l
        (v128.store (local.get $out) (f32x4.sqrt (v128.load (local.get $x))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $x) (local.get $end)))))

  ;; y[i] = f32(y[i] + a * x[i]) for i < n, in float64 with one rounding to float32 at the store, as
  ;; backend/cpu/optim.ts's plain SGD step computes it (so the same bits): two lanes of float64 per
  ;; half vector, the last elements one by one (nothing past y[n - 1] is written).
  (func (export "axpy") (param $y i32) (param $x i32) (param $a f64) (param $n i32)
    (local $end i32) (local $av v128) (local $yv v128) (local $xv v128) (local $lo v128) (local $hi v128)
    (local.set $av (f64x2.splat (local.get $a)))
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $n) (i32.const 2))))
    (block $vectorsDone
      (loop $vectorLoop
        (br_if $vectorsDone (i32.gt_u (i32.add (local.get $y) (i32.const 16)) (local.get $end)))
        (local.set $yv (v128.load (local.get $y)))
        (local.set $xv (v128.load (local.get $x)))
        (local.set $lo
          (f32x4.demote_f64x2_zero
            (f64x2.add (f64x2.promote_low_f32x4 (local.get $yv))
              (f64x2.mul (local.get $av) (f64x2.promote_low_f32x4 (local.get $xv))))))
        (local.set $hi
          (f32x4.demote_f64x2_zero
            (f64x2.add
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $yv) (local.get $yv)))
              (f64x2.mul (local.get $av)
                (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $xv) (local.get $xv)))))))
        (v128.store (local.get $y)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $lo) (local.get $hi)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $vectorLoop)))
    (block $tailDone
      (loop $tailLoop
        (br_if $tailDone (i32.ge_u (local.get $y) (local.get $end)))
        (f32.store (local.get $y)
          (f32.demote_f64
            (f64.add (f64.promote_f32 (f32.load (local.get $y)))
              (f64.mul (local.get $a) (f64.promote_f32 (f32.load (local.get $x)))))))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $tailLoop))))
)
