/**
 * Generates the matrix-product WebAssembly module (`core/wasm/gemm.wat`) and
 * its binaries (`core/wasm/gemm_wasm.ts`, base64). Dev-only: it needs wabt's
 * `wat2wasm` (Debian package `wabt`); the tests and recipes use the
 * committed output and never run this.
 *
 *   deno run --allow-read=core --allow-write=core --allow-run=wat2wasm scripts/build_gemm.ts
 *   deno run scripts/build_gemm.ts --print     # the WAT on stdout
 *
 * The module computes C = A·B for float32 matrices given by their address
 * and strides (so transposed operands need no copy), GotoBLAS-style: B is
 * packed into 8-column panels and A into MR-row tiles, K is blocked by KC,
 * and an MR×8 micro-kernel keeps its 2·MR accumulators in registers, using
 * relaxed-SIMD fused multiply-adds (`f32x4.relaxed_madd`). With MR = 6 it
 * needs 15 vector registers, what V8 gives on x64. Measured on one core
 * (Xeon with AVX-512, 2 cores; tfjs-backend-wasm 4.22's XNNPACK product in
 * brackets): 256×784·784×500 4.7 ms (5.9); 256×500·500×2000 12.0 ms
 * (16.0); with A transposed, 500×256ᵀ·256×2000 11.9 ms (208). Without the
 * fused multiply-add the micro-kernel was about 25% slower.
 *
 * @module
 */

/** Rows of the micro-kernel's tile of C. */
export const MR = 6;
/** Columns of the micro-kernel's tile (two 4-float vectors). */
export const NR = 8;
/** The K block: one block of an 8-column B panel (8 KB) stays in L1. */
export const KC = 256;

const get = (name: string) => `(local.get $${name})`;
const i32 = (n: number) => `(i32.const ${n})`;
const add = (x: string, y: string) => `(i32.add ${x} ${y})`;
const mul = (x: string, y: string) => `(i32.mul ${x} ${y})`;
const bytes = (x: string) => `(i32.shl ${x} ${i32(2)})`;

/** A counted loop: `for (v = from; v < to; v += step) body`. */
function forLoop(v: string, from: string, to: string, step: string, body: string[]): string[] {
  return [
    `(local.set $${v} ${from})`,
    `(block $${v}_end (loop $${v}_next`,
    `  (br_if $${v}_end (i32.ge_u ${get(v)} ${to}))`,
    ...body.map((l) => "  " + l),
    `  (local.set $${v} ${add(get(v), step)})`,
    `  (br $${v}_next)))`,
  ];
}

/** `v` rounded up to a multiple of `m` (a power of two or not). */
const roundUp = (v: string, m: number) =>
  `(i32.mul (i32.div_u ${add(v, i32(m - 1))} ${i32(m)}) ${i32(m)})`;

/** The micro-kernel: C tile (MR×8, row stride `ldc` bytes) (+)= Ap·Bp over `kc`. */
function microKernel(): string[] {
  const acc = (i: number, j: number) => `$c${i}_${j}`;
  const out: string[] = [
    `(func $kernel (param $ap i32) (param $bp i32) (param $cp i32) (param $kc i32)` +
    ` (param $ldc i32) (param $accumulate i32)`,
    `  (local $b0 v128) (local $b1 v128) (local $a v128) (local $p i32)`,
  ];
  for (let i = 0; i < MR; i++) out.push(`  (local ${acc(i, 0)} v128) (local ${acc(i, 1)} v128)`);
  const rows = (f: (i: number) => string[]) => {
    const lines = [`(local.set $p ${get("cp")})`];
    for (let i = 0; i < MR; i++) {
      lines.push(...f(i));
      if (i < MR - 1) lines.push(`(local.set $p ${add(get("p"), get("ldc"))})`);
    }
    return lines;
  };
  out.push(
    `  (if ${get("accumulate")} (then`,
    ...rows((i) => [
      `(local.set ${acc(i, 0)} (v128.load ${get("p")}))`,
      `(local.set ${acc(i, 1)} (v128.load offset=16 ${get("p")}))`,
    ]).map((l) => "    " + l),
    `  ))`,
    `  (block $k_end (loop $k_next`,
    `    (br_if $k_end (i32.eqz ${get("kc")}))`,
    `    (local.set $b0 (v128.load ${get("bp")}))`,
    `    (local.set $b1 (v128.load offset=16 ${get("bp")}))`,
  );
  for (let i = 0; i < MR; i++) {
    out.push(`    (local.set $a (v128.load32_splat offset=${4 * i} ${get("ap")}))`);
    for (const j of [0, 1]) {
      out.push(
        `    (local.set ${acc(i, j)} (f32x4.relaxed_madd ${get("a")} ${get(`b${j}`)} ` +
          `(local.get ${acc(i, j)})))`,
      );
    }
  }
  out.push(
    `    (local.set $ap ${add(get("ap"), i32(4 * MR))})`,
    `    (local.set $bp ${add(get("bp"), i32(4 * NR))})`,
    `    (local.set $kc (i32.sub ${get("kc")} ${i32(1)}))`,
    `    (br $k_next)))`,
    ...rows((i) => [
      `(v128.store ${get("p")} (local.get ${acc(i, 0)}))`,
      `(v128.store offset=16 ${get("p")} (local.get ${acc(i, 1)}))`,
    ]).map((l) => "  " + l),
    `)`,
  );
  return out;
}

/** Element (r, c) of a strided matrix at byte address `base`. */
const element = (base: string, r: string, rs: string, c: string, cs: string) =>
  `(f32.load ${add(get(base), bytes(add(mul(r, get(rs)), mul(c, get(cs)))))})`;

/**
 * `packA(M, K, a, ars, acs, q)`: A (M×K, strided) into MR-row tiles at `q`,
 * the layout `gemmPacked` reads: tile t, column k holds A(MR·t ..
 * MR·t+MR-1, k), zeros past M; ⌈M/MR⌉·MR·K floats in all.
 */
function packA(): string[] {
  const body: string[] = [
    ...forLoop("i", i32(0), get("M"), i32(MR), [
      ...forLoop("k", i32(0), get("K"), i32(1), [
        ...forLoop("ii", i32(0), i32(MR), i32(1), [
          `(f32.store ${get("q")}`,
          `  (if (result f32) (i32.lt_u ${add(get("i"), get("ii"))} ${get("M")})`,
          `    (then ${element("a", add(get("i"), get("ii")), "ars", get("k"), "acs")})`,
          `    (else (f32.const 0))))`,
          `(local.set $q ${add(get("q"), i32(4))})`,
        ]),
      ]),
    ]),
  ];
  return [
    `(func $packA (export "packA") (param $M i32) (param $K i32) (param $a i32) (param $ars i32)` +
    ` (param $acs i32) (param $q i32)`,
    `  (local $i i32) (local $k i32) (local $ii i32)`,
    ...body.map((l) => "  " + l),
    `)`,
  ];
}

/**
 * `gemm(M, N, K, a, ars, acs, b, brs, bcs, c, ldc, work)`, or with `packed`
 * `gemmPacked(M, N, K, ap, b, brs, bcs, c, ldc, work)`, whose A is already
 * packed at `ap` by `packA` (for an A multiplied many times, as k-means'
 * samples).
 */
/**
 * Four rows k..k+3 of B's panel j..j+7 when B is stored transposed (brs 1):
 * column j+c holds B(k..k+3, j+c) in one vector, so eight loads and two
 * 4×4 transposes by shuffles give the panel's four rows of eight (the
 * scalar gather took ~30% of a Dense backward product's time).
 */
function transposedPanel(): string[] {
  // 32-bit lanes of (x, y) as byte indices of i8x16.shuffle
  const lanes = (...l: number[]) =>
    l.flatMap((v) => [4 * v, 4 * v + 1, 4 * v + 2, 4 * v + 3]).join(" ");
  const lo = lanes(0, 4, 1, 5), hi = lanes(2, 6, 3, 7), lo64 = lanes(0, 1, 4, 5);
  const hi64 = lanes(2, 3, 6, 7);
  const out: string[] = [
    `(local.set $src ${add(get("b"), bytes(add(get("k"), mul(get("j"), get("bcs")))))})`,
  ];
  for (let c = 0; c < NR; c++) {
    out.push(`(local.set $v${c} (v128.load ${add(get("src"), bytes(mul(i32(c), get("bcs"))))}))`);
  }
  for (let h = 0; h < NR / 4; h++) {
    const v = (c: number) => get(`v${4 * h + c}`);
    out.push(
      `(local.set $t0 (i8x16.shuffle ${lo} ${v(0)} ${v(1)}))`,
      `(local.set $t1 (i8x16.shuffle ${lo} ${v(2)} ${v(3)}))`,
      `(local.set $t2 (i8x16.shuffle ${hi} ${v(0)} ${v(1)}))`,
      `(local.set $t3 (i8x16.shuffle ${hi} ${v(2)} ${v(3)}))`,
      `(v128.store offset=${16 * h} ${get("q")} (i8x16.shuffle ${lo64} ${get("t0")} ${get("t1")}))`,
      `(v128.store offset=${32 + 16 * h} ${get("q")} (i8x16.shuffle ${hi64} ${get("t0")} ${
        get("t1")
      }))`,
      `(v128.store offset=${64 + 16 * h} ${get("q")} (i8x16.shuffle ${lo64} ${get("t2")} ${
        get("t3")
      }))`,
      `(v128.store offset=${96 + 16 * h} ${get("q")} (i8x16.shuffle ${hi64} ${get("t2")} ${
        get("t3")
      }))`,
    );
  }
  return out;
}

