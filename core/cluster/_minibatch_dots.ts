/**
 * Dot products and squared distances of a block of samples against a few
 * centres in WebAssembly SIMD (f64x2): mini-batch k-means' assignment step
 * and its k-means++ seeding in high dimension, where they are nearly all the
 * work. `dots` takes two samples × four centres per pass, two feature
 * pairs per trip of its loop (with one pointer per row: 48 ms against 55
 * ms for 70,000 × 784 against 8 centres, the same bits as one pair per
 * trip); each product is the sum of its even-index and odd-index partial
 * sums (plus the last term when d is odd) whatever the blocking, so a
 * sample's label does not depend on the block it is in. `sqd` sums (x − c)² in four f64x2 partial sums;
 * `addrows` adds each sample to its centre's sum in sample order, lane by
 * lane — the additions of a scalar loop, to the bit.
 *
 * {@linkcode DOTS_WAT} is the module's text; `DOTS_WASM` its binary from
 * wabt 1.0.32 (`wat2wasm dots.wat`, base64). Engines without WebAssembly
 * SIMD get `undefined` from {@linkcode blockKernel}, and callers keep their
 * JavaScript loops.
 *
 * @module
 */
import { gatherRows, type Matrix } from "../matrix.ts";
import { compileBase64 } from "../wasm/module.ts";

/**
 * One feature pair of `dots`' inner loop (at byte `offset` from the row
 * pointers): samples a and b against the four centres, into their
 * accumulators.
 */
const pairStep = (offset: number) => {
  const at = offset ? ` offset=${offset}` : "";
  const centre = (c: number) => [
    `          (local.set $w (v128.load${at} (local.get $p${c})))`,
    `          (local.set $a${c} (f64x2.add (local.get $a${c}) (f64x2.mul (local.get $u) (local.get $w))))`,
    `          (local.set $b${c} (f64x2.add (local.get $b${c}) (f64x2.mul (local.get $v) (local.get $w))))`,
  ];
  return [
    `          (local.set $u (v128.load${at} (local.get $pa)))`,
    `          (local.set $v (v128.load${at} (local.get $pb)))`,
    ...[0, 1, 2, 3].flatMap(centre),
  ].join("\n");
};

