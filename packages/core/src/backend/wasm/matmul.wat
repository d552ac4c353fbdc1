;; float32 matrix product C = A B with 128-bit SIMD, for the wasm backend (driven by matmul.ts).
;;
;; A GotoBLAS-style product, as backend/cpu/matmul.ts but in f32x4 lanes: B is packed into panels
;; of 8 columns and A into panels of 4 rows, so the micro-kernel reads both with unit stride
;; whatever the operands' strides (a transposed view costs one strided pass while packing, never a
;; strided inner loop). K is cut into slices of at most KC = 256 and A into blocks of MC = 128 rows,
;; so a B micro-panel (8 KB) stays in L1 and an A block (128 KB) in L2 while the tiles run.
;;
;; A row-major B is read in place, unpacked, when A is one block (m <= MC): then each B element is
;; used by the m/4 tiles of its panel right after one another, from L1 either way, and packing it
;; (a convolution's im2col columns, a linear layer's backward) cost a read and a write of every
;; element for nothing. Measured on the shapes of the bench's MLP and CNN: 2-40% faster, the same
;; bits (the same products in the same order). Except where B's rows are a multiple of 4 KB apart:
;; a micro-panel's rows then share a few L1 sets and evict each other (a third slower, measured).
;;
;; Sums are float32. Each output element sums at most KC products in order of k inside the kernel,
;; then adds that partial sum to C once per slice, so rounding error grows with KC + K / KC rather
;; than with K. scripts/build-wasm.ts also assembles this file with each `c + x * b` of $tile fused
;; into one f32x4.relaxed_madd, the build used where the runtime has relaxed SIMD.
;;
;; Addresses are byte offsets into the imported memory; strides are counted in elements. The caller
;; lays out the operands, C (m rows of n, fully overwritten), the packing buffers and a 4x8 scratch
;; tile, all 16-byte aligned.
(module
  (import "env" "memory" (memory 1))

  ;; $panels 4x8 tiles down one column panel of C: for each, C[4 x 8] at $c (row stride $ldc bytes)
  ;; = (C if $acc, else 0) + A panel * B panel over $kc >= 1, B's rows $bs bytes apart (32 when
  ;; packed). The A panels follow one another ($kc * 16 bytes each, as packA lays them), the C tiles
  ;; are 4 rows apart, and every tile reads the same B panel, which stays in L1.
  ;; The 4x8 sums live in eight f32x4 locals, which V8 keeps in xmm registers for the whole k loop:
  ;; per k, two loads of B and four broadcasts of A feed sixteen multiplies and adds.
  ;; One call per column panel rather than per tile: with the k loop inside a loop, V8 peels its
  ;; first iteration and leaves the loop's stack check there, so the k loop runs 26 instructions per
  ;; k instead of 31, and a block's tiles cost one call instead of 32 (measured: 1.17-1.19x on every
  ;; shape of the bench's MLP and CNN and on 1024^2, the same bits).
  (func $tile (param $a i32) (param $b i32) (param $kc i32) (param $c i32) (param $ldc i32) (param $acc i32)
    (param $bs i32) (param $panels i32)
    (local $end i32) (local $r i32) (local $b0At i32)
    (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $b0At (local.get $b))
    (loop $panel
      (local.set $b (local.get $b0At))
      (if (local.get $acc)
        (then
          (local.set $r (local.get $c))
          (local.set $c00 (v128.load (local.get $r)))
          (local.set $c01 (v128.load offset=16 (local.get $r)))
          (local.set $r (i32.add (local.get $r) (local.get $ldc)))
          (local.set $c10 (v128.load (local.get $r)))
          (local.set $c11 (v128.load offset=16 (local.get $r)))
          (local.set $r (i32.add (local.get $r) (local.get $ldc)))
          (local.set $c20 (v128.load (local.get $r)))
          (local.set $c21 (v128.load offset=16 (local.get $r)))
          (local.set $r (i32.add (local.get $r) (local.get $ldc)))
          (local.set $c30 (v128.load (local.get $r)))
          (local.set $c31 (v128.load offset=16 (local.get $r))))
        (else
          (local.set $c00 (v128.const i32x4 0 0 0 0))
          (local.set $c01 (v128.const i32x4 0 0 0 0))
          (local.set $c10 (v128.const i32x4 0 0 0 0))
          (local.set $c11 (v128.const i32x4 0 0 0 0))
          (local.set $c20 (v128.const i32x4 0 0 0 0))
          (local.set $c21 (v128.const i32x4 0 0 0 0))
          (local.set $c30 (v128.const i32x4 0 0 0 0))
          (local.set $c31 (v128.const i32x4 0 0 0 0))))
      (local.set $end (i32.add (local.get $a) (i32.shl (local.get $kc) (i32.const 4))))
      (loop $k
        (local.set $b0 (v128.load (local.get $b)))
        (local.set $b1 (v128.load offset=16 (local.get $b)))
        (local.set $x (v128.load32_splat (local.get $a)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat offset=4 (local.get $a)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat offset=8 (local.get $a)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat offset=12 (local.get $a)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (local.get $bs)))
        (br_if $k (i32.ne (local.get $a) (local.get $end))))
      (local.set $r (local.get $c))
      (v128.store (local.get $r) (local.get $c00))
      (v128.store offset=16 (local.get $r) (local.get $c01))
      (local.set $r (i32.add (local.get $r) (local.get $ldc)))
      (v128.store (local.get $r) (local.get $c10))
      (v128.store offset=16 (local.get $r) (local.get $c11))
      (local.set $r (i32.add (local.get $r) (local.get $ldc)))
      (v128.store (local.get $r) (local.get $c20))
      (v128.store offset=16 (local.get $r) (local.get $c21))
      (local.set $r (i32.add (local.get $r) (local.get $ldc)))
      (v128.store (local.get $r) (local.get $c30))
      (v128.store offset=16 (local.get $r) (local.get $c31))
      ;; $a has run on to the next A panel; C moves down four rows.
      (local.set $c (i32.add (local.get $r) (local.get $ldc)))
      (local.set $panels (i32.sub (local.get $panels) (i32.const 1)))
      (br_if $panel (local.get $panels))))

  ;; Copies a $rows x $cols block between two row-major places with row strides $ls and $ld bytes.
  (func $block (param $src i32) (param $ls i32) (param $dst i32) (param $ld i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32)
    (loop $row
      (local.set $j (i32.const 0))
      (loop $col
        (f32.store
          (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
          (f32.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $col (i32.lt_u (local.get $j) (local.get $cols))))
      (local.set $src (i32.add (local.get $src) (local.get $ls)))
      (local.set $dst (i32.add (local.get $dst) (local.get $ld)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $row (i32.lt_u (local.get $i) (local.get $rows)))))

  ;; A tile that hangs over the last rows or columns of C: computed whole in the 4x8 scratch tile
  ;; at $t (seeded with C's valid part when accumulating), and only its valid part stored.
  (func $edge (param $a i32) (param $b i32) (param $kc i32) (param $c i32) (param $ldc i32) (param $acc i32)
    (param $rows i32) (param $cols i32) (param $t i32) (param $bs i32)
    (if (local.get $acc)
      (then (call $block (local.get $c) (local.get $ldc) (local.get $t) (i32.const 32) (local.get $rows) (local.get $cols))))
    (call $tile (local.get $a) (local.get $b) (local.get $kc) (local.get $t) (i32.const 32) (local.get $acc)
      (local.get $bs) (i32.const 1))
    (call $block (local.get $t) (i32.const 32) (local.get $c) (local.get $ldc) (local.get $rows) (local.get $cols)))

  ;; Stores the transpose of the 4x4 block whose rows are $r0 .. $r3: its column i (lane i of each
  ;; row) as one vector at $dst + i * $step bytes. The interleaves are the ones x64 has single
  ;; instructions for (unpcklps/unpckhps, then movlhps/movhlps).
  (func $transposed (param $dst i32) (param $step i32) (param $r0 v128) (param $r1 v128) (param $r2 v128)
    (param $r3 v128)
    (local $lo01 v128) (local $lo23 v128) (local $hi01 v128) (local $hi23 v128)
    (local.set $lo01 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
    (local.set $lo23 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
    (local.set $hi01 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
    (local.set $hi23 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
    (v128.store (local.get $dst)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $lo01) (local.get $lo23)))
    (local.set $dst (i32.add (local.get $dst) (local.get $step)))
    (v128.store (local.get $dst)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $lo01) (local.get $lo23)))
    (local.set $dst (i32.add (local.get $dst) (local.get $step)))
    (v128.store (local.get $dst)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $hi01) (local.get $hi23)))
    (local.set $dst (i32.add (local.get $dst) (local.get $step)))
    (v128.store (local.get $dst)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $hi01) (local.get $hi23))))

  ;; A[i0 .. i0+mc, p0 .. p0+kc] (row stride $rs, column stride $cs, in elements) as panels of 4 rows
  ;; at $dst: dst[(panel * kc + p) * 4 + r]. Rows past $m are zeros.
  (func $packA (param $src i32) (param $rs i32) (param $cs i32) (param $m i32) (param $i0 i32) (param $mc i32)
    (param $p0 i32) (param $kc i32) (param $dst i32)
    (local $ip i32) (local $end i32) (local $rows i32) (local $q i32) (local $p i32) (local $r i32)
    (local.set $rs (i32.shl (local.get $rs) (i32.const 2)))
    (local.set $cs (i32.shl (local.get $cs) (i32.const 2)))
    (local.set $ip (local.get $i0))
    (local.set $end (i32.add (local.get $i0) (local.get $mc)))
    (loop $panel
      (local.set $rows (i32.sub (local.get $m) (local.get $ip)))
      (local.set $q
        (i32.add (local.get $src)
          (i32.add (i32.mul (local.get $ip) (local.get $rs)) (i32.mul (local.get $p0) (local.get $cs)))))
      (local.set $p (i32.const 0))
      (if (i32.ge_s (local.get $rows) (i32.const 4))
        (then
          (if (i32.eq (local.get $rs) (i32.const 4))
            ;; A transposed (a column of A^T is a row in memory): four rows at once.
            (then
              (loop $k
                (v128.store (local.get $dst) (v128.load (local.get $q)))
                (local.set $q (i32.add (local.get $q) (local.get $cs)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br_if $k (i32.lt_u (local.get $p) (local.get $kc)))))
            (else
              ;; Row-major A: four k at a time, the 4x4 block transposed in registers.
              (if (i32.eq (local.get $cs) (i32.const 4))
                (then
                  (block $quadsDone
                    (loop $quad
                      (br_if $quadsDone (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $kc)))
                      (call $transposed (local.get $dst) (i32.const 16)
                        (v128.load (local.get $q))
                        (v128.load (i32.add (local.get $q) (local.get $rs)))
                        (v128.load (i32.add (local.get $q) (i32.shl (local.get $rs) (i32.const 1))))
                        (v128.load (i32.add (local.get $q) (i32.mul (local.get $rs) (i32.const 3)))))
                      (local.set $q (i32.add (local.get $q) (i32.const 16)))
                      (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
                      (local.set $p (i32.add (local.get $p) (i32.const 4)))
                      (br $quad)))))
              (block $kDone
                (loop $k
                  (br_if $kDone (i32.ge_u (local.get $p) (local.get $kc)))
                  (f32.store (local.get $dst) (f32.load (local.get $q)))
                  (f32.store offset=4 (local.get $dst) (f32.load (i32.add (local.get $q) (local.get $rs))))
                  (f32.store offset=8 (local.get $dst)
                    (f32.load (i32.add (local.get $q) (i32.shl (local.get $rs) (i32.const 1)))))
                  (f32.store offset=12 (local.get $dst)
                    (f32.load (i32.add (local.get $q) (i32.mul (local.get $rs) (i32.const 3)))))
                  (local.set $q (i32.add (local.get $q) (local.get $cs)))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
                  (local.set $p (i32.add (local.get $p) (i32.const 1)))
                  (br $k))))))
        (else
          (loop $k
            (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
            (local.set $r (i32.const 0))
            (loop $row
              (f32.store
                (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 2)))
                (f32.load (i32.add (local.get $q) (i32.mul (local.get $r) (local.get $rs)))))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br_if $row (i32.lt_u (local.get $r) (local.get $rows))))
            (local.set $q (i32.add (local.get $q) (local.get $cs)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $k (i32.lt_u (local.get $p) (local.get $kc))))))
      (local.set $ip (i32.add (local.get $ip) (i32.const 4)))
      (br_if $panel (i32.lt_u (local.get $ip) (local.get $end)))))

  ;; B[p0 .. p0+kc, all n columns] as panels of 8 columns at $dst: dst[(panel * kc + p) * 8 + c].
  ;; Columns past $n are zeros.
  (func $packB (param $src i32) (param $rs i32) (param $cs i32) (param $n i32) (param $p0 i32) (param $kc i32)
    (param $dst i32)
    (local $j0 i32) (local $cols i32) (local $q i32) (local $p i32) (local $c i32)
    (local.set $rs (i32.shl (local.get $rs) (i32.const 2)))
    (local.set $cs (i32.shl (local.get $cs) (i32.const 2)))
    (loop $panel
      (local.set $cols (i32.sub (local.get $n) (local.get $j0)))
      (local.set $q
        (i32.add (local.get $src)
          (i32.add (i32.mul (local.get $p0) (local.get $rs)) (i32.mul (local.get $j0) (local.get $cs)))))
      (local.set $p (i32.const 0))
      (if (i32.and (i32.ge_s (local.get $cols) (i32.const 8)) (i32.eq (local.get $cs) (i32.const 4)))
        ;; Row-major B: each panel row is two vectors.
        (then
          (loop $k
            (v128.store (local.get $dst) (v128.load (local.get $q)))
            (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $q)))
            (local.set $q (i32.add (local.get $q) (local.get $rs)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $k (i32.lt_u (local.get $p) (local.get $kc)))))
        (else
          (if (i32.gt_s (local.get $cols) (i32.const 8)) (then (local.set $cols (i32.const 8))))
          ;; B^T stored row-major (a column of B is a row in memory): four k at a time, each 4x4 block
          ;; of eight columns transposed in registers.
          (if (i32.and (i32.eq (local.get $cols) (i32.const 8)) (i32.eq (local.get $rs) (i32.const 4)))
            (then
              (block $quadsDone
                (loop $quad
                  (br_if $quadsDone (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $kc)))
                  (call $transposed (local.get $dst) (i32.const 32)
                    (v128.load (local.get $q))
                    (v128.load (i32.add (local.get $q) (local.get $cs)))
                    (v128.load (i32.add (local.get $q) (i32.shl (local.get $cs) (i32.const 1))))
                    (v128.load (i32.add (local.get $q) (i32.mul (local.get $cs) (i32.const 3)))))
                  (call $transposed (i32.add (local.get $dst) (i32.const 16)) (i32.const 32)
                    (v128.load (i32.add (local.get $q) (i32.shl (local.get $cs) (i32.const 2))))
                    (v128.load (i32.add (local.get $q) (i32.mul (local.get $cs) (i32.const 5))))
                    (v128.load (i32.add (local.get $q) (i32.mul (local.get $cs) (i32.const 6))))
                    (v128.load (i32.add (local.get $q) (i32.mul (local.get $cs) (i32.const 7)))))
                  (local.set $q (i32.add (local.get $q) (i32.const 16)))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 128)))
                  (local.set $p (i32.add (local.get $p) (i32.const 4)))
                  (br $quad)))))
          (block $kDone
            (loop $k
              (br_if $kDone (i32.ge_u (local.get $p) (local.get $kc)))
              (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
              (v128.store offset=16 (local.get $dst) (v128.const i32x4 0 0 0 0))
              (local.set $c (i32.const 0))
              (loop $col
                (f32.store
                  (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2)))
                  (f32.load (i32.add (local.get $q) (i32.mul (local.get $c) (local.get $cs)))))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br_if $col (i32.lt_u (local.get $c) (local.get $cols))))
              (local.set $q (i32.add (local.get $q) (local.get $rs)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $k)))))
      (local.set $j0 (i32.add (local.get $j0) (i32.const 8)))
      (br_if $panel (i32.lt_u (local.get $j0) (local.get $n)))))

  ;; C[m x n] at $c (row stride $cn elements) = A B, A read with strides $ars, $acs from $a. B is
  ;; read with strides $brs, $bcs from $b and packed one k-slice at a time into $pb; or, when
  ;; $packed, $b holds B already packed by packSlice for every k-slice, $brs columns wide (a multiple
  ;; of 8: the whole product's), and this block's columns start at column $bcs of it ($pb unused).
  (func $product (param $m i32) (param $n i32) (param $k i32)
    (param $a i32) (param $ars i32) (param $acs i32) (param $b i32) (param $brs i32) (param $bcs i32)
    (param $c i32) (param $cn i32) (param $pa i32) (param $pb i32) (param $t i32) (param $packed i32)
    (local $p0 i32) (local $kc i32) (local $i0 i32) (local $mc i32) (local $j0 i32) (local $i i32)
    (local $ldc i32) (local $acc i32) (local $bp i32)
    (local $direct i32) (local $full i32) (local $bs i32)
    (local.set $ldc (i32.shl (local.get $cn) (i32.const 2)))
    ;; B read in place (see the header): row-major, one block of rows, rows not 4 KB apart.
    (local.set $direct
      (i32.and
        (i32.and
          (i32.and (i32.eq (local.get $bcs) (i32.const 1)) (i32.le_s (local.get $m) (i32.const 128)))
          (i32.ne (i32.and (local.get $brs) (i32.const 1023)) (i32.const 0)))
        (i32.eqz (local.get $packed))))
    ;; Columns that make whole panels of 8; read in place, B packs only the panel past them.
    (local.set $full (i32.and (local.get $n) (i32.const -8)))
    (loop $slice
      (local.set $kc (i32.sub (local.get $k) (local.get $p0)))
      (if (i32.gt_s (local.get $kc) (i32.const 256)) (then (local.set $kc (i32.const 256))))
      (local.set $acc (i32.ne (local.get $p0) (i32.const 0)))
      (if (local.get $packed)
        (then
          ;; This slice's panels come after the p0 rows of every panel before it; this block's
          ;; first panel after the kc rows of each of the $bcs / 8 panels left of it.
          (local.set $pb (i32.add (local.get $b)
            (i32.shl
              (i32.add (i32.mul (local.get $p0) (local.get $brs)) (i32.mul (local.get $bcs) (local.get $kc)))
              (i32.const 2)))))
      (else (if (local.get $direct)
        (then
          (if (i32.lt_s (local.get $full) (local.get $n))
            (then
              (call $packB (i32.add (local.get $b) (i32.shl (local.get $full) (i32.const 2)))
                (local.get $brs) (local.get $bcs) (i32.sub (local.get $n) (local.get $full)) (local.get $p0)
                (local.get $kc) (local.get $pb)))))
        (else
          (call $packB (local.get $b) (local.get $brs) (local.get $bcs) (local.get $n) (local.get $p0) (local.get $kc)
            (local.get $pb))))))
      (local.set $i0 (i32.const 0))
      (loop $rowBlock
        (local.set $mc (i32.sub (local.get $m) (local.get $i0)))
        (if (i32.gt_s (local.get $mc) (i32.const 128)) (then (local.set $mc (i32.const 128))))
        (call $packA (local.get $a) (local.get $ars) (local.get $acs) (local.get $m) (local.get $i0) (local.get $mc)
          (local.get $p0) (local.get $kc) (local.get $pa))
        (local.set $j0 (i32.const 0))
        (loop $colPanel
          (if (local.get $direct)
            (then
              (if (i32.lt_s (local.get $j0) (local.get $full))
                (then
                  (local.set $bp (i32.add (local.get $b)
                    (i32.shl (i32.add (i32.mul (local.get $p0) (local.get $brs)) (local.get $j0)) (i32.const 2))))
                  (local.set $bs (i32.shl (local.get $brs) (i32.const 2))))
                (else
                  (local.set $bp (local.get $pb))
                  (local.set $bs (i32.const 32)))))
            (else
              (local.set $bp (i32.add (local.get $pb) (i32.shl (i32.mul (local.get $j0) (local.get $kc)) (i32.const 2))))
              (local.set $bs (i32.const 32))))
          (local.set $i (local.get $i0))
          ;; The block's whole 4x8 tiles in this column panel in one call, then the rows past them.
          (if (i32.and (i32.le_s (i32.add (local.get $j0) (i32.const 8)) (local.get $n))
                (i32.ge_s (local.get $mc) (i32.const 4)))
            (then
              (call $tile (local.get $pa) (local.get $bp) (local.get $kc)
                (i32.add (local.get $c)
                  (i32.shl (i32.add (i32.mul (local.get $i0) (local.get $cn)) (local.get $j0)) (i32.const 2)))
                (local.get $ldc) (local.get $acc) (local.get $bs) (i32.shr_u (local.get $mc) (i32.const 2)))
              (local.set $i (i32.add (local.get $i0) (i32.and (local.get $mc) (i32.const -4))))))
          (block $edgesDone
            (loop $rowPanel
              (br_if $edgesDone (i32.ge_s (local.get $i) (i32.add (local.get $i0) (local.get $mc))))
              (call $edge
                (i32.add (local.get $pa)
                  (i32.shl (i32.mul (i32.sub (local.get $i) (local.get $i0)) (local.get $kc)) (i32.const 2)))
                (local.get $bp) (local.get $kc)
                (i32.add (local.get $c)
                  (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cn)) (local.get $j0)) (i32.const 2)))
                (local.get $ldc) (local.get $acc)
                (select (i32.sub (local.get $m) (local.get $i)) (i32.const 4)
                  (i32.lt_s (i32.sub (local.get $m) (local.get $i)) (i32.const 4)))
                (select (i32.sub (local.get $n) (local.get $j0)) (i32.const 8)
                  (i32.lt_s (i32.sub (local.get $n) (local.get $j0)) (i32.const 8)))
                (local.get $t) (local.get $bs))
              (local.set $i (i32.add (local.get $i) (i32.const 4)))
              (br $rowPanel)))
          (local.set $j0 (i32.add (local.get $j0) (i32.const 8)))
          (br_if $colPanel (i32.lt_s (local.get $j0) (local.get $n))))
        (local.set $i0 (i32.add (local.get $i0) (i32.const 128)))
        (br_if $rowBlock (i32.lt_s (local.get $i0) (local.get $m))))
      (local.set $p0 (i32.add (local.get $p0) (i32.const 256)))
      (br_if $slice (i32.lt_s (local.get $p0) (local.get $k)))))

  (func (export "gemm") (param $m i32) (param $n i32) (param $k i32)
    (param $a i32) (param $ars i32) (param $acs i32) (param $b i32) (param $brs i32) (param $bcs i32)
    (param $c i32) (param $cn i32) (param $pa i32) (param $pb i32) (param $t i32)
    (call $product (local.get $m) (local.get $n) (local.get $k) (local.get $a) (local.get $ars) (local.get $acs)
      (local.get $b) (local.get $brs) (local.get $bcs) (local.get $c) (local.get $cn) (local.get $pa) (local.get $pb)
      (local.get $t) (i32.const 0)))

  ;; gemm with B packed beforehand by packSlice at $b, $brs columns wide, this block's columns
  ;; starting at its column $bcs ($pb unused): the threads of one product share one packing of B
  ;; instead of each packing it again.
  (func (export "gemmPacked") (param $m i32) (param $n i32) (param $k i32)
    (param $a i32) (param $ars i32) (param $acs i32) (param $b i32) (param $brs i32) (param $bcs i32)
    (param $c i32) (param $cn i32) (param $pa i32) (param $pb i32) (param $t i32)
    (call $product (local.get $m) (local.get $n) (local.get $k) (local.get $a) (local.get $ars) (local.get $acs)
      (local.get $b) (local.get $brs) (local.get $bcs) (local.get $c) (local.get $cn) (local.get $pa) (local.get $pb)
      (local.get $t) (i32.const 1)))

  ;; Rows p0 .. p0+kc of B [k x n] (strides $rs, $cs in elements) packed at $dst as gemm packs that
  ;; k-slice: ceil(n / 8) panels of kc x 8. A product's threads pack its slices side by side, each
  ;; at p0 * ceil(n / 8) * 8 floats, the layout gemmPacked reads.
  (func (export "packSlice") (param $b i32) (param $rs i32) (param $cs i32) (param $n i32) (param $p0 i32)
    (param $kc i32) (param $dst i32)
    (call $packB (local.get $b) (local.get $rs) (local.get $cs) (local.get $n) (local.get $p0) (local.get $kc)
      (local.get $dst))))