function gemm(packed: boolean): string[] {
  const params = packed
    ? ["M", "N", "K", "ap", "b", "brs", "bcs", "c", "ldc", "work"]
    : ["M", "N", "K", "a", "ars", "acs", "b", "brs", "bcs", "c", "ldc", "work"];
  const locals = [
    "Mp",
    "Np",
    ...(packed ? [] : ["ap"]),
    "bp",
    "cp",
    "ldcp",
    "i",
    "j",
    "k",
    "ii",
    "jj",
    "q",
    "k0",
    "kc",
    "src",
    "direct",
  ];
  const body: string[] = [
    `(local.set $Mp ${roundUp(get("M"), MR)})`,
    `(local.set $Np ${roundUp(get("N"), NR)})`,
    `;; work: packed B [Np·K], packed A [Mp·K] (unless given), then C padded to`,
    `;; Mp×Np unless C itself has that shape`,
    `(local.set $bp ${get("work")})`,
    ...(packed ? [] : [`(local.set $ap ${add(get("bp"), bytes(mul(get("Np"), get("K"))))})`]),
    `(local.set $direct (i32.and (i32.and (i32.eq ${get("Mp")} ${get("M")})` +
    ` (i32.eq ${get("Np")} ${get("N")})) (i32.eq ${get("ldc")} ${get("N")})))`,
    `(if ${get("direct")}`,
    `  (then (local.set $cp ${get("c")}) (local.set $ldcp ${get("N")}))`,
    `  (else (local.set $cp ${add(get("bp"), bytes(mul(add(get("Np"), get("Mp")), get("K"))))})`,
    `        (local.set $ldcp ${get("Np")})))`,
    `;; pack B: panel p, row k holds B(k, 8p .. 8p+7), zeros past N`,
    `(local.set $q ${get("bp")})`,
    ...forLoop("j", i32(0), get("N"), i32(NR), [
      `(local.set $k ${i32(0)})`,
      `(block $k_end (loop $k_next`,
      `  (br_if $k_end (i32.ge_u ${get("k")} ${get("K")}))`,
      `  (if (i32.and (i32.and (i32.eq ${get("brs")} ${i32(1)}) (i32.ne ${get("bcs")} ${i32(1)}))`,
      `      (i32.and (i32.le_u ${add(get("j"), i32(NR))} ${get("N")}) (i32.le_u ${
        add(get("k"), i32(4))
      } ${get("K")})))`,
      `    (then`,
      ...transposedPanel().map((l) => "      " + l),
      `      (local.set $q ${add(get("q"), i32(16 * NR))})`,
      `      (local.set $k ${add(get("k"), i32(4))}))`,
      `    (else`,
      `(if (i32.and (i32.eq ${get("bcs")} ${i32(1)}) (i32.le_u ${add(get("j"), i32(NR))} ${
        get("N")
      }))`,
      `  (then`,
      `    (local.set $src ${add(get("b"), bytes(add(mul(get("k"), get("brs")), get("j"))))})`,
      `    (v128.store ${get("q")} (v128.load ${get("src")}))`,
      `    (v128.store offset=16 ${get("q")} (v128.load offset=16 ${get("src")})))`,
      `  (else`,
      ...forLoop("jj", i32(0), i32(NR), i32(1), [
        `(f32.store ${add(get("q"), bytes(get("jj")))}`,
        `  (if (result f32) (i32.lt_u ${add(get("j"), get("jj"))} ${get("N")})`,
        `    (then ${element("b", get("k"), "brs", add(get("j"), get("jj")), "bcs")})`,
        `    (else (f32.const 0))))`,
      ]).map((l) => "    " + l),
      `  ))`,
      `(local.set $q ${add(get("q"), i32(4 * NR))})`,
      `(local.set $k ${add(get("k"), i32(1))})`,
      `  ))`,
      `  (br $k_next)))`,
    ]),
    ...(packed ? [] : [
      `(call $packA ${get("M")} ${get("K")} ${get("a")} ${get("ars")} ${get("acs")} ${get("ap")})`,
    ]),
    `;; the product, K in blocks of KC; each B panel block is reused by all A tiles`,
    `(local.set $k0 ${i32(0)})`,
    `(block $k0_end (loop $k0_next`,
    `  (br_if $k0_end (i32.ge_u ${get("k0")} ${get("K")}))`,
    `  (local.set $kc (i32.sub ${get("K")} ${get("k0")}))`,
    `  (if (i32.gt_u ${get("kc")} ${i32(KC)}) (then (local.set $kc ${i32(KC)})))`,
    ...forLoop("j", i32(0), get("Np"), i32(NR), [
      ...forLoop("i", i32(0), get("Mp"), i32(MR), [
        `(call $kernel`,
        `  ${add(get("ap"), bytes(add(mul(get("i"), get("K")), mul(get("k0"), i32(MR)))))}`,
        `  ${add(get("bp"), bytes(add(mul(get("j"), get("K")), mul(get("k0"), i32(NR)))))}`,
        `  ${add(get("cp"), bytes(add(mul(get("i"), get("ldcp")), get("j"))))}`,
        `  ${get("kc")} ${bytes(get("ldcp"))} (i32.ne ${get("k0")} ${i32(0)}))`,
      ]),
    ]).map((l) => "  " + l),
    `  (local.set $k0 ${add(get("k0"), get("kc"))})`,
    `  (br $k0_next)))`,
    `;; the padded C into C`,
    `(if (i32.eqz ${get("direct")}) (then`,
    ...forLoop("i", i32(0), get("M"), i32(1), [
      `(memory.copy ${add(get("c"), bytes(mul(get("i"), get("ldc"))))}`,
      `  ${add(get("cp"), bytes(mul(get("i"), get("ldcp"))))} ${bytes(get("N"))})`,
    ]).map((l) => "  " + l),
    `))`,
  ];
  return [
    `(func (export "${packed ? "gemmPacked" : "gemm"}") ${
      params.map((p) => `(param $${p} i32)`).join(" ")
    }`,
    `  ${locals.map((l) => `(local $${l} i32)`).join(" ")}`,
    `  ${[...Array(NR).keys()].map((v) => `(local $v${v} v128)`).join(" ")}`,
    `  (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)`,
    ...body.map((l) => "  " + l),
    `)`,
  ];
}

/** `workBytes(M, N, K)`: the scratch `gemm` needs at `work`. */
function workBytes(): string[] {
  const Mp = roundUp(get("M"), MR), Np = roundUp(get("N"), NR);
  return [
    `(func (export "workBytes") (param $M i32) (param $N i32) (param $K i32) (result i32)`,
    `  ${bytes(add(mul(add(Mp, Np), get("K")), mul(Mp, Np)))})`,
  ];
}

/**
 * `biasRelu(c, M, N, bias, relu)`: adds the N-vector at `bias` (unless it
 * is 0) to every row of the M×N matrix at `c`, then applies max(0, x) when
 * `relu` is set. N must be a multiple of 4 for the vector loop; the rest
 * runs one value at a time.
 */
function biasRelu(): string[] {
  return [
    `(func (export "biasRelu") (param $c i32) (param $M i32) (param $N i32) (param $bias i32)` +
    ` (param $relu i32)`,
    `  (local $i i32) (local $j i32) (local $p i32) (local $v v128) (local $x f32) (local $N4 i32)`,
    `  (local.set $N4 (i32.and ${get("N")} ${i32(-4)}))`,
    `  (local.set $p ${get("c")})`,
    ...forLoop("i", i32(0), get("M"), i32(1), [
      ...forLoop("j", i32(0), get("N4"), i32(4), [
        `(local.set $v (v128.load ${get("p")}))`,
        `(if ${get("bias")} (then (local.set $v (f32x4.add ${get("v")} (v128.load ${
          add(get("bias"), bytes(get("j")))
        })))))`,
        `(if ${get("relu")} (then (local.set $v (f32x4.max ${
          get("v")
        } (v128.const f32x4 0 0 0 0)))))`,
        `(v128.store ${get("p")} ${get("v")})`,
        `(local.set $p ${add(get("p"), i32(16))})`,
      ]),
      ...forLoop("j", get("N4"), get("N"), i32(1), [
        `(local.set $x (f32.load ${get("p")}))`,
        `(if ${get("bias")} (then (local.set $x (f32.add ${get("x")} (f32.load ${
          add(get("bias"), bytes(get("j")))
        })))))`,
        `(if ${get("relu")} (then (local.set $x (f32.max ${get("x")} (f32.const 0)))))`,
        `(f32.store ${get("p")} ${get("x")})`,
        `(local.set $p ${add(get("p"), i32(4))})`,
      ]),
    ]).map((l) => "  " + l),
    `)`,
  ];
}

/**
 * `sumRows(n, d, x, labels, sums)`: adds each float64 row i < n of the n×d
 * matrix at `x` to row `labels[i]` (int32 at `labels`) of the float64
 * matrix at `sums`, two values at a time (k-means' centre sums; the same
 * additions in the same order as a scalar loop, so the same sums).
 */
function sumRows(): string[] {
  const f64bytes = (x: string) => `(i32.shl ${x} ${i32(3)})`;
  return [
    `(func (export "sumRows") (param $n i32) (param $d i32) (param $x i32) (param $labels i32)` +
    ` (param $sums i32)`,
    `  (local $i i32) (local $j i32) (local $src i32) (local $dst i32) (local $d2 i32)`,
    `  (local.set $d2 (i32.and ${get("d")} ${i32(-2)}))`,
    `  (local.set $src ${get("x")})`,
    ...forLoop("i", i32(0), get("n"), i32(1), [
      `(local.set $dst ${
        add(
          get("sums"),
          f64bytes(mul(get("d"), `(i32.load ${add(get("labels"), bytes(get("i")))})`)),
        )
      })`,
      ...forLoop("j", i32(0), get("d2"), i32(2), [
        `(v128.store ${get("dst")} (f64x2.add (v128.load ${get("dst")}) (v128.load ${
          get("src")
        })))`,
        `(local.set $dst ${add(get("dst"), i32(16))})`,
        `(local.set $src ${add(get("src"), i32(16))})`,
      ]),
      `(if (i32.ne ${get("d2")} ${get("d")}) (then`,
      `  (f64.store ${get("dst")} (f64.add (f64.load ${get("dst")}) (f64.load ${get("src")})))`,
      `  (local.set $src ${add(get("src"), i32(8))})))`,
    ]).map((l) => "  " + l),
    `)`,
  ];
}

/**
 * `colSums(rows, cols, x, acc, out)`: the column sums of the float32
 * rows × cols matrix at `x` into the float32 `out`, accumulated in float64
 * at `acc` (8·cols bytes of scratch) over the rows in order, two columns per
 * vector: the additions of `sumRows` in `core/nn/matmul_kernels.ts`, so the
 * same sums (every bias gradient of a network).
 */
function colSums(): string[] {
  const f64bytes = (x: string) => `(i32.shl ${x} ${i32(3)})`;
  return [
    `(func (export "colSums") (param $rows i32) (param $cols i32) (param $x i32) (param $acc i32)` +
    ` (param $out i32)`,
    `  (local $r i32) (local $c i32) (local $c2 i32) (local $src i32) (local $dst i32)`,
    `  (local.set $c2 (i32.and ${get("cols")} ${i32(-2)}))`,
    `  (memory.fill ${get("acc")} ${i32(0)} ${f64bytes(get("cols"))})`,
    `  (local.set $src ${get("x")})`,
    ...forLoop("r", i32(0), get("rows"), i32(1), [
      `(local.set $dst ${get("acc")})`,
      ...forLoop("c", i32(0), get("c2"), i32(2), [
        `(v128.store ${get("dst")} (f64x2.add (v128.load ${
          get("dst")
        }) (f64x2.promote_low_f32x4 (v128.load64_zero ${get("src")}))))`,
        `(local.set $dst ${add(get("dst"), i32(16))})`,
        `(local.set $src ${add(get("src"), i32(8))})`,
      ]),
      `(if (i32.ne ${get("c2")} ${get("cols")}) (then`,
      `  (f64.store ${get("dst")} (f64.add (f64.load ${get("dst")}) (f64.promote_f32 (f32.load ${
        get("src")
      }))))`,
      `  (local.set $src ${add(get("src"), i32(4))})))`,
    ]).map((l) => "  " + l),
    ...forLoop("c", i32(0), get("cols"), i32(1), [
      `(f32.store ${add(get("out"), bytes(get("c")))} (f32.demote_f64 (f64.load ${
        add(get("acc"), f64bytes(get("c")))
      })))`,
    ]).map((l) => "  " + l),
    `)`,
  ];
}

/**
 * k-means' exact float64 steps in low dimension (`core/cluster/_kmeans_jobs.ts`),
 * two centres (or candidates) per vector: the same operations in the same
 * order as the scalar code, lane by lane (no fused multiply-adds), so the same
 * labels, sums and distances bit for bit. The centres come transposed in
 * pairs at `ct`, an f64x2 holding feature t of centres 2p and 2p + 1 (an odd
 * k pads the last pair with zeros): for the candidates pair by pair, at
 * `ct + 16·(p·d + t)`; for the assignments feature by feature, at
 * `ct + 16·(t·P + p)` with P = ⌈k/2⌉, so that a block of pairs loads one
 * feature at fixed offsets from one address.
 *
 * - `assignExact(from, to, d, k, x, ct, csqp, w, labels, psum, pcount)`: for
 *   rows from ≤ i < to of the n×d samples at `x`, the first centre with the
 *   lowest ‖c‖² − 2x·c (as `nearestCenter`: x·c summed in feature order;
 *   `csqp` holds ‖c‖² in pairs, +∞ for a padded centre) into the int32
 *   `labels`; then this chunk's sums of wᵢxᵢ per cluster (k×d at `psum`) and
 *   of wᵢ (k at `pcount`), zeroed first and added in row order. `w` is the
 *   weights' address, or 0 for weights of 1.
 * - `assignBounded(from, to, d, k, x, ct, csqp, w, labels, psum, pcount,
 *   bnd, xsq, xnorm, shift, half, list, fresh, maxShift, kappa, cmax)`:
 *   `assignExact` behind Hamerly's bounds (G. Hamerly, "Making k-means even
 *   faster", SDM 2010). `bnd` holds each row's upper bound U on the
 *   distance to its centre and lower bound L on the distance to any other.
 *   Unless `fresh`, U grows by its centre's shift and L shrinks by the
 *   largest, and a row with U + e < max(L, half[label]) keeps its label
 *   (e = kappa·(‖x‖ + cmax) covers the rounding of the computed scores, see
 *   `boundsMargin` in `core/cluster/_kmeans_jobs.ts`). The other rows are
 *   listed (int32s at `list`) and computed two at a time with assignExact's
 *   operations, each lane also keeping its second-lowest score, so the same
 *   labels; their bounds come from the two lowest scores (‖x‖² at `xsq`),
 *   widened by e. The chunk's sums are assignExact's: added as the rows are
 *   computed where every row was listed; else redone in a last pass for the
 *   clusters a row left or joined (over their rows only), the others' left
 *   as the last assignment made them (the same rows with the same labels).
 *   Returns the rows computed.
 * - `candidatesExact(from, to, d, k, x, ct, closest, w, cand, n)`: for each
 *   candidate t < k, cand[t·n + i] = min(closest[i], wᵢ‖xᵢ − y_t‖²), the
 *   squared distance summed as `sqDist` does (four partial sums over the
 *   first 4⌊d/4⌋ features, the rest into the first, then (s₀+s₁)+(s₂+s₃)),
 *   two pairs of candidates side by side (eight independent chains).
 */
