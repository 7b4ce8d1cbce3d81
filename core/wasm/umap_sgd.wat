;; One epoch of UMAP's stochastic gradient descent (core/manifold/_umap_layout.ts,
;; `epochAny`): the same float64 operations in the same order, so the same bits.
;; Compiled by scripts/build_umap_sgd.ts into umap_sgd_wasm.ts, on an ordinary
;; memory (`epoch`) and on a shared one (`epochPar` and `serve`, the same epochs
;; on two threads; `plan` and `epochRun`, planned on one thread and run on the
;; other; see the sections at the end); hand-written.
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

  ;; Whether row r (stamps at st + 8r: the last block that wrote it, then the
  ;; last that read it) conflicts with the blocks in [lo, lo + span): one of
  ;; them wrote it, or, when `write`, read it.
  (func $conflict (param $r i32) (param $st i32) (param $lo i32) (param $span i32) (param $write i32)
    (result i32)
    (local $o i32)
    (local.set $o (i32.add (local.get $st) (i32.shl (local.get $r) (i32.const 3))))
    (i32.or
      (i32.lt_u (i32.sub (i32.load (local.get $o)) (local.get $lo)) (local.get $span))
      (i32.and (local.get $write)
        (i32.lt_u (i32.sub (i32.load offset=4 (local.get $o)) (local.get $lo)) (local.get $span)))))

  ;; Stamps row r as read (and, when `write`, written) by block `me`.
  (func $stamp (param $r i32) (param $st i32) (param $me i32) (param $write i32)
    (local $o i32)
    (local.set $o (i32.add (local.get $st) (i32.shl (local.get $r) (i32.const 3))))
    (if (local.get $write) (then (i32.store (local.get $o) (local.get $me))))
    (i32.store offset=4 (local.get $o) (local.get $me)))

  ;; max(m, the last block that wrote row r, and when `write` the last that
  ;; read it): the latest earlier block whose order against this one matters.
  (func $latest (param $r i32) (param $st i32) (param $write i32) (param $m i32) (result i32)
    (local $o i32) (local $v i32)
    (local.set $o (i32.add (local.get $st) (i32.shl (local.get $r) (i32.const 3))))
    (local.set $v (i32.load (local.get $o)))
    (local.set $m (select (local.get $v) (local.get $m) (i32.gt_u (local.get $v) (local.get $m))))
    (if (local.get $write) (then
      (local.set $v (i32.load offset=4 (local.get $o)))
      (local.set $m (select (local.get $v) (local.get $m) (i32.gt_u (local.get $v) (local.get $m))))))
    (local.get $m))

  ;; The first edge at or after i sampled in epoch n (eons ≤ n), or nEdges.
  (func $find (param $i i32) (param $nEdges i32) (param $eons i32) (param $n f64) (result i32)
    (block $end (loop $scan
      (br_if $end (i32.ge_u (local.get $i) (local.get $nEdges)))
      (br_if $end (f64.le (f64.load (i32.add (local.get $eons) (i32.shl (local.get $i) (i32.const 3)))) (local.get $n)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $scan)))
    (local.get $i))

  ;; Gathers block `me`: the sampled edges from edge i on that share its head
  ;; j (while `room` more steps fit in `cap`), as steps in `buf`: per edge the
  ;; tail row's byte offset + 1 (the positive sample), then its negatives'
  ;; rows, drawn from j's generator (umap-learn's tau_rand_int). Advances
  ;; the schedules (eons, eonns) and j's state; none of it depends on the
  ;; embedding. Marks the rows (the head and, when moved, the tails written;
  ;; the rest read; their numbers in `rows`) after checking them all
  ;; against the blocks in [lo, me), and, unless `par`, touches them (first
  ;; and last float, summed at sc). Writes at sc + 16: the step count, 1
  ;; when a row conflicts, j, and the latest earlier block whose order
  ;; against this one matters (see $latest). Returns the next sampled edge
  ;; (or nEdges).
  (func $gather (param $i i32) (param $buf i32) (param $cap i32) (param $room i32) (param $nEdges i32)
    (param $n f64) (param $head i32) (param $tail i32) (param $eps i32) (param $epns i32)
    (param $eons i32) (param $eonns i32) (param $states i32) (param $T i32) (param $d8 i32)
    (param $nV i32) (param $moveOther i32) (param $tOff i32) (param $st i32) (param $lo i32)
    (param $me i32) (param $sc i32) (param $rows i32) (param $par i32) (result i32)
    (local $dep i32) (local $j i32) (local $L i32) (local $bad i32) (local $span i32) (local $t i32) (local $ok i32)
    (local $e8 i32) (local $nNeg f64) (local $cnt i32) (local $q i32) (local $r i32) (local $k i32)
    (local $so i32) (local $touch f64) (local $w i32)
    (local $h0 i32) (local $l0 i32) (local $h1 i32) (local $l1 i32) (local $h2 i32) (local $l2 i32)
    (local.set $span (i32.sub (local.get $me) (local.get $lo)))
    (local.set $j (i32.load (i32.add (local.get $head) (i32.shl (local.get $i) (i32.const 2)))))
    (local.set $bad (call $conflict (local.get $j) (local.get $st) (local.get $lo) (local.get $span) (i32.const 1)))
    (if (local.get $par) (then
      (local.set $dep (call $latest (local.get $j) (local.get $st) (i32.const 1) (i32.const 0)))))
    (local.set $so (i32.add (local.get $states) (i32.mul (local.get $j) (i32.const 24))))
    (local.set $h0 (i32.load (local.get $so)))
    (local.set $l0 (i32.load offset=4 (local.get $so)))
    (local.set $h1 (i32.load offset=8 (local.get $so)))
    (local.set $l1 (i32.load offset=12 (local.get $so)))
    (local.set $h2 (i32.load offset=16 (local.get $so)))
    (local.set $l2 (i32.load offset=20 (local.get $so)))
    (local.set $touch (f64.load (local.get $sc)))
    (block $done (loop $edge
      ;; the positive sample: the tail row
      (local.set $t (i32.load (i32.add (local.get $tail) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $r (i32.add (local.get $t) (local.get $tOff)))
      (local.set $bad (i32.or (local.get $bad)
        (call $conflict (local.get $r) (local.get $st) (local.get $lo) (local.get $span) (local.get $moveOther))))
      (if (local.get $par) (then
        (local.set $dep (call $latest (local.get $r) (local.get $st) (local.get $moveOther) (local.get $dep)))))
      (i32.store (i32.add (local.get $rows) (i32.shl (local.get $L) (i32.const 2))) (local.get $r))
      (local.set $ok (i32.add (local.get $T) (i32.mul (local.get $t) (local.get $d8))))
      (if (i32.eqz (local.get $par)) (then
        (local.set $touch (f64.add (local.get $touch)
          (f64.add (f64.load (local.get $ok)) (f64.load (i32.sub (i32.add (local.get $ok) (local.get $d8)) (i32.const 8))))))))
      (i32.store (i32.add (local.get $buf) (i32.shl (local.get $L) (i32.const 2))) (i32.or (local.get $ok) (i32.const 1)))
      (local.set $L (i32.add (local.get $L) (i32.const 1)))
      ;; eons[i] += eps[i]; nNeg = trunc((n − eonns[i]) / epns[i])
      (local.set $e8 (i32.shl (local.get $i) (i32.const 3)))
      (f64.store (i32.add (local.get $eons) (local.get $e8))
        (f64.add (f64.load (i32.add (local.get $eons) (local.get $e8)))
                 (f64.load (i32.add (local.get $eps) (local.get $e8)))))
      (local.set $nNeg (f64.trunc (f64.div
        (f64.sub (local.get $n) (f64.load (i32.add (local.get $eonns) (local.get $e8))))
        (f64.load (i32.add (local.get $epns) (local.get $e8))))))
      (local.set $cnt (i32.trunc_sat_f64_s (local.get $nNeg)))
      ;; at most 2·rate + 1 negatives per sample (the caller's room); never more
      (if (i32.gt_s (local.get $cnt) (i32.sub (local.get $room) (i32.const 1))) (then unreachable))
      (local.set $q (i32.const 0))
      (block $draw_end (loop $draw
        (br_if $draw_end (i32.ge_s (local.get $q) (local.get $cnt)))
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
        (local.set $r (i32.add (local.get $k) (local.get $tOff)))
        (local.set $bad (i32.or (local.get $bad)
          (call $conflict (local.get $r) (local.get $st) (local.get $lo) (local.get $span) (i32.const 0))))
        (if (local.get $par) (then
          (local.set $dep (call $latest (local.get $r) (local.get $st) (i32.const 0) (local.get $dep)))))
        (i32.store (i32.add (local.get $rows) (i32.shl (local.get $L) (i32.const 2))) (local.get $r))
        (local.set $ok (i32.add (local.get $T) (i32.mul (local.get $k) (local.get $d8))))
        (if (i32.eqz (local.get $par)) (then
          (local.set $touch (f64.add (local.get $touch)
            (f64.add (f64.load (local.get $ok)) (f64.load (i32.sub (i32.add (local.get $ok) (local.get $d8)) (i32.const 8))))))))
        (i32.store (i32.add (local.get $buf) (i32.shl (local.get $L) (i32.const 2))) (local.get $ok))
        (local.set $L (i32.add (local.get $L) (i32.const 1)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $draw)))
      ;; eonns[i] += nNeg · epns[i]
      (f64.store (i32.add (local.get $eonns) (local.get $e8))
        (f64.add (f64.load (i32.add (local.get $eonns) (local.get $e8)))
                 (f64.mul (local.get $nNeg) (f64.load (i32.add (local.get $epns) (local.get $e8))))))
      (local.set $i (call $find (i32.add (local.get $i) (i32.const 1)) (local.get $nEdges) (local.get $eons) (local.get $n)))
      (br_if $done (i32.ge_u (local.get $i) (local.get $nEdges)))
      (br_if $done (i32.ne (i32.load (i32.add (local.get $head) (i32.shl (local.get $i) (i32.const 2)))) (local.get $j)))
      (br_if $done (i32.gt_u (i32.add (local.get $L) (local.get $room)) (local.get $cap)))
      (br $edge)))
    (i32.store (local.get $so) (local.get $h0))
    (i32.store offset=4 (local.get $so) (local.get $l0))
    (i32.store offset=8 (local.get $so) (local.get $h1))
    (i32.store offset=12 (local.get $so) (local.get $l1))
    (i32.store offset=16 (local.get $so) (local.get $h2))
    (i32.store offset=20 (local.get $so) (local.get $l2))
    ;; the stamps, once every row is checked (a row this block reads and then
    ;; writes must still meet the other block's stamp)
    (call $stamp (local.get $j) (local.get $st) (local.get $me) (i32.const 1))
    (local.set $q (i32.const 0))
    (block $st_end (loop $stl
      (br_if $st_end (i32.ge_u (local.get $q) (local.get $L)))
      (local.set $w (i32.shl (local.get $q) (i32.const 2)))
      (call $stamp (i32.load (i32.add (local.get $rows) (local.get $w))) (local.get $st) (local.get $me)
        (i32.and (local.get $moveOther) (i32.load (i32.add (local.get $buf) (local.get $w)))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br $stl)))
    (f64.store (local.get $sc) (local.get $touch))
    (i32.store offset=16 (local.get $sc) (local.get $L))
    (i32.store offset=20 (local.get $sc) (local.get $bad))
    (i32.store offset=24 (local.get $sc) (local.get $j))
    (if (local.get $par) (then (i32.store offset=28 (local.get $sc) (local.get $dep))))
    (local.get $i))

  ;; One step of a block: the head row at oj against the row at code & −2,
  ;; a positive sample (attraction; the other row moved too when
  ;; moveOther) when code is odd, else a negative one (repulsion). diff:
  ;; dim float64 of scratch.
  (func $step (param $oj i32) (param $code i32) (param $diff i32) (param $d8 i32) (param $alpha f64)
    (param $a f64) (param $b f64) (param $twoAB f64) (param $twoGB f64) (param $moveOther i32)
    (local $ok i32) (local $dd i32) (local $t f64) (local $d2 f64) (local $gc f64) (local $pb f64) (local $g f64)
    (local.set $ok (i32.and (local.get $code) (i32.const -2)))
    ;; diff = H[j] − T[other]; d2 = Σ diff² in order
    (block $a_end (loop $a
      (br_if $a_end (i32.ge_u (local.get $dd) (local.get $d8)))
      (local.set $t (f64.sub (f64.load (i32.add (local.get $oj) (local.get $dd)))
                             (f64.load (i32.add (local.get $ok) (local.get $dd)))))
      (f64.store (i32.add (local.get $diff) (local.get $dd)) (local.get $t))
      (local.set $d2 (f64.add (local.get $d2) (f64.mul (local.get $t) (local.get $t))))
      (local.set $dd (i32.add (local.get $dd) (i32.const 8)))
      (br $a)))
    (local.set $dd (i32.const 0))
    (if (i32.and (local.get $code) (i32.const 1))
      (then
        (if (f64.gt (local.get $d2) (f64.const 0)) (then
          (local.set $pb (call $pow (local.get $d2) (local.get $b)))
          ;; gc = (−2ab · (pb / d2)) / (a · pb + 1)
          (local.set $gc (f64.div
            (f64.mul (f64.neg (local.get $twoAB)) (f64.div (local.get $pb) (local.get $d2)))
            (f64.add (f64.mul (local.get $a) (local.get $pb)) (f64.const 1))))))
        (block $u_end (loop $u
          (br_if $u_end (i32.ge_u (local.get $dd) (local.get $d8)))
          (local.set $g (call $clip (f64.mul (local.get $gc) (f64.load (i32.add (local.get $diff) (local.get $dd))))))
          (f64.store (i32.add (local.get $oj) (local.get $dd))
            (f64.add (f64.load (i32.add (local.get $oj) (local.get $dd))) (f64.mul (local.get $g) (local.get $alpha))))
          (if (local.get $moveOther) (then
            (f64.store (i32.add (local.get $ok) (local.get $dd))
              (f64.add (f64.load (i32.add (local.get $ok) (local.get $dd)))
                       (f64.mul (f64.neg (local.get $g)) (local.get $alpha))))))
          (local.set $dd (i32.add (local.get $dd) (i32.const 8)))
          (br $u))))
      (else
        ;; gc = 2γb / ((0.001 + d2) · (a · d2^b + 1)); nothing moves unless gc > 0
        ;; (d2 = 0: the same row, or a copy of it)
        (if (i32.eqz (f64.gt (local.get $d2) (f64.const 0))) (then (return)))
        (local.set $gc (f64.div (local.get $twoGB)
          (f64.mul (f64.add (f64.const 0.001) (local.get $d2))
                   (f64.add (f64.mul (local.get $a) (call $pow (local.get $d2) (local.get $b))) (f64.const 1)))))
        (if (i32.eqz (f64.gt (local.get $gc) (f64.const 0))) (then (return)))
        (block $c_end (loop $c
          (br_if $c_end (i32.ge_u (local.get $dd) (local.get $d8)))
          (local.set $g (call $clip (f64.mul (local.get $gc) (f64.load (i32.add (local.get $diff) (local.get $dd))))))
          (f64.store (i32.add (local.get $oj) (local.get $dd))
            (f64.add (f64.load (i32.add (local.get $oj) (local.get $dd))) (f64.mul (local.get $g) (local.get $alpha))))
          (local.set $dd (i32.add (local.get $dd) (i32.const 8)))
          (br $c))))))

  ;; One epoch `n` with learning rate `alpha` over edges [0, nEdges).
  ;; H, T: head and tail embeddings (float64 rows, may be equal); head, tail:
  ;; int32 per edge; eps, epns, eons, eonns: float64 per edge; states: int32
  ;; × 6 per vertex; st: two int32 stamps per row (the head rows, then the
  ;; tail rows from tOff when T is another array), zero at the start; sc:
  ;; scratch of 48 + 2·dim·8 + 2·cap·8 bytes.
  ;;
  ;; Each negative sample waits on the previous one (both move the head row),
  ;; so one block of steps is a chain of dependent operations. Two blocks
  ;; run interleaved, a step of each in turn, so that the processor overlaps
  ;; their chains; and that gives the sequential order's bits exactly
  ;; because a block only starts beside another when neither writes a row
  ;; the other reads or writes (the stamps; otherwise the running block
  ;; finishes first). Blocks start in the sequential order, so every pair of
  ;; blocks whose steps interleave commutes.
  (func (export "epoch")
    (param $nEdges i32) (param $n f64) (param $alpha f64) (param $dim i32) (param $nV i32)
    (param $a f64) (param $b f64) (param $twoAB f64) (param $twoGB f64) (param $moveOther i32)
    (param $H i32) (param $T i32) (param $head i32) (param $tail i32)
    (param $eps i32) (param $epns i32) (param $eons i32) (param $eonns i32)
    (param $states i32) (param $st i32) (param $tOff i32) (param $sc i32) (param $cap i32) (param $room i32)
    (local $i i32) (local $d8 i32) (local $diffA i32) (local $diffB i32) (local $bufA i32) (local $bufB i32)
    (local $pA i32) (local $pB i32) (local $remA i32) (local $remB i32) (local $ojA i32) (local $ojB i32)
    (local $idA i32) (local $idB i32) (local $me i32) (local $m i32)
    (local.set $d8 (i32.shl (local.get $dim) (i32.const 3)))
    ;; scratch: [0, 8) touches' sum, [8, 12) the last block's number,
    ;; [16, 28) gather's outputs, then diffA, diffB, bufA, bufB (steps, rows)
    (local.set $diffA (i32.add (local.get $sc) (i32.const 48)))
    (local.set $diffB (i32.add (local.get $diffA) (local.get $d8)))
    (local.set $bufA (i32.add (local.get $diffB) (local.get $d8)))
    (local.set $bufB (i32.add (local.get $bufA) (i32.shl (local.get $cap) (i32.const 3))))
    (local.set $i (call $find (i32.const 0) (local.get $nEdges) (local.get $eons) (local.get $n)))
    (block $main_end (loop $main
      (if (i32.and (i32.eqz (local.get $remA)) (i32.lt_u (local.get $i) (local.get $nEdges))) (then
        (local.set $me (i32.add (i32.load offset=8 (local.get $sc)) (i32.const 1)))
        (i32.store offset=8 (local.get $sc) (local.get $me))
        (local.set $i (call $gather (local.get $i) (local.get $bufA) (local.get $cap) (local.get $room)
          (local.get $nEdges) (local.get $n) (local.get $head) (local.get $tail) (local.get $eps)
          (local.get $epns) (local.get $eons) (local.get $eonns) (local.get $states) (local.get $T)
          (local.get $d8) (local.get $nV) (local.get $moveOther) (local.get $tOff) (local.get $st)
          (select (local.get $idB) (local.get $me) (local.get $remB)) (local.get $me) (local.get $sc)
          (i32.add (local.get $bufA) (i32.shl (local.get $cap) (i32.const 2))) (i32.const 0)))
        (local.set $idA (local.get $me))
        (local.set $remA (i32.load offset=16 (local.get $sc)))
        (local.set $pA (local.get $bufA))
        (local.set $ojA (i32.add (local.get $H) (i32.mul (i32.load offset=24 (local.get $sc)) (local.get $d8))))
        (if (i32.load offset=20 (local.get $sc)) (then
          ;; it conflicts with B's block: B finishes first
          (block $fb_end (loop $fb
            (br_if $fb_end (i32.eqz (local.get $remB)))
            (call $step (local.get $ojB) (i32.load (local.get $pB)) (local.get $diffB) (local.get $d8)
              (local.get $alpha) (local.get $a) (local.get $b) (local.get $twoAB) (local.get $twoGB) (local.get $moveOther))
            (local.set $pB (i32.add (local.get $pB) (i32.const 4)))
            (local.set $remB (i32.sub (local.get $remB) (i32.const 1)))
            (br $fb)))))))
      (if (i32.and (i32.eqz (local.get $remB)) (i32.lt_u (local.get $i) (local.get $nEdges))) (then
        (local.set $me (i32.add (i32.load offset=8 (local.get $sc)) (i32.const 1)))
        (i32.store offset=8 (local.get $sc) (local.get $me))
        (local.set $i (call $gather (local.get $i) (local.get $bufB) (local.get $cap) (local.get $room)
          (local.get $nEdges) (local.get $n) (local.get $head) (local.get $tail) (local.get $eps)
          (local.get $epns) (local.get $eons) (local.get $eonns) (local.get $states) (local.get $T)
          (local.get $d8) (local.get $nV) (local.get $moveOther) (local.get $tOff) (local.get $st)
          (select (local.get $idA) (local.get $me) (local.get $remA)) (local.get $me) (local.get $sc)
          (i32.add (local.get $bufB) (i32.shl (local.get $cap) (i32.const 2))) (i32.const 0)))
        (local.set $idB (local.get $me))
        (local.set $remB (i32.load offset=16 (local.get $sc)))
        (local.set $pB (local.get $bufB))
        (local.set $ojB (i32.add (local.get $H) (i32.mul (i32.load offset=24 (local.get $sc)) (local.get $d8))))
        (if (i32.load offset=20 (local.get $sc)) (then
          ;; it conflicts with A's block: A finishes first
          (block $fa_end (loop $fa
            (br_if $fa_end (i32.eqz (local.get $remA)))
            (call $step (local.get $ojA) (i32.load (local.get $pA)) (local.get $diffA) (local.get $d8)
              (local.get $alpha) (local.get $a) (local.get $b) (local.get $twoAB) (local.get $twoGB) (local.get $moveOther))
            (local.set $pA (i32.add (local.get $pA) (i32.const 4)))
            (local.set $remA (i32.sub (local.get $remA) (i32.const 1)))
            (br $fa)))))))
      ;; a lane without a block: the edges are done; the other finishes alone
      (if (i32.eqz (i32.and (i32.ne (local.get $remA) (i32.const 0)) (i32.ne (local.get $remB) (i32.const 0)))) (then
        (block $ra_end (loop $ra
          (br_if $ra_end (i32.eqz (local.get $remA)))
          (call $step (local.get $ojA) (i32.load (local.get $pA)) (local.get $diffA) (local.get $d8)
            (local.get $alpha) (local.get $a) (local.get $b) (local.get $twoAB) (local.get $twoGB) (local.get $moveOther))
          (local.set $pA (i32.add (local.get $pA) (i32.const 4)))
          (local.set $remA (i32.sub (local.get $remA) (i32.const 1)))
          (br $ra)))
        (block $rb_end (loop $rb
          (br_if $rb_end (i32.eqz (local.get $remB)))
          (call $step (local.get $ojB) (i32.load (local.get $pB)) (local.get $diffB) (local.get $d8)
            (local.get $alpha) (local.get $a) (local.get $b) (local.get $twoAB) (local.get $twoGB) (local.get $moveOther))
          (local.set $pB (i32.add (local.get $pB) (i32.const 4)))
          (local.set $remB (i32.sub (local.get $remB) (i32.const 1)))
          (br $rb)))
        (br_if $main_end (i32.ge_u (local.get $i) (local.get $nEdges)))
        (br $main)))
      ;; both lanes: a step of each in turn until one block ends
      (local.set $m (select (local.get $remA) (local.get $remB) (i32.lt_u (local.get $remA) (local.get $remB))))
      (local.set $remA (i32.sub (local.get $remA) (local.get $m)))
      (local.set $remB (i32.sub (local.get $remB) (local.get $m)))
      (block $both_end (loop $both
        (call $step (local.get $ojA) (i32.load (local.get $pA)) (local.get $diffA) (local.get $d8)
          (local.get $alpha) (local.get $a) (local.get $b) (local.get $twoAB) (local.get $twoGB) (local.get $moveOther))
        (call $step (local.get $ojB) (i32.load (local.get $pB)) (local.get $diffB) (local.get $d8)
          (local.get $alpha) (local.get $a) (local.get $b) (local.get $twoAB) (local.get $twoGB) (local.get $moveOther))
        (local.set $pA (i32.add (local.get $pA) (i32.const 4)))
        (local.set $pB (i32.add (local.get $pB) (i32.const 4)))
        (local.set $m (i32.sub (local.get $m) (i32.const 1)))
        (br_if $both (local.get $m))))
      (br $main))))

  ;; ---- The same epochs on two threads (the shared-memory build) ----
  ;;
  ;; The calling thread plans blocks (gather, without touches) into a ring and
  ;; both threads run them, taking ids in order from a shared counter. A
  ;; block's `dep` is the latest earlier block that writes a row it touches
  ;; or reads a row it writes (the stamps hold global block ids); it starts
  ;; once every block up to dep has ended. So every two blocks whose order
  ;; matters run in the sequential order, and the result is the sequential
  ;; epochs' bits whichever thread ran what, and however fast.
  ;;
  ;; Control at ctl (byte offsets; each thread's often-written slots on a
  ;; cache line of their own): 0 next, the first id not yet taken; 64
  ;; planned, the first id not yet planned; 128 + 64t cur[t], a lower bound
  ;; on the ids thread t has taken and not ended (INF when it holds none;
  ;; it is set before each take, so the other thread never reads it too
  ;; high), and + 4 the end of its last take; 136 the ring's next free
  ;; byte (thread 0's); 200 the helper's blocks; 256 stop; 260 the helper
  ;; sleeps on `planned`; 264 alpha (f64); 272 the helper is up, and 276
  ;; the helper failed (both set by _umap_sgd_worker.ts). A thread waiting
  ;; on the other checks 276 as it spins: a helper that threw holds blocks
  ;; that will never end, and the calling thread traps (the layout throws)
  ;; instead of waiting for them forever; a helper waiting on a calling
  ;; thread that threw traps on stop (256).
  ;; Headers at hdr, 16 bytes per id & mask: the steps' address, their
  ;; count, the head row's address, dep (0: none; ids start at 1).

  ;; Takes the next planned blocks for thread `me`, up to `most`: returns
  ;; the first id and stores the end at cur + 4; or returns −1 (and holds
  ;; none) when every planned block is taken.
  (func $take (param $ctl i32) (param $me i32) (param $most i32) (result i32)
    (local $x i32) (local $cur i32) (local $end i32) (local $p i32)
    (local.set $cur (i32.add (i32.add (local.get $ctl) (i32.const 128)) (i32.shl (local.get $me) (i32.const 6))))
    (loop $try
      (local.set $x (i32.atomic.load (local.get $ctl)))
      (local.set $p (i32.atomic.load offset=64 (local.get $ctl)))
      (if (i32.ge_u (local.get $x) (local.get $p)) (then
        (i32.atomic.store (local.get $cur) (i32.const 0x7fffffff))
        (return (i32.const -1))))
      (local.set $end (i32.add (local.get $x) (local.get $most)))
      (local.set $end (select (local.get $p) (local.get $end) (i32.lt_u (local.get $p) (local.get $end))))
      (i32.atomic.store (local.get $cur) (local.get $x))
      (br_if $try (i32.ne
        (i32.atomic.rmw.cmpxchg (local.get $ctl) (local.get $x) (local.get $end))
        (local.get $x))))
    (i32.store offset=4 (local.get $cur) (local.get $end))
    (local.get $x))

  ;; Runs block `id` on thread `me` (diff: its dim float64 of scratch) once
  ;; every block up to its dep has ended: the thread's own have, and the
  ;; other's have when its cur is above dep.
  (func $run (param $id i32) (param $me i32) (param $ctl i32) (param $hdr i32) (param $mask i32)
    (param $diff i32) (param $d8 i32) (param $a f64) (param $b f64) (param $twoAB f64) (param $twoGB f64)
    (param $moveOther i32)
    (local $h i32) (local $dep i32) (local $other i32) (local $p i32) (local $L i32) (local $oj i32)
    (local $alpha f64) (local $q i32) (local $e i32) (local $ok i32) (local $touch f64)
    (local.set $h (i32.add (local.get $hdr) (i32.shl (i32.and (local.get $id) (local.get $mask)) (i32.const 4))))
    (local.set $dep (i32.load offset=12 (local.get $h)))
    (if (local.get $dep) (then
      (local.set $other (i32.add (local.get $ctl) (i32.sub (i32.const 192) (i32.shl (local.get $me) (i32.const 6)))))
      (loop $wait
        (if (i32.or (i32.atomic.load offset=276 (local.get $ctl)) (i32.atomic.load offset=256 (local.get $ctl)))
          (then unreachable))
        (br_if $wait (i32.le_u (i32.atomic.load (local.get $other)) (local.get $dep))))))
    (local.set $p (i32.load (local.get $h)))
    (local.set $L (i32.load offset=4 (local.get $h)))
    (local.set $oj (i32.load offset=8 (local.get $h)))
    (local.set $alpha (f64.load offset=264 (local.get $ctl)))
    ;; touch the block's rows first (their first and last floats), so that
    ;; their cache misses overlap instead of waiting in the chain of steps
    (local.set $q (local.get $p))
    (local.set $e (i32.add (local.get $p) (i32.shl (local.get $L) (i32.const 2))))
    (loop $t
      (local.set $ok (i32.and (i32.load (local.get $q)) (i32.const -2)))
      (local.set $touch (f64.add (local.get $touch)
        (f64.add (f64.load (local.get $ok)) (f64.load (i32.sub (i32.add (local.get $ok) (local.get $d8)) (i32.const 8))))))
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (br_if $t (i32.lt_u (local.get $q) (local.get $e))))
    (f64.store (local.get $diff) (local.get $touch))
    (loop $s
      (call $step (local.get $oj) (i32.load (local.get $p)) (local.get $diff) (local.get $d8)
        (local.get $alpha) (local.get $a) (local.get $b) (local.get $twoAB) (local.get $twoGB) (local.get $moveOther))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (local.set $L (i32.sub (local.get $L) (i32.const 1)))
      (br_if $s (local.get $L)))
    ;; the next block of this take, or INF when it was the last (a thread
    ;; that holds none must not make the other wait)
    (local.set $q (i32.add (i32.add (local.get $ctl) (i32.const 128)) (i32.shl (local.get $me) (i32.const 6))))
    (local.set $id (i32.add (local.get $id) (i32.const 1)))
    (i32.atomic.store (local.get $q)
      (select (local.get $id) (i32.const 0x7fffffff) (i32.lt_u (local.get $id) (i32.load offset=4 (local.get $q))))))

  ;; The lowest id that may still run or wait: no block below it does.
  (func $watermark (param $ctl i32) (result i32)
    (local $w i32) (local $c i32)
    (local.set $w (i32.atomic.load (local.get $ctl)))
    (local.set $c (i32.atomic.load offset=128 (local.get $ctl)))
    (local.set $w (select (local.get $c) (local.get $w) (i32.lt_u (local.get $c) (local.get $w))))
    (local.set $c (i32.atomic.load offset=192 (local.get $ctl)))
    (select (local.get $c) (local.get $w) (i32.lt_u (local.get $c) (local.get $w))))

  ;; Where block `id` may put up to capB bytes of steps in the ring when no
  ;; block below w runs or waits: after the live blocks' steps (from w's to
  ;; sp, the next free byte), wrapping to the start; −1 when there is no
  ;; room, or no free header.
  (func $fit (param $w i32) (param $id i32) (param $sp i32) (param $hdr i32) (param $mask i32)
    (param $ring i32) (param $ringBytes i32) (param $capB i32) (result i32)
    (local $s0 i32)
    (if (i32.ge_u (i32.sub (local.get $id) (local.get $w)) (local.get $mask)) (then (return (i32.const -1))))
    (if (i32.eq (local.get $w) (local.get $id)) (then (return (i32.const 0))))
    (local.set $s0 (i32.sub
      (i32.load (i32.add (local.get $hdr) (i32.shl (i32.and (local.get $w) (local.get $mask)) (i32.const 4))))
      (local.get $ring)))
    (if (i32.gt_u (local.get $s0) (local.get $sp)) (then
      (return (select (local.get $sp) (i32.const -1)
        (i32.lt_u (i32.add (local.get $sp) (local.get $capB)) (local.get $s0))))))
    (if (i32.le_u (i32.add (local.get $sp) (local.get $capB)) (local.get $ringBytes)) (then (return (local.get $sp))))
    (select (i32.const 0) (i32.const -1) (i32.lt_u (local.get $capB) (local.get $s0))))

  ;; One epoch on the calling thread (thread 0) with the helper's: epoch's
  ;; parameters, then ctl, hdr and mask as above, the ring [ring, ring +
  ;; ringBytes) of steps, rows (cap int32 of scratch for gather's row
  ;; numbers). Plans up to 32 blocks at a time while the ring has room, runs
  ;; a block, and again; returns when every block of the epoch has ended.
  (func (export "epochPar")
    (param $nEdges i32) (param $n f64) (param $alpha f64) (param $dim i32) (param $nV i32)
    (param $a f64) (param $b f64) (param $twoAB f64) (param $twoGB f64) (param $moveOther i32)
    (param $H i32) (param $T i32) (param $head i32) (param $tail i32)
    (param $eps i32) (param $epns i32) (param $eons i32) (param $eonns i32)
    (param $states i32) (param $st i32) (param $tOff i32) (param $sc i32) (param $cap i32) (param $room i32)
    (param $ctl i32) (param $hdr i32) (param $mask i32) (param $ring i32) (param $ringBytes i32) (param $rows i32)
    (local $i i32) (local $d8 i32) (local $k i32) (local $id i32) (local $w i32) (local $sp i32) (local $s0 i32)
    (local $capB i32) (local $h i32) (local $blk i32)
    (local.set $d8 (i32.shl (local.get $dim) (i32.const 3)))
    (local.set $capB (i32.shl (local.get $cap) (i32.const 2)))
    (f64.store offset=264 (local.get $ctl) (local.get $alpha))
    (local.set $w (call $watermark (local.get $ctl)))
    (local.set $i (call $find (i32.const 0) (local.get $nEdges) (local.get $eons) (local.get $n)))
    (block $main_end (loop $main
      (local.set $k (i32.const 0))
      (block $plan_end (loop $plan
        (br_if $plan_end (i32.ge_u (local.get $i) (local.get $nEdges)))
        (br_if $plan_end (i32.ge_u (local.get $k) (i32.const 32)))
        (local.set $id (i32.atomic.load offset=64 (local.get $ctl)))
        ;; room for the block, by the last watermark w seen (no block below
        ;; it runs or waits), else by a new one
        (local.set $sp (call $fit (local.get $w) (local.get $id) (i32.load offset=136 (local.get $ctl)) (local.get $hdr) (local.get $mask)
          (local.get $ring) (local.get $ringBytes) (local.get $capB)))
        (if (i32.lt_s (local.get $sp) (i32.const 0)) (then
          ;; (a watermark read earlier may show a lower id: keep the highest)
          (local.set $s0 (call $watermark (local.get $ctl)))
          (local.set $w (select (local.get $s0) (local.get $w) (i32.gt_u (local.get $s0) (local.get $w))))
          (local.set $sp (call $fit (local.get $w) (local.get $id) (i32.load offset=136 (local.get $ctl)) (local.get $hdr) (local.get $mask)
            (local.get $ring) (local.get $ringBytes) (local.get $capB)))
          (br_if $plan_end (i32.lt_s (local.get $sp) (i32.const 0)))))
        (local.set $i (call $gather (local.get $i) (i32.add (local.get $ring) (local.get $sp)) (local.get $cap)
          (local.get $room) (local.get $nEdges) (local.get $n) (local.get $head) (local.get $tail) (local.get $eps)
          (local.get $epns) (local.get $eons) (local.get $eonns) (local.get $states) (local.get $T)
          (local.get $d8) (local.get $nV) (local.get $moveOther) (local.get $tOff) (local.get $st)
          (local.get $id) (local.get $id) (local.get $sc) (local.get $rows) (i32.const 1)))
        (local.set $h (i32.add (local.get $hdr) (i32.shl (i32.and (local.get $id) (local.get $mask)) (i32.const 4))))
        (i32.store (local.get $h) (i32.add (local.get $ring) (local.get $sp)))
        (i32.store offset=4 (local.get $h) (i32.load offset=16 (local.get $sc)))
        (i32.store offset=8 (local.get $h)
          (i32.add (local.get $H) (i32.mul (i32.load offset=24 (local.get $sc)) (local.get $d8))))
        (i32.store offset=12 (local.get $h) (i32.load offset=28 (local.get $sc)))
        (i32.store offset=136 (local.get $ctl)
          (i32.add (local.get $sp) (i32.shl (i32.load offset=16 (local.get $sc)) (i32.const 2))))
        (i32.atomic.store offset=64 (local.get $ctl) (i32.add (local.get $id) (i32.const 1)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $plan)))
      (if (i32.and (i32.ne (local.get $k) (i32.const 0)) (i32.atomic.load offset=260 (local.get $ctl))) (then
        (drop (memory.atomic.notify offset=64 (local.get $ctl) (i32.const 1)))))
      (local.set $blk (call $take (local.get $ctl) (i32.const 0) (i32.const 1)))
      (if (i32.ge_s (local.get $blk) (i32.const 0)) (then
        (call $run (local.get $blk) (i32.const 0) (local.get $ctl) (local.get $hdr) (local.get $mask)
          (i32.add (local.get $sc) (i32.const 48)) (local.get $d8) (local.get $a) (local.get $b)
          (local.get $twoAB) (local.get $twoGB) (local.get $moveOther))
        (br $main)))
      ;; nothing to run or plan: the helper's blocks hold the ring (a helper
      ;; that failed would hold it forever)
      (if (i32.atomic.load offset=276 (local.get $ctl)) (then unreachable))
      (br_if $main (i32.lt_u (local.get $i) (local.get $nEdges)))))
    ;; every block is taken: wait until the helper holds none
    (loop $drain
      (if (i32.atomic.load offset=276 (local.get $ctl)) (then unreachable))
      (br_if $drain (i32.ne (i32.atomic.load offset=192 (local.get $ctl)) (i32.const 0x7fffffff)))))

  ;; The helper thread (thread 1): takes and runs planned blocks until `stop`;
  ;; after a while without any it sleeps on `planned` (epochPar wakes it).
  ;; diff: its dim float64 of scratch.
  (func (export "serve") (param $ctl i32) (param $hdr i32) (param $mask i32) (param $diff i32) (param $dim i32)
    (param $a f64) (param $b f64) (param $twoAB f64) (param $twoGB f64) (param $moveOther i32)
    (local $blk i32) (local $spin i32) (local $p i32) (local $d8 i32) (local $end i32)
    (local.set $d8 (i32.shl (local.get $dim) (i32.const 3)))
    (loop $serve
      (if (i32.atomic.load offset=256 (local.get $ctl)) (then (return)))
      (local.set $blk (call $take (local.get $ctl) (i32.const 1) (i32.const 4)))
      (if (i32.ge_s (local.get $blk) (i32.const 0)) (then
        (local.set $end (i32.load offset=196 (local.get $ctl)))
        (i32.store offset=200 (local.get $ctl)
          (i32.add (i32.load offset=200 (local.get $ctl)) (i32.sub (local.get $end) (local.get $blk))))
        (loop $chunk
          (call $run (local.get $blk) (i32.const 1) (local.get $ctl) (local.get $hdr) (local.get $mask)
            (local.get $diff) (local.get $d8) (local.get $a) (local.get $b) (local.get $twoAB) (local.get $twoGB)
            (local.get $moveOther))
          (local.set $blk (i32.add (local.get $blk) (i32.const 1)))
          (br_if $chunk (i32.lt_u (local.get $blk) (local.get $end))))
        (local.set $spin (i32.const 0))
        (br $serve)))
      (local.set $spin (i32.add (local.get $spin) (i32.const 1)))
      (br_if $serve (i32.lt_u (local.get $spin) (i32.const 100000)))
      (i32.atomic.store offset=260 (local.get $ctl) (i32.const 1))
      (local.set $p (i32.atomic.load offset=64 (local.get $ctl)))
      (if (i32.and (i32.ge_u (i32.atomic.load (local.get $ctl)) (local.get $p))
                   (i32.eqz (i32.atomic.load offset=256 (local.get $ctl)))) (then
        (drop (memory.atomic.wait32 offset=64 (local.get $ctl) (local.get $p) (i64.const 50000000)))))
      (i32.atomic.store offset=260 (local.get $ctl) (i32.const 0))
      (local.set $spin (i32.const 0))
      (br $serve)))

  ;; ---- Planning on the helper, steps on the calling thread ----
  ;;
  ;; In few dimensions a step is short, and two threads that both run
  ;; blocks share rows too often to gain (see _umap_sgd.ts); but about a
  ;; third of the one-thread epoch is gather's planning, which never reads
  ;; the embedding. So the helper plans the blocks of every epoch ahead
  ;; into the ring (`plan`: gather with each block's dep, and a header of no
  ;; steps at each epoch's end), and the calling thread runs them in order,
  ;; two side by side as `epoch` does (`epochRun`). A block starts beside
  ;; the other lane's only when its dep is below that block's id: no block
  ;; since then writes a row it touches or reads a row it writes, and the
  ;; blocks in between have ended. That is `epoch`'s test, so these are
  ;; `epoch`'s bits.
  ;;
  ;; Control (byte offsets at ctl): 64 planned, the first id not yet
  ;; planned (the helper's); 128 the calling thread's watermark (no block
  ;; below it has steps still to be read: written every 32 ids, and exactly
  ;; before that thread waits for a block, with both its lanes empty, so
  ;; that the helper is never left waiting for room a lane holds), and 132
  ;; its next id (that thread's cache line); 204 the ring's next free byte
  ;; (the helper's); 256 stop; 272 the helper is up, 276 it failed and 284
  ;; its `plan` returned (set by _umap_sgd_worker.ts); 280 the first epoch
  ;; to plan, plus one (0 until the calling thread says go).

  ;; A short wait between two reads of a slot the other thread writes.
  (func $pause (param $k i32)
    (loop $p
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (br_if $p (i32.gt_s (local.get $k) (i32.const 0)))))

  ;; The helper: plans epochs n0 to nEpochs − 1 (arguments as epochPar's;
  ;; sc: 48 bytes of its own scratch, rows: cap int32), waiting while the
  ;; ring or the headers are full (spinning a while, then sleeping 0.2 ms at
  ;; a time: the calling thread drains a full ring in about 1.4 ms on
  ;; 20,000 rows in 2-D); returns at the end, or on stop.
  (func (export "plan")
    (param $nEdges i32) (param $n0 i32) (param $nEpochs i32) (param $dim i32) (param $nV i32)
    (param $moveOther i32) (param $H i32) (param $T i32) (param $head i32) (param $tail i32)
    (param $eps i32) (param $epns i32) (param $eons i32) (param $eonns i32)
    (param $states i32) (param $st i32) (param $tOff i32) (param $sc i32) (param $cap i32) (param $room i32)
    (param $ctl i32) (param $hdr i32) (param $mask i32) (param $ring i32) (param $ringBytes i32) (param $rows i32)
    (local $n i32) (local $nf f64) (local $i i32) (local $id i32) (local $w i32) (local $sp i32)
    (local $capB i32) (local $h i32) (local $d8 i32) (local $L i32) (local $spin i32)
    (local.set $d8 (i32.shl (local.get $dim) (i32.const 3)))
    (local.set $capB (i32.shl (local.get $cap) (i32.const 2)))
    (local.set $id (i32.load offset=64 (local.get $ctl)))
    (local.set $w (i32.atomic.load offset=128 (local.get $ctl)))
    (local.set $n (local.get $n0))
    (block $done (loop $epochs
      (br_if $done (i32.ge_u (local.get $n) (local.get $nEpochs)))
      (local.set $nf (f64.convert_i32_u (local.get $n)))
      (local.set $i (call $find (i32.const 0) (local.get $nEdges) (local.get $eons) (local.get $nf)))
      (loop $blocks
        ;; room for the block's steps (the epoch's end needs a header only),
        ;; by the last watermark read, else by a newer one
        (loop $wait
          (local.set $sp (select
            (call $fit (local.get $w) (local.get $id) (i32.load offset=204 (local.get $ctl)) (local.get $hdr)
              (local.get $mask) (local.get $ring) (local.get $ringBytes) (local.get $capB))
            (select (i32.load offset=204 (local.get $ctl)) (i32.const -1)
              (i32.lt_u (i32.sub (local.get $id) (local.get $w)) (local.get $mask)))
            (i32.lt_u (local.get $i) (local.get $nEdges))))
          (if (i32.lt_s (local.get $sp) (i32.const 0)) (then
            (if (i32.atomic.load offset=256 (local.get $ctl)) (then (return)))
            (local.set $spin (i32.add (local.get $spin) (i32.const 1)))
            (if (i32.lt_u (local.get $spin) (i32.const 256))
              (then (call $pause (i32.const 64)))
              (else (drop (memory.atomic.wait32 offset=128 (local.get $ctl) (local.get $w) (i64.const 200000)))))
            (local.set $w (i32.atomic.load offset=128 (local.get $ctl)))
            (br $wait))))
        (local.set $spin (i32.const 0))
        (local.set $h (i32.add (local.get $hdr) (i32.shl (i32.and (local.get $id) (local.get $mask)) (i32.const 4))))
        (i32.store (local.get $h) (i32.add (local.get $ring) (local.get $sp)))
        (if (i32.ge_u (local.get $i) (local.get $nEdges)) (then
          ;; the epoch's end: a header of no steps
          (i32.store offset=4 (local.get $h) (i32.const 0))
          (local.set $id (i32.add (local.get $id) (i32.const 1)))
          (i32.atomic.store offset=64 (local.get $ctl) (local.get $id))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (br $epochs)))
        (local.set $i (call $gather (local.get $i) (i32.add (local.get $ring) (local.get $sp)) (local.get $cap)
          (local.get $room) (local.get $nEdges) (local.get $nf) (local.get $head) (local.get $tail) (local.get $eps)
          (local.get $epns) (local.get $eons) (local.get $eonns) (local.get $states) (local.get $T)
          (local.get $d8) (local.get $nV) (local.get $moveOther) (local.get $tOff) (local.get $st)
          (local.get $id) (local.get $id) (local.get $sc) (local.get $rows) (i32.const 1)))
        (local.set $L (i32.load offset=16 (local.get $sc)))
        (i32.store offset=4 (local.get $h) (local.get $L))
        (i32.store offset=8 (local.get $h)
          (i32.add (local.get $H) (i32.mul (i32.load offset=24 (local.get $sc)) (local.get $d8))))
        (i32.store offset=12 (local.get $h) (i32.load offset=28 (local.get $sc)))
        (i32.store offset=204 (local.get $ctl) (i32.add (local.get $sp) (i32.shl (local.get $L) (i32.const 2))))
        (local.set $id (i32.add (local.get $id) (i32.const 1)))
        (i32.atomic.store offset=64 (local.get $ctl) (local.get $id))
        (br $blocks)))))

  ;; The first id not yet planned, once it is above `id`. Traps when it never
  ;; will be: the helper failed, was stopped, or planned its last epoch.
  (func $await (param $ctl i32) (param $id i32) (result i32)
    (local $p i32)
    (loop $wait
      (local.set $p (i32.atomic.load offset=64 (local.get $ctl)))
      (if (i32.le_u (local.get $p) (local.get $id)) (then
        (if (i32.or (i32.atomic.load offset=276 (local.get $ctl)) (i32.atomic.load offset=256 (local.get $ctl)))
          (then unreachable))
        (if (i32.atomic.load offset=284 (local.get $ctl)) (then
          ;; it returned: what it planned before is all there will be
          (if (i32.le_u (i32.atomic.load offset=64 (local.get $ctl)) (local.get $id)) (then unreachable))))
        (call $pause (i32.const 64))
        (br $wait))))
    (local.get $p))

  ;; The lowest id whose steps may still be read: a live lane's, else id.
  (func $low (param $id i32) (param $idA i32) (param $remA i32) (param $idB i32) (param $remB i32) (result i32)
    (if (local.get $remA) (then (local.set $id (local.get $idA))))
    (if (i32.and (i32.ne (local.get $remB) (i32.const 0)) (i32.lt_u (local.get $idB) (local.get $id)))
      (then (local.set $id (local.get $idB))))
    (local.get $id))

  ;; The calling thread: one epoch of planned blocks, up to the epoch's end
  ;; header (sc: the scratch of `epoch`; ctl, hdr, mask as `plan`'s).
  (func (export "epochRun")
    (param $dim i32) (param $alpha f64) (param $a f64) (param $b f64) (param $twoAB f64) (param $twoGB f64)
    (param $moveOther i32) (param $sc i32) (param $ctl i32) (param $hdr i32) (param $mask i32)
    (local $d8 i32) (local $diffA i32) (local $diffB i32) (local $id i32) (local $avail i32) (local $end i32)
    (local $h i32) (local $pA i32) (local $pB i32) (local $remA i32) (local $remB i32)
    (local $ojA i32) (local $ojB i32) (local $idA i32) (local $idB i32) (local $m i32)
    (local.set $d8 (i32.shl (local.get $dim) (i32.const 3)))
    (local.set $diffA (i32.add (local.get $sc) (i32.const 48)))
    (local.set $diffB (i32.add (local.get $diffA) (local.get $d8)))
    (local.set $id (i32.load offset=132 (local.get $ctl)))
    (block $main_end (loop $main
      (if (i32.and (i32.eqz (local.get $remA)) (i32.eqz (local.get $end))) (then
        (if (i32.ge_u (local.get $id) (local.get $avail)) (then
          (local.set $avail (i32.atomic.load offset=64 (local.get $ctl)))
          (if (i32.ge_u (local.get $id) (local.get $avail)) (then
            ;; not planned yet: B's block ends alone first, and the exact
            ;; watermark goes out (the helper may wait for the room that
            ;; B's block holds), then this thread waits
            (block $wB_end (loop $wB
              (br_if $wB_end (i32.eqz (local.get $remB)))
              (call $step (local.get $ojB) (i32.load (local.get $pB)) (local.get $diffB) (local.get $d8)
                (local.get $alpha) (local.get $a) (local.get $b) (local.get $twoAB) (local.get $twoGB) (local.get $moveOther))
              (local.set $pB (i32.add (local.get $pB) (i32.const 4)))
              (local.set $remB (i32.sub (local.get $remB) (i32.const 1)))
              (br $wB)))
            (i32.atomic.store offset=128 (local.get $ctl) (local.get $id))
            (local.set $avail (call $await (local.get $ctl) (local.get $id)))))))
        (local.set $h (i32.add (local.get $hdr) (i32.shl (i32.and (local.get $id) (local.get $mask)) (i32.const 4))))
        (local.set $remA (i32.load offset=4 (local.get $h)))
        (if (local.get $remA)
          (then
            (if (i32.and (i32.ne (local.get $remB) (i32.const 0))
                         (i32.ge_u (i32.load offset=12 (local.get $h)) (local.get $idB))) (then
              ;; a block since B's matters to it: B finishes first
              (block $fb_end (loop $fb
                (br_if $fb_end (i32.eqz (local.get $remB)))
                (call $step (local.get $ojB) (i32.load (local.get $pB)) (local.get $diffB) (local.get $d8)
                  (local.get $alpha) (local.get $a) (local.get $b) (local.get $twoAB) (local.get $twoGB) (local.get $moveOther))
                (local.set $pB (i32.add (local.get $pB) (i32.const 4)))
                (local.set $remB (i32.sub (local.get $remB) (i32.const 1)))
                (br $fb)))))
            (local.set $pA (i32.load (local.get $h)))
            (local.set $ojA (i32.load offset=8 (local.get $h)))
            (local.set $idA (local.get $id)))
          (else (local.set $end (i32.const 1))))
        (local.set $id (i32.add (local.get $id) (i32.const 1)))
        ;; the watermark every 32 ids (a store per block would keep the
        ;; helper's copy of this cache line, which it polls when it waits
        ;; for room, changing hands)
        (if (i32.eqz (i32.and (local.get $id) (i32.const 31))) (then
          (i32.atomic.store offset=128 (local.get $ctl)
            (call $low (local.get $id) (local.get $idA) (local.get $remA) (local.get $idB) (local.get $remB)))))))
      (if (i32.and (i32.eqz (local.get $remB)) (i32.eqz (local.get $end))) (then
        (if (i32.ge_u (local.get $id) (local.get $avail)) (then
          (local.set $avail (i32.atomic.load offset=64 (local.get $ctl)))
          (if (i32.ge_u (local.get $id) (local.get $avail)) (then
            ;; not planned yet: A's block ends alone first, and the exact
            ;; watermark goes out (the helper may wait for the room that
            ;; A's block holds), then this thread waits
            (block $wA_end (loop $wA
              (br_if $wA_end (i32.eqz (local.get $remA)))
              (call $step (local.get $ojA) (i32.load (local.get $pA)) (local.get $diffA) (local.get $d8)
                (local.get $alpha) (local.get $a) (local.get $b) (local.get $twoAB) (local.get $twoGB) (local.get $moveOther))
              (local.set $pA (i32.add (local.get $pA) (i32.const 4)))
              (local.set $remA (i32.sub (local.get $remA) (i32.const 1)))
              (br $wA)))
            (i32.atomic.store offset=128 (local.get $ctl) (local.get $id))
            (local.set $avail (call $await (local.get $ctl) (local.get $id)))))))
        (local.set $h (i32.add (local.get $hdr) (i32.shl (i32.and (local.get $id) (local.get $mask)) (i32.const 4))))
        (local.set $remB (i32.load offset=4 (local.get $h)))
        (if (local.get $remB)
          (then
            (if (i32.and (i32.ne (local.get $remA) (i32.const 0))
                         (i32.ge_u (i32.load offset=12 (local.get $h)) (local.get $idA))) (then
              ;; a block since A's matters to it: A finishes first
              (block $fa_end (loop $fa
                (br_if $fa_end (i32.eqz (local.get $remA)))
                (call $step (local.get $ojA) (i32.load (local.get $pA)) (local.get $diffA) (local.get $d8)
                  (local.get $alpha) (local.get $a) (local.get $b) (local.get $twoAB) (local.get $twoGB) (local.get $moveOther))
                (local.set $pA (i32.add (local.get $pA) (i32.const 4)))
                (local.set $remA (i32.sub (local.get $remA) (i32.const 1)))
                (br $fa)))))
            (local.set $pB (i32.load (local.get $h)))
            (local.set $ojB (i32.load offset=8 (local.get $h)))
            (local.set $idB (local.get $id)))
          (else (local.set $end (i32.const 1))))
        (local.set $id (i32.add (local.get $id) (i32.const 1)))
        ;; the watermark every 32 ids (a store per block would keep the
        ;; helper's copy of this cache line, which it polls when it waits
        ;; for room, changing hands)
        (if (i32.eqz (i32.and (local.get $id) (i32.const 31))) (then
          (i32.atomic.store offset=128 (local.get $ctl)
            (call $low (local.get $id) (local.get $idA) (local.get $remA) (local.get $idB) (local.get $remB)))))))
      ;; a lane without a block: the epoch's end was read; the other finishes alone
      (if (i32.eqz (i32.and (i32.ne (local.get $remA) (i32.const 0)) (i32.ne (local.get $remB) (i32.const 0)))) (then
        (block $ra_end (loop $ra
          (br_if $ra_end (i32.eqz (local.get $remA)))
          (call $step (local.get $ojA) (i32.load (local.get $pA)) (local.get $diffA) (local.get $d8)
            (local.get $alpha) (local.get $a) (local.get $b) (local.get $twoAB) (local.get $twoGB) (local.get $moveOther))
          (local.set $pA (i32.add (local.get $pA) (i32.const 4)))
          (local.set $remA (i32.sub (local.get $remA) (i32.const 1)))
          (br $ra)))
        (block $rb_end (loop $rb
          (br_if $rb_end (i32.eqz (local.get $remB)))
          (call $step (local.get $ojB) (i32.load (local.get $pB)) (local.get $diffB) (local.get $d8)
            (local.get $alpha) (local.get $a) (local.get $b) (local.get $twoAB) (local.get $twoGB) (local.get $moveOther))
          (local.set $pB (i32.add (local.get $pB) (i32.const 4)))
          (local.set $remB (i32.sub (local.get $remB) (i32.const 1)))
          (br $rb)))
        (br_if $main_end (local.get $end))
        (br $main)))
      ;; both lanes: a step of each in turn until one block ends
      (local.set $m (select (local.get $remA) (local.get $remB) (i32.lt_u (local.get $remA) (local.get $remB))))
      (local.set $remA (i32.sub (local.get $remA) (local.get $m)))
      (local.set $remB (i32.sub (local.get $remB) (local.get $m)))
      (block $both_end (loop $both
        (call $step (local.get $ojA) (i32.load (local.get $pA)) (local.get $diffA) (local.get $d8)
          (local.get $alpha) (local.get $a) (local.get $b) (local.get $twoAB) (local.get $twoGB) (local.get $moveOther))
        (call $step (local.get $ojB) (i32.load (local.get $pB)) (local.get $diffB) (local.get $d8)
          (local.get $alpha) (local.get $a) (local.get $b) (local.get $twoAB) (local.get $twoGB) (local.get $moveOther))
        (local.set $pA (i32.add (local.get $pA) (i32.const 4)))
        (local.set $pB (i32.add (local.get $pB) (i32.const 4)))
        (local.set $m (i32.sub (local.get $m) (i32.const 1)))
        (br_if $both (local.get $m))))
      (br $main)))
    (i32.store offset=132 (local.get $ctl) (local.get $id))
    (i32.atomic.store offset=128 (local.get $ctl) (local.get $id)))
)
