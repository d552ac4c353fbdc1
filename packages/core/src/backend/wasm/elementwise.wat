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

  ;; out[idx[k]] += src[k] for k < m in order of k (float32 adds, as the cpu loop's rounding),
  ;; $idx int32. Returns 0, or k + 1 for the first idx[k] outside [0, $n), with nothing added from
  ;; there on: the caller then leaves the call to the cpu kernel, whose error names the index.
  (func (export "scatterAdd") (param $src i32) (param $idx i32) (param $out i32) (param $m i32) (param $n i32)
    (result i32)
    (local $k i32) (local $i i32) (local $at i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $k) (local.get $m)))
        (local.set $i (i32.load (local.get $idx)))
        (if (i32.ge_u (local.get $i) (local.get $n)) (then (return (i32.add (local.get $k) (i32.const 1)))))
        (local.set $at (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))))
        (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32.load (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $l)))
    (i32.const 0))

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

  ;; One SGD step with momentum, dampening, Nesterov, weight decay or maximize, on float32 params,
  ;; in float64 with the operations and roundings of backend/cpu/optim.ts's loop (so the same bits):
  ;;   d = (maximize ? -g : g) + wd·θ      (the weight-decay term only when wd != 0)
  ;;   b = f32(first ? d : b·momentum + (1 - dampening)·d)         (when there is a buffer)
  ;;   d = nesterov ? d + momentum·b : b
  ;;   θ = f32(θ + (-lr)·d)
  ;; Two elements per step (a 64-bit load promoted to two f64 lanes), the last one alone. $flags:
  ;; 1 a momentum buffer at $b, 2 its first step, 4 Nesterov, 8 maximize; $keep is 1 - dampening.
  (func (export "sgd") (param $p i32) (param $g i32) (param $b i32) (param $n i32)
    (param $lr f64) (param $momentum f64) (param $keep f64) (param $wd f64) (param $flags i32)
    (local $end i32) (local $th v128) (local $d v128) (local $bv v128)
    (local $lrv v128) (local $mv v128) (local $kv v128) (local $wdv v128)
    (local $buf i32) (local $first i32) (local $nesterov i32) (local $maximize i32) (local $decay i32)
    (local $ths f64) (local $ds f64) (local $bs f64)
    (local.set $lrv (f64x2.splat (f64.neg (local.get $lr))))
    (local.set $mv (f64x2.splat (local.get $momentum)))
    (local.set $kv (f64x2.splat (local.get $keep)))
    (local.set $wdv (f64x2.splat (local.get $wd)))
    (local.set $buf (i32.and (local.get $flags) (i32.const 1)))
    (local.set $first (i32.and (local.get $flags) (i32.const 2)))
    (local.set $nesterov (i32.and (local.get $flags) (i32.const 4)))
    (local.set $maximize (i32.and (local.get $flags) (i32.const 8)))
    (local.set $decay (f64.ne (local.get $wd) (f64.const 0)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.gt_u (i32.add (local.get $p) (i32.const 8)) (local.get $end)))
        (local.set $th (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p))))
        (local.set $d (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $g))))
        (if (local.get $maximize) (then (local.set $d (f64x2.neg (local.get $d)))))
        (if (local.get $decay)
          (then (local.set $d (f64x2.add (local.get $d) (f64x2.mul (local.get $wdv) (local.get $th))))))
        (if (local.get $buf)
          (then
            (local.set $bv
              (f32x4.demote_f64x2_zero
                (if (result v128) (local.get $first)
                  (then (local.get $d))
                  (else
                    (f64x2.add
                      (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $b))) (local.get $mv))
                      (f64x2.mul (local.get $kv) (local.get $d)))))))
            (v128.store64_lane 0 (local.get $b) (local.get $bv))
            (local.set $bv (f64x2.promote_low_f32x4 (local.get $bv)))
            (local.set $d
              (if (result v128) (local.get $nesterov)
                (then (f64x2.add (local.get $d) (f64x2.mul (local.get $mv) (local.get $bv))))
                (else (local.get $bv))))
            (local.set $b (i32.add (local.get $b) (i32.const 8)))))
        (v128.store64_lane 0 (local.get $p)
          (f32x4.demote_f64x2_zero (f64x2.add (local.get $th) (f64x2.mul (local.get $lrv) (local.get $d)))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (local.set $g (i32.add (local.get $g) (i32.const 8)))
        (br $pairs)))
    ;; An odd last element, the same steps on one lane.
    (if (i32.lt_u (local.get $p) (local.get $end))
      (then
        (local.set $ths (f64.promote_f32 (f32.load (local.get $p))))
        (local.set $ds (f64.promote_f32 (f32.load (local.get $g))))
        (if (local.get $maximize) (then (local.set $ds (f64.neg (local.get $ds)))))
        (if (local.get $decay)
          (then (local.set $ds (f64.add (local.get $ds) (f64.mul (local.get $wd) (local.get $ths))))))
        (if (local.get $buf)
          (then
            (local.set $bs
              (f64.promote_f32 (f32.demote_f64
                (if (result f64) (local.get $first)
                  (then (local.get $ds))
                  (else
                    (f64.add
                      (f64.mul (f64.promote_f32 (f32.load (local.get $b))) (local.get $momentum))
                      (f64.mul (local.get $keep) (local.get $ds))))))))
            (f32.store (local.get $b) (f32.demote_f64 (local.get $bs)))
            (local.set $ds
              (if (result f64) (local.get $nesterov)
                (then (f64.add (local.get $ds) (f64.mul (local.get $momentum) (local.get $bs))))
                (else (local.get $bs))))))
        (f32.store (local.get $p)
          (f32.demote_f64 (f64.add (local.get $ths) (f64.mul (f64.neg (local.get $lr)) (local.get $ds))))))))

  ;; One Adam or AdamW step on float32 params and moments, in float64 with the operations and
  ;; roundings of backend/cpu/optim.ts's loop (so the same bits):
  ;;   d = maximize ? -g : g;  θ = f32(θ·decay) (AdamW), or d = d + wd·θ (Adam, when wd != 0)
  ;;   m = f32(m·β1 + (1 - β1)·d);  v = f32(v·β2 + ((1 - β2)·d)·d);  AMSGrad: x = max(x, v), s = x
  ;;   θ = f32(θ + (-stepSize·m) / (sqrt(s) / bc2Sqrt + eps))
  ;; Two elements per step, the last one alone. $flags: 1 AMSGrad (max at $x), 2 AdamW, 4 maximize;
  ;; $k1 and $k2 are 1 - β1 and 1 - β2.
  (func (export "adam") (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $x i32) (param $n i32)
    (param $stepSize f64) (param $bc2Sqrt f64) (param $beta1 f64) (param $beta2 f64) (param $k1 f64) (param $k2 f64)
    (param $eps f64) (param $wd f64) (param $decay f64) (param $flags i32)
    (local $end i32) (local $amsgrad i32) (local $decoupled i32) (local $maximize i32) (local $l2 i32)
    (local $th v128) (local $d v128) (local $mv v128) (local $vv v128)
    (local $ths f64) (local $ds f64) (local $ms f64) (local $vs f64)
    (local.set $amsgrad (i32.and (local.get $flags) (i32.const 1)))
    (local.set $decoupled (i32.and (local.get $flags) (i32.const 2)))
    (local.set $maximize (i32.and (local.get $flags) (i32.const 4)))
    (local.set $l2 (i32.and (i32.eqz (local.get $decoupled)) (f64.ne (local.get $wd) (f64.const 0))))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.gt_u (i32.add (local.get $p) (i32.const 8)) (local.get $end)))
        (local.set $th (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p))))
        (local.set $d (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $g))))
        (if (local.get $maximize) (then (local.set $d (f64x2.neg (local.get $d)))))
        (if (local.get $decoupled)
          (then
            (local.set $th (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero
              (f64x2.mul (local.get $th) (f64x2.splat (local.get $decay))))))))
        (if (local.get $l2)
          (then (local.set $d (f64x2.add (local.get $d) (f64x2.mul (f64x2.splat (local.get $wd)) (local.get $th))))))
        (local.set $mv (f32x4.demote_f64x2_zero
          (f64x2.add
            (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $m))) (f64x2.splat (local.get $beta1)))
            (f64x2.mul (f64x2.splat (local.get $k1)) (local.get $d)))))
        (v128.store64_lane 0 (local.get $m) (local.get $mv))
        (local.set $vv (f32x4.demote_f64x2_zero
          (f64x2.add
            (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $v))) (f64x2.splat (local.get $beta2)))
            (f64x2.mul (f64x2.mul (f64x2.splat (local.get $k2)) (local.get $d)) (local.get $d)))))
        (v128.store64_lane 0 (local.get $v) (local.get $vv))
        (if (local.get $amsgrad)
          (then
            (local.set $vv (f32x4.max (v128.load64_zero (local.get $x)) (local.get $vv)))
            (v128.store64_lane 0 (local.get $x) (local.get $vv))
            (local.set $x (i32.add (local.get $x) (i32.const 8)))))
        (v128.store64_lane 0 (local.get $p)
          (f32x4.demote_f64x2_zero
            (f64x2.add (local.get $th)
              (f64x2.div
                (f64x2.mul (f64x2.splat (f64.neg (local.get $stepSize))) (f64x2.promote_low_f32x4 (local.get $mv)))
                (f64x2.add
                  (f64x2.div (f64x2.sqrt (f64x2.promote_low_f32x4 (local.get $vv))) (f64x2.splat (local.get $bc2Sqrt)))
                  (f64x2.splat (local.get $eps)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (local.set $g (i32.add (local.get $g) (i32.const 8)))
        (local.set $m (i32.add (local.get $m) (i32.const 8)))
        (local.set $v (i32.add (local.get $v) (i32.const 8)))
        (br $pairs)))
    ;; An odd last element, the same steps on one lane.
    (if (i32.lt_u (local.get $p) (local.get $end))
      (then
        (local.set $ths (f64.promote_f32 (f32.load (local.get $p))))
        (local.set $ds (f64.promote_f32 (f32.load (local.get $g))))
        (if (local.get $maximize) (then (local.set $ds (f64.neg (local.get $ds)))))
        (if (local.get $decoupled)
          (then (local.set $ths (f64.promote_f32 (f32.demote_f64 (f64.mul (local.get $ths) (local.get $decay)))))))
        (if (local.get $l2)
          (then (local.set $ds (f64.add (local.get $ds) (f64.mul (local.get $wd) (local.get $ths))))))
        (local.set $ms (f64.promote_f32 (f32.demote_f64
          (f64.add (f64.mul (f64.promote_f32 (f32.load (local.get $m))) (local.get $beta1))
            (f64.mul (local.get $k1) (local.get $ds))))))
        (f32.store (local.get $m) (f32.demote_f64 (local.get $ms)))
        (local.set $vs (f64.promote_f32 (f32.demote_f64
          (f64.add (f64.mul (f64.promote_f32 (f32.load (local.get $v))) (local.get $beta2))
            (f64.mul (f64.mul (local.get $k2) (local.get $ds)) (local.get $ds))))))
        (f32.store (local.get $v) (f32.demote_f64 (local.get $vs)))
        (if (local.get $amsgrad)
          (then
            (local.set $vs (f64.promote_f32 (f32.max (f32.load (local.get $x)) (f32.demote_f64 (local.get $vs)))))
            (f32.store (local.get $x) (f32.demote_f64 (local.get $vs)))))
        (f32.store (local.get $p)
          (f32.demote_f64
            (f64.add (local.get $ths)
              (f64.div (f64.mul (f64.neg (local.get $stepSize)) (local.get $ms))
                (f64.add (f64.div (f64.sqrt (local.get $vs)) (local.get $bc2Sqrt)) (local.get $eps)))))))))
)
