;; NumPy's legacy `permutation(n)` (core/random.ts's RandomState): the
;; integers 0..n−1 shuffled by Fisher–Yates from the end, each index drawn by
;; masked rejection (`random_interval`) from MT19937's tempered outputs: the
;; same draws, in the same order, as the JavaScript. Compiled by
;; scripts/build_wat.ts into mt19937_wasm.ts; hand-written.
;;
;; The generator's state at $st: the 624 words of the key, then the
;; position (int32, 624 when the key is used up).
(module
  (import "env" "memory" (memory 1))

  ;; The next 624 words of the key (MT19937's twist); the position to 0.
  (func $generate (param $st i32)
    (local $i i32) (local $y i32) (local $p i32)
    ;; key[i] = key[i + M] ^ (y >>> 1) ^ (−(y & 1) & MATRIX_A), i < N − M
    (block $done (loop $first
      (br_if $done (i32.ge_u (local.get $i) (i32.const 227)))
      (local.set $p (i32.add (local.get $st) (i32.shl (local.get $i) (i32.const 2))))
      (local.set $y (i32.or
        (i32.and (i32.load (local.get $p)) (i32.const 0x80000000))
        (i32.and (i32.load offset=4 (local.get $p)) (i32.const 0x7fffffff))))
      (i32.store (local.get $p) (i32.xor (i32.xor
        (i32.load offset=1588 (local.get $p))
        (i32.shr_u (local.get $y) (i32.const 1)))
        (i32.and (i32.sub (i32.const 0) (i32.and (local.get $y) (i32.const 1))) (i32.const 0x9908b0df))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $first)))
    ;; key[i] = key[i + M − N] ^ …, N − M ≤ i < N − 1
    (block $done (loop $second
      (br_if $done (i32.ge_u (local.get $i) (i32.const 623)))
      (local.set $p (i32.add (local.get $st) (i32.shl (local.get $i) (i32.const 2))))
      (local.set $y (i32.or
        (i32.and (i32.load (local.get $p)) (i32.const 0x80000000))
        (i32.and (i32.load offset=4 (local.get $p)) (i32.const 0x7fffffff))))
      (i32.store (local.get $p) (i32.xor (i32.xor
        (i32.load (i32.sub (local.get $p) (i32.const 908)))
        (i32.shr_u (local.get $y) (i32.const 1)))
        (i32.and (i32.sub (i32.const 0) (i32.and (local.get $y) (i32.const 1))) (i32.const 0x9908b0df))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $second)))
    ;; key[N − 1] from key[N − 1] and key[0], with key[M − 1]
    (local.set $y (i32.or
      (i32.and (i32.load offset=2492 (local.get $st)) (i32.const 0x80000000))
      (i32.and (i32.load (local.get $st)) (i32.const 0x7fffffff))))
    (i32.store offset=2492 (local.get $st) (i32.xor (i32.xor
      (i32.load offset=1584 (local.get $st))
      (i32.shr_u (local.get $y) (i32.const 1)))
      (i32.and (i32.sub (i32.const 0) (i32.and (local.get $y) (i32.const 1))) (i32.const 0x9908b0df))))
    (i32.store offset=2496 (local.get $st) (i32.const 0)))

  ;; out[0..n) = a permutation of 0..n−1, drawn from the state at $st (which
  ;; it advances).
  (func (export "permutation") (param $st i32) (param $out i32) (param $n i32)
    (local $i i32) (local $j i32) (local $mask i32) (local $pos i32) (local $y i32)
    (local $pi i32) (local $pj i32) (local $t i32)
    (block $done (loop $iota
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $iota)))
    (local.set $pos (i32.load offset=2496 (local.get $st)))
    (local.set $i (i32.sub (local.get $n) (i32.const 1)))
    (block $done (loop $each
      (br_if $done (i32.le_s (local.get $i) (i32.const 0)))
      ;; the smallest all-ones mask covering i
      (local.set $mask (local.get $i))
      (local.set $mask (i32.or (local.get $mask) (i32.shr_u (local.get $mask) (i32.const 1))))
      (local.set $mask (i32.or (local.get $mask) (i32.shr_u (local.get $mask) (i32.const 2))))
      (local.set $mask (i32.or (local.get $mask) (i32.shr_u (local.get $mask) (i32.const 4))))
      (local.set $mask (i32.or (local.get $mask) (i32.shr_u (local.get $mask) (i32.const 8))))
      (local.set $mask (i32.or (local.get $mask) (i32.shr_u (local.get $mask) (i32.const 16))))
      (loop $draw
        (if (i32.ge_u (local.get $pos) (i32.const 624)) (then
          (call $generate (local.get $st))
          (local.set $pos (i32.const 0))))
        (local.set $y (i32.load (i32.add (local.get $st) (i32.shl (local.get $pos) (i32.const 2)))))
        (local.set $pos (i32.add (local.get $pos) (i32.const 1)))
        (local.set $y (i32.xor (local.get $y) (i32.shr_u (local.get $y) (i32.const 11))))
        (local.set $y (i32.xor (local.get $y) (i32.and (i32.shl (local.get $y) (i32.const 7)) (i32.const 0x9d2c5680))))
        (local.set $y (i32.xor (local.get $y) (i32.and (i32.shl (local.get $y) (i32.const 15)) (i32.const 0xefc60000))))
        (local.set $y (i32.xor (local.get $y) (i32.shr_u (local.get $y) (i32.const 18))))
        (local.set $j (i32.and (local.get $y) (local.get $mask)))
        (br_if $draw (i32.gt_u (local.get $j) (local.get $i))))
      (local.set $pi (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))))
      (local.set $pj (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $t (i32.load (local.get $pi)))
      (i32.store (local.get $pi) (i32.load (local.get $pj)))
      (i32.store (local.get $pj) (local.get $t))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br $each)))
    (i32.store offset=2496 (local.get $st) (local.get $pos)))
)