/** The module's source text (WAT). */
export const DOTS_WAT = `(module
  (import "env" "memory" (memory 1))
  (func $fin (param $acc v128) (param $xp i32) (param $cp i32) (param $jend i32) (param $odd i32) (result f64)
    (f64.add
      (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc)))
      (select
        (f64.mul (f64.load (i32.add (local.get $xp) (local.get $jend)))
                 (f64.load (i32.add (local.get $cp) (local.get $jend))))
        (f64.const 0)
        (local.get $odd))))
  ;; one sample (xa) against one centre (c0)
  (func $one (param $xa i32) (param $c0 i32) (param $jend i32) (param $odd i32) (result f64)
    (local $jb i32) (local $a0 v128)
    (local.set $a0 (v128.const i64x2 0 0))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $jb) (local.get $jend)))
      (local.set $a0 (f64x2.add (local.get $a0)
        (f64x2.mul (v128.load (i32.add (local.get $xa) (local.get $jb)))
                   (v128.load (i32.add (local.get $c0) (local.get $jb))))))
      (local.set $jb (i32.add (local.get $jb) (i32.const 16)))
      (br $l)))
    (call $fin (local.get $a0) (local.get $xa) (local.get $c0) (local.get $jend) (local.get $odd)))
  (func (export "dots") (param $n i32) (param $d i32) (param $m i32) (param $x i32) (param $c i32) (param $out i32)
    (local $i i32) (local $t i32) (local $jb i32) (local $jend i32) (local $rb i32) (local $mb i32) (local $odd i32)
    (local $xa i32) (local $xb i32) (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $c3 i32) (local $o i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $u v128) (local $v v128) (local $w v128)
    (local $pa i32) (local $pb i32) (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local.set $rb (i32.shl (local.get $d) (i32.const 3)))
    (local.set $mb (i32.shl (local.get $m) (i32.const 3)))
    (local.set $jend (i32.shl (i32.and (local.get $d) (i32.const -2)) (i32.const 3)))
    (local.set $odd (i32.and (local.get $d) (i32.const 1)))
    (block $pairsDone (loop $pairs
      (br_if $pairsDone (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $n)))
      (local.set $xa (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $rb))))
      (local.set $xb (i32.add (local.get $xa) (local.get $rb)))
      (local.set $t (i32.const 0))
      (block $quadsDone (loop $quads
        (br_if $quadsDone (i32.gt_u (i32.add (local.get $t) (i32.const 4)) (local.get $m)))
        (local.set $c0 (i32.add (local.get $c) (i32.mul (local.get $t) (local.get $rb))))
        (local.set $c1 (i32.add (local.get $c0) (local.get $rb)))
        (local.set $c2 (i32.add (local.get $c1) (local.get $rb)))
        (local.set $c3 (i32.add (local.get $c2) (local.get $rb)))
        (local.set $a0 (v128.const i64x2 0 0)) (local.set $b0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0)) (local.set $b1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0)) (local.set $b2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0)) (local.set $b3 (v128.const i64x2 0 0))
        (local.set $jb (i32.const 0))
        (local.set $pa (local.get $xa)) (local.set $pb (local.get $xb))
        (local.set $p0 (local.get $c0)) (local.set $p1 (local.get $c1))
        (local.set $p2 (local.get $c2)) (local.set $p3 (local.get $c3))
        (block $jd (loop $jl
          (br_if $jd (i32.gt_u (i32.add (local.get $jb) (i32.const 32)) (local.get $jend)))
${pairStep(0)}
${pairStep(16)}
          (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
          (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
          (local.set $p0 (i32.add (local.get $p0) (i32.const 32)))
          (local.set $p1 (i32.add (local.get $p1) (i32.const 32)))
          (local.set $p2 (i32.add (local.get $p2) (i32.const 32)))
          (local.set $p3 (i32.add (local.get $p3) (i32.const 32)))
          (local.set $jb (i32.add (local.get $jb) (i32.const 32)))
          (br $jl)))
        (if (i32.lt_u (local.get $jb) (local.get $jend)) (then
${pairStep(0)}
        ))
        (local.set $o (i32.add (local.get $out)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $m)) (local.get $t)) (i32.const 3))))
        (f64.store (i32.add (local.get $o) (i32.const 0))
          (call $fin (local.get $a0) (local.get $xa) (local.get $c0) (local.get $jend) (local.get $odd)))
        (f64.store (i32.add (i32.add (local.get $o) (local.get $mb)) (i32.const 0))
          (call $fin (local.get $b0) (local.get $xb) (local.get $c0) (local.get $jend) (local.get $odd)))
        (f64.store (i32.add (local.get $o) (i32.const 8))
          (call $fin (local.get $a1) (local.get $xa) (local.get $c1) (local.get $jend) (local.get $odd)))
        (f64.store (i32.add (i32.add (local.get $o) (local.get $mb)) (i32.const 8))
          (call $fin (local.get $b1) (local.get $xb) (local.get $c1) (local.get $jend) (local.get $odd)))
        (f64.store (i32.add (local.get $o) (i32.const 16))
          (call $fin (local.get $a2) (local.get $xa) (local.get $c2) (local.get $jend) (local.get $odd)))
        (f64.store (i32.add (i32.add (local.get $o) (local.get $mb)) (i32.const 16))
          (call $fin (local.get $b2) (local.get $xb) (local.get $c2) (local.get $jend) (local.get $odd)))
        (f64.store (i32.add (local.get $o) (i32.const 24))
          (call $fin (local.get $a3) (local.get $xa) (local.get $c3) (local.get $jend) (local.get $odd)))
        (f64.store (i32.add (i32.add (local.get $o) (local.get $mb)) (i32.const 24))
          (call $fin (local.get $b3) (local.get $xb) (local.get $c3) (local.get $jend) (local.get $odd)))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (br $quads)))
      ;; the last centres one at a time
      (block $restDone (loop $rest
        (br_if $restDone (i32.ge_u (local.get $t) (local.get $m)))
        (local.set $c0 (i32.add (local.get $c) (i32.mul (local.get $t) (local.get $rb))))
        (local.set $o (i32.add (local.get $out)
          (i32.shl (i32.add (i32.mul (local.get $i) (local.get $m)) (local.get $t)) (i32.const 3))))
        (f64.store (local.get $o) (call $one (local.get $xa) (local.get $c0) (local.get $jend) (local.get $odd)))
        (f64.store (i32.add (local.get $o) (local.get $mb))
          (call $one (local.get $xb) (local.get $c0) (local.get $jend) (local.get $odd)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $rest)))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br $pairs)))
    ;; an odd last sample
    (if (i32.lt_u (local.get $i) (local.get $n)) (then
      (local.set $xa (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $rb))))
      (local.set $t (i32.const 0))
      (block $lastDone (loop $last
        (br_if $lastDone (i32.ge_u (local.get $t) (local.get $m)))
        (f64.store
          (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $m)) (local.get $t)) (i32.const 3)))
          (call $one (local.get $xa) (i32.add (local.get $c) (i32.mul (local.get $t) (local.get $rb)))
                (local.get $jend) (local.get $odd)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $last))))))
  ;; out[i] = ‖x_i − c_{lab[i]}‖² for i < n (four f64x2 partial sums)
  (func (export "sqd") (param $n i32) (param $d i32) (param $x i32) (param $c i32) (param $lab i32) (param $out i32)
    (local $i i32) (local $jb i32) (local $j8 i32) (local $jend i32) (local $rb i32)
    (local $xa i32) (local $ca i32) (local $e v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s f64) (local $t f64)
    (local.set $rb (i32.shl (local.get $d) (i32.const 3)))
    (local.set $jend (i32.shl (i32.and (local.get $d) (i32.const -2)) (i32.const 3)))
    (local.set $j8 (i32.shl (i32.and (local.get $d) (i32.const -8)) (i32.const 3)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $xa (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $rb))))
      (local.set $ca (i32.add (local.get $c) (i32.mul
        (i32.load (i32.add (local.get $lab) (i32.shl (local.get $i) (i32.const 2)))) (local.get $rb))))
      (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
      (local.set $a2 (v128.const i64x2 0 0)) (local.set $a3 (v128.const i64x2 0 0))
      (local.set $jb (i32.const 0))
      (block $d8 (loop $l8
        (br_if $d8 (i32.ge_u (local.get $jb) (local.get $j8)))
        (local.set $e (f64x2.sub (v128.load (i32.add (local.get $xa) (local.get $jb)))
                                 (v128.load (i32.add (local.get $ca) (local.get $jb)))))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $e) (local.get $e))))
        (local.set $e (f64x2.sub (v128.load offset=16 (i32.add (local.get $xa) (local.get $jb)))
                                 (v128.load offset=16 (i32.add (local.get $ca) (local.get $jb)))))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $e) (local.get $e))))
        (local.set $e (f64x2.sub (v128.load offset=32 (i32.add (local.get $xa) (local.get $jb)))
                                 (v128.load offset=32 (i32.add (local.get $ca) (local.get $jb)))))
        (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $e) (local.get $e))))
        (local.set $e (f64x2.sub (v128.load offset=48 (i32.add (local.get $xa) (local.get $jb)))
                                 (v128.load offset=48 (i32.add (local.get $ca) (local.get $jb)))))
        (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $e) (local.get $e))))
        (local.set $jb (i32.add (local.get $jb) (i32.const 64)))
        (br $l8)))
      (block $d2 (loop $l2
        (br_if $d2 (i32.ge_u (local.get $jb) (local.get $jend)))
        (local.set $e (f64x2.sub (v128.load (i32.add (local.get $xa) (local.get $jb)))
                                 (v128.load (i32.add (local.get $ca) (local.get $jb)))))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $e) (local.get $e))))
        (local.set $jb (i32.add (local.get $jb) (i32.const 16)))
        (br $l2)))
      (local.set $a0 (f64x2.add (f64x2.add (local.get $a0) (local.get $a1)) (f64x2.add (local.get $a2) (local.get $a3))))
      (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
      (if (i32.and (local.get $d) (i32.const 1)) (then
        (local.set $t (f64.sub (f64.load (i32.add (local.get $xa) (local.get $jend)))
                               (f64.load (i32.add (local.get $ca) (local.get $jend)))))
        (local.set $s (f64.add (local.get $s) (f64.mul (local.get $t) (local.get $t))))))
      (f64.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))) (local.get $s))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows))))

  ;; sums[lab[i]] += x_i for i < n, in sample order (lane-wise adds: the scalar loop's sums)
  (func (export "addrows") (param $n i32) (param $d i32) (param $x i32) (param $lab i32) (param $sums i32)
    (local $i i32) (local $jb i32) (local $jend i32) (local $rb i32) (local $xa i32) (local $sa i32)
    (local.set $rb (i32.shl (local.get $d) (i32.const 3)))
    (local.set $jend (i32.shl (i32.and (local.get $d) (i32.const -2)) (i32.const 3)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $xa (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $rb))))
      (local.set $sa (i32.add (local.get $sums) (i32.mul
        (i32.load (i32.add (local.get $lab) (i32.shl (local.get $i) (i32.const 2)))) (local.get $rb))))
      (local.set $jb (i32.const 0))
      (block $d2 (loop $l2
        (br_if $d2 (i32.ge_u (local.get $jb) (local.get $jend)))
        (v128.store (i32.add (local.get $sa) (local.get $jb))
          (f64x2.add (v128.load (i32.add (local.get $sa) (local.get $jb)))
                     (v128.load (i32.add (local.get $xa) (local.get $jb)))))
        (local.set $jb (i32.add (local.get $jb) (i32.const 16)))
        (br $l2)))
      (if (i32.and (local.get $d) (i32.const 1)) (then
        (f64.store (i32.add (local.get $sa) (local.get $jend))
          (f64.add (f64.load (i32.add (local.get $sa) (local.get $jend)))
                   (f64.load (i32.add (local.get $xa) (local.get $jend)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows))))
)
`;

