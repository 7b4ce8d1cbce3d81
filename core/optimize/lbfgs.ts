/**
 * Limited-memory BFGS for smooth unconstrained minimisation, in the form
 * SciPy's `minimize(method="L-BFGS-B")` uses without bounds (and so
 * scikit-learn's `LogisticRegression(solver="lbfgs")`): the last `memory`
 * (s, y) pairs give the search direction by the two-loop recursion
 * (Nocedal and Wright, *Numerical Optimization*, 2nd ed., Algorithm 7.4)
 * with H₀ = sᵀy / yᵀy; a line search finds a step satisfying the strong
 * Wolfe conditions (Algorithms 3.5 and 3.6, cubic interpolation); the run
 * stops when the largest |gradient| component is at most `gtol`, or when
 * the objective's relative reduction is at most `ftol` (SciPy's
 * `factr·ε` test), as L-BFGS-B does.
 *
 * @module
 */
import { checkOptions, optionNames } from "../validate.ts";

/** Options of {@linkcode lbfgs}. */
export interface LbfgsOptions {
  /** Most iterations (line searches). @default 100 */
  maxIter?: number;
  /** Stop once max |gᵢ| ≤ gtol. @default 1e-5 */
  gtol?: number;
  /** Stop once (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ ftol. @default 2.220446049250313e-9 (SciPy's) */
  ftol?: number;
  /** Correction pairs kept. @default 10 */
  memory?: number;
  /** Most function evaluations in one line search. @default 20 */
  maxLineSearch?: number;
}

/** The outcome of {@linkcode lbfgs}. */
export interface LbfgsResult {
  /** The last iterate. */
  readonly x: Float64Array;
  /** f(x). */
  readonly f: number;
  /** ∇f(x). */
  readonly gradient: Float64Array;
  /** Iterations taken. */
  readonly nIter: number;
  /** Objective evaluations. */
  readonly nFev: number;
  /** True when a stopping test (gradient or relative reduction) was met. */
  readonly converged: boolean;
  /** Why it stopped, in words. */
  readonly message: string;
}

/** The objective: returns f(x) and writes ∇f(x) into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const maxAbs = (a: Float64Array) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};

/** The minimiser of the cubic through (a, fa, ga) and (b, fb, gb), or the bisection when it has none. */
function cubicMin(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
  const d1 = ga + gb - 3 * (fa - fb) / (a - b);
  const disc = d1 * d1 - ga * gb;
  if (!(disc >= 0)) return (a + b) / 2;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  const t = b - (b - a) * (gb + d2 - d1) / (gb - ga + 2 * d2);
  return Number.isFinite(t) ? t : (a + b) / 2;
}

interface LinePoint {
  step: number;
  f: number;
  /** Directional derivative ∇f(x + step·d)·d. */
  g: number;
}

/**
 * Minimises `fg` from `x0` by L-BFGS.
 *
 * @example Rosenbrock's function from (−1.2, 1)
 * ```ts
 * import { lbfgs } from "./lbfgs.ts";
 * import assert from "node:assert/strict";
 * const r = lbfgs((x, g) => {
 *   const [a, b] = x;
 *   g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
 *   g[1] = 200 * (b - a * a);
 *   return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
 * }, Float64Array.of(-1.2, 1), { gtol: 1e-8 });
 * assert.ok(r.converged);
 * assert.ok(Math.abs(r.x[0] - 1) < 1e-6 && Math.abs(r.x[1] - 1) < 1e-6);
 * ```
 * @param fg the objective and its gradient.
 * @param x0 the start (not modified).
 * @param options stopping tests and memory.
 * @returns the last iterate and why the run stopped; `converged: false` at `maxIter` or when no step decreases f.
 * @throws {RangeError} on an option out of range, or a non-finite f or gradient at x0.
 */
/** {@linkcode LbfgsOptions}' names, for {@linkcode checkOptions}. */
const LBFGS_OPTIONS = optionNames<LbfgsOptions>({
  maxIter: true,
  gtol: true,
  ftol: true,
  memory: true,
  maxLineSearch: true,
});

