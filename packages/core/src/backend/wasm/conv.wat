;; im2col (unfold) and col2im (fold) over dense float32 NCHW data for the wasm backend (driven by
;; conv.ts). The walk is backend/cpu/conv.ts's: the (n, channel, ky, kx, oy, ox) grid in that order,
;; one column row of outWidth entries at a time; for each kernel offset the output positions whose
;; input lies inside the image form one range [lo, hi), found once, so the inner loops carry no
;; bounds checks. With stride 1 a row is a contiguous run, moved four lanes at a time.
;;
;; fold adds in the same order as the TypeScript kernel, in float32 (which rounds as its float64 add
;; stored to float32 does), so both kernels give the same bits. The caller fills unfold's output
;; with the padding value and zeroes fold's output first. Addresses are byte offsets.
(module
  (import "env" "memory" (memory 1))

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

  ;; Copies floats from $src (step $step bytes) to $dst .. $end (contiguous).
  (func $gather (param $dst i32) (param $end i32) (param $src i32) (param $step i32)
    (if (i32.eq (local.get $step) (i32.const 4))
      (then
        (block $done
          (loop $vec
            (br_if $done (i32.gt_u (i32.add (local.get $dst) (i32.const 16)) (local.get $end)))
            (v128.store (local.get $dst) (v128.load (local.get $src)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (br $vec)))))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst) (f32.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (local.get $step)))
        (br $one))))

  ;; Adds floats from $src .. $end (contiguous) into $dst (step $step bytes).
  (func $scatter (param $src i32) (param $end i32) (param $dst i32) (param $step i32)
    (if (i32.eq (local.get $step) (i32.const 4))
      (then
        (block $done
          (loop $vec
            (br_if $done (i32.gt_u (i32.add (local.get $src) (i32.const 16)) (local.get $end)))
            (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (br $vec)))))
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
  (func (export "window") (param $fold i32) (param $img i32) (param $cols i32) (param $planes i32)
    (param $h i32) (param $w i32) (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32)
    (param $ph i32) (param $pw i32) (param $dh i32) (param $dw i32) (param $oh i32) (param $ow i32)
    (local $plane i32) (local $ky i32) (local $kx i32) (local $oy i32) (local $yShift i32) (local $xShift i32)
    (local $yLo i32) (local $yHi i32) (local $xLo i32) (local $xHi i32) (local $at i32) (local $run i32)
    (local $end i32) (local $step i32)
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
                (then (call $scatter (local.get $run) (local.get $end) (local.get $at) (local.get $step)))
                (else (call $gather (local.get $run) (local.get $end) (local.get $at) (local.get $step))))
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
)