const DOTS_WASM =
  "AGFzbQEAAAABIwRgBXt/f39/AXxgBH9/f38BfGAGf39/f39/AGAFf39/f38AAg8BA2VudgZtZW1vcnkCAAEDBgUAAQICAwcYAwRkb3RzAAIDc3FkAAMHYWRkcm93cwAECt0PBSsAIAD9IQAgAP0hAaAgASADaisDACACIANqKwMAokQAAAAAAAAAACAEG6ALWAIBfwF7/QwAAAAAAAAAAAAAAAAAAAAAIQUCQANAIAQgAk8NASAFIAAgBGr9AAQAIAEgBGr9AAQA/fIB/fABIQUgBEEQaiEEDAALCyAFIAAgASACIAMQAAvOCQMOfwt7Bn8gAUEDdCEKIAJBA3QhCyABQX5xQQN0IQkgAUEBcSEMAkADQCAGQQJqIABLDQEgAyAGIApsaiENIA0gCmohDkEAIQcCQANAIAdBBGogAksNASAEIAcgCmxqIQ8gDyAKaiEQIBAgCmohESARIApqIRL9DAAAAAAAAAAAAAAAAAAAAAAhFP0MAAAAAAAAAAAAAAAAAAAAACEY/QwAAAAAAAAAAAAAAAAAAAAAIRX9DAAAAAAAAAAAAAAAAAAAAAAhGf0MAAAAAAAAAAAAAAAAAAAAACEW/QwAAAAAAAAAAAAAAAAAAAAAIRr9DAAAAAAAAAAAAAAAAAAAAAAhF/0MAAAAAAAAAAAAAAAAAAAAACEbQQAhCCANIR8gDiEgIA8hISAQISIgESEjIBIhJAJAA0AgCEEgaiAJSw0BIB/9AAQAIRwgIP0ABAAhHSAh/QAEACEeIBQgHCAe/fIB/fABIRQgGCAdIB798gH98AEhGCAi/QAEACEeIBUgHCAe/fIB/fABIRUgGSAdIB798gH98AEhGSAj/QAEACEeIBYgHCAe/fIB/fABIRYgGiAdIB798gH98AEhGiAk/QAEACEeIBcgHCAe/fIB/fABIRcgGyAdIB798gH98AEhGyAf/QAEECEcICD9AAQQIR0gIf0ABBAhHiAUIBwgHv3yAf3wASEUIBggHSAe/fIB/fABIRggIv0ABBAhHiAVIBwgHv3yAf3wASEVIBkgHSAe/fIB/fABIRkgI/0ABBAhHiAWIBwgHv3yAf3wASEWIBogHSAe/fIB/fABIRogJP0ABBAhHiAXIBwgHv3yAf3wASEXIBsgHSAe/fIB/fABIRsgH0EgaiEfICBBIGohICAhQSBqISEgIkEgaiEiICNBIGohIyAkQSBqISQgCEEgaiEIDAALCyAIIAlJBEAgH/0ABAAhHCAg/QAEACEdICH9AAQAIR4gFCAcIB798gH98AEhFCAYIB0gHv3yAf3wASEYICL9AAQAIR4gFSAcIB798gH98AEhFSAZIB0gHv3yAf3wASEZICP9AAQAIR4gFiAcIB798gH98AEhFiAaIB0gHv3yAf3wASEaICT9AAQAIR4gFyAcIB798gH98AEhFyAbIB0gHv3yAf3wASEbCyAFIAYgAmwgB2pBA3RqIRMgE0EAaiAUIA0gDyAJIAwQADkDACATIAtqQQBqIBggDiAPIAkgDBAAOQMAIBNBCGogFSANIBAgCSAMEAA5AwAgEyALakEIaiAZIA4gECAJIAwQADkDACATQRBqIBYgDSARIAkgDBAAOQMAIBMgC2pBEGogGiAOIBEgCSAMEAA5AwAgE0EYaiAXIA0gEiAJIAwQADkDACATIAtqQRhqIBsgDiASIAkgDBAAOQMAIAdBBGohBwwACwsCQANAIAcgAk8NASAEIAcgCmxqIQ8gBSAGIAJsIAdqQQN0aiETIBMgDSAPIAkgDBABOQMAIBMgC2ogDiAPIAkgDBABOQMAIAdBAWohBwwACwsgBkECaiEGDAALCyAGIABJBEAgAyAGIApsaiENQQAhBwJAA0AgByACTw0BIAUgBiACbCAHakEDdGogDSAEIAcgCmxqIAkgDBABOQMAIAdBAWohBwwACwsLC+IDAwd/BXsCfCABQQN0IQogAUF+cUEDdCEJIAFBeHFBA3QhCAJAA0AgBiAATw0BIAIgBiAKbGohCyADIAQgBkECdGooAgAgCmxqIQz9DAAAAAAAAAAAAAAAAAAAAAAhDv0MAAAAAAAAAAAAAAAAAAAAACEP/QwAAAAAAAAAAAAAAAAAAAAAIRD9DAAAAAAAAAAAAAAAAAAAAAAhEUEAIQcCQANAIAcgCE8NASALIAdq/QAEACAMIAdq/QAEAP3xASENIA4gDSAN/fIB/fABIQ4gCyAHav0ABBAgDCAHav0ABBD98QEhDSAPIA0gDf3yAf3wASEPIAsgB2r9AAQgIAwgB2r9AAQg/fEBIQ0gECANIA398gH98AEhECALIAdq/QAEMCAMIAdq/QAEMP3xASENIBEgDSAN/fIB/fABIREgB0HAAGohBwwACwsCQANAIAcgCU8NASALIAdq/QAEACAMIAdq/QAEAP3xASENIA4gDSAN/fIB/fABIQ4gB0EQaiEHDAALCyAOIA/98AEgECAR/fAB/fABIQ4gDv0hACAO/SEBoCESIAFBAXEEQCALIAlqKwMAIAwgCWorAwChIRMgEiATIBOioCESCyAFIAZBA3RqIBI5AwAgBkEBaiEGDAALCwuhAQEGfyABQQN0IQggAUF+cUEDdCEHAkADQCAFIABPDQEgAiAFIAhsaiEJIAQgAyAFQQJ0aigCACAIbGohCkEAIQYCQANAIAYgB08NASAKIAZqIAogBmr9AAQAIAkgBmr9AAQA/fAB/QsEACAGQRBqIQYMAAsLIAFBAXEEQCAKIAdqIAogB2orAwAgCSAHaisDAKA5AwALIAVBAWohBQwACwsL";

