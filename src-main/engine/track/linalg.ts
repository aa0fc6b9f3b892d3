/** Small dense linear algebra for the fitter (row-major Float64Array matrices). */

/** Solves A·x = b for symmetric positive-definite A (n × n) by Cholesky; A and b are overwritten. Returns false if A is not SPD. */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j]!;
    for (let k = 0; k < j; k++) d -= A[j * n + k]! ** 2;
    if (d <= 0) return false;
    const ljj = Math.sqrt(d);
    A[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= A[i * n + k]! * A[j * n + k]!;
      A[i * n + j] = s / ljj;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= A[i * n + k]! * b[k]!;
    b[i] = s / A[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= A[k * n + i]! * b[k]!;
    b[i] = s / A[i * n + i]!;
  }
  return true;
}

/**
 * Eigen-decomposition of a symmetric n × n matrix by cyclic Jacobi rotations.
 * Returns eigenvalues in descending order and the matching eigenvectors as rows.
 */
export function symmetricEigen(S: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(S);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = A[p * n + p]!, aqq = A[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p]!, akq = A[k * n + q]!;
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k]!, aqk = A[q * n + k]!;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vpk = V[p * n + k]!, vqk = V[q * n + k]!;
          V[p * n + k] = c * vpk - s * vqk;
          V[q * n + k] = s * vpk + c * vqk;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => A[b * n + b]! - A[a * n + a]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = A[src * n + src]!;
    vectors.set(V.subarray(src * n, src * n + n), dst * n);
  });
  return { values, vectors };
}

/**
 * Top-k principal directions of the rows of D (m × d, rows already centred as wanted), through
 * the m × m Gram matrix (m ≤ a few hundred). Returns unit directions (k × d) and variances.
 */
export function principalComponents(D: Float64Array, m: number, d: number, k: number): { directions: Float64Array; variances: Float64Array } {
  const G = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      let s = 0;
      const oi = i * d, oj = j * d;
      for (let c = 0; c < d; c++) s += D[oi + c]! * D[oj + c]!;
      G[i * m + j] = s;
      G[j * m + i] = s;
    }
  }
  const { values, vectors } = symmetricEigen(G, m);
  const count = Math.min(k, m);
  const directions = new Float64Array(count * d);
  const variances = new Float64Array(count);
  for (let c = 0; c < count; c++) {
    const lambda = values[c]!;
    variances[c] = Math.max(0, lambda) / Math.max(1, m - 1);
    if (lambda <= 1e-12) continue;
    const out = directions.subarray(c * d, (c + 1) * d);
    for (let i = 0; i < m; i++) {
      const w = vectors[c * m + i]!;
      if (w === 0) continue;
      const oi = i * d;
      for (let x = 0; x < d; x++) out[x] = out[x]! + w * D[oi + x]!;
    }
    let norm = 0;
    for (let x = 0; x < d; x++) norm += out[x]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let x = 0; x < d; x++) out[x] = out[x]! / norm;
  }
  return { directions, variances };
}
