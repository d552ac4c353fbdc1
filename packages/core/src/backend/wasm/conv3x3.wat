;; 3x3 convolutions at stride 1 computed directly, for the wasm backend (driven by conv3x3.ts): no
;; im2col columns and no packing, which for a layer of few input channels (nine columns a channel)
;; cost more than its multiply-adds. The input arrives zero-padded, $hp x $wp per plane, so every
;; window lies inside it; the output is $oh x $ow per plane with $ow a multiple of 4, four positions
;; per vector. Addresses are byte offsets.
(module
  (import "env" "memory" (memory 1))

  ;; out[n, o, y, x] = sum over (c, ky, kx), in that order from 0, of w[o, c, ky, kx] * p[n, c, y +
  ;; ky, x + kx], each product rounded and then added, plus bias[o] ($bias -1: none): the order and
  ;; roundings of conv.wat's `image` (gemm on the columns, then addRows) for up to 256 terms where
  ;; gemm does not fuse its multiply-adds. Four output channels at a time ($oc a multiple of 4),
  ;; their weights at $w laid out by conv3x3.ts as [o / 4][c][ky][kx][4 channels][4 copies]: one
  ;; load gives a weight in every lane.
  (func (export "forward") (param $p i32) (param $w i32) (param $bias i32) (param $out i32) (param $n i32)
    (param $c i32) (param $oc i32) (param $oh i32) (param $ow i32) (param $hp i32) (param $wp i32)
    (local $img i32) (local $o i32) (local $y i32) (local $x i32) (local $ci i32) (local $ky i32)
    (local $src i32) (local $wt i32) (local $dst i32) (local $row i32) (local $plane i32) (local $outPlane i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $v v128)
    (local.set $row (i32.shl (local.get $wp) (i32.const 2)))
    (local.set $plane (i32.mul (local.get $row) (local.get $hp)))
    (local.set $outPlane (i32.shl (i32.mul (local.get $oh) (local.get $ow)) (i32.const 2)))
    (loop $images
      (local.set $o (i32.const 0))
      (loop $channels
        (local.set $y (i32.const 0))
        (loop $rows
          (local.set $x (i32.const 0))
          (loop $vectors
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $a2 (v128.const i32x4 0 0 0 0))
            (local.set $a3 (v128.const i32x4 0 0 0 0))
            ;; Plane 0 of this image, window row y, column x; this block's weights.
            (local.set $src
              (i32.add (local.get $p)
                (i32.add (i32.mul (i32.mul (local.get $img) (local.get $c)) (local.get $plane))
                  (i32.add (i32.mul (local.get $y) (local.get $row)) (i32.shl (local.get $x) (i32.const 2))))))
            (local.set $wt (i32.add (local.get $w) (i32.mul (i32.mul (local.get $o) (local.get $c)) (i32.const 144))))
            (local.set $ci (i32.const 0))
            (loop $inputs
              (local.set $ky (i32.const 0))
              (loop $taps
                (local.set $v (v128.load (local.get $src)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load (local.get $wt)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load offset=16 (local.get $wt)))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (v128.load offset=32 (local.get $wt)))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (v128.load offset=48 (local.get $wt)))))
                (local.set $v (v128.load offset=4 (local.get $src)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load offset=64 (local.get $wt)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load offset=80 (local.get $wt)))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (v128.load offset=96 (local.get $wt)))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (v128.load offset=112 (local.get $wt)))))
                (local.set $v (v128.load offset=8 (local.get $src)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load offset=128 (local.get $wt)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load offset=144 (local.get $wt)))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (v128.load offset=160 (local.get $wt)))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (v128.load offset=176 (local.get $wt)))))
                (local.set $wt (i32.add (local.get $wt) (i32.const 192)))
                (local.set $src (i32.add (local.get $src) (local.get $row)))
                (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
                (br_if $taps (i32.lt_u (local.get $ky) (i32.const 3))))
              ;; The same window row in the next plane.
              (local.set $src (i32.add (local.get $src) (i32.sub (local.get $plane) (i32.mul (local.get $row) (i32.const 3)))))
              (local.set $ci (i32.add (local.get $ci) (i32.const 1)))
              (br_if $inputs (i32.lt_u (local.get $ci) (local.get $c))))
            (if (i32.ge_s (local.get $bias) (i32.const 0))
              (then
                (local.set $src (i32.add (local.get $bias) (i32.shl (local.get $o) (i32.const 2))))
                (local.set $a0 (f32x4.add (local.get $a0) (v128.load32_splat (local.get $src))))
                (local.set $a1 (f32x4.add (local.get $a1) (v128.load32_splat offset=4 (local.get $src))))
                (local.set $a2 (f32x4.add (local.get $a2) (v128.load32_splat offset=8 (local.get $src))))
                (local.set $a3 (f32x4.add (local.get $a3) (v128.load32_splat offset=12 (local.get $src))))))
            (local.set $dst
              (i32.add (local.get $out)
                (i32.add (i32.mul (i32.add (i32.mul (local.get $img) (local.get $oc)) (local.get $o)) (local.get $outPlane))
                  (i32.shl (i32.add (i32.mul (local.get $y) (local.get $ow)) (local.get $x)) (i32.const 2)))))
            (v128.store (local.get $dst) (local.get $a0))
            (local.set $dst (i32.add (local.get $dst) (local.get $outPlane)))
            (v128.store (local.get $dst) (local.get $a1))
            (local.set $dst (i32.add (local.get $dst) (local.get $outPlane)))
            (v128.store (local.get $dst) (local.get $a2))
            (local.set $dst (i32.add (local.get $dst) (local.get $outPlane)))
            (v128.store (local.get $dst) (local.get $a3))
            (local.set $x (i32.add (local.get $x) (i32.const 4)))
            (br_if $vectors (i32.lt_u (local.get $x) (local.get $ow))))
          (local.set $y (i32.add (local.get $y) (i32.const 1)))
          (br_if $rows (i32.lt_u (local.get $y) (local.get $oh))))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br_if $channels (i32.lt_u (local.get $o) (local.get $oc))))
      (local.set $img (i32.add (local.get $img) (i32.const 1)))
      (br_if $images (i32.lt_u (local.get $img) (local.get $n)))))

  ;; dw[o, c, ky, kx] = sum over n, y, x of dy[n, o, y, x] * p[n, c, y + ky, x + kx]: for each (o, c)
  ;; nine float32 sums of four lanes each, over the images, rows and vectors in that order, then each
  ;; sum's lanes added as (l0 + l1) + (l2 + l3). dw is [oc][c][3][3].
  (func (export "weightGrad") (param $p i32) (param $dy i32) (param $dw i32) (param $n i32) (param $c i32)
    (param $oc i32) (param $oh i32) (param $ow i32) (param $hp i32) (param $wp i32)
    (local $img i32) (local $o i32) (local $ci i32) (local $y i32) (local $x i32)
    (local $src i32) (local $d i32) (local $r1 i32) (local $r2 i32) (local $row i32) (local $plane i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $s4 v128) (local $s5 v128)
    (local $s6 v128) (local $s7 v128) (local $s8 v128) (local $v v128)
    (local.set $row (i32.shl (local.get $wp) (i32.const 2)))
    (local.set $plane (i32.mul (local.get $row) (local.get $hp)))
    (loop $channels
      (local.set $ci (i32.const 0))
      (loop $inputs
        (local.set $s0 (v128.const i32x4 0 0 0 0))
        (local.set $s1 (local.get $s0))
        (local.set $s2 (local.get $s0))
        (local.set $s3 (local.get $s0))
        (local.set $s4 (local.get $s0))
        (local.set $s5 (local.get $s0))
        (local.set $s6 (local.get $s0))
        (local.set $s7 (local.get $s0))
        (local.set $s8 (local.get $s0))
        (local.set $img (i32.const 0))
        (loop $images
          (local.set $y (i32.const 0))
          (loop $rows
            (local.set $src
              (i32.add (local.get $p)
                (i32.add (i32.mul (i32.add (i32.mul (local.get $img) (local.get $c)) (local.get $ci)) (local.get $plane))
                  (i32.mul (local.get $y) (local.get $row)))))
            (local.set $r1 (i32.add (local.get $src) (local.get $row)))
            (local.set $r2 (i32.add (local.get $r1) (local.get $row)))
            (local.set $d
              (i32.add (local.get $dy)
                (i32.shl
                  (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $img) (local.get $oc)) (local.get $o)) (local.get $oh))
                    (local.get $y)) (local.get $ow))
                  (i32.const 2))))
            (local.set $x (i32.const 0))
            (loop $vectors
              (local.set $v (v128.load (local.get $d)))
              (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $v) (v128.load (local.get $src)))))
              (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $v) (v128.load offset=4 (local.get $src)))))
              (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $v) (v128.load offset=8 (local.get $src)))))
              (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $v) (v128.load (local.get $r1)))))
              (local.set $s4 (f32x4.add (local.get $s4) (f32x4.mul (local.get $v) (v128.load offset=4 (local.get $r1)))))
              (local.set $s5 (f32x4.add (local.get $s5) (f32x4.mul (local.get $v) (v128.load offset=8 (local.get $r1)))))
              (local.set $s6 (f32x4.add (local.get $s6) (f32x4.mul (local.get $v) (v128.load (local.get $r2)))))
              (local.set $s7 (f32x4.add (local.get $s7) (f32x4.mul (local.get $v) (v128.load offset=4 (local.get $r2)))))
              (local.set $s8 (f32x4.add (local.get $s8) (f32x4.mul (local.get $v) (v128.load offset=8 (local.get $r2)))))
              (local.set $d (i32.add (local.get $d) (i32.const 16)))
              (local.set $src (i32.add (local.get $src) (i32.const 16)))
              (local.set $r1 (i32.add (local.get $r1) (i32.const 16)))
              (local.set $r2 (i32.add (local.get $r2) (i32.const 16)))
              (local.set $x (i32.add (local.get $x) (i32.const 4)))
              (br_if $vectors (i32.lt_u (local.get $x) (local.get $ow))))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (br_if $rows (i32.lt_u (local.get $y) (local.get $oh))))
          (local.set $img (i32.add (local.get $img) (i32.const 1)))
          (br_if $images (i32.lt_u (local.get $img) (local.get $n))))
        (local.set $d
          (i32.add (local.get $dw) (i32.mul (i32.add (i32.mul (local.get $o) (local.get $c)) (local.get $ci)) (i32.const 36))))
        (call $lanes (local.get $d) (local.get $s0))
        (call $lanes (i32.add (local.get $d) (i32.const 4)) (local.get $s1))
        (call $lanes (i32.add (local.get $d) (i32.const 8)) (local.get $s2))
        (call $lanes (i32.add (local.get $d) (i32.const 12)) (local.get $s3))
        (call $lanes (i32.add (local.get $d) (i32.const 16)) (local.get $s4))
        (call $lanes (i32.add (local.get $d) (i32.const 20)) (local.get $s5))
        (call $lanes (i32.add (local.get $d) (i32.const 24)) (local.get $s6))
        (call $lanes (i32.add (local.get $d) (i32.const 28)) (local.get $s7))
        (call $lanes (i32.add (local.get $d) (i32.const 32)) (local.get $s8))
        (local.set $ci (i32.add (local.get $ci) (i32.const 1)))
        (br_if $inputs (i32.lt_u (local.get $ci) (local.get $c))))
      (local.set $o (i32.add (local.get $o) (i32.const 1)))
      (br_if $channels (i32.lt_u (local.get $o) (local.get $oc)))))

  ;; Copies $planes planes of $h x $w floats at $src into the middle of the (zeroed) $hp x $wp planes
  ;; at $dst, $ph rows and $pw columns in: the input with its padding, as both kernels read it.
  (func (export "pad") (param $src i32) (param $dst i32) (param $planes i32) (param $h i32) (param $w i32)
    (param $hp i32) (param $wp i32) (param $ph i32) (param $pw i32)
    (local $q i32) (local $r i32) (local $to i32) (local $end i32)
    (local.set $dst (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $ph) (local.get $wp)) (local.get $pw)) (i32.const 2))))
    (loop $planesLoop
      (local.set $r (i32.const 0))
      (loop $rows
        (local.set $to (i32.add (local.get $dst) (i32.shl (i32.mul (i32.add (i32.mul (local.get $q) (local.get $hp)) (local.get $r)) (local.get $wp)) (i32.const 2))))
        (local.set $end (i32.add (local.get $to) (i32.shl (local.get $w) (i32.const 2))))
        (block $vectorsDone
          (loop $vectors
            (br_if $vectorsDone (i32.gt_u (i32.add (local.get $to) (i32.const 16)) (local.get $end)))
            (v128.store (local.get $to) (v128.load (local.get $src)))
            (local.set $to (i32.add (local.get $to) (i32.const 16)))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (br $vectors)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $to) (local.get $end)))
            (f32.store (local.get $to) (f32.load (local.get $src)))
            (local.set $to (i32.add (local.get $to) (i32.const 4)))
            (local.set $src (i32.add (local.get $src) (i32.const 4)))
            (br $tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $r) (local.get $h))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br_if $planesLoop (i32.lt_u (local.get $q) (local.get $planes)))))

  ;; Stores (l0 + l1) + (l2 + l3) of $s at $at.
  (func $lanes (param $at i32) (param $s v128)
    (f32.store (local.get $at)
      (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $s)) (f32x4.extract_lane 1 (local.get $s)))
        (f32.add (f32x4.extract_lane 2 (local.get $s)) (f32x4.extract_lane 3 (local.get $s))))))
)