export function lbfgs(fg: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  checkOptions("minimise with L-BFGS", options, LBFGS_OPTIONS);
  const o = {
    maxIter: 100,
    gtol: 1e-5,
    ftol: 2.220446049250313e-9,
    memory: 10,
    maxLineSearch: 20,
    ...options,
  };
  for (
    const [name, v, min] of [["maxIter", o.maxIter, 0], ["memory", o.memory, 1], [
      "maxLineSearch",
      o.maxLineSearch,
      1,
    ]] as const
  ) {
    if (!Number.isInteger(v) || v < min) {
      throw new RangeError(
        `Cannot run L-BFGS as ${name} must be an integer ≥ ${min}: ${name}=${v}`,
      );
    }
  }
  for (const [name, v] of [["gtol", o.gtol], ["ftol", o.ftol]] as const) {
    if (!(v >= 0)) throw new RangeError(`Cannot run L-BFGS as ${name} must be ≥ 0: ${name}=${v}`);
  }
  const n = x0.length, m = o.memory;
  let x = Float64Array.from(x0), g = new Float64Array(n);
  let f = fg(x, g), nFev = 1;
  if (!Number.isFinite(f) || !g.every(Number.isFinite)) {
    throw new RangeError(`Cannot run L-BFGS as the objective is not finite at the start: f=${f}`);
  }
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  const d = new Float64Array(n), alpha = new Float64Array(m);
  let xNew = new Float64Array(n), gNew = new Float64Array(n);
  const result = (nIter: number, converged: boolean, message: string): LbfgsResult => ({
    x,
    f,
    gradient: g,
    nIter,
    nFev,
    converged,
    message,
  });
  if (maxAbs(g) <= o.gtol) return result(0, true, "the gradient is below gtol");

  for (let iter = 1; iter <= o.maxIter; iter++) {
    // Step 1. Direction d = −H·g by the two-loop recursion.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let j = S.length - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(S[j], d);
      const y = Y[j];
      for (let i = 0; i < n; i++) d[i] -= alpha[j] * y[i];
    }
    if (S.length > 0) {
      const last = S.length - 1, gamma = 1 / (rho[last] * dot(Y[last], Y[last]));
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let j = 0; j < S.length; j++) {
      const beta = rho[j] * dot(Y[j], d), s = S[j];
      for (let i = 0; i < n; i++) d[i] += (alpha[j] - beta) * s[i];
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (rounding): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      slope = dot(g, d);
    }

    // Step 2. A step satisfying the strong Wolfe conditions; the first
    // iteration starts from 1/‖d‖, as L-BFGS-B does.
    const first = S.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(d, d))) : 1;
    let evaluated = NaN; // the step xNew and gNew hold
    const evalAt = (step: number): LinePoint => {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      const fv = fg(xNew, gNew);
      nFev++;
      evaluated = step;
      return { step, f: fv, g: dot(gNew, d) };
    };
    const found = wolfeSearch(evalAt, { step: 0, f, g: slope }, first, o.maxLineSearch);
    if (!found) {
      return result(iter - 1, false, "the line search found no step that decreases f enough");
    }
    if (found.step !== evaluated) evalAt(found.step);
    const fOld = f;

    // Step 3. The new pair (s, y), skipped when the curvature sᵀy is not positive.
    const s = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = found.f;
    const sy = dot(s, y);
    if (sy > 2.220446049250313e-16 * dot(y, y)) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }

    // Step 4. Stopping tests, in L-BFGS-B's order.
    if (maxAbs(g) <= o.gtol) return result(iter, true, "the gradient is below gtol");
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= o.ftol) {
      return result(iter, true, "the relative reduction of f is below ftol");
    }
  }
  return result(o.maxIter, false, `maxIter=${o.maxIter} iterations reached`);
}

/** Sufficient decrease and curvature constants (L-BFGS-B's line search uses these). */
const C1 = 1e-3, C2 = 0.9;

/**
 * A step along the direction with φ(t) ≤ φ(0) + C1·t·φ'(0) and
 * |φ'(t)| ≤ −C2·φ'(0) (Nocedal and Wright, Algorithms 3.5 and 3.6), within
 * `maxEval` evaluations; failing that, the best step with sufficient
 * decrease, or `undefined` when there is none.
 */
function wolfeSearch(
  phi: (step: number) => LinePoint,
  p0: LinePoint,
  step0: number,
  maxEval: number,
): LinePoint | undefined {
  let evals = 0;
  const armijo = (p: LinePoint) => Number.isFinite(p.f) && p.f <= p0.f + C1 * p.step * p0.g;
  const curvature = (p: LinePoint) => Math.abs(p.g) <= -C2 * p0.g;
  const zoom = (lo: LinePoint, hi: LinePoint): LinePoint | undefined => {
    while (evals < maxEval) {
      const a = Math.min(lo.step, hi.step), b = Math.max(lo.step, hi.step), w = b - a;
      if (!(w > 1e-16 * Math.max(1, b))) break;
      let t = Number.isFinite(hi.f) && Number.isFinite(hi.g)
        ? cubicMin(lo.step, lo.f, lo.g, hi.step, hi.f, hi.g)
        : (a + b) / 2;
      if (!(t >= a + 0.1 * w && t <= b - 0.1 * w)) t = (a + b) / 2;
      const cur = phi(t);
      evals++;
      if (!armijo(cur) || cur.f >= lo.f) {
        hi = cur;
      } else {
        if (curvature(cur)) return cur;
        if (cur.g * (hi.step - lo.step) >= 0) hi = lo;
        lo = cur;
      }
    }
    return lo.step > 0 ? lo : undefined;
  };
  let prev = p0, step = step0;
  while (evals < maxEval) {
    const cur = phi(step);
    evals++;
    if (!armijo(cur) || (prev.step > 0 && cur.f >= prev.f)) return zoom(prev, cur);
    if (curvature(cur)) return cur;
    if (cur.g >= 0) return zoom(cur, prev);
    prev = cur;
    step *= 4;
  }
  return prev.step > 0 ? prev : undefined;
}
