;; One epoch of UMAP's stochastic gradient descent (core/manifold/_umap_layout.ts,
;; `epochAny`): the same float64 operations in the same order, so the same bits.
;; Compiled by scripts/build_umap_sgd.ts into umap_sgd_wasm.ts; hand-written.
;;
;; Memory (the caller fills it, see core/manifold/_umap_sgd.ts):
;;   0      POW2[2098]     2^k at k + 1074            (core/math.ts)
;;   16784  SLICES[384]    c, 1/c, log c per slice    (core/math.ts)
;;   19856  EXP2_64[64]    2^(j/64)                   (core/math.ts)
;;   20368  LN2_HI, LN2_LO, INV_LN2_64, LN2_64_HI, LN2_64_LO
;;   from 20480: the caller's arrays, at the addresses it passes.
(module
  (import "env" "memory" (memory 1))
  ;; exp(y·log x) of core/math.ts, for powPositive's rare arguments.
  (import "env" "powSlow" (func $powSlow (param f64 f64) (result f64)))

  ;; core/math.ts's powPositive(x, y), operation for operation.
  (func $pow (export "pow") (param $x f64) (param $y f64) (result f64)
    (local $hx i32) (local $e i32) (local $j i32) (local $r f64) (local $t f64)
    (local $k f64) (local $ki i32) (local $s f64) (local $ef f64)
    (local.set $hx (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $x)) (i64.const 32))))
    (local.set $e (i32.sub (i32.shr_u (local.get $hx) (i32.const 20)) (i32.const 1023)))
    (if (i32.or (i32.or (i32.eq (local.get $e) (i32.const -1023)) (i32.eq (local.get $e) (i32.const 1024)))
                (i32.shr_u (local.get $hx) (i32.const 31)))
      (then (return (call $powSlow (local.get $x) (local.get $y)))))
    ;; j = ((hx >>> 13) & 127) * 3, as a byte offset into SLICES
    (local.set $j (i32.add (i32.const 16784)
      (i32.mul (i32.and (i32.shr_u (local.get $hx) (i32.const 13)) (i32.const 127)) (i32.const 24))))
    ;; r = (x * POW2[1074 - e] - SLICES[j]) * SLICES[j + 1]
    (local.set $r (f64.mul
      (f64.sub
        (f64.mul (local.get $x)
          (f64.load (i32.shl (i32.sub (i32.const 1074) (local.get $e)) (i32.const 3))))
        (f64.load (local.get $j)))
      (f64.load offset=8 (local.get $j))))
    (local.set $ef (f64.convert_i32_s (local.get $e)))
    ;; t = y * (e * LN2_HI + (SLICES[j + 2] + (lr + e * LN2_LO)))
    (local.set $t (f64.mul (local.get $y)
      (f64.add
        (f64.mul (local.get $ef) (f64.load (i32.const 20368)))
        (f64.add
          (f64.load offset=16 (local.get $j))
          (f64.add
            ;; lr = r * (1 + r * (-0.5 + r * (1/3 + r * (-0.25 + r * (0.2 - r / 6)))))
            (f64.mul (local.get $r)
              (f64.add (f64.const 1) (f64.mul (local.get $r)
                (f64.add (f64.const -0.5) (f64.mul (local.get $r)
                  (f64.add (f64.const 0.3333333333333333) (f64.mul (local.get $r)
                    (f64.add (f64.const -0.25) (f64.mul (local.get $r)
                      (f64.sub (f64.const 0.2) (f64.mul (local.get $r) (f64.const 0.16666666666666666))))))))))))
            (f64.mul (local.get $ef) (f64.load (i32.const 20376))))))))
    (if (i32.eqz (i32.and (f64.gt (local.get $t) (f64.const -708)) (f64.lt (local.get $t) (f64.const 708))))
      (then (return (call $powSlow (local.get $x) (local.get $y)))))
    ;; k = floor(t * INV_LN2_64 + 0.5); s = (t - k * LN2_64_HI) - k * LN2_64_LO
    (local.set $k (f64.floor (f64.add (f64.mul (local.get $t) (f64.load (i32.const 20384))) (f64.const 0.5))))
    (local.set $s (f64.sub
      (f64.sub (local.get $t) (f64.mul (local.get $k) (f64.load (i32.const 20392))))
      (f64.mul (local.get $k) (f64.load (i32.const 20400)))))
    (local.set $ki (i32.trunc_f64_s (local.get $k)))
    ;; EXP2_64[k & 63] * p * POW2[1074 + (k >> 6)]
    (f64.mul
      (f64.mul
        (f64.load (i32.add (i32.const 19856) (i32.shl (i32.and (local.get $ki) (i32.const 63)) (i32.const 3))))
        (f64.add (f64.const 1) (f64.mul (local.get $s)
          (f64.add (f64.const 1) (f64.mul (local.get $s)
            (f64.add (f64.const 0.5) (f64.mul (local.get $s)
              (f64.add (f64.const 0.16666666666666666) (f64.mul (local.get $s)
                (f64.add (f64.const 0.041666666666666664) (f64.mul (local.get $s) (f64.const 0.008333333333333333))))))))))))
      (f64.load (i32.shl (i32.add (i32.const 1074) (i32.shr_s (local.get $ki) (i32.const 6))) (i32.const 3)))))

  ;; clip(v) = v > 4 ? 4 : v < -4 ? -4 : v, without branches (NaN stays NaN)
  (func $clip (param $v f64) (result f64)
    (f64.max (f64.min (local.get $v) (f64.const 4)) (f64.const -4)))

  ;; Draws m indices from the generator state at `st` (umap-learn's
  ;; tau_rand_int) into `kb` and touches their rows of T (first and last
  ;; float), adding what it read to the float64 at `acc`.
  (func $draw (param $st i32) (param $kb i32) (param $m i32) (param $T i32) (param $d8 i32)
    (param $nV i32) (param $acc i32)
    (local $q i32) (local $r i32) (local $k i32) (local $ok i32) (local $touch f64)
    (local $h0 i32) (local $l0 i32) (local $h1 i32) (local $l1 i32) (local $h2 i32) (local $l2 i32)
    (local.set $h0 (i32.load (local.get $st)))
    (local.set $l0 (i32.load offset=4 (local.get $st)))
    (local.set $h1 (i32.load offset=8 (local.get $st)))
    (local.set $l1 (i32.load offset=12 (local.get $st)))
    (local.set $h2 (i32.load offset=16 (local.get $st)))
    (local.set $l2 (i32.load offset=20 (local.get $st)))
    (local.set $touch (f64.load (local.get $acc)))
    (block $draw_end (loop $draw
      (br_if $draw_end (i32.ge_u (local.get $q) (local.get $m)))
      (local.set $l0 (i32.xor
        (i32.shl (i32.and (local.get $l0) (i32.const 0xfffffffe)) (i32.const 12))
        (i32.or (i32.shr_u (i32.xor (i32.shl (local.get $l0) (i32.const 13)) (local.get $l0)) (i32.const 19))
                (i32.shl (local.get $h0) (i32.const 13)))))
      (local.set $h0 (i32.shr_s (local.get $h0) (i32.const 19)))
      (local.set $l1 (i32.xor
        (i32.shl (i32.and (local.get $l1) (i32.const 0xfffffff8)) (i32.const 4))
        (i32.or (i32.shr_u (i32.xor (i32.shl (local.get $l1) (i32.const 2)) (local.get $l1)) (i32.const 25))
                (i32.shl (local.get $h1) (i32.const 7)))))
      (local.set $h1 (i32.shr_s (local.get $h1) (i32.const 25)))
      (local.set $l2 (i32.xor
        (i32.shl (i32.and (local.get $l2) (i32.const 0xfffffff0)) (i32.const 17))
        (i32.or (i32.shr_u (i32.xor (i32.shl (local.get $l2) (i32.const 3)) (local.get $l2)) (i32.const 11))
                (i32.shl (local.get $h2) (i32.const 21)))))
      (local.set $h2 (i32.shr_s (local.get $h2) (i32.const 11)))
      (local.set $r (i32.rem_s (i32.xor (i32.xor (local.get $l0) (local.get $l1)) (local.get $l2)) (local.get $nV)))
      (local.set $k (select (i32.add (local.get $r) (local.get $nV)) (local.get $r)
        (i32.lt_s (local.get $r) (i32.const 0))))
      (i32.store (i32.add (local.get $kb) (i32.shl (local.get $q) (i32.const 2))) (local.get $k))
      (local.set $ok (i32.add (local.get $T) (i32.mul (local.get $k) (local.get $d8))))
      (local.set $touch (f64.add (local.get $touch)
        (f64.add (f64.load (local.get $ok)) (f64.load (i32.sub (i32.add (local.get $ok) (local.get $d8)) (i32.const 8))))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br $draw)))
    (f64.store (local.get $acc) (local.get $touch))
    (i32.store (local.get $st) (local.get $h0))
    (i32.store offset=4 (local.get $st) (local.get $l0))
    (i32.store offset=8 (local.get $st) (local.get $h1))
    (i32.store offset=12 (local.get $st) (local.get $l1))
    (i32.store offset=16 (local.get $st) (local.get $h2))
    (i32.store offset=20 (local.get $st) (local.get $l2)))

  ;; The first edge at or after i sampled in epoch n (eons ≤ n), or nEdges.
  (func $find (param $i i32) (param $nEdges i32) (param $eons i32) (param $n f64) (result i32)
    (block $end (loop $scan
      (br_if $end (i32.ge_u (local.get $i) (local.get $nEdges)))
      (br_if $end (f64.le (f64.load (i32.add (local.get $eons) (i32.shl (local.get $i) (i32.const 3)))) (local.get $n)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $scan)))
    (local.get $i))

  ;; Prepares edge i (sampled) into the scratch `sc`: its head (sc+16), its
  ;; negatives' count nNeg (sc+24, float64), how many remain to draw
  ;; (sc+32) and how many are drawn (sc+36), the generator state after
  ;; them (sc+40, 24 bytes), the indices (kb); touches its tail row. The
  ;; state comes from the current edge's (at `cur`, head `jcur`) when
  ;; `fromCur` and the heads agree, else from `states`.
  (func $prepare (param $i i32) (param $sc i32) (param $kb i32) (param $fromCur i32) (param $cur i32)
    (param $jcur i32) (param $n f64) (param $head i32) (param $tail i32) (param $epns i32)
    (param $eonns i32) (param $states i32) (param $T i32) (param $d8 i32) (param $nV i32)
    (local $j i32) (local $ot i32) (local $nNeg f64) (local $cnt i32) (local $m i32) (local $src i32)
    (local.set $j (i32.load (i32.add (local.get $head) (i32.shl (local.get $i) (i32.const 2)))))
    (local.set $ot (i32.add (local.get $T)
      (i32.mul (i32.load (i32.add (local.get $tail) (i32.shl (local.get $i) (i32.const 2)))) (local.get $d8))))
    (f64.store (local.get $sc) (f64.add (f64.load (local.get $sc))
      (f64.add (f64.load (local.get $ot)) (f64.load (i32.sub (i32.add (local.get $ot) (local.get $d8)) (i32.const 8))))))
    ;; nNeg = trunc((n − eonns[i]) / epns[i])
    (local.set $nNeg (f64.trunc (f64.div
      (f64.sub (local.get $n) (f64.load (i32.add (local.get $eonns) (i32.shl (local.get $i) (i32.const 3)))))
      (f64.load (i32.add (local.get $epns) (i32.shl (local.get $i) (i32.const 3)))))))
    (local.set $cnt (i32.trunc_sat_f64_s (local.get $nNeg)))
    (local.set $m (select (i32.const 0)
      (select (local.get $cnt) (i32.const 64) (i32.lt_s (local.get $cnt) (i32.const 64)))
      (i32.le_s (local.get $cnt) (i32.const 0))))
    (local.set $src (select (local.get $cur)
      (i32.add (local.get $states) (i32.mul (local.get $j) (i32.const 24)))
      (i32.and (local.get $fromCur) (i32.eq (local.get $j) (local.get $jcur)))))
    (memory.copy (i32.add (local.get $sc) (i32.const 40)) (local.get $src) (i32.const 24))
    (i32.store offset=16 (local.get $sc) (local.get $j))
    (f64.store offset=24 (local.get $sc) (local.get $nNeg))
    (i32.store offset=32 (local.get $sc) (i32.sub (local.get $cnt) (local.get $m)))
    (i32.store offset=36 (local.get $sc) (local.get $m))
    (call $draw (i32.add (local.get $sc) (i32.const 40)) (local.get $kb) (local.get $m) (local.get $T)
      (local.get $d8) (local.get $nV) (local.get $sc)))

  ;; One epoch `n` with learning rate `alpha` over edges [0, nEdges).
  ;; H, T: head and tail embeddings (nVertices × dim float64, may be equal);
  ;; head, tail: int32 per edge; eps, epns, eons, eonns: float64 per edge;
  ;; states: int32 × 6 per vertex; diff: dim float64 of scratch; sc: 768
  ;; bytes of scratch (two blocks of 64 indices, the prepared edge, the
  ;; current generator state).
  ;;
  ;; The random rows of the negative samples are the time (a cache miss
  ;; each: 5.6 MB of rows on N2D's 70,000 × 10). Their indices depend only on
  ;; the vertex's generator, not on the embedding, so they are drawn ahead
  ;; and their rows touched: the next sampled edge's first 64 are drawn
  ;; while this edge's negatives are computed (when this edge's fit in one
  ;; block), and the misses overlap. The arithmetic and its order are
  ;; unchanged; each edge's generator state is stored after its draws.
  (func (export "epoch")
    (param $nEdges i32) (param $n f64) (param $alpha f64) (param $dim i32) (param $nV i32)
    (param $a f64) (param $b f64) (param $twoAB f64) (param $twoGB f64) (param $moveOther i32)
    (param $H i32) (param $T i32) (param $head i32) (param $tail i32)
    (param $eps i32) (param $epns i32) (param $eons i32) (param $eonns i32)
    (param $states i32) (param $diff i32) (param $sc i32)
    (local $i i32) (local $i2 i32) (local $e8 i32) (local $j i32) (local $oj i32) (local $ok i32)
    (local $ot i32) (local $dd i32) (local $d8 i32) (local $t f64) (local $d2 f64) (local $gc f64)
    (local $pb f64) (local $g f64) (local $nNeg f64) (local $cnt i32) (local $m i32) (local $q i32)
    (local $k i32) (local $kcur i32) (local $knext i32) (local $cur i32) (local $ahead i32)
    (local.set $d8 (i32.shl (local.get $dim) (i32.const 3)))
    ;; scratch: [0, 8) touches' sum, [16, 64) the prepared edge, [64, 88) the
    ;; current state, [256, 512) and [512, 768) the index blocks
    (local.set $cur (i32.add (local.get $sc) (i32.const 64)))
    (local.set $kcur (i32.add (local.get $sc) (i32.const 256)))
    (local.set $knext (i32.add (local.get $sc) (i32.const 512)))
    (local.set $i (call $find (i32.const 0) (local.get $nEdges) (local.get $eons) (local.get $n)))
    (if (i32.lt_u (local.get $i) (local.get $nEdges))
      (then (call $prepare (local.get $i) (local.get $sc) (local.get $knext) (i32.const 0) (local.get $cur)
        (i32.const -1) (local.get $n) (local.get $head) (local.get $tail) (local.get $epns)
        (local.get $eonns) (local.get $states) (local.get $T) (local.get $d8) (local.get $nV))))
    (block $edges_end (loop $edges
      (br_if $edges_end (i32.ge_u (local.get $i) (local.get $nEdges)))
      (local.set $e8 (i32.shl (local.get $i) (i32.const 3)))
      ;; the prepared edge becomes the current one
      (local.set $k (local.get $kcur))
      (local.set $kcur (local.get $knext))
      (local.set $knext (local.get $k))
      (local.set $j (i32.load offset=16 (local.get $sc)))
      (local.set $nNeg (f64.load offset=24 (local.get $sc)))
      (local.set $cnt (i32.load offset=32 (local.get $sc)))
      (local.set $m (i32.load offset=36 (local.get $sc)))
      (memory.copy (local.get $cur) (i32.add (local.get $sc) (i32.const 40)) (i32.const 24))
      (local.set $oj (i32.add (local.get $H) (i32.mul (local.get $j) (local.get $d8))))
      (local.set $ot (i32.add (local.get $T)
        (i32.mul (i32.load (i32.add (local.get $tail) (i32.shl (local.get $i) (i32.const 2)))) (local.get $d8))))
      ;; the positive sample: diff = H[j] − T[tail]; d2 = Σ diff² in order
      (local.set $d2 (f64.const 0))
      (local.set $dd (i32.const 0))
      (block $a_end (loop $a
        (br_if $a_end (i32.ge_u (local.get $dd) (local.get $d8)))
        (local.set $t (f64.sub (f64.load (i32.add (local.get $oj) (local.get $dd)))
                               (f64.load (i32.add (local.get $ot) (local.get $dd)))))
        (f64.store (i32.add (local.get $diff) (local.get $dd)) (local.get $t))
        (local.set $d2 (f64.add (local.get $d2) (f64.mul (local.get $t) (local.get $t))))
        (local.set $dd (i32.add (local.get $dd) (i32.const 8)))
        (br $a)))
      (local.set $gc (f64.const 0))
      (if (f64.gt (local.get $d2) (f64.const 0)) (then
        (local.set $pb (call $pow (local.get $d2) (local.get $b)))
        ;; gc = (−2ab · (pb / d2)) / (a · pb + 1)
        (local.set $gc (f64.div
          (f64.mul (f64.neg (local.get $twoAB)) (f64.div (local.get $pb) (local.get $d2)))
          (f64.add (f64.mul (local.get $a) (local.get $pb)) (f64.const 1))))))
      (local.set $dd (i32.const 0))
      (block $u_end (loop $u
        (br_if $u_end (i32.ge_u (local.get $dd) (local.get $d8)))
        (local.set $g (call $clip (f64.mul (local.get $gc) (f64.load (i32.add (local.get $diff) (local.get $dd))))))
        (f64.store (i32.add (local.get $oj) (local.get $dd))
          (f64.add (f64.load (i32.add (local.get $oj) (local.get $dd))) (f64.mul (local.get $g) (local.get $alpha))))
        (if (local.get $moveOther) (then
          (f64.store (i32.add (local.get $ot) (local.get $dd))
            (f64.add (f64.load (i32.add (local.get $ot) (local.get $dd)))
                     (f64.mul (f64.neg (local.get $g)) (local.get $alpha))))))
        (local.set $dd (i32.add (local.get $dd) (i32.const 8)))
        (br $u)))
      ;; eons[i] += eps[i]
      (f64.store (i32.add (local.get $eons) (local.get $e8))
        (f64.add (f64.load (i32.add (local.get $eons) (local.get $e8)))
                 (f64.load (i32.add (local.get $eps) (local.get $e8)))))
      ;; the next sampled edge; drawn ahead when this edge's draws are done
      (local.set $i2 (call $find (i32.add (local.get $i) (i32.const 1)) (local.get $nEdges) (local.get $eons) (local.get $n)))
      (local.set $ahead (i32.and (i32.eqz (local.get $cnt)) (i32.lt_u (local.get $i2) (local.get $nEdges))))
      (if (local.get $ahead)
        (then (call $prepare (local.get $i2) (local.get $sc) (local.get $knext) (i32.const 1) (local.get $cur)
          (local.get $j) (local.get $n) (local.get $head) (local.get $tail) (local.get $epns)
          (local.get $eonns) (local.get $states) (local.get $T) (local.get $d8) (local.get $nV))))
      ;; the negative samples, a block of drawn indices at a time
      (block $blocks_end (loop $blocks
        (local.set $q (i32.const 0))
        (block $neg_end (loop $neg
          (br_if $neg_end (i32.ge_u (local.get $q) (local.get $m)))
          (local.set $k (i32.load (i32.add (local.get $kcur) (i32.shl (local.get $q) (i32.const 2)))))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (block $skip
            (local.set $ok (i32.add (local.get $T) (i32.mul (local.get $k) (local.get $d8))))
            (local.set $d2 (f64.const 0))
            (local.set $dd (i32.const 0))
            (block $b_end (loop $bl
              (br_if $b_end (i32.ge_u (local.get $dd) (local.get $d8)))
              (local.set $t (f64.sub (f64.load (i32.add (local.get $oj) (local.get $dd)))
                                     (f64.load (i32.add (local.get $ok) (local.get $dd)))))
              (f64.store (i32.add (local.get $diff) (local.get $dd)) (local.get $t))
              (local.set $d2 (f64.add (local.get $d2) (f64.mul (local.get $t) (local.get $t))))
              (local.set $dd (i32.add (local.get $dd) (i32.const 8)))
              (br $bl)))
            (if (f64.gt (local.get $d2) (f64.const 0))
              (then
                ;; gc = 2γb / ((0.001 + d2) · (a · d2^b + 1))
                (local.set $gc (f64.div (local.get $twoGB)
                  (f64.mul (f64.add (f64.const 0.001) (local.get $d2))
                           (f64.add (f64.mul (local.get $a) (call $pow (local.get $d2) (local.get $b))) (f64.const 1))))))
              (else
                (br_if $skip (i32.eq (local.get $j) (local.get $k)))
                (local.set $gc (f64.const 0))))
            (br_if $skip (i32.eqz (f64.gt (local.get $gc) (f64.const 0))))
            (local.set $dd (i32.const 0))
            (block $c_end (loop $c
              (br_if $c_end (i32.ge_u (local.get $dd) (local.get $d8)))
              (local.set $g (call $clip (f64.mul (local.get $gc) (f64.load (i32.add (local.get $diff) (local.get $dd))))))
              (f64.store (i32.add (local.get $oj) (local.get $dd))
                (f64.add (f64.load (i32.add (local.get $oj) (local.get $dd))) (f64.mul (local.get $g) (local.get $alpha))))
              (local.set $dd (i32.add (local.get $dd) (i32.const 8)))
              (br $c))))
          (br $neg)))
        (br_if $blocks_end (i32.le_s (local.get $cnt) (i32.const 0)))
        ;; more than 64 negatives: draw the next block from the current state
        (local.set $m (select (local.get $cnt) (i32.const 64) (i32.lt_s (local.get $cnt) (i32.const 64))))
        (local.set $cnt (i32.sub (local.get $cnt) (local.get $m)))
        (call $draw (local.get $cur) (local.get $kcur) (local.get $m) (local.get $T) (local.get $d8)
          (local.get $nV) (local.get $sc))
        (br $blocks)))
      ;; the state after this edge's draws (when the next edge has the same
      ;; head and was drawn ahead, its own store follows)
      (memory.copy (i32.add (local.get $states) (i32.mul (local.get $j) (i32.const 24))) (local.get $cur) (i32.const 24))
      ;; eonns[i] += nNeg · epns[i]
      (f64.store (i32.add (local.get $eonns) (local.get $e8))
        (f64.add (f64.load (i32.add (local.get $eonns) (local.get $e8)))
                 (f64.mul (local.get $nNeg) (f64.load (i32.add (local.get $epns) (local.get $e8))))))
      (if (i32.and (i32.eqz (local.get $ahead)) (i32.lt_u (local.get $i2) (local.get $nEdges)))
        (then (call $prepare (local.get $i2) (local.get $sc) (local.get $knext) (i32.const 0) (local.get $cur)
          (i32.const -1) (local.get $n) (local.get $head) (local.get $tail) (local.get $epns)
          (local.get $eonns) (local.get $states) (local.get $T) (local.get $d8) (local.get $nV))))
      (local.set $i (local.get $i2))
      (br $edges))))
)