function kmeansExact(): string[] {
  const f64x2 = (op: string, ...a: string[]) => `(f64x2.${op} ${a.join(" ")})`;
  const load = (addr: string, off = 0) => `(v128.load offset=${off} ${addr})`;
  const f8 = (x: string) => `(i32.shl ${x} ${i32(3)})`;
  const splat = (x: string) => `(f64x2.splat ${x})`;
  const lane = (v: string, l: number, kind = "f64x2") => `(${kind}.extract_lane ${l} ${v})`;
  // The weight of row i: w[i], or 1 without weights.
  const weight = `(if (result f64) ${get("w")} (then (f64.load ${
    add(get("w"), f8(get("i")))
  })) (else (f64.const 1)))`;
  // best/idx ← val where val < best, lane by lane (jv: the lanes' centres).
  const keepLowerIn = (best: string, idx: string) => [
    `(local.set $m ${f64x2("lt", get("val"), get(best))})`,
    `(local.set $${best} (v128.bitselect ${get("val")} ${get(best)} ${get("m")}))`,
    `(local.set $${idx} (v128.bitselect ${get("jv")} ${get(idx)} ${get("m")}))`,
  ];
  // best/idx ← val where val < best, lane by lane; then jv += 2.
  const keepLower = [
    `(local.set $m ${f64x2("lt", get("val"), get("best"))})`,
    `(local.set $best (v128.bitselect ${get("val")} ${get("best")} ${get("m")}))`,
    `(local.set $idx (v128.bitselect ${get("jv")} ${get("idx")} ${get("m")}))`,
    `(local.set $jv (i64x2.add ${get("jv")} (v128.const i64x2 2 2)))`,
  ];
  const scoreAt = (pair: string) =>
    `(local.set $val ${
      f64x2(
        "sub",
        load(add(get("csqp"), `(i32.shl ${pair} ${i32(4)})`)),
        f64x2("mul", get("acc"), `(f64x2.splat (f64.const 2))`),
      )
    })`;
  const score = scoreAt(get("p"));
  // Row i's label (the first lowest: lane 1 wins on a lower score, or an
  // equal one at a lower index), then its weight and sums.
  const epilogue = [
    `(local.set $b0 ${lane(get("best"), 0)})`,
    `(local.set $b1 ${lane(get("best"), 1)})`,
    `(local.set $i0 (i32.wrap_i64 ${lane(get("idx"), 0, "i64x2")}))`,
    `(local.set $i1 (i32.wrap_i64 ${lane(get("idx"), 1, "i64x2")}))`,
    `(local.set $lab (select ${get("i1")} ${get("i0")} (i32.or (f64.lt ${get("b1")} ${
      get("b0")
    }) (i32.and (f64.eq ${get("b1")} ${get("b0")}) (i32.lt_u ${get("i1")} ${get("i0")})))))`,
    `(i32.store ${add(get("labels"), bytes(get("i")))} ${get("lab")})`,
    `(local.set $wi ${weight})`,
    `(local.set $ps ${add(get("pcount"), f8(get("lab")))})`,
    `(f64.store ${get("ps")} (f64.add (f64.load ${get("ps")}) ${get("wi")}))`,
    `(local.set $ps ${add(get("psum"), f8(mul(get("lab"), get("d"))))})`,
    `(local.set $wv ${splat(get("wi"))})`,
    ...forLoop("t", i32(0), get("d2"), i32(2), [
      `(v128.store ${get("ps")} ${
        f64x2("add", load(get("ps")), f64x2("mul", get("wv"), load(get("xo"))))
      })`,
      `(local.set $ps ${add(get("ps"), i32(16))})`,
      `(local.set $xo ${add(get("xo"), i32(16))})`,
    ]),
    `(if (i32.ne ${get("d2")} ${get("d")}) (then`,
    `  (f64.store ${get("ps")} (f64.add (f64.load ${get("ps")}) (f64.mul ${get("wi")} (f64.load ${
      get("xo")
    }))))))`,
  ];
  // Row `row`'s weight, and its sums at `ptr` added to cluster $lab's.
  const addSums = (row: string, ptr: string) => [
    `(local.set $wi (if (result f64) ${get("w")} (then (f64.load ${
      add(get("w"), f8(get(row)))
    })) (else (f64.const 1))))`,
    `(local.set $ps ${add(get("pcount"), f8(get("lab")))})`,
    `(f64.store ${get("ps")} (f64.add (f64.load ${get("ps")}) ${get("wi")}))`,
    `(local.set $ps ${add(get("psum"), f8(mul(get("lab"), get("d"))))})`,
    `(local.set $wv ${splat(get("wi"))})`,
    ...forLoop("t", i32(0), get("d2"), i32(2), [
      `(v128.store ${get("ps")} ${
        f64x2("add", load(get("ps")), f64x2("mul", get("wv"), load(get(ptr))))
      })`,
      `(local.set $ps ${add(get("ps"), i32(16))})`,
      `(local.set $${ptr} ${add(get(ptr), i32(16))})`,
    ]),
    `(if (i32.ne ${get("d2")} ${get("d")}) (then`,
    `  (f64.store ${get("ps")} (f64.add (f64.load ${get("ps")}) (f64.mul ${get("wi")} (f64.load ${
      get(ptr)
    }))))))`,
  ];
  // Blocks of b centre pairs (b from the largest size down, each repeated
  // while it fits): each lane's x·c a chain of d additions in feature
  // order (the scalar code's order), the block's chains side by side, then
  // each pair's scores kept by `keep` (jv: the lanes' centres). One row at
  // $xo, up to six pairs (twelve centres) per block: k = 10 as blocks of 4
  // and 1 pairs took 4.9 ms per step on 60000 × 64, the single pair's chain
  // alone as long as the four's. Two rows ($xo and `rowB`), up to five
  // pairs, each pair's values loaded once for both rows.
  const pairBlocks = (
    label: string,
    rowB: string | undefined,
    keepA: string[],
    keepB: string[] = [],
  ) =>
    (rowB ? [5, 4, 3, 2, 1] : [6, 5, 4, 3, 2, 1]).flatMap((b) => {
      const us = Array.from({ length: b }, (_, u) => u);
      return [
        `(block $${label}${b}_end (loop $${label}${b}_next`,
        `  (br_if $${label}${b}_end (i32.gt_u ${add(get("p"), i32(b))} ${get("P")}))`,
        ...us.flatMap((u) => [
          `  (local.set $a${u} (v128.const i64x2 0 0))`,
          ...(rowB ? [`  (local.set $e${u} (v128.const i64x2 0 0))`] : []),
        ]),
        ...forLoop("t", i32(0), get("d"), i32(1), [
          `(local.set $xs ${splat(`(f64.load ${add(get("xo"), f8(get("t")))})`)})`,
          ...(rowB ? [`(local.set $xt ${splat(`(f64.load ${add(rowB, f8(get("t")))})`)})`] : []),
          `(local.set $q ${add(get("co"), mul(get("t"), get("P16")))})`,
          ...us.flatMap((u) => [
            `(local.set $m ${load(get("q"), 16 * u)})`,
            `(local.set $a${u} ${f64x2("add", get(`a${u}`), f64x2("mul", get("xs"), get("m")))})`,
            ...(rowB
              ? [
                `(local.set $e${u} ${
                  f64x2("add", get(`e${u}`), f64x2("mul", get("xt"), get("m")))
                })`,
              ]
              : []),
          ]),
        ]).map((l) => "  " + l),
        ...us.flatMap((u) => {
          const pair = u === 0 ? get("p") : add(get("p"), i32(u));
          return [
            `  (local.set $acc ${get(`a${u}`)})`,
            "  " + scoreAt(pair),
            ...keepA.map((l) => "  " + l),
            ...(rowB
              ? [
                `  (local.set $acc ${get(`e${u}`)})`,
                "  " + scoreAt(pair),
                ...keepB.map((l) => "  " + l),
              ]
              : []),
            `  (local.set $jv (i64x2.add ${get("jv")} (v128.const i64x2 2 2)))`,
          ];
        }),
        `  (local.set $co ${add(get("co"), i32(16 * b))})`,
        `  (local.set $p ${add(get("p"), i32(b))})`,
        `  (br $${label}${b}_next)))`,
      ];
    });
  const assign = [
    `(func (export "assignExact") ${
      ["from", "to", "d", "k", "x", "ct", "csqp", "w", "labels", "psum", "pcount"]
        .map((p) => `(param $${p} i32)`).join(" ")
    }`,
    `  ${
      ["i", "p", "t", "P", "xo", "co", "lab", "ps", "i0", "i1", "d2", "q", "P16"].map((l) =>
        `(local $${l} i32)`
      )
        .join(" ")
    } (local $b0 f64) (local $b1 f64) (local $wi f64)`,
    `  ${
      [
        "acc",
        "val",
        "best",
        "idx",
        "jv",
        "m",
        "x0",
        "x1",
        "wv",
        "xs",
        "a0",
        "a1",
        "a2",
        "a3",
        "a4",
        "a5",
        "e0",
        "e1",
        "e2",
        "e3",
        "e4",
        "xt",
        "bestB",
        "idxB",
      ].map((
        l,
      ) => `(local $${l} v128)`)
        .join(" ")
    }`,
    `  (memory.fill ${get("psum")} ${i32(0)} ${f8(mul(get("k"), get("d")))})`,
    `  (memory.fill ${get("pcount")} ${i32(0)} ${f8(get("k"))})`,
    `  (local.set $P (i32.shr_u ${add(get("k"), i32(1))} ${i32(1)}))`,
    `  (local.set $d2 (i32.and ${get("d")} ${i32(-2)}))`,
    `  (local.set $P16 (i32.shl ${get("P")} ${i32(4)}))`,
    ...forLoop("i", get("from"), get("to"), i32(1), [
      `(local.set $xo ${add(get("x"), f8(mul(get("i"), get("d"))))})`,
      `(local.set $best ${splat("(f64.const inf)")})`,
      `(local.set $idx (v128.const i64x2 0 1))`,
      `(local.set $jv (v128.const i64x2 0 1))`,
      `(local.set $co ${get("ct")})`,
      `(if (i32.eq ${get("d")} ${i32(2)}) (then`,
      `  (local.set $x0 ${splat(`(f64.load ${get("xo")})`)})`,
      `  (local.set $x1 ${splat(`(f64.load offset=8 ${get("xo")})`)})`,
      ...forLoop("p", i32(0), get("P"), i32(1), [
        `(local.set $acc ${
          f64x2(
            "add",
            f64x2("mul", get("x0"), load(get("co"))),
            f64x2("mul", get("x1"), load(add(get("co"), get("P16")))),
          )
        })`,
        `(local.set $co ${add(get("co"), i32(16))})`,
        score,
        ...keepLower,
      ]).map((l) => "  " + l),
      `) (else`,
      // Two rows at a time where two are left: twice the independent chains
      // per block (each pair's values loaded once for both rows), then row
      // i's label and sums, then row i + 1's below as for a single row.
      `(if (i32.lt_u ${add(get("i"), i32(1))} ${get("to")}) (then`,
      `  (local.set $bestB ${splat("(f64.const inf)")})`,
      `  (local.set $idxB (v128.const i64x2 0 1))`,
      `  (local.set $p ${i32(0)})`,
      ...pairBlocks(
        "two",
        add(get("xo"), f8(get("d"))),
        keepLowerIn("best", "idx"),
        keepLowerIn("bestB", "idxB"),
      ).map((l) => "  " + l),
      ...epilogue.map((l) => "  " + l),
      `  (local.set $i ${add(get("i"), i32(1))})`,
      `  (local.set $xo ${add(get("x"), f8(mul(get("i"), get("d"))))})`,
      `  (local.set $best ${get("bestB")})`,
      `  (local.set $idx ${get("idxB")})`,
      `) (else`,
      `  (local.set $p ${i32(0)})`,
      ...pairBlocks("blk", undefined, keepLowerIn("best", "idx")).map((l) => "  " + l),
      `))`,
      `))`,
      ...epilogue,
    ]).map((l) => "  " + l),
    `)`,
  ];
  // Hamerly's bounds in front of the same arithmetic (see the doc above):
  // each row's upper bound U on its distance to its centre and lower bound
  // L on its distance to any other, both moved by the centres' shifts. A
  // first pass tests every row of the chunk and lists those left in doubt
  // (at `list`); the second computes them two at a time as assignExact
  // does, tracking each lane's second-lowest score too; the third redoes
  // the chunk's sums of the clusters whose rows changed.
  const rowInfo = (off: number) => `(f64.load offset=${off} ${get("bi")})`;
  // Cluster c's bit in the mask of clusters whose sums changed (all bits from c = 31 on).
  const bit = (c: string) =>
    `(select (i32.shl ${i32(1)} ${c}) ${i32(-1)} (i32.lt_u ${c} ${i32(31)}))`;
  const rowAt = (i: string) => `(i32.shl ${i} ${i32(4)})`;
  const margin = (i: string) =>
    `(local.set $e (f64.mul ${get("kappa")} (f64.add (f64.load ${add(get("xnorm"), f8(i))}) ${
      get("cmax")
    })))`;
  const testRow = [
    `(local.set $bi ${add(get("bnd"), rowAt(get("i")))})`,
    `(local.set $skip ${i32(0)})`,
    `(if (i32.eqz ${get("fresh")}) (then`,
    `  ${margin(get("i"))}`,
    `  (local.set $lab (i32.load ${add(get("labels"), bytes(get("i")))}))`,
    `  (local.set $U (f64.add ${rowInfo(0)} (f64.load ${add(get("shift"), f8(get("lab")))})))`,
    `  (local.set $L (f64.sub ${rowInfo(8)} ${get("maxShift")}))`,
    `  (local.set $skip (f64.lt (f64.add ${get("U")} ${get("e")}) (f64.max ${get("L")} (f64.load ${
      add(get("half"), f8(get("lab")))
    }))))`,
    `  (if ${get("skip")} (then`,
    `    (f64.store ${get("bi")} ${get("U")})`,
    `    (f64.store offset=8 ${get("bi")} ${get("L")})))))`,
    `(if (i32.eqz ${get("skip")}) (then`,
    `  (i32.store ${add(get("list"), bytes(get("full")))} ${get("i")})`,
    `  (local.set $full ${add(get("full"), i32(1))})))`,
  ];
  // best/idx and sec ← the lowest and second-lowest scores, lane by lane.
  const keepLowerSecondIn = (best: string, sec: string, idx: string) => [
    `(local.set $${sec} ${f64x2("min", get(sec), f64x2("max", get("val"), get(best)))})`,
    ...keepLowerIn(best, idx),
  ];
  // Row `i`'s label (the first lowest, as assignExact's epilogue) and bounds.
  const finishRow = (i: string, ptr: string, best: string, sec: string, idx: string) => [
    `(local.set $b0 ${lane(get(best), 0)})`,
    `(local.set $b1 ${lane(get(best), 1)})`,
    `(local.set $i0 (i32.wrap_i64 ${lane(get(idx), 0, "i64x2")}))`,
    `(local.set $i1 (i32.wrap_i64 ${lane(get(idx), 1, "i64x2")}))`,
    `(local.set $lab (select ${get("i1")} ${get("i0")} (i32.or (f64.lt ${get("b1")} ${
      get("b0")
    }) (i32.and (f64.eq ${get("b1")} ${get("b0")}) (i32.lt_u ${get("i1")} ${get("i0")})))))`,
    `(local.set $ps ${add(get("labels"), bytes(get(i)))})`,
    // A label that changed marks its old and new clusters' sums for redoing.
    `(local.set $i0 (i32.load ${get("ps")}))`,
    `(if (i32.ne ${get("i0")} ${get("lab")}) (then`,
    `  (local.set $changed (i32.or ${get("changed")} (i32.or ${bit(get("i0"))} ${
      bit(get("lab"))
    })))))`,
    `(i32.store ${get("ps")} ${get("lab")})`,
    margin(get(i)),
    `(local.set $xx (f64.load ${add(get("xsq"), f8(get(i)))}))`,
    `(local.set $bi ${add(get("bnd"), rowAt(get(i)))})`,
    // U from the lowest score; L from the second lowest (the other lane's
    // lowest, or either lane's second); each widened by e.
    `(f64.store ${get("bi")} (f64.add (f64.sqrt (f64.max (f64.const 0) (f64.add (f64.min ${
      get("b0")
    } ${get("b1")}) ${get("xx")}))) ${get("e")}))`,
    `(f64.store offset=8 ${
      get("bi")
    } (f64.sub (f64.sqrt (f64.max (f64.const 0) (f64.add (f64.min (f64.max ${get("b0")} ${
      get("b1")
    }) (f64.min ${lane(get(sec), 0)} ${lane(get(sec), 1)})) ${get("xx")}))) ${get("e")}))`,
    // Every row listed, in order: its sums now, in row order.
    `(if ${get("fuse")} (then`,
    ...addSums(i, ptr).map((l) => "  " + l),
    `))`,
  ];
  const startRow = (best: string, sec: string, idx: string) => [
    `(local.set $${best} ${splat("(f64.const inf)")})`,
    `(local.set $${sec} ${splat("(f64.const inf)")})`,
    `(local.set $${idx} (v128.const i64x2 0 1))`,
  ];
  // Two listed rows (at xo and xp), up to five centre pairs per block.
  const computeTwo = [
    ...startRow("best", "sec", "idx"),
    ...startRow("bestB", "secB", "idxB"),
    `(local.set $jv (v128.const i64x2 0 1))`,
    `(local.set $co ${get("ct")})`,
    `(local.set $p ${i32(0)})`,
    ...pairBlocks(
      "two",
      get("xp"),
      keepLowerSecondIn("best", "sec", "idx"),
      keepLowerSecondIn("bestB", "secB", "idxB"),
    ),
  ];
  // One listed row (at xo).
  const computeOne = [
    ...startRow("best", "sec", "idx"),
    `(local.set $jv (v128.const i64x2 0 1))`,
    `(local.set $co ${get("ct")})`,
    `(local.set $p ${i32(0)})`,
    ...pairBlocks("one", undefined, keepLowerSecondIn("best", "sec", "idx")),
  ];
  const rowAddress = (v: string, i: string) =>
    `(local.set $${v} ${add(get("x"), f8(mul(get(i), get("d"))))})`;
  const listed = (q: string) => `(i32.load ${add(get("list"), bytes(q))})`;
  const boundedSums = [
    `(local.set $lab (i32.load ${add(get("labels"), bytes(get("i")))}))`,
    `(if (i32.and ${get("changed")} ${bit(get("lab"))}) (then`,
    `  ${rowAddress("xo", "i")}`,
    ...addSums("i", "xo").map((l) => "  " + l),
    `))`,
  ];
  const bounded = [
    `(func (export "assignBounded") ${
      [
        "from",
        "to",
        "d",
        "k",
        "x",
        "ct",
        "csqp",
        "w",
        "labels",
        "psum",
        "pcount",
        "bnd",
        "xsq",
        "xnorm",
        "shift",
        "half",
        "list",
        "fresh",
      ].map((p) => `(param $${p} i32)`).join(" ")
    } (param $maxShift f64) (param $kappa f64) (param $cmax f64) (result i32)`,
    `  ${
      [
        "i",
        "j",
        "r",
        "p",
        "t",
        "P",
        "xo",
        "xp",
        "co",
        "lab",
        "ps",
        "i0",
        "i1",
        "d2",
        "q",
        "P16",
        "bi",
        "skip",
        "full",
        "changed",
        "pairs",
        "fuse",
      ].map((l) => `(local $${l} i32)`).join(" ")
    } ${["b0", "b1", "wi", "U", "L", "e", "xx"].map((l) => `(local $${l} f64)`).join(" ")}`,
    `  ${
      [
        "acc",
        "val",
        "best",
        "sec",
        "idx",
        "bestB",
        "secB",
        "idxB",
        "jv",
        "m",
        "wv",
        "xs",
        "xt",
        "a0",
        "a1",
        "a2",
        "a3",
        "a4",
        "a5",
        "e0",
        "e1",
        "e2",
        "e3",
        "e4",
      ].map((l) => `(local $${l} v128)`).join(" ")
    }`,
    `  (local.set $P (i32.shr_u ${add(get("k"), i32(1))} ${i32(1)}))`,
    `  (local.set $d2 (i32.and ${get("d")} ${i32(-2)}))`,
    `  (local.set $P16 (i32.shl ${get("P")} ${i32(4)}))`,
    ...forLoop("i", get("from"), get("to"), i32(1), testRow).map((l) => "  " + l),
    // Every row listed (always so afresh): the sums as the rows are computed.
    `  (local.set $fuse (i32.eq ${get("full")} (i32.sub ${get("to")} ${get("from")})))`,
    `  (if ${get("fuse")} (then`,
    `    (memory.fill ${get("psum")} ${i32(0)} ${f8(mul(get("k"), get("d")))})`,
    `    (memory.fill ${get("pcount")} ${i32(0)} ${f8(get("k"))})))`,
    `  (local.set $pairs (i32.and ${get("full")} ${i32(-2)}))`,
    ...forLoop("r", i32(0), get("pairs"), i32(2), [
      `(local.set $i ${listed(get("r"))})`,
      `(local.set $j ${listed(add(get("r"), i32(1)))})`,
      rowAddress("xo", "i"),
      rowAddress("xp", "j"),
      ...computeTwo,
      ...finishRow("i", "xo", "best", "sec", "idx"),
      ...finishRow("j", "xp", "bestB", "secB", "idxB"),
    ]).map((l) => "  " + l),
    `  (if (i32.ne ${get("pairs")} ${get("full")}) (then`,
    `    (local.set $i ${listed(get("pairs"))})`,
    `    ${rowAddress("xo", "i")}`,
    ...computeOne.map((l) => "    " + l),
    ...finishRow("i", "xo", "best", "sec", "idx").map((l) => "    " + l),
    `  ))`,
    `  (if (i32.and (i32.eqz ${get("fuse")}) (i32.ne ${get("changed")} ${i32(0)})) (then`,
    ...forLoop("lab", i32(0), get("k"), i32(1), [
      `(if (i32.and ${get("changed")} ${bit(get("lab"))}) (then`,
      `  (memory.fill ${add(get("psum"), f8(mul(get("lab"), get("d"))))} ${i32(0)} ${
        f8(get("d"))
      })`,
      `  (f64.store ${add(get("pcount"), f8(get("lab")))} (f64.const 0))))`,
    ]).map((l) => "    " + l),
    ...forLoop("i", get("from"), get("to"), i32(1), boundedSums).map((l) => "    " + l),
    `  ))`,
    `  ${get("full")}`,
    `)`,
  ];
  // Candidates: s_{t mod 4} += (x_t − y_t)² over the first 4⌊d/4⌋ features,
  // for up to two pairs of candidates side by side (eight chains).
  const acc4 = (u: number, c: number) => `${u === 0 ? "s" : "r"}${c}`;
  const sq = (u: number, c: number, off: number) =>
    `(local.set $${acc4(u, c)} ${
      f64x2(
        "add",
        get(acc4(u, c)),
        `(f64x2.mul (local.tee $m ${
          f64x2(
            "sub",
            get(`x${off}`),
            load(u === 0 ? get("co") : add(get("co"), get("d16")), 16 * off),
          )
        }) ${get("m")})`,
      )
    })`;
  const splatX = (off: number) =>
    `(local.set $x${off} ${splat(`(f64.load offset=${8 * off} ${get("xo")})`)})`;
  const cstore = (pair: string, l: number) =>
    `(f64.store ${
      add(get("cand"), f8(add(mul(add(`(i32.shl ${pair} ${i32(1)})`, i32(l)), get("n")), get("i"))))
    } ${lane(get("val"), l)})`;
  const candidateBlock = (b: number) => {
    const us = Array.from({ length: b }, (_, u) => u);
    return [
      `(block $cb${b}_end (loop $cb${b}_next`,
      `  (br_if $cb${b}_end (i32.gt_u ${add(get("p"), i32(b))} ${get("P")}))`,
      `  (local.set $xo ${add(get("x"), f8(mul(get("i"), get("d"))))})`,
      ...us.flatMap((u) =>
        [0, 1, 2, 3].map((c) => `  (local.set $${acc4(u, c)} (v128.const i64x2 0 0))`)
      ),
      ...forLoop("t", i32(0), get("d4"), i32(4), [
        ...[0, 1, 2, 3].flatMap((c) => [splatX(c), ...us.map((u) => sq(u, c, c))]),
        `(local.set $xo ${add(get("xo"), i32(32))})`,
        `(local.set $co ${add(get("co"), i32(64))})`,
      ]).map((l) => "  " + l),
      ...forLoop("t", get("d4"), get("d"), i32(1), [
        splatX(0),
        ...us.map((u) => sq(u, 0, 0)),
        `(local.set $xo ${add(get("xo"), i32(8))})`,
        `(local.set $co ${add(get("co"), i32(16))})`,
      ]).map((l) => "  " + l),
      ...us.flatMap((u) => {
        const pair = u === 0 ? get("p") : add(get("p"), i32(u));
        return [
          // dist < closest ? dist : closest, i.e. pmin(closest, dist).
          `  (local.set $val ${
            f64x2(
              "pmin",
              get("cl"),
              f64x2(
                "mul",
                get("wv"),
                f64x2(
                  "add",
                  f64x2("add", get(acc4(u, 0)), get(acc4(u, 1))),
                  f64x2("add", get(acc4(u, 2)), get(acc4(u, 3))),
                ),
              ),
            )
          })`,
          `  ${cstore(pair, 0)}`,
          `  (if (i32.lt_u ${add(`(i32.shl ${pair} ${i32(1)})`, i32(1))} ${get("k")}) (then ${
            cstore(pair, 1)
          }))`,
        ];
      }),
      ...(b > 1 ? [`  (local.set $co ${add(get("co"), mul(get("d16"), i32(b - 1)))})`] : []),
      `  (local.set $p ${add(get("p"), i32(b))})`,
      `  (br $cb${b}_next)))`,
    ];
  };
  const candidates = [
    `(func (export "candidatesExact") ${
      ["from", "to", "d", "k", "x", "ct", "closest", "w", "cand", "n"]
        .map((p) => `(param $${p} i32)`).join(" ")
    }`,
    `  ${["i", "p", "t", "P", "xo", "co", "d4", "d16"].map((l) => `(local $${l} i32)`).join(" ")}`,
    `  ${
      [
        "s0",
        "s1",
        "s2",
        "s3",
        "r0",
        "r1",
        "r2",
        "r3",
        "m",
        "val",
        "cl",
        "wv",
        "x0",
        "x1",
        "x2",
        "x3",
      ]
        .map((l) => `(local $${l} v128)`).join(" ")
    }`,
    `  (local.set $P (i32.shr_u ${add(get("k"), i32(1))} ${i32(1)}))`,
    `  (local.set $d4 (i32.and ${get("d")} ${i32(-4)}))`,
    `  (local.set $d16 (i32.shl ${get("d")} ${i32(4)}))`,
    ...forLoop("i", get("from"), get("to"), i32(1), [
      `(local.set $cl ${splat(`(f64.load ${add(get("closest"), f8(get("i")))})`)})`,
      `(local.set $wv ${splat(weight)})`,
      `(local.set $co ${get("ct")})`,
      `(local.set $p ${i32(0)})`,
      ...candidateBlock(2),
      ...candidateBlock(1),
    ]).map((l) => "  " + l),
    `)`,
  ];
  return [...assign, ...bounded, ...candidates];
}

