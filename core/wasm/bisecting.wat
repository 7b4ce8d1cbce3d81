;; Bisecting k-means' loops over the samples (core/cluster/bisecting_kmeans.ts):
;; the float64 operations of its JavaScript loops, in the same order, so the
;; same bits. Compiled by scripts/build_wat.ts into bisecting_wasm.ts;
;; hand-written. Every address is a byte offset the caller chose in the
;; memory it imports; sample rows are d float64 values, labels int32.
(module
  (import "env" "memory" (memory 1))

  ;; out[j] += x[r][j] − mean[j] for every row r < n, row after row: the sum
  ;; of the centred rows (with mean all zeros, the column sums of
  ;; core/matrix.ts's columnMeans, since v − 0 is v).
  (func (export "colsum") (param $x i32) (param $mean i32) (param $n i32) (param $d i32) (param $out i32)
    (local $end i32) (local $j i32) (local $q i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.mul (local.get $n) (local.get $d)) (i32.const 3))))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $j (i32.const 0))
      (block $row (loop $cols
        (br_if $row (i32.ge_u (local.get $j) (local.get $d)))
        (local.set $q (i32.shl (local.get $j) (i32.const 3)))
        (f64.store (i32.add (local.get $out) (local.get $q))
          (f64.add (f64.load (i32.add (local.get $out) (local.get $q)))
            (f64.sub (f64.load (local.get $x)) (f64.load (i32.add (local.get $mean) (local.get $q))))))
        (local.set $x (i32.add (local.get $x) (i32.const 8)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $cols)))
      (br $rows))))

  ;; out[r][j] = x[idx[r]][j] − mean[j] for r < m: a leaf's centred rows.
  (func (export "gather") (param $x i32) (param $mean i32) (param $idx i32) (param $m i32) (param $d i32) (param $out i32)
    (local $r i32) (local $j i32) (local $src i32) (local $q i32) (local $d8 i32)
    (local.set $d8 (i32.shl (local.get $d) (i32.const 3)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $r) (local.get $m)))
      (local.set $src (i32.add (local.get $x)
        (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $r) (i32.const 2)))) (local.get $d8))))
      (local.set $j (i32.const 0))
      (block $row (loop $cols
        (br_if $row (i32.ge_u (local.get $j) (local.get $d)))
        (local.set $q (i32.shl (local.get $j) (i32.const 3)))
        (f64.store (local.get $out)
          (f64.sub (f64.load (i32.add (local.get $src) (local.get $q)))
            (f64.load (i32.add (local.get $mean) (local.get $q)))))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $cols)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows))))

  ;; One assignment pass of the inner 2-means (the `pass` of `lloyd`): each
  ;; row's label, 1 where n1 − 2·x·c1 < n0 − 2·x·c0 (dots summed in feature
  ;; order), written to labels; with $sums, also the (weighted, $w ≠ 0) sums
  ;; of each label's rows into tot (2 × d) and their weights into counts (2),
  ;; taken per chunk of 256 rows in psum/pcount and added chunk by chunk
  ;; when there are more rows than one chunk. Returns 1 when a label changed.
  (func (export "pass") (param $xs i32) (param $m i32) (param $d i32) (param $c i32)
    (param $n0 f64) (param $n1 f64) (param $labels i32) (param $sums i32)
    (param $tot i32) (param $counts i32) (param $psum i32) (param $pcount i32) (param $w i32) (result i32)
    (local $d8 i32) (local $c1 i32) (local $one i32) (local $acc i32) (local $cnt i32)
    (local $changed i32) (local $from i32) (local $to i32) (local $i i32) (local $j i32)
    (local $p i32) (local $q i32) (local $label i32) (local $a i32) (local $k i32)
    (local $xv f64) (local $s0 f64) (local $s1 f64) (local $wi f64)
    (local.set $d8 (i32.shl (local.get $d) (i32.const 3)))
    (local.set $c1 (i32.add (local.get $c) (local.get $d8)))
    (local.set $one (i32.le_u (local.get $m) (i32.const 256)))
    (if (local.get $sums) (then
      (memory.fill (local.get $tot) (i32.const 0) (i32.shl (local.get $d8) (i32.const 1)))
      (f64.store (local.get $counts) (f64.const 0))
      (f64.store offset=8 (local.get $counts) (f64.const 0))))
    (if (local.get $one)
      (then (local.set $acc (local.get $tot)) (local.set $cnt (local.get $counts)))
      (else (local.set $acc (local.get $psum)) (local.set $cnt (local.get $pcount))))
    (local.set $wi (f64.const 1))
    (block $done (loop $chunks
      (br_if $done (i32.ge_u (local.get $from) (local.get $m)))
      (local.set $to (i32.add (local.get $from) (i32.const 256)))
      (if (i32.gt_u (local.get $to) (local.get $m)) (then (local.set $to (local.get $m))))
      (if (i32.and (local.get $sums) (i32.eqz (local.get $one))) (then
        (memory.fill (local.get $psum) (i32.const 0) (i32.shl (local.get $d8) (i32.const 1)))
        (f64.store (local.get $pcount) (f64.const 0))
        (f64.store offset=8 (local.get $pcount) (f64.const 0))))
      (local.set $i (local.get $from))
      (local.set $p (i32.add (local.get $xs) (i32.mul (local.get $from) (local.get $d8))))
      (block $chunk (loop $rows
        (br_if $chunk (i32.ge_u (local.get $i) (local.get $to)))
        (local.set $s0 (f64.const 0))
        (local.set $s1 (f64.const 0))
        (local.set $j (i32.const 0))
        (block $dot (loop $feats
          (br_if $dot (i32.ge_u (local.get $j) (local.get $d8)))
          (local.set $xv (f64.load (i32.add (local.get $p) (local.get $j))))
          (local.set $s0 (f64.add (local.get $s0)
            (f64.mul (local.get $xv) (f64.load (i32.add (local.get $c) (local.get $j))))))
          (local.set $s1 (f64.add (local.get $s1)
            (f64.mul (local.get $xv) (f64.load (i32.add (local.get $c1) (local.get $j))))))
          (local.set $j (i32.add (local.get $j) (i32.const 8)))
          (br $feats)))
        (local.set $label (f64.lt
          (f64.sub (local.get $n1) (f64.mul (f64.const 2) (local.get $s1)))
          (f64.sub (local.get $n0) (f64.mul (f64.const 2) (local.get $s0)))))
        (local.set $q (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 2))))
        (if (i32.ne (i32.load (local.get $q)) (local.get $label)) (then
          (i32.store (local.get $q) (local.get $label))
          (local.set $changed (i32.const 1))))
        (if (local.get $sums) (then
          (if (local.get $w) (then
            (local.set $wi (f64.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 3)))))))
          (local.set $q (i32.add (local.get $cnt) (i32.shl (local.get $label) (i32.const 3))))
          (f64.store (local.get $q) (f64.add (f64.load (local.get $q)) (local.get $wi)))
          (local.set $a (i32.add (local.get $acc) (i32.mul (local.get $label) (local.get $d8))))
          (local.set $j (i32.const 0))
          (block $add (loop $adds
            (br_if $add (i32.ge_u (local.get $j) (local.get $d8)))
            (local.set $q (i32.add (local.get $a) (local.get $j)))
            (f64.store (local.get $q) (f64.add (f64.load (local.get $q))
              (f64.mul (local.get $wi) (f64.load (i32.add (local.get $p) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $adds)))))
        (local.set $p (i32.add (local.get $p) (local.get $d8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
      ;; The chunk's sums into the totals, label by label, skipping a label
      ;; with no weight in the chunk.
      (if (i32.and (local.get $sums) (i32.eqz (local.get $one))) (then
        (local.set $k (i32.const 0))
        (block $labs (loop $each
          (br_if $labs (i32.ge_u (local.get $k) (i32.const 2)))
          (local.set $q (i32.shl (local.get $k) (i32.const 3)))
          (if (f64.ne (f64.load (i32.add (local.get $pcount) (local.get $q))) (f64.const 0)) (then
            (f64.store (i32.add (local.get $counts) (local.get $q))
              (f64.add (f64.load (i32.add (local.get $counts) (local.get $q)))
                (f64.load (i32.add (local.get $pcount) (local.get $q)))))
            (local.set $a (i32.mul (local.get $k) (local.get $d8)))
            (local.set $j (i32.const 0))
            (block $add (loop $adds
              (br_if $add (i32.ge_u (local.get $j) (local.get $d8)))
              (local.set $q (i32.add (local.get $tot) (i32.add (local.get $a) (local.get $j))))
              (f64.store (local.get $q) (f64.add (f64.load (local.get $q))
                (f64.load (i32.add (local.get $psum) (i32.add (local.get $a) (local.get $j))))))
              (local.set $j (i32.add (local.get $j) (i32.const 8)))
              (br $adds)))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $each)))))
      (local.set $from (local.get $to))
      (br $chunks)))
    (local.get $changed))

  ;; For rows r < m: v = w[r]·‖x_r − c_{labels[r]}‖² (w[r] = 1 when $w is 0;
  ;; the distance as core/distance.ts's sqDist, four partial sums), added to
  ;; out[labels[r]] with $byLabel, else to out[0], in row order.
  (func (export "sqdist") (param $x i32) (param $m i32) (param $d i32) (param $c i32)
    (param $labels i32) (param $w i32) (param $byLabel i32) (param $out i32)
    (local $d8 i32) (local $d4 i32) (local $r i32) (local $lab i32) (local $cp i32) (local $k i32) (local $q i32)
    (local $s0 f64) (local $s1 f64) (local $s2 f64) (local $s3 f64) (local $t f64) (local $v f64)
    (local.set $d8 (i32.shl (local.get $d) (i32.const 3)))
    ;; bytes covered by whole groups of four features
    (local.set $d4 (i32.shl (i32.and (local.get $d) (i32.const -4)) (i32.const 3)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $r) (local.get $m)))
      (local.set $lab (i32.load (i32.add (local.get $labels) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $cp (i32.add (local.get $c) (i32.mul (local.get $lab) (local.get $d8))))
      (local.set $s0 (f64.const 0))
      (local.set $s1 (f64.const 0))
      (local.set $s2 (f64.const 0))
      (local.set $s3 (f64.const 0))
      (local.set $k (i32.const 0))
      (block $quads (loop $quad
        (br_if $quads (i32.ge_u (local.get $k) (local.get $d4)))
        (local.set $t (f64.sub (f64.load (i32.add (local.get $x) (local.get $k)))
          (f64.load (i32.add (local.get $cp) (local.get $k)))))
        (local.set $s0 (f64.add (local.get $s0) (f64.mul (local.get $t) (local.get $t))))
        (local.set $q (i32.add (local.get $k) (i32.const 8)))
        (local.set $t (f64.sub (f64.load (i32.add (local.get $x) (local.get $q)))
          (f64.load (i32.add (local.get $cp) (local.get $q)))))
        (local.set $s1 (f64.add (local.get $s1) (f64.mul (local.get $t) (local.get $t))))
        (local.set $q (i32.add (local.get $k) (i32.const 16)))
        (local.set $t (f64.sub (f64.load (i32.add (local.get $x) (local.get $q)))
          (f64.load (i32.add (local.get $cp) (local.get $q)))))
        (local.set $s2 (f64.add (local.get $s2) (f64.mul (local.get $t) (local.get $t))))
        (local.set $q (i32.add (local.get $k) (i32.const 24)))
        (local.set $t (f64.sub (f64.load (i32.add (local.get $x) (local.get $q)))
          (f64.load (i32.add (local.get $cp) (local.get $q)))))
        (local.set $s3 (f64.add (local.get $s3) (f64.mul (local.get $t) (local.get $t))))
        (local.set $k (i32.add (local.get $k) (i32.const 32)))
        (br $quad)))
      (block $tail (loop $rest
        (br_if $tail (i32.ge_u (local.get $k) (local.get $d8)))
        (local.set $t (f64.sub (f64.load (i32.add (local.get $x) (local.get $k)))
          (f64.load (i32.add (local.get $cp) (local.get $k)))))
        (local.set $s0 (f64.add (local.get $s0) (f64.mul (local.get $t) (local.get $t))))
        (local.set $k (i32.add (local.get $k) (i32.const 8)))
        (br $rest)))
      (local.set $v (f64.add (f64.add (local.get $s0) (local.get $s1)) (f64.add (local.get $s2) (local.get $s3))))
      (if (local.get $w) (then
        (local.set $v (f64.mul
          (f64.load (i32.add (local.get $w) (i32.shl (local.get $r) (i32.const 3)))) (local.get $v)))))
      (local.set $q (local.get $out))
      (if (local.get $byLabel) (then
        (local.set $q (i32.add (local.get $out) (i32.shl (local.get $lab) (i32.const 3))))))
      (f64.store (local.get $q) (f64.add (f64.load (local.get $q)) (local.get $v)))
      (local.set $x (i32.add (local.get $x) (local.get $d8)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows))))

  ;; A stable split of idx[0..m) by label: the label-0 entries first (moved
  ;; in place, never ahead of the reading), then the label-1 entries through
  ;; spare. Returns the number of label-0 entries.
  (func (export "split") (param $idx i32) (param $labels i32) (param $m i32) (param $spare i32) (result i32)
    (local $i i32) (local $n0 i32) (local $n1 i32) (local $v i32)
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $v (i32.load (i32.add (local.get $idx) (i32.shl (local.get $i) (i32.const 2)))))
      (if (i32.eqz (i32.load (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 2)))))
        (then
          (i32.store (i32.add (local.get $idx) (i32.shl (local.get $n0) (i32.const 2))) (local.get $v))
          (local.set $n0 (i32.add (local.get $n0) (i32.const 1))))
        (else
          (i32.store (i32.add (local.get $spare) (i32.shl (local.get $n1) (i32.const 2))) (local.get $v))
          (local.set $n1 (i32.add (local.get $n1) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $each)))
    (memory.copy (i32.add (local.get $idx) (i32.shl (local.get $n0) (i32.const 2)))
      (local.get $spare) (i32.shl (local.get $n1) (i32.const 2)))
    (local.get $n0))

  ;; labels[order[p]] = c for p in [lo, hi): a leaf's samples get its label.
  (func (export "scatter") (param $order i32) (param $lo i32) (param $hi i32) (param $c i32) (param $labels i32)
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $lo) (local.get $hi)))
      (i32.store (i32.add (local.get $labels)
          (i32.shl (i32.load (i32.add (local.get $order) (i32.shl (local.get $lo) (i32.const 2)))) (i32.const 2)))
        (local.get $c))
      (local.set $lo (i32.add (local.get $lo) (i32.const 1)))
      (br $each))))
)
