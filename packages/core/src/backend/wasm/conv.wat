;; im2col (unfold) and col2im (fold) over dense float32 NCHW data for the wasm backend (driven by
;; conv.ts), a convolution's bias (driven by conv2d.ts), and max pooling (driven by pool.ts). The walk is backend/cpu/conv.ts's: the (n, channel, ky, kx, oy, ox) grid in that order,
;; one column row of outWidth entries at a time; for each kernel offset the output positions whose
;; input lies inside the image form one range [lo, hi), found once, so the inner loops carry no
;; bounds checks. With stride 1 a row is a contiguous run, moved four lanes at a time.
;;
;; fold adds in the same order as the TypeScript kernel, in float32 (which rounds as its float64 add
;; stored to float32 does), so both kernels give the same bits. The caller fills unfold's output
;; with the padding value and zeroes fold's output first. Addresses are byte offsets.
(module
  (import "env" "memory" (memory 1))
  ;; matmul.wat's gemm, from the instance on the same memory (runtime.ts, backend/threads).
  (import "env" "gemm"
    (func $gemm (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))

  ;; The first output position o >= 0 with o * stride + shift >= 0.
  (func $lo (param $shift i32) (param $stride i32) (result i32)
    (if (result i32) (i32.ge_s (local.get $shift) (i32.const 0))
      (then (i32.const 0))
      (else
        (i32.div_s
          (i32.sub (local.get $stride) (i32.add (local.get $shift) (i32.const 1)))
          (local.get $stride)))))

  ;; One past the last output position o < count with o * stride + shift <= size - 1 (at least lo).
  (func $hi (param $shift i32) (param $size i32) (param $count i32) (param $stride i32) (param $lo i32)
    (result i32)
    (local $t i32)
    (local.set $t (i32.sub (i32.sub (local.get $size) (i32.const 1)) (local.get $shift)))
    (if (i32.lt_s (local.get $t) (i32.const 0)) (then (return (local.get $lo))))
    (local.set $t (i32.add (i32.div_s (local.get $t) (local.get $stride)) (i32.const 1)))
    (if (i32.gt_s (local.get $t) (local.get $count)) (then (local.set $t (local.get $count))))
    (select (local.get $t) (local.get $lo) (i32.gt_s (local.get $t) (local.get $lo))))

  ;; Copies floats from $src (step $step bytes) to $dst .. $end (contiguous), one at a time: the
  ;; window loop moves stride-1 runs of four floats or more itself.
  (func $gather (param $dst i32) (param $end i32) (param $src i32) (param $step i32)
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst) (f32.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (local.get $step)))
        (br $one))))

  ;; Adds floats from $src .. $end (contiguous) into $dst (step $step bytes), one at a time: the
  ;; window loop adds stride-1 runs itself.
  (func $scatter (param $src i32) (param $end i32) (param $dst i32) (param $step i32)
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (local.get $step)))
        (br $one))))

  ;; unfold ($fold = 0): cols at $cols = the windows of images at $img. fold ($fold = 1): the cols
  ;; at $cols added back into the (zeroed) images at $img. $planes = batch x channels images of
  ;; $h x $w; kernel $kh x $kw, stride $sh x $sw, padding $ph x $pw, dilation $dh x $dw, output
  ;; $oh x $ow positions.
  (func $window (export "window") (param $fold i32) (param $img i32) (param $cols i32) (param $planes i32)
    (param $h i32) (param $w i32) (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32)
    (param $ph i32) (param $pw i32) (param $dh i32) (param $dw i32) (param $oh i32) (param $ow i32)
    (local $plane i32) (local $ky i32) (local $kx i32) (local $oy i32) (local $yShift i32) (local $xShift i32)
    (local $yLo i32) (local $yHi i32) (local $xLo i32) (local $xHi i32) (local $at i32) (local $run i32)
    (local $end i32) (local $step i32) (local $last i32) (local $lastAt i32)
    (local.set $step (i32.shl (local.get $sw) (i32.const 2)))
    (loop $planeLoop
      (local.set $ky (i32.const 0))
      (loop $kyLoop
        (local.set $yShift (i32.sub (i32.mul (local.get $ky) (local.get $dh)) (local.get $ph)))
        (local.set $yLo (call $lo (local.get $yShift) (local.get $sh)))
        (local.set $yHi (call $hi (local.get $yShift) (local.get $h) (local.get $oh) (local.get $sh) (local.get $yLo)))
        (local.set $kx (i32.const 0))
        (loop $kxLoop
          (local.set $xShift (i32.sub (i32.mul (local.get $kx) (local.get $dw)) (local.get $pw)))
          (local.set $xLo (call $lo (local.get $xShift) (local.get $sw)))
          (local.set $xHi (call $hi (local.get $xShift) (local.get $w) (local.get $ow) (local.get $sw) (local.get $xLo)))
          (local.set $oy (local.get $yLo))
          (block $rowsDone
            (loop $rowLoop
              (br_if $rowsDone (i32.ge_s (local.get $oy) (local.get $yHi)))
              ;; image element (oy * sh + yShift, xLo * sw + xShift); column entries oy * ow + [xLo, xHi)
              (local.set $at
                (i32.add (local.get $img)
                  (i32.shl
                    (i32.add
                      (i32.mul (i32.add (i32.mul (local.get $oy) (local.get $sh)) (local.get $yShift)) (local.get $w))
                      (i32.add (i32.mul (local.get $xLo) (local.get $sw)) (local.get $xShift)))
                    (i32.const 2))))
              (local.set $run
                (i32.add (local.get $cols)
                  (i32.shl (i32.add (i32.mul (local.get $oy) (local.get $ow)) (local.get $xLo)) (i32.const 2))))
              (local.set $end
                (i32.add (local.get $run) (i32.shl (i32.sub (local.get $xHi) (local.get $xLo)) (i32.const 2))))
              (if (local.get $fold)
                (then
                  (if (i32.eq (local.get $step) (i32.const 4))
                    ;; Stride 1, added here rather than in $scatter (V8 does not inline the call,
                    ;; and calling it for a row's last floats alone made fold 30-40% slower): whole
                    ;; vectors, then the rest a float at a time (adds cannot overlap).
                    (then
                      (block $vecsDone
                        (loop $vec
                          (br_if $vecsDone (i32.gt_u (i32.add (local.get $run) (i32.const 16)) (local.get $end)))
                          (v128.store (local.get $at) (f32x4.add (v128.load (local.get $at)) (v128.load (local.get $run))))
                          (local.set $run (i32.add (local.get $run) (i32.const 16)))
                          (local.set $at (i32.add (local.get $at) (i32.const 16)))
                          (br $vec)))
                      (block $onesDone
                        (loop $one
                          (br_if $onesDone (i32.ge_u (local.get $run) (local.get $end)))
                          (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32.load (local.get $run))))
                          (local.set $run (i32.add (local.get $run) (i32.const 4)))
                          (local.set $at (i32.add (local.get $at) (i32.const 4)))
                          (br $one))))
                    (else (call $scatter (local.get $run) (local.get $end) (local.get $at) (local.get $step)))))
                (else
                  (if (i32.and (i32.eq (local.get $step) (i32.const 4))
                        (i32.ge_s (i32.sub (local.get $end) (local.get $run)) (i32.const 16)))
                    ;; A contiguous run of four floats or more (stride 1), copied here rather than
                    ;; in $gather (V8 does not inline the call): whole vectors, then the run's last
                    ;; four again, overlapping what was just copied, instead of a float at a time.
                    (then
                      (local.set $last (i32.sub (local.get $end) (i32.const 16)))
                      (local.set $lastAt (i32.add (local.get $at) (i32.sub (local.get $last) (local.get $run))))
                      (loop $vec
                        (v128.store (local.get $run) (v128.load (local.get $at)))
                        (local.set $run (i32.add (local.get $run) (i32.const 16)))
                        (local.set $at (i32.add (local.get $at) (i32.const 16)))
                        (br_if $vec (i32.le_u (local.get $run) (local.get $last))))
                      (v128.store (local.get $last) (v128.load (local.get $lastAt))))
                    (else (call $gather (local.get $run) (local.get $end) (local.get $at) (local.get $step))))))
              (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
              (br $rowLoop)))
          (local.set $cols (i32.add (local.get $cols) (i32.shl (i32.mul (local.get $oh) (local.get $ow)) (i32.const 2))))
          (local.set $kx (i32.add (local.get $kx) (i32.const 1)))
          (br_if $kxLoop (i32.lt_s (local.get $kx) (local.get $kw))))
        (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
        (br_if $kyLoop (i32.lt_s (local.get $ky) (local.get $kh))))
      (local.set $img (i32.add (local.get $img) (i32.shl (i32.mul (local.get $h) (local.get $w)) (i32.const 2))))
      (local.set $plane (i32.add (local.get $plane) (i32.const 1)))
      (br_if $planeLoop (i32.lt_s (local.get $plane) (local.get $planes)))))

  ;; Max pooling with 2x2 windows at stride 2, no padding, no dilation (the pooling of LeNet, VGG,
  ;; ...), four windows of a row at a time: each image row pair is loaded eight floats at a time and
  ;; split into even and odd columns, the four taps of each window. Writes each window's kept value
  ;; to $out and its flat element index (int32), counted from $base at $x's first element, to $at;
  ;; backend/cpu/pool.ts keeps the same ones.
  (func (export "maxpool2x2") (param $x i32) (param $out i32) (param $at i32) (param $planes i32)
    (param $h i32) (param $w i32) (param $oh i32) (param $ow i32) (param $base i32)
    (local $p i32) (local $i i32) (local $j i32) (local $top i32) (local $first i32)
    (local $r0a v128) (local $r0b v128) (local $r1a v128) (local $r1b v128) (local $idx v128)
    (local $v01 v128) (local $i01 v128) (local $v23 v128) (local $i23 v128) (local $t i32)
    (local $a v128) (local $b v128) (local $later v128)
    (local $e i32) (local $best f32) (local $v f32) (local $k i32) (local $take i32)
    (block $planesDone
      (loop $planeLoop
        (br_if $planesDone (i32.ge_s (local.get $p) (local.get $planes)))
        (local.set $i (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $oh)))
            ;; Flat index of the window row's first element: plane p, image row 2i.
            (local.set $top
              (i32.add (i32.mul (local.get $p) (i32.mul (local.get $h) (local.get $w)))
                (i32.mul (i32.shl (local.get $i) (i32.const 1)) (local.get $w))))
            (local.set $j (i32.const 0))
            (block $vectorsDone
              (loop $vectorLoop
                (if (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $ow))
                  (then
                    ;; Fewer than four windows left: redo the row's last four, which overlap windows
                    ;; already written (with the same values), rather than take them one at a time.
                    (br_if $vectorsDone
                      (i32.or (i32.ge_s (local.get $j) (local.get $ow)) (i32.lt_s (local.get $ow) (i32.const 4))))
                    (local.set $t (i32.shl (i32.sub (local.get $j) (i32.sub (local.get $ow) (i32.const 4))) (i32.const 2)))
                    (local.set $out (i32.sub (local.get $out) (local.get $t)))
                    (local.set $at (i32.sub (local.get $at) (local.get $t)))
                    (local.set $j (i32.sub (local.get $ow) (i32.const 4)))))
                (local.set $first (i32.add (local.get $top) (i32.shl (local.get $j) (i32.const 1))))
                (local.set $e (i32.add (local.get $x) (i32.shl (local.get $first) (i32.const 2))))
                (local.set $r0a (v128.load (local.get $e)))
                (local.set $r0b (v128.load offset=16 (local.get $e)))
                (local.set $e (i32.add (local.get $e) (i32.shl (local.get $w) (i32.const 2))))
                (local.set $r1a (v128.load (local.get $e)))
                (local.set $r1b (v128.load offset=16 (local.get $e)))
                (local.set $idx
                  (i32x4.add (i32x4.splat (i32.add (local.get $first) (local.get $base))) (v128.const i32x4 0 2 4 6)))
                ;; Each pick keeps the later tap $b over the earlier $a where it is greater or NaN
                ;; (so the first maximum, or the last NaN): pairs of taps, then pairs of pairs, keep
                ;; the element a running pick over the four taps in order keeps.
                (local.set $a (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $r0a) (local.get $r0b)))
                (local.set $b (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $r0a) (local.get $r0b)))
                (local.set $later (v128.or (f32x4.gt (local.get $b) (local.get $a)) (f32x4.ne (local.get $b) (local.get $b))))
                (local.set $v01 (v128.bitselect (local.get $b) (local.get $a) (local.get $later)))
                (local.set $i01
                  (v128.bitselect (i32x4.add (local.get $idx) (v128.const i32x4 1 1 1 1)) (local.get $idx) (local.get $later)))
                (local.set $idx (i32x4.add (local.get $idx) (i32x4.splat (local.get $w))))
                (local.set $a (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $r1a) (local.get $r1b)))
                (local.set $b (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $r1a) (local.get $r1b)))
                (local.set $later (v128.or (f32x4.gt (local.get $b) (local.get $a)) (f32x4.ne (local.get $b) (local.get $b))))
                (local.set $v23 (v128.bitselect (local.get $b) (local.get $a) (local.get $later)))
                (local.set $i23
                  (v128.bitselect (i32x4.add (local.get $idx) (v128.const i32x4 1 1 1 1)) (local.get $idx) (local.get $later)))
                (local.set $later
                  (v128.or (f32x4.gt (local.get $v23) (local.get $v01)) (f32x4.ne (local.get $v23) (local.get $v23))))
                (v128.store (local.get $out) (v128.bitselect (local.get $v23) (local.get $v01) (local.get $later)))
                (v128.store (local.get $at) (v128.bitselect (local.get $i23) (local.get $i01) (local.get $later)))
                (local.set $out (i32.add (local.get $out) (i32.const 16)))
                (local.set $at (i32.add (local.get $at) (i32.const 16)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $vectorLoop)))
            ;; A row of fewer than four windows, one at a time, taps in order.
            (block $tailDone
              (loop $tailLoop
                (br_if $tailDone (i32.ge_s (local.get $j) (local.get $ow)))
                (local.set $first (i32.add (local.get $top) (i32.shl (local.get $j) (i32.const 1))))
                (local.set $k (local.get $first))
                (local.set $best (f32.load (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 2)))))
                (local.set $t (i32.const 1))
                (loop $tapLoop
                  (local.set $e
                    (i32.add (local.get $first)
                      (i32.add (i32.and (local.get $t) (i32.const 1))
                        (i32.mul (i32.shr_u (local.get $t) (i32.const 1)) (local.get $w)))))
                  (local.set $v (f32.load (i32.add (local.get $x) (i32.shl (local.get $e) (i32.const 2)))))
                  (local.set $take (i32.or (f32.gt (local.get $v) (local.get $best)) (f32.ne (local.get $v) (local.get $v))))
                  (local.set $best (select (local.get $v) (local.get $best) (local.get $take)))
                  (local.set $k (select (local.get $e) (local.get $k) (local.get $take)))
                  (local.set $t (i32.add (local.get $t) (i32.const 1)))
                  (br_if $tapLoop (i32.lt_s (local.get $t) (i32.const 4))))
                (f32.store (local.get $out) (local.get $best))
                (i32.store (local.get $at) (i32.add (local.get $k) (local.get $base)))
                (local.set $out (i32.add (local.get $out) (i32.const 4)))
                (local.set $at (i32.add (local.get $at) (i32.const 4)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $tailLoop)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rowLoop)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $planeLoop))))

  ;; x[r * l + j] += bias[r] for r < rows, j < l: a convolution's bias, one value per output channel
  ;; row, four lanes at a time and the row's last elements one by one (nothing past a row is touched).
  (func $addRows (export "addRows") (param $x i32) (param $bias i32) (param $rows i32) (param $l i32)
    (local $r i32) (local $end i32) (local $v v128) (local $s f32)
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $s (f32.load (i32.add (local.get $bias) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $v (f32x4.splat (local.get $s)))
        (local.set $end (i32.add (local.get $x) (i32.shl (local.get $l) (i32.const 2))))
        (block $vectorsDone
          (loop $vectorLoop
            (br_if $vectorsDone (i32.gt_u (i32.add (local.get $x) (i32.const 16)) (local.get $end)))
            (v128.store (local.get $x) (f32x4.add (v128.load (local.get $x)) (local.get $v)))
            (local.set $x (i32.add (local.get $x) (i32.const 16)))
            (br $vectorLoop)))
        (block $tailDone
          (loop $tailLoop
            (br_if $tailDone (i32.ge_u (local.get $x) (local.get $end)))
            (f32.store (local.get $x) (f32.add (f32.load (local.get $x)) (local.get $s)))
            (local.set $x (i32.add (local.get $x) (i32.const 4)))
            (br $tailLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  ;; Adds the $n floats at $bias to each of the $rows rows of $n floats from $x, in float32 (the
  ;; bits of addBiasRows in cpu/matmul.ts): a product's bias row, on one thread or once the threads
  ;; are done. $n is a multiple of 4.
  (func (export "addBias") (param $x i32) (param $bias i32) (param $rows i32) (param $n i32)
    (local $end i32) (local $rowEnd i32) (local $b i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.mul (local.get $rows) (local.get $n)) (i32.const 2))))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $rowEnd (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $b (local.get $bias))
        (block $vectorsDone
          (loop $vectorLoop
            (br_if $vectorsDone (i32.ge_u (local.get $x) (local.get $rowEnd)))
            (v128.store (local.get $x) (f32x4.add (v128.load (local.get $x)) (v128.load (local.get $b))))
            (local.set $x (i32.add (local.get $x) (i32.const 16)))
            (local.set $b (i32.add (local.get $b) (i32.const 16)))
            (br $vectorLoop)))
        (br $rowLoop))))

  ;; Zeroes $n floats at $dst: the threads' columns before an unfold with padding. (A typed array's
  ;; fill on a shared memory runs about nine times slower than on a plain one, measured in Node 20.)
  (func $zero (export "zero") (param $dst i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (block $vectorsDone
      (loop $vectorLoop
        (br_if $vectorsDone (i32.gt_u (i32.add (local.get $dst) (i32.const 16)) (local.get $end)))
        (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $vectorLoop)))
    (block $tailDone
      (loop $tailLoop
        (br_if $tailDone (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst) (f32.const 0))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $tailLoop))))

  ;; One image of a convolution: the loop body of conv2d.ts, on one thread or on each of
  ;; backend/threads' (one image per claim), so both compute the same bits. The job's ints at $p
  ;; (conv-job.ts writes them): 0 op, 1 groups, 2 oc (per group), 3 rows (per group: channels x kh x
  ;; kw), 4 L (output positions), 5-17 the window's geometry for one image as $window takes it, 18
  ;; whether the columns need zeros first (padding), 19-20 the image read (byte base, bytes per
  ;; image), 21-22 the other operand, 23-24 the output, 25 the bias (-1: none), 26 output channels,
  ;; 27 whether the weight's gradient runs flipped. Op 0, forward: unfold, weight x columns per group,
  ;; the bias. Op 1, the input's gradient: weight^T x dy per group into the columns, folded into the
  ;; zeroed image. Op 2, the weight's gradient: unfold, dy x columns^T per group (or its transpose,
  ;; columns x dy^T, flipped), into this image's own output. $cols, $pa, $pb, $t: this thread's
  ;; columns and gemm's scratch.
  (func (export "image") (param $p i32) (param $j i32) (param $cols i32) (param $pa i32) (param $pb i32)
    (param $t i32)
    (local $op i32) (local $groups i32) (local $oc i32) (local $rows i32) (local $l i32) (local $q i32)
    (local $src i32) (local $other i32) (local $out i32) (local $gw i32) (local $gy i32) (local $gc i32)
    (local.set $op (i32.load (local.get $p)))
    (local.set $groups (i32.load offset=4 (local.get $p)))
    (local.set $oc (i32.load offset=8 (local.get $p)))
    (local.set $rows (i32.load offset=12 (local.get $p)))
    (local.set $l (i32.load offset=16 (local.get $p)))
    (local.set $src
      (i32.add (i32.load offset=76 (local.get $p)) (i32.mul (local.get $j) (i32.load offset=80 (local.get $p)))))
    (local.set $other
      (i32.add (i32.load offset=84 (local.get $p)) (i32.mul (local.get $j) (i32.load offset=88 (local.get $p)))))
    (local.set $out
      (i32.add (i32.load offset=92 (local.get $p)) (i32.mul (local.get $j) (i32.load offset=96 (local.get $p)))))
    (if (i32.ne (local.get $op) (i32.const 1))
      (then
        (if (i32.load offset=72 (local.get $p))
          (then
            (call $zero (local.get $cols)
              (i32.mul (local.get $groups) (i32.mul (local.get $rows) (local.get $l))))))
        (call $windowOf (local.get $p) (i32.const 0) (local.get $src) (local.get $cols))))
    (loop $group
      (local.set $gw (i32.shl (i32.mul (local.get $q) (i32.mul (local.get $oc) (local.get $rows))) (i32.const 2)))
      (local.set $gy (i32.shl (i32.mul (local.get $q) (i32.mul (local.get $oc) (local.get $l))) (i32.const 2)))
      (local.set $gc (i32.shl (i32.mul (local.get $q) (i32.mul (local.get $rows) (local.get $l))) (i32.const 2)))
      (if (i32.eqz (local.get $op))
        (then
          (call $gemm (local.get $oc) (local.get $l) (local.get $rows)
            (i32.add (local.get $other) (local.get $gw)) (local.get $rows) (i32.const 1)
            (i32.add (local.get $cols) (local.get $gc)) (local.get $l) (i32.const 1)
            (i32.add (local.get $out) (local.get $gy)) (local.get $l)
            (local.get $pa) (local.get $pb) (local.get $t)))
        (else (if (i32.eq (local.get $op) (i32.const 1))
          (then
            (call $gemm (local.get $rows) (local.get $l) (local.get $oc)
              (i32.add (local.get $other) (local.get $gw)) (i32.const 1) (local.get $rows)
              (i32.add (local.get $src) (local.get $gy)) (local.get $l) (i32.const 1)
              (i32.add (local.get $cols) (local.get $gc)) (local.get $l)
              (local.get $pa) (local.get $pb) (local.get $t)))
          (else (if (i32.load offset=108 (local.get $p))
            (then
              (call $gemm (local.get $rows) (local.get $oc) (local.get $l)
                (i32.add (local.get $cols) (local.get $gc)) (local.get $l) (i32.const 1)
                (i32.add (local.get $other) (local.get $gy)) (i32.const 1) (local.get $l)
                (i32.add (local.get $out) (local.get $gw)) (local.get $oc)
                (local.get $pa) (local.get $pb) (local.get $t)))
            (else
              (call $gemm (local.get $oc) (local.get $rows) (local.get $l)
                (i32.add (local.get $other) (local.get $gy)) (local.get $l) (i32.const 1)
                (i32.add (local.get $cols) (local.get $gc)) (i32.const 1) (local.get $l)
                (i32.add (local.get $out) (local.get $gw)) (local.get $rows)
                (local.get $pa) (local.get $pb) (local.get $t))))))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br_if $group (i32.lt_s (local.get $q) (local.get $groups))))
    (if (i32.and (i32.eqz (local.get $op)) (i32.ge_s (i32.load offset=100 (local.get $p)) (i32.const 0)))
      (then
        (call $addRows (local.get $out) (i32.load offset=100 (local.get $p)) (i32.load offset=104 (local.get $p))
          (local.get $l))))
    (if (i32.eq (local.get $op) (i32.const 1))
      (then
        (call $zero (local.get $out) (i32.shr_u (i32.load offset=96 (local.get $p)) (i32.const 2)))
        (call $windowOf (local.get $p) (i32.const 1) (local.get $out) (local.get $cols)))))

  ;; The weight's gradient summed over images: $count floats at $out plus those of each of the next
  ;; $n - 1 images' outputs, $step bytes apart, added in image order in float32 (as one thread
  ;; summing image after image), four lanes at a time and the rest one by one.
  (func (export "sumImages") (param $out i32) (param $n i32) (param $count i32) (param $step i32)
    (local $i i32) (local $src i32) (local $dst i32) (local $end i32)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $i (i32.const 1))
    (block $imagesDone
      (loop $image
        (br_if $imagesDone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $src (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $step))))
        (local.set $dst (local.get $out))
        (block $vectorsDone
          (loop $vectorLoop
            (br_if $vectorsDone (i32.gt_u (i32.add (local.get $dst) (i32.const 16)) (local.get $end)))
            (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (br $vectorLoop)))
        (block $tailDone
          (loop $tailLoop
            (br_if $tailDone (i32.ge_u (local.get $dst) (local.get $end)))
            (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (local.set $src (i32.add (local.get $src) (i32.const 4)))
            (br $tailLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $image))))

  ;; $window over one image with the geometry in the job's ints 5-17 at $p (see image).
  (func $windowOf (param $p i32) (param $fold i32) (param $img i32) (param $cols i32)
    (call $window (local.get $fold) (local.get $img) (local.get $cols)
      (i32.load offset=20 (local.get $p)) (i32.load offset=24 (local.get $p)) (i32.load offset=28 (local.get $p))
      (i32.load offset=32 (local.get $p)) (i32.load offset=36 (local.get $p)) (i32.load offset=40 (local.get $p))
      (i32.load offset=44 (local.get $p)) (i32.load offset=48 (local.get $p)) (i32.load offset=52 (local.get $p))
      (i32.load offset=56 (local.get $p)) (i32.load offset=60 (local.get $p)) (i32.load offset=64 (local.get $p))
      (i32.load offset=68 (local.get $p))))
)