/**
 * The optimisers' elementwise updates on float32 arrays, two values at a
 * time in float64 with float32 stores: the same operations in the same order
 * as the JavaScript loops of `core/nn/keras.ts` (no fused multiply-adds), so
 * the same weights bit for bit.
 * - `adamStep(n, g, w, out, m, v, c1, c2, lrT, eps)`:
 *   m += (g − m)·c1;  v += (g² − v)·c2;  out = w − lrT·m / (√v + ε), with m and
 *   v taken before their float32 rounding, as JavaScript's `a[i] += x` yields.
 * - `sgdStep(n, g, w, out, vel, lr, momentum)`: with `vel` 0, out = w − lr·g;
 *   else vel = f32(momentum·vel − lr·g), out = w + vel.
 */
function optimizerSteps(): string[] {
  const load2 = (p: string) => `(f64x2.promote_low_f32x4 (v128.load64_zero ${get(p)}))`;
  const store2 = (p: string, x: string) =>
    `(v128.store64_lane 0 ${get(p)} (f32x4.demote_f64x2_zero ${x}))`;
  const load1 = (p: string) => `(f64.promote_f32 (f32.load ${get(p)}))`;
  const store1 = (p: string, x: string) => `(f32.store ${get(p)} (f32.demote_f64 ${x}))`;
  const step = (ptrs: string[], by: number) =>
    ptrs.map((p) => `(local.set $${p} ${add(get(p), i32(by))})`);
  const adam = (
    L: (p: string) => string,
    S: (p: string, x: string) => string,
    op: string,
    splat: (x: string) => string,
  ) => [
    `(local.set $gv ${L("g")})`,
    `(local.set $mv (${op}.add ${L("m")} (${op}.mul (${op}.sub ${get("gv")} ${L("m")}) ${
      splat("c1")
    })))`,
    `(local.set $vv (${op}.add ${L("v")} (${op}.mul (${op}.sub (${op}.mul ${get("gv")} ${
      get("gv")
    }) ${L("v")}) ${splat("c2")})))`,
    S("m", get("mv")),
    S("v", get("vv")),
    S(
      "out",
      `(${op}.sub ${L("w")} (${op}.div (${op}.mul ${splat("lrT")} ${
        get("mv")
      }) (${op}.add (${op}.sqrt ${get("vv")}) ${splat("eps")})))`,
    ),
  ];
  const sgd = (
    L: (p: string) => string,
    S: (p: string, x: string) => string,
    op: string,
    splat: (x: string) => string,
    rounded: (x: string) => string,
  ) => [
    `(if ${get("vel")} (then`,
    `  (local.set $vv ${
      rounded(
        `(${op}.sub (${op}.mul ${splat("momentum")} ${L("vel")}) (${op}.mul ${splat("lr")} ${
          L("g")
        }))`,
      )
    })`,
    `  ${S("vel", get("vv"))}`,
    `  ${S("out", `(${op}.add ${L("w")} ${get("vv")})`)})`,
    `(else ${S("out", `(${op}.sub ${L("w")} (${op}.mul ${splat("lr")} ${L("g")}))`)}))`,
  ];
  const splat2 = (x: string) => `(f64x2.splat ${get(x)})`;
  const same = (x: string) => get(x);
  const round2 = (x: string) => `(f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero ${x}))`;
  const round1 = (x: string) => `(f64.promote_f32 (f32.demote_f64 ${x}))`;
  const n2 = `(local.set $n2 (i32.and ${get("n")} ${i32(-2)}))`;
  return [
    `(func (export "adamStep") (param $n i32) (param $g i32) (param $w i32) (param $out i32)` +
    ` (param $m i32) (param $v i32) (param $c1 f64) (param $c2 f64) (param $lrT f64) (param $eps f64)`,
    `  (local $i i32) (local $n2 i32) (local $gv v128) (local $mv v128) (local $vv v128)`,
    `  (local $gs f64) (local $ms f64) (local $vs f64)`,
    `  ${n2}`,
    ...forLoop("i", i32(0), get("n2"), i32(2), [
      ...adam(load2, store2, "f64x2", splat2),
      ...step(["g", "w", "out", "m", "v"], 8),
    ]).map((l) => "  " + l),
    `  (if (i32.ne ${get("n2")} ${get("n")}) (then`,
    ...adam(load1, store1, "f64", same).map((l) =>
      "    " + l.replaceAll("$gv", "$gs").replaceAll("$mv", "$ms").replaceAll("$vv", "$vs")
    ),
    `  ))`,
    `)`,
    `(func (export "sgdStep") (param $n i32) (param $g i32) (param $w i32) (param $out i32)` +
    ` (param $vel i32) (param $lr f64) (param $momentum f64)`,
    `  (local $i i32) (local $n2 i32) (local $vv v128) (local $vs f64)`,
    `  ${n2}`,
    ...forLoop("i", i32(0), get("n2"), i32(2), [
      ...sgd(load2, store2, "f64x2", splat2, round2),
      ...step(["g", "w", "out"], 8),
      `(if ${get("vel")} (then ${step(["vel"], 8)[0]}))`,
    ]).map((l) => "  " + l),
    `  (if (i32.ne ${get("n2")} ${get("n")}) (then`,
    ...sgd(load1, store1, "f64", same, round1).map((l) => "    " + l.replaceAll("$vv", "$vs")),
    `  ))`,
    `)`,
  ];
}