/** Samples per block copied into the module's memory. */
export const BLOCK = 256;

interface Exports {
  memory: WebAssembly.Memory;
  dots: (n: number, d: number, m: number, x: number, c: number, out: number) => void;
  sqd: (n: number, d: number, x: number, c: number, lab: number, out: number) => void;
  addrows: (n: number, d: number, x: number, lab: number, sums: number) => void;
}

let loaded: Exports | null | undefined;

function load(): Exports | null {
  if (loaded !== undefined) return loaded;
  try {
    const module = compileBase64(DOTS_WASM);
    if (!module) return (loaded = null);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const { exports } = new WebAssembly.Instance(module, { env: { memory } });
    loaded = {
      memory,
      dots: exports.dots as Exports["dots"],
      sqd: exports.sqd as Exports["sqd"],
      addrows: exports.addrows as Exports["addrows"],
    };
  } catch {
    loaded = null;
  }
  return loaded;
}

/** Largest memory the module may take (bytes); beyond, callers keep JavaScript. */
const MAX_BYTES = 512 * 2 ** 20;

/** Grows the module's memory to `need` bytes; false when that is too much. */
function reserve(w: Exports, need: number): boolean {
  if (need > MAX_BYTES) return false;
  const have = w.memory.buffer.byteLength;
  if (have >= need) return true;
  try {
    w.memory.grow(Math.ceil((need - have) / 65536));
    return true;
  } catch {
    return false;
  }
}