/**
 * `screenBelow(cols, c, norms, ni, thr, out)`: the screened squared
 * distances (ni + norms[t]) − 2·c[t] of one query against `cols` rows (c:
 * its float32 products, norms: the rows' float64 squared norms), computed
 * in float64 exactly as the scalar expression; writes the t (int32, in
 * order) of every value that is not above `thr` to `out` and returns how
 * many (the exact k-NN's screen, `core/neighbors/_knn_gemm.ts`). Four
 * values per step, two per f64x2.
 */
function screenBelow(): string[] {
  const f64at = (base: string, t: string) => add(get(base), `(i32.shl ${t} ${i32(3)})`);
  const emit = (lane: number) =>
    `(if (i32.and ${get("m")} ${i32(1 << lane)}) (then ` +
    `(i32.store ${add(get("out"), bytes(get("cnt")))} ${add(get("t"), i32(lane))}) ` +
    `(local.set $cnt ${add(get("cnt"), i32(1))})))`;
  const below = (v: string) => `(i64x2.bitmask (v128.not (f64x2.gt ${v} ${get("th")})))`;
  return [
    `(func (export "screenBelow") (param $cols i32) (param $c i32) (param $norms i32) (param $ni f64)` +
    ` (param $thr f64) (param $out i32) (result i32)`,
    `  (local $t i32) (local $cnt i32) (local $end i32) (local $m i32)`,
    `  (local $x v128) (local $nv v128) (local $th v128) (local $two v128)`,
    `  (local.set $nv (f64x2.splat ${get("ni")}))`,
    `  (local.set $th (f64x2.splat ${get("thr")}))`,
    `  (local.set $two (f64x2.splat (f64.const 2)))`,
    `  (local.set $end (i32.and ${get("cols")} ${i32(-4)}))`,
    ...forLoop("t", i32(0), get("end"), i32(4), [
      `(local.set $x (v128.load ${add(get("c"), bytes(get("t")))}))`,
      `(local.set $m (i32.or`,
      `  ${
        below(
          `(f64x2.sub (f64x2.add ${get("nv")} (v128.load ${f64at("norms", get("t"))})) ` +
            `(f64x2.mul ${get("two")} (f64x2.promote_low_f32x4 ${get("x")})))`,
        )
      }`,
      `  (i32.shl ${
        below(
          `(f64x2.sub (f64x2.add ${get("nv")} (v128.load offset=16 ${f64at("norms", get("t"))})) ` +
            `(f64x2.mul ${get("two")} (f64x2.promote_low_f32x4 ` +
            `(i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${get("x")} ${get("x")}))))`,
        )
      } ${i32(2)})))`,
      `(if ${get("m")} (then`,
      ...[0, 1, 2, 3].map((lane) => "  " + emit(lane)),
      `))`,
    ]).map((l) => "  " + l),
    ...forLoop("t", get("end"), get("cols"), i32(1), [
      `(if (i32.eqz (f64.gt (f64.sub (f64.add ${get("ni")} (f64.load ${
        f64at("norms", get("t"))
      }))` +
      ` (f64.mul (f64.const 2) (f64.promote_f32 (f32.load ${add(get("c"), bytes(get("t")))}))))` +
      ` ${get("thr")})) (then`,
      `  (i32.store ${add(get("out"), bytes(get("cnt")))} ${get("t")})`,
      `  (local.set $cnt ${add(get("cnt"), i32(1))})))`,
    ]).map((l) => "  " + l),
    `  ${get("cnt")}`,
    `)`,
  ];
}

/**
 * `sparseRowsTimes(rows, l, start, end, idx, val, w, out)`: for each row
 * r < rows of a compressed sparse matrix (its entries s in [start[r],
 * end[r]): column idx[s], value val[s]; int32 start, end and idx, float64
 * val; `end` is `start` + 4 bytes for rows stored one after another), the l
 * floats64 of out's row r gain Σₛ val[s]·w[idx[s]·l ..] (w row-major, l
 * columns). Eight entries at a time, summed as the JavaScript kernel of
 * `core/decomposition/_centred_products.ts` sums them —
 * out += ((v₀w₀ + v₁w₁) + v₂w₂) + v₃w₃ + (((v₄w₄ + v₅w₅) + v₆w₆) + v₇w₇),
 * then one entry at a time, out += v·w — with separate multiplies and adds
 * (no fused multiply-add), so both give the same bits.
 */
function sparseRowsTimes(): string[] {
  const f64bytes = (x: string) => `(i32.shl ${x} ${i32(3)})`;
  const K = 8;
  const lanes = Array.from({ length: K }, (_, k) => k);
  const term = (k: number, vec: boolean) =>
    vec
      ? `(f64x2.mul ${get(`v${k}`)} (v128.load ${add(get(`w${k}`), get("jb"))}))`
      : `(f64.mul (f64x2.extract_lane 0 ${get(`v${k}`)}) (f64.load ${
        add(get(`w${k}`), get("jb"))
      }))`;
  const chain = (ks: number[], vec: boolean) => {
    const op = vec ? "f64x2.add" : "f64.add";
    let e = term(ks[0], vec);
    for (const k of ks.slice(1)) e = `(${op} ${e} ${term(k, vec)})`;
    return e;
  };
  const sum8 = (vec: boolean) =>
    `(${vec ? "f64x2.add" : "f64.add"} ${chain([0, 1, 2, 3], vec)} ${chain([4, 5, 6, 7], vec)})`;
  return [
    `(func (export "sparseRowsTimes") (param $rows i32) (param $l i32) (param $start i32)` +
    ` (param $stop i32) (param $idx i32) (param $val i32) (param $w i32) (param $out i32)`,
    `  (local $r i32) (local $s i32) (local $end i32) (local $o i32) (local $jb i32)`,
    `  (local $lb i32) (local $l2b i32) (local $rowb i32)`,
    `  ${lanes.map((k) => `(local $w${k} i32) (local $v${k} v128)`).join(" ")}`,
    `  (local.set $lb ${f64bytes(get("l"))})`,
    `  (local.set $l2b ${f64bytes(`(i32.and ${get("l")} ${i32(-2)})`)})`,
    ...forLoop("r", i32(0), get("rows"), i32(1), [
      `(local.set $s (i32.load ${add(get("start"), bytes(get("r")))}))`,
      `(local.set $end (i32.load ${add(get("stop"), bytes(get("r")))}))`,
      `(local.set $o ${add(get("out"), mul(get("r"), get("lb")))})`,
      `(block $eight_end (loop $eight_next`,
      `  (br_if $eight_end (i32.gt_s ${add(get("s"), i32(K))} ${get("end")}))`,
      ...lanes.map((k) =>
        `  (local.set $w${k} ${
          add(
            get("w"),
            mul(`(i32.load ${add(get("idx"), bytes(add(get("s"), i32(k))))})`, get("lb")),
          )
        })`
      ),
      ...lanes.map((k) =>
        `  (local.set $v${k} (f64x2.splat (f64.load ${
          add(get("val"), f64bytes(add(get("s"), i32(k))))
        })))`
      ),
      ...forLoop("jb", i32(0), get("l2b"), i32(16), [
        `(v128.store ${add(get("o"), get("jb"))} (f64x2.add (v128.load ${
          add(get("o"), get("jb"))
        })`,
        `  ${sum8(true)}))`,
      ]).map((l) => "  " + l),
      `  (if (i32.ne ${get("l2b")} ${get("lb")}) (then`,
      `    (local.set $jb ${get("l2b")})`,
      `    (f64.store ${add(get("o"), get("jb"))} (f64.add (f64.load ${add(get("o"), get("jb"))})`,
      `      ${sum8(false)}))))`,
      `  (local.set $s ${add(get("s"), i32(K))})`,
      `  (br $eight_next)))`,
      ...forLoop("s", get("s"), get("end"), i32(1), [
        `(local.set $w0 ${
          add(get("w"), mul(`(i32.load ${add(get("idx"), bytes(get("s")))})`, get("lb")))
        })`,
        `(local.set $v0 (f64x2.splat (f64.load ${add(get("val"), f64bytes(get("s")))})))`,
        ...forLoop("jb", i32(0), get("l2b"), i32(16), [
          `(v128.store ${add(get("o"), get("jb"))} (f64x2.add (v128.load ${
            add(get("o"), get("jb"))
          })` +
          ` ${term(0, true)}))`,
        ]),
        `(if (i32.ne ${get("l2b")} ${get("lb")}) (then`,
        `  (local.set $jb ${get("l2b")})`,
        `  (f64.store ${add(get("o"), get("jb"))} (f64.add (f64.load ${add(get("o"), get("jb"))})` +
        ` ${term(0, false)}))))`,
      ]),
    ]).map((l) => "  " + l),
    `)`,
  ];
}

/** The comparisons of {@linkcode elementwiseMasks}: export name and f32 operator. */
export const COMPARE_OPS = [
  ["compareLt", "lt"],
  ["compareLe", "le"],
  ["compareGt", "gt"],
  ["compareGe", "ge"],
  ["compareEq", "eq"],
  ["compareNe", "ne"],
] as const;

/**
 * Elementwise kernels whose results are exact, for tensors on the WASM
 * backend's heap (`core/nn/elementwise_kernels.ts`): the stock kernels of
 * tfjs-backend-wasm 4.22 run them through a generic broadcasting loop, 5–20
 * times slower than its arithmetic.
 * - `compareLt`, `compareLe`, `compareGt`, `compareGe`, `compareEq`,
 *   `compareNe` `(n, a, b, scalar, out)`: out[i] = a[i] ⋄ b[i] for the
 *   float32s at `a` and `b` (b[0] for every i when `scalar` is 1), as
 *   bytes 0 or 1; sixteen at a time (four f32x4 comparisons narrowed to
 *   one i8x16). NaN compares as in C and JavaScript (only ≠ holds).
 * - `logicalAnd(n, a, b, out)`: out[i] = (a[i] ≠ 0) ∧ (b[i] ≠ 0) on bytes.
 * - `selectBits(n, c, x, y, out)`: out[i] = c[i] ≠ 0 ? x[i] : y[i] for
 *   byte conditions and 32-bit values (copied as bits), four at a time.
 */
function elementwiseMasks(): string[] {
  const at = (p: string, i: string) => add(get(p), bytes(get(i)));
  const atByte = (p: string, i: string) => add(get(p), get(i));
  const out: string[] = [];
  for (const [name, op] of COMPARE_OPS) {
    const loop = (scalar: boolean) => [
      ...forLoop("i", i32(0), get("n16"), i32(16), [
        ...[0, 1, 2, 3].map((q) =>
          `(local.set $m${q} (f32x4.${op} (v128.load offset=${16 * q} ${at("a", "i")}) ${
            scalar ? get("s") : `(v128.load offset=${16 * q} ${at("b", "i")})`
          }))`
        ),
        `(v128.store ${atByte("out", "i")} (i8x16.neg (i8x16.narrow_i16x8_s` +
        ` (i16x8.narrow_i32x4_s ${get("m0")} ${get("m1")})` +
        ` (i16x8.narrow_i32x4_s ${get("m2")} ${get("m3")}))))`,
      ]),
      ...forLoop("i", get("n16"), get("n"), i32(1), [
        `(i32.store8 ${atByte("out", "i")} (f32.${op} (f32.load ${at("a", "i")}) ${
          scalar ? "(f32.load (local.get $b))" : `(f32.load ${at("b", "i")})`
        }))`,
      ]),
    ];
    out.push(
      `(func (export "${name}") (param $n i32) (param $a i32) (param $b i32) (param $scalar i32)` +
        ` (param $out i32)`,
      `  (local $i i32) (local $n16 i32) (local $s v128)`,
      `  (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128)`,
      `  (local.set $n16 (i32.and ${get("n")} ${i32(-16)}))`,
      `  (if ${get("scalar")} (then`,
      `    (local.set $s (v128.load32_splat ${get("b")}))`,
      ...loop(true).map((l) => "    " + l),
      `  ) (else`,
      ...loop(false).map((l) => "    " + l),
      `  ))`,
      `)`,
    );
  }
  const zero = "(v128.const i32x4 0 0 0 0)";
  out.push(
    `(func (export "logicalAnd") (param $n i32) (param $a i32) (param $b i32) (param $out i32)`,
    `  (local $i i32) (local $n16 i32)`,
    `  (local.set $n16 (i32.and ${get("n")} ${i32(-16)}))`,
    ...forLoop("i", i32(0), get("n16"), i32(16), [
      `(v128.store ${atByte("out", "i")} (i8x16.neg (v128.and` +
      ` (i8x16.ne (v128.load ${atByte("a", "i")}) ${zero})` +
      ` (i8x16.ne (v128.load ${atByte("b", "i")}) ${zero}))))`,
    ]).map((l) => "  " + l),
    ...forLoop("i", get("n16"), get("n"), i32(1), [
      `(i32.store8 ${atByte("out", "i")} (i32.and` +
      ` (i32.ne (i32.load8_u ${atByte("a", "i")}) ${i32(0)})` +
      ` (i32.ne (i32.load8_u ${atByte("b", "i")}) ${i32(0)})))`,
    ]).map((l) => "  " + l),
    `)`,
    `(func (export "selectBits") (param $n i32) (param $c i32) (param $x i32) (param $y i32)` +
      ` (param $out i32)`,
    `  (local $i i32) (local $n4 i32)`,
    `  (local.set $n4 (i32.and ${get("n")} ${i32(-4)}))`,
    ...forLoop("i", i32(0), get("n4"), i32(4), [
      `(v128.store ${at("out", "i")} (v128.bitselect (v128.load ${at("x", "i")}) (v128.load ${
        at("y", "i")
      }) (i32x4.ne (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero ${
        atByte("c", "i")
      }))) ${zero})))`,
    ]).map((l) => "  " + l),
    ...forLoop("i", get("n4"), get("n"), i32(1), [
      `(i32.store ${at("out", "i")} (select (i32.load ${at("x", "i")}) (i32.load ${
        at("y", "i")
      }) (i32.load8_u ${atByte("c", "i")})))`,
    ]).map((l) => "  " + l),
    `)`,
  );
  return out;
}