/** The kernels on one block of samples; valid until the next {@linkcode blockKernel} call. */
export interface BlockKernel {
  /**
   * Copies rows `rows[from..from+nb)` of X (rows `from..` when `rows` is
   * null; nb ≤ {@linkcode BLOCK}) into the module and writes
   * out[r·m + t] = x_r · c_t.
   */
  dots(rows: Int32Array | null, from: number, nb: number, out: Float64Array): void;
  /** For the block of the last `dots`: sq[r] = ‖x_r − c_{labels[r]}‖², r < nb. */
  sqd(nb: number, labels: Int32Array, sq: Float64Array): void;
  /** For the block and labels of the last `sqd`: sums[labels[r]] += x_r, r < nb, in order. */
  addRows(nb: number): void;
  /** The m×d sums `addRows` adds to (a view of the module's memory). */
  readonly sums: Float64Array;
}

/**
 * The kernels for the samples of `X` against the rows of `C`, or undefined
 * without WebAssembly SIMD (or when `C` is too large for the module).
 */
export function blockKernel(X: Matrix, C: Matrix): BlockKernel | undefined {
  const w = load();
  if (!w) return undefined;
  const d = X.cols, m = C.rows, x = X.data;
  // Layout (bytes): centres, the block of samples, products, labels,
  // distances, sums.
  const xAt = m * d * 8, outAt = xAt + BLOCK * d * 8;
  const labAt = outAt + BLOCK * m * 8, sqAt = labAt + BLOCK * 4;
  const sumsAt = sqAt + BLOCK * 8, need = sumsAt + m * d * 8;
  if (!reserve(w, need)) return undefined;
  const heap = new Float64Array(w.memory.buffer);
  const lab = new Int32Array(w.memory.buffer, labAt, BLOCK);
  heap.set(C.data.subarray(0, m * d), 0);
  const xOff = xAt / 8, outOff = outAt / 8, sqOff = sqAt / 8;
  return {
    dots(rows, from, nb, out) {
      if (rows) gatherRows(X, rows, from, nb, heap, xOff);
      else heap.set(x.subarray(from * d, (from + nb) * d), xOff);
      w.dots(nb, d, m, xAt, 0, outAt);
      out.set(heap.subarray(outOff, outOff + nb * m));
    },
    sqd(nb, labels, sq) {
      lab.set(labels.subarray(0, nb));
      w.sqd(nb, d, xAt, 0, labAt, sqAt);
      sq.set(heap.subarray(sqOff, sqOff + nb));
    },
    addRows(nb) {
      w.addrows(nb, d, xAt, labAt, sumsAt);
    },
    sums: heap.subarray(sumsAt / 8, sumsAt / 8 + m * d),
  };
}