/**
 * `logF32(n, x, out, table)`: out[i] = log(x[i]) for the float32s at `x`,
 * computed as the logf of musl and of ARM's optimized-routines (the one
 * inside tfjs-backend-wasm 4.22, whose `Log` calls it once per element
 * through a function pointer): a 16-entry table of (1/c, log c) pairs at
 * `table` (float64s, 256 bytes, from `core/nn/elementwise_kernels.ts`), then
 * the same float64 operations in the same order, so the same floats bit
 * for bit. It takes positive normal inputs only: it returns 0, with `out`
 * unfinished, if any x[i] is zero, subnormal, negative, infinite or NaN
 * (the caller then runs the stock kernel), else 1.
 */
function logF32(): string[] {
  // ARM optimized-routines' logf constants (Ln2 and the polynomial A0..A2), as in tfjs' binary.
  const LN2 = "0x1.62e42fefa39efp-1", A0 = "-0x1.00ea348b88334p-2";
  const A1 = "0x1.5575b0be00b6ap-2", A2 = "-0x1.ffffef20a4123p-2";
  /**
   * logf's last steps for r = z/c − 1 (in local $r<sfx>, r² in $r2<sfx>):
   * (A0·r² + (A1·r + A2))·r² + ((k·Ln2 + log c) + r), in float64 (`op`
   * f64) or on two lanes (f64x2).
   */
  const tail = (op: string, sfx: string, k: string, logc: string) => {
    const f = (o: string, ...a: string[]) => `(${op}.${o} ${a.join(" ")})`;
    const c = (hex: string) =>
      op === "f64" ? `(f64.const ${hex})` : `(f64x2.splat (f64.const ${hex}))`;
    const r = get(`r${sfx}`), r2 = get(`r2${sfx}`);
    return f(
      "add",
      f("mul", f("add", f("mul", c(A0), r2), f("add", f("mul", c(A1), r), c(A2))), r2),
      f("add", f("add", f("mul", k, c(LN2)), logc), r),
    );
  };
  const at = (p: string) => add(get(p), bytes(get("i")));
  const splat = (v: number) => `(v128.const i32x4 ${v} ${v} ${v} ${v})`;
  // Lanes 2 and 3 of a v128 moved to lanes 0 and 1.
  const high = (v: string) => `(i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${v} ${v})`;
  // The table's entries for lanes 2h and 2h + 1 (offsets in $off), as an f64x2.
  const pair = (h: number, offset: number) =>
    `(f64x2.replace_lane 1 (f64x2.splat (f64.load offset=${offset} (i32x4.extract_lane ${2 * h} ${
      get("off")
    }))) (f64.load offset=${offset} (i32x4.extract_lane ${2 * h + 1} ${get("off")})))`;
  const half = (h: number) => {
    const lanes = (v: string) => (h === 0 ? get(v) : high(get(v)));
    return [
      `(local.set $rv (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 ${lanes("z")}) ${
        pair(h, 0)
      }) (f64x2.splat (f64.const -1))))`,
      `(local.set $r2v (f64x2.mul ${get("rv")} ${get("rv")}))`,
      `(local.set $y${h} (f32x4.demote_f64x2_zero ${
        tail("f64x2", "v", `(f64x2.convert_low_i32x4_s ${lanes("k")})`, pair(h, 8))
      }))`,
    ];
  };
  return [
    `(func (export "logF32") (param $n i32) (param $x i32) (param $out i32) (param $table i32)` +
    ` (result i32)`,
    `  (local $i i32) (local $n4 i32) (local $ix i32) (local $tmp i32) (local $t i32)`,
    `  (local $bad v128) (local $v v128) (local $vt v128) (local $off v128) (local $z v128)`,
    `  (local $k v128) (local $y0 v128) (local $y1 v128) (local $rv v128) (local $r2v v128)`,
    `  (local $r f64) (local $r2 f64)`,
    `  (local.set $n4 (i32.and ${get("n")} ${i32(-4)}))`,
    // Any input outside the positive normal floats: 0, and the stock kernel runs instead.
    ...forLoop("i", i32(0), get("n4"), i32(4), [
      `(local.set $bad (v128.or ${get("bad")} (i32x4.ge_u (i32x4.sub (v128.load ${at("x")}) ${
        splat(0x00800000)
      }) ${splat(0x7f000000)})))`,
    ]).map((l) => "  " + l),
    ...forLoop("i", get("n4"), get("n"), i32(1), [
      `(if (i32.ge_u (i32.sub (i32.load ${at("x")}) ${i32(0x00800000)}) ${
        i32(0x7f000000)
      }) (then (return ${i32(0)})))`,
    ]).map((l) => "  " + l),
    `  (if (v128.any_true ${get("bad")}) (then (return ${i32(0)})))`,
    // Four at a time: the integer steps on i32x4, the float64 ones on two f64x2.
    ...forLoop("i", i32(0), get("n4"), i32(4), [
      `(local.set $v (v128.load ${at("x")}))`,
      `(local.set $vt (i32x4.sub ${get("v")} ${splat(0x3f330000)}))`,
      `(local.set $off (i32x4.add (i32x4.splat ${get("table")}) (v128.and (i32x4.shr_u ${
        get("vt")
      } ${i32(15)}) ${splat(240)})))`,
      `(local.set $z (i32x4.sub ${get("v")} (v128.and ${get("vt")} ${splat(0xff800000 | 0)})))`,
      `(local.set $k (i32x4.shr_s ${get("vt")} ${i32(23)}))`,
      ...half(0),
      ...half(1),
      // logf(1) is +0 exactly.
      `(v128.store ${
        at("out")
      } (v128.andnot (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 ${get("y0")} ${
        get("y1")
      }) (i32x4.eq ${get("v")} ${splat(0x3f800000)})))`,
    ]).map((l) => "  " + l),
    ...forLoop("i", get("n4"), get("n"), i32(1), [
      `(local.set $ix (i32.load ${at("x")}))`,
      `(local.set $tmp (i32.sub ${get("ix")} ${i32(0x3f330000)}))`,
      `(local.set $t ${
        add(get("table"), `(i32.and (i32.shr_u ${get("tmp")} ${i32(15)}) ${i32(240)})`)
      })`,
      `(local.set $r (f64.add (f64.mul (f64.promote_f32 (f32.reinterpret_i32 (i32.sub ${
        get("ix")
      } (i32.and ${get("tmp")} ${i32(0xff800000 | 0)})))) (f64.load ${get("t")})) (f64.const -1)))`,
      `(local.set $r2 (f64.mul ${get("r")} ${get("r")}))`,
      `(f32.store ${at("out")} (select (f32.const 0) (f32.demote_f64 ${
        tail(
          "f64",
          "",
          `(f64.convert_i32_s (i32.shr_s ${get("tmp")} ${i32(23)}))`,
          `(f64.load offset=8 ${get("t")})`,
        )
      }) (i32.eq ${get("ix")} ${i32(0x3f800000)})))`,
    ]).map((l) => "  " + l),
    `  ${i32(1)}`,
    `)`,
  ];
}

/**
 * `expF64(n, x, out)`: out[i] = eˣ⁽ⁱ⁾ for the float64s at `x`, as
 * `core/math.ts`'s `exp` computes it (fdlibm's algorithm in IEEE
 * arithmetic; e¹ is `Math.E`): the same operations in the same order, so
 * the same bits, without a JavaScript call per value.
 */
function expF64(): string[] {
  const c = (v: string) => `(f64.const ${v})`;
  // fdlibm's constants (core/math.ts), written as in C.
  const LN2_HI = c("6.93147180369123816490e-01"), LN2_LO = c("1.90821492927058770002e-10");
  const INV_LN2 = c("1.44269504088896338700e+00");
  const P = [
    "1.66666666666666019037e-01",
    "-2.77777777770155933842e-03",
    "6.61375632143793436117e-05",
    "-1.65339022054652515390e-06",
    "4.13813679705723846039e-08",
  ].map(c);
  const at = (p: string) => add(get(p), `(i32.shl ${get("i")} ${i32(3)})`);
  const put = (v: string) => `(f64.store ${at("out")} ${v}) (br $done)`;
  // 2ᵉ for a normal exponent e (an i32 expression), exactly.
  const pow2 = (e: string) =>
    `(f64.reinterpret_i64 (i64.shl (i64.extend_i32_s (i32.add ${e} ${i32(1023)})) (i64.const 52)))`;
  const poly = `(f64.mul ${get("t")} (f64.add ${P[0]} (f64.mul ${get("t")} (f64.add ${P[1]} ` +
    `(f64.mul ${get("t")} (f64.add ${P[2]} (f64.mul ${get("t")} (f64.add ${P[3]} ` +
    `(f64.mul ${get("t")} ${P[4]})))))))))`;
  return [
    `(func (export "expF64") (param $n i32) (param $x i32) (param $out i32)`,
    `  (local $i i32) (local $v f64) (local $bits i64) (local $hx i32) (local $xsb i32)`,
    `  (local $hi f64) (local $lo f64) (local $k i32) (local $t f64) (local $c f64) (local $y f64)`,
    ...forLoop("i", i32(0), get("n"), i32(1), [
      `(block $done`,
      `  (local.set $v (f64.load ${at("x")}))`,
      `  (if (f64.eq ${get("v")} ${c("1")}) (then ${put(c("0x1.5bf0a8b145769p+1"))}))`,
      `  (local.set $bits (i64.reinterpret_f64 ${get("v")}))`,
      `  (local.set $hx (i32.wrap_i64 (i64.shr_u ${get("bits")} (i64.const 32))))`,
      `  (local.set $xsb (i32.shr_u ${get("hx")} ${i32(31)}))`,
      `  (local.set $hx (i32.and ${get("hx")} ${i32(0x7fffffff)}))`,
      `  (if (i32.ge_u ${get("hx")} ${i32(0x40862e42)}) (then`,
      `    (if (i32.ge_u ${get("hx")} ${i32(0x7ff00000)}) (then`,
      `      (if (i32.or (i32.and ${get("hx")} ${i32(0xfffff)}) (i32.wrap_i64 ${get("bits")}))`,
      `        (then ${put(`(f64.add ${get("v")} ${get("v")})`)}))`,
      `      ${put(`(select ${get("v")} ${c("0")} (i32.eqz ${get("xsb")}))`)}))`,
      `    (if (f64.gt ${get("v")} ${c("7.09782712893383973096e+02")}) (then ${put(c("inf"))}))`,
      `    (if (f64.lt ${get("v")} ${c("-7.45133219101941108420e+02")}) (then ${put(c("0"))}))))`,
      `  (local.set $hi ${c("0")}) (local.set $lo ${c("0")}) (local.set $k ${i32(0)})`,
      `  (if (i32.gt_u ${get("hx")} ${i32(0x3fd62e42)}) (then`,
      `    (if (i32.lt_u ${get("hx")} ${i32(0x3ff0a2b2)}) (then`,
      `      (if (i32.eqz ${get("xsb")}) (then`,
      `        (local.set $hi (f64.sub ${get("v")} ${LN2_HI})) (local.set $lo ${LN2_LO}))`,
      `      (else`,
      `        (local.set $hi (f64.add ${
        get("v")
      } ${LN2_HI})) (local.set $lo (f64.neg ${LN2_LO}))))`,
      `      (local.set $k (i32.sub (i32.sub ${i32(1)} ${get("xsb")}) ${get("xsb")})))`,
      `    (else`,
      `      (local.set $k (i32.trunc_f64_s (f64.add (f64.mul ${INV_LN2} ${get("v")}) (select ${
        c("0.5")
      } ${c("-0.5")} (i32.eqz ${get("xsb")})))))`,
      `      (local.set $hi (f64.sub ${get("v")} (f64.mul (f64.convert_i32_s ${
        get("k")
      }) ${LN2_HI})))`,
      `      (local.set $lo (f64.mul (f64.convert_i32_s ${get("k")}) ${LN2_LO}))))`,
      `    (local.set $v (f64.sub ${get("hi")} ${get("lo")})))`,
      `  (else`,
      `    (if (i32.lt_u ${get("hx")} ${i32(0x3e300000)}) (then ${
        put(`(f64.add ${c("1")} ${get("v")})`)
      }))))`,
      `  (local.set $t (f64.mul ${get("v")} ${get("v")}))`,
      `  (local.set $c (f64.sub ${get("v")} ${poly}))`,
      `  (if (i32.eqz ${get("k")}) (then ${
        put(
          `(f64.sub ${c("1")} (f64.sub (f64.div (f64.mul ${get("v")} ${get("c")}) (f64.sub ${
            get("c")
          } ${c("2")})) ${get("v")}))`,
        )
      }))`,
      `  (local.set $y (f64.sub ${c("1")} (f64.sub (f64.sub ${get("lo")} (f64.div (f64.mul ${
        get("v")
      } ${get("c")}) (f64.sub ${c("2")} ${get("c")}))) ${get("hi")})))`,
      `  (if (i32.gt_s ${get("k")} ${i32(1023)}) (then ${
        put(`(f64.mul (f64.mul ${get("y")} ${c("2")}) ${pow2(i32(1023))})`)
      }))`,
      `  (if (i32.ge_s ${get("k")} ${i32(-1021)}) (then ${
        put(`(f64.mul ${get("y")} ${pow2(get("k"))})`)
      }))`,
      `  ${
        put(
          `(f64.mul (f64.mul ${get("y")} ${pow2(add(get("k"), i32(1000)))}) ${
            c("9.33263618503218878990e-302")
          })`,
        )
      })`,
    ]).map((l) => "  " + l),
    `)`,
  ];
}

/**
 * `mahalanobis(m, d, x, mu, P, T, y, q, B)`: q[i] = ‖(xᵢ − μ)ᵀP‖² for the
 * m rows of the row-major m × d float64 block at `x` (P upper triangular,
 * d × d; μ at `mu`), as the Gaussian mixture's JavaScript E-step computes
 * it (`core/mixture/gaussian_mixture.ts`): T (d rows of stride B at `T`)
 * holds the block's X − μ transposed, then for each column j of P,
 * yᵢ = T₀ᵢP₀ⱼ + T₁ᵢP₁ⱼ + … + TⱼᵢPⱼⱼ added in that order and qᵢ += yᵢ², two
 * samples per vector (each lane one sample's operations), so the same bits.
 */
function mahalanobis(): string[] {
  const f8 = (x: string) => `(i32.shl ${x} ${i32(3)})`;
  const at = (p: string, idx: string) => add(get(p), f8(idx));
  const lanes = (
    step: number,
    load: (a: string) => string,
    store: (a: string, v: string) => string,
    op: string,
    splat: (v: string) => string,
  ) => [
    ...forLoop("j", i32(0), get("d"), i32(1), [
      `(local.set $pj ${splat(`(f64.load ${at("P", get("j"))})`)})`,
      ...forLoop("i", get("from"), get("to"), i32(step), [
        store(at("y", get("i")), `(${op}.mul ${load(at("T", get("i")))} ${get("pj")})`),
      ]),
      ...forLoop("a", i32(1), add(get("j"), i32(1)), i32(1), [
        `(local.set $pa ${splat(`(f64.load ${at("P", add(mul(get("a"), get("d")), get("j")))})`)})`,
        `(local.set $off ${mul(get("a"), get("B"))})`,
        ...forLoop("i", get("from"), get("to"), i32(step), [
          store(
            at("y", get("i")),
            `(${op}.add ${load(at("y", get("i")))} (${op}.mul ${
              load(at("T", add(get("off"), get("i"))))
            } ${get("pa")}))`,
          ),
        ]),
      ]),
      ...forLoop("i", get("from"), get("to"), i32(step), [
        `(local.set $yv ${load(at("y", get("i")))})`,
        store(
          at("q", get("i")),
          `(${op}.add ${load(at("q", get("i")))} (${op}.mul ${get("yv")} ${get("yv")}))`,
        ),
      ]),
    ]),
  ];
  const vload = (a: string) => `(v128.load ${a})`;
  const vstore = (a: string, v: string) => `(v128.store ${a} ${v})`;
  const sload = (a: string) => `(f64.load ${a})`;
  const sstore = (a: string, v: string) => `(f64.store ${a} ${v})`;
  const swap = (lines: string[], v: string, s: string) => lines.map((l) => l.replaceAll(v, s));
  return [
    `(func (export "mahalanobis") (param $m i32) (param $d i32) (param $x i32) (param $mu i32)` +
    ` (param $P i32) (param $T i32) (param $y i32) (param $q i32) (param $B i32)`,
    `  (local $i i32) (local $j i32) (local $a i32) (local $off i32) (local $from i32) (local $to i32)`,
    `  (local $pj v128) (local $pa v128) (local $yv v128) (local $pjs f64) (local $pas f64) (local $yvs f64)`,
    ...forLoop("a", i32(0), get("d"), i32(1), [
      `(local.set $off ${mul(get("a"), get("B"))})`,
      `(local.set $pjs (f64.load ${at("mu", get("a"))}))`,
      ...forLoop("i", i32(0), get("m"), i32(1), [
        `(f64.store ${at("T", add(get("off"), get("i")))} (f64.sub (f64.load ${
          at("x", add(mul(get("i"), get("d")), get("a")))
        }) ${get("pjs")}))`,
      ]),
    ]).map((l) => "  " + l),
    `  (memory.fill ${get("q")} ${i32(0)} ${f8(get("m"))})`,
    `  (local.set $from ${i32(0)}) (local.set $to (i32.and ${get("m")} ${i32(-2)}))`,
    ...lanes(2, vload, vstore, "f64x2", (v) => `(f64x2.splat ${v})`).map((l) => "  " + l),
    `  (local.set $from ${get("to")}) (local.set $to ${get("m")})`,
    ...swap(
      swap(swap(lanes(1, sload, sstore, "f64", (v) => v), "$pj", "$pjs"), "$pa", "$pas"),
      "$yv",
      "$yvs",
    )
      .map((l) => "  " + l),
    `)`,
  ];
}

/**
 * `covAccumulate(d, m, T, R, B, acc, last)`: the Gaussian mixture's
 * covariance dot products Σᵢ R[a]ᵢ·T[b]ᵢ (b ≤ a < d; T and R: d rows of
 * stride B, float64), continued over a block of m samples: `acc` holds
 * four partial sums per pair (32 bytes at acc + 32·(a·d + b)), sample i of
 * the whole run going to sum i mod 4 as `dot` in
 * `core/mixture/gaussian_mixture.ts` adds them, two sums per vector. Blocks
 * but the last have m a multiple of 4; with `last` the m mod 4 samples
 * left are added to the first sum one by one, as `dot`'s tail. So the same
 * bits as one `dot` over all the samples.
 */
function covAccumulate(): string[] {
  const f8 = (x: string) => `(i32.shl ${x} ${i32(3)})`;
  return [
    `(func (export "covAccumulate") (param $d i32) (param $m i32) (param $T i32) (param $R i32)` +
    ` (param $B i32) (param $acc i32) (param $last i32)`,
    `  (local $a i32) (local $b i32) (local $i i32) (local $m4 i32) (local $pa i32) (local $pb i32)`,
    `  (local $s i32) (local $v01 v128) (local $v23 v128) (local $s0 f64)`,
    `  (local.set $m4 (i32.and ${get("m")} ${i32(-4)}))`,
    ...forLoop("a", i32(0), get("d"), i32(1), [
      `(local.set $pa ${add(get("R"), f8(mul(get("a"), get("B"))))})`,
      ...forLoop("b", i32(0), add(get("a"), i32(1)), i32(1), [
        `(local.set $pb ${add(get("T"), f8(mul(get("b"), get("B"))))})`,
        `(local.set $s ${
          add(get("acc"), `(i32.shl ${add(mul(get("a"), get("d")), get("b"))} ${i32(5)})`)
        })`,
        `(local.set $v01 (v128.load ${get("s")}))`,
        `(local.set $v23 (v128.load offset=16 ${get("s")}))`,
        ...forLoop("i", i32(0), get("m4"), i32(4), [
          `(local.set $v01 (f64x2.add ${get("v01")} (f64x2.mul (v128.load ${
            add(get("pa"), f8(get("i")))
          }) (v128.load ${add(get("pb"), f8(get("i")))}))))`,
          `(local.set $v23 (f64x2.add ${get("v23")} (f64x2.mul (v128.load offset=16 ${
            add(get("pa"), f8(get("i")))
          }) (v128.load offset=16 ${add(get("pb"), f8(get("i")))}))))`,
        ]),
        `(v128.store ${get("s")} ${get("v01")})`,
        `(v128.store offset=16 ${get("s")} ${get("v23")})`,
        `(if ${get("last")} (then`,
        `  (local.set $s0 (f64.load ${get("s")}))`,
        ...forLoop("i", get("m4"), get("m"), i32(1), [
          `(local.set $s0 (f64.add ${get("s0")} (f64.mul (f64.load ${
            add(get("pa"), f8(get("i")))
          }) (f64.load ${add(get("pb"), f8(get("i")))}))))`,
        ]).map((l) => "  " + l),
        `  (f64.store ${get("s")} ${get("s0")})))`,
      ]),
    ]).map((l) => "  " + l),
    `)`,
  ];
}

/** The module's text; `shared` imports a shared memory (for the worker). */
export function gemmWat(shared: boolean): string {
  const memory = shared ? `(memory 1 65536 shared)` : `(memory 1)`;
  return [
    `;; Generated by scripts/build_gemm.ts (MR=${MR}, NR=${NR}, KC=${KC}); do not edit.`,
    `(module`,
    `  (import "env" "memory" ${memory})`,
    ...[
      ...microKernel(),
      ...packA(),
      ...gemm(false),
      ...gemm(true),
      ...workBytes(),
      ...biasRelu(),
      ...sumRows(),
      ...colSums(),
      ...kmeansExact(),
      ...optimizerSteps(),
      ...screenBelow(),
      ...sparseRowsTimes(),
      ...elementwiseMasks(),
      ...logF32(),
      ...expF64(),
      ...mahalanobis(),
      ...covAccumulate(),
    ].map((l) => "  " + l),
    `)`,
    ``,
  ].join("\n");
}

/** Compiles `text` with wat2wasm, through a temporary file beside the output. */
async function wat2wasm(text: string): Promise<Uint8Array> {
  const path = await Deno.makeTempFile({ dir: "core/wasm", suffix: ".wat" });
  try {
    await Deno.writeTextFile(path, text);
    const { code, stdout, stderr } = await new Deno.Command("wat2wasm", {
      args: ["--enable-relaxed-simd", "--enable-threads", path, "-o", "/dev/stdout"],
    }).output();
    if (code !== 0) throw new Error(new TextDecoder().decode(stderr));
    return stdout;
  } finally {
    await Deno.remove(path);
  }
}

const base64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));

if (import.meta.main) {
  if (Deno.args.includes("--print")) {
    console.log(gemmWat(false));
  } else {
    const plain = await wat2wasm(gemmWat(false));
    const shared = await wat2wasm(gemmWat(true));
    await Deno.writeTextFile("core/wasm/gemm.wat", gemmWat(false));
    await Deno.writeTextFile(
      "core/wasm/gemm_wasm.ts",
      [
        `/**`,
        ` * The matrix-product module of \`gemm.wat\`, compiled by wabt's wat2wasm:`,
        ` * generated by \`scripts/build_gemm.ts\`; do not edit.`,
        ` *`,
        ` * @module`,
        ` */`,
        ``,
        `/** The module importing an ordinary memory (base64). */`,
        `export const GEMM_WASM =\n  "${base64(plain)}";`,
        ``,
        `/** The same module importing a shared memory (base64), for the worker. */`,
        `export const GEMM_WASM_SHARED =\n  "${base64(shared)}";`,
        ``,
      ].join("\n"),
    );
    console.log(`core/wasm/gemm.wat and core/wasm/gemm_wasm.ts written (${plain.length} bytes)`);
  }
}