/**
 * `dots(C, out)`: out[i·m + t] = x_i · c_t for every row of `X` (copied into
 * the module once) and the m rows of `C`; or undefined without WebAssembly
 * SIMD. For k-means++, which multiplies the same samples by a few
 * candidates at every step. Valid until the next {@linkcode blockKernel} or
 * `residentDots` call.
 */
export function residentDots(
  X: Matrix,
  maxM: number,
): ((C: Matrix, out: Float64Array) => void) | undefined {
  const w = load();
  if (!w) return undefined;
  const n = X.rows, d = X.cols;
  const cAt = n * d * 8, outAt = cAt + maxM * d * 8, need = outAt + n * maxM * 8;
  if (!reserve(w, need)) return undefined;
  const heap = new Float64Array(w.memory.buffer);
  // Rows gathered in place by residentRows need no copy.
  const inPlace = X.data.buffer === w.memory.buffer && X.data.byteOffset === 0;
  if (!inPlace) heap.set(X.data.subarray(0, n * d), 0);
  return (C, out) => {
    const m = C.rows;
    heap.set(C.data.subarray(0, m * d), cAt / 8);
    w.dots(n, d, m, 0, cAt, outAt);
    out.set(heap.subarray(outAt / 8, outAt / 8 + n * m));
  };
}

/**
 * Room for n×d samples at the start of the module's memory, with what
 * {@linkcode residentDots} needs for up to `maxM` centres: fill it, wrap it in
 * a matrix and pass that to `residentDots`, which then copies nothing. Valid
 * until the next {@linkcode blockKernel} call; undefined without WebAssembly
 * SIMD or when too large.
 */
export function residentRows(n: number, d: number, maxM: number): Float64Array | undefined {
  const w = load();
  if (!w) return undefined;
  if (!reserve(w, n * d * 8 + maxM * d * 8 + n * maxM * 8)) return undefined;
  return new Float64Array(w.memory.buffer, 0, n * d);
}
