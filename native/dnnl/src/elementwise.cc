#include "elementwise.h"

#include "parallel.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace dvp {
namespace {

template <BinaryOp Op>
inline float apply(float a, float b) {
  if constexpr (Op == BinaryOp::Add) return a + b;
  if constexpr (Op == BinaryOp::Sub) return a - b;
  if constexpr (Op == BinaryOp::Mul) return a * b;
  if constexpr (Op == BinaryOp::Div) return a / b;
  if constexpr (Op == BinaryOp::Pow) return std::pow(a, b);
  if constexpr (Op == BinaryOp::Maximum) return a > b || std::isnan(a) ? a : b;
  if constexpr (Op == BinaryOp::Minimum) return a < b || std::isnan(a) ? a : b;
  if constexpr (Op == BinaryOp::SquaredDifference) return (a - b) * (a - b);
  return 0.f;
}

struct Layout {
  std::vector<int64_t> shape, sa, sb;
};

// Merges neighbouring dimensions that both operands walk contiguously (or both broadcast), so a
// per-channel broadcast over NHWC becomes [N·H·W, C] and equal shapes become one flat loop.
Layout collapse(int rank, const int* shape, const int* aStrides, const int* bStrides) {
  Layout l;
  for (int d = 0; d < rank; d++) {
    if (shape[d] == 1) continue;
    if (!l.shape.empty()) {
      const size_t last = l.shape.size() - 1;
      const bool aJoins = l.sa[last] == static_cast<int64_t>(aStrides[d]) * shape[d];
      const bool bJoins = l.sb[last] == static_cast<int64_t>(bStrides[d]) * shape[d];
      if (aJoins && bJoins) {
        l.shape[last] *= shape[d];
        l.sa[last] = aStrides[d];
        l.sb[last] = bStrides[d];
        continue;
      }
    }
    l.shape.push_back(shape[d]);
    l.sa.push_back(aStrides[d]);
    l.sb.push_back(bStrides[d]);
  }
  if (l.shape.empty()) {
    l.shape.push_back(1);
    l.sa.push_back(0);
    l.sb.push_back(0);
  }
  return l;
}

template <BinaryOp Op>
void binaryLoop(const Layout& l, const float* a, const float* b, float* out) {
  const int rank = static_cast<int>(l.shape.size());
  const int64_t inner = l.shape[rank - 1];
  const int64_t ia = l.sa[rank - 1], ib = l.sb[rank - 1];
  int64_t rows = 1;
  for (int d = 0; d < rank - 1; d++) rows *= l.shape[d];
#pragma omp parallel for schedule(static) if (rows * inner >= kParallelGrain)
  for (int64_t row = 0; row < rows; row++) {
    int64_t offA = 0, offB = 0, rest = row;
    for (int d = rank - 2; d >= 0; d--) {
      const int64_t index = rest % l.shape[d];
      rest /= l.shape[d];
      offA += index * l.sa[d];
      offB += index * l.sb[d];
    }
    const float* pa = a + offA;
    const float* pb = b + offB;
    float* po = out + row * inner;
    if (ia == 1 && ib == 1) {
      for (int64_t i = 0; i < inner; i++) po[i] = apply<Op>(pa[i], pb[i]);
    } else if (ia == 1) {
      const float vb = pb[0];
      for (int64_t i = 0; i < inner; i++) po[i] = apply<Op>(pa[i], vb);
    } else if (ib == 1) {
      const float va = pa[0];
      for (int64_t i = 0; i < inner; i++) po[i] = apply<Op>(va, pb[i]);
    } else {
      for (int64_t i = 0; i < inner; i++) po[i] = apply<Op>(pa[i * ia], pb[i * ib]);
    }
  }
}

template <UnaryOp Op>
inline float apply(float x, float alpha) {
  if constexpr (Op == UnaryOp::Relu) return x > 0.f ? x : 0.f;
  if constexpr (Op == UnaryOp::LeakyRelu) return x > 0.f ? x : alpha * x;
  if constexpr (Op == UnaryOp::Step) return std::isnan(x) ? x : (x > 0.f ? 1.f : alpha);
  if constexpr (Op == UnaryOp::Tanh) return std::tanh(x);
  if constexpr (Op == UnaryOp::Sigmoid) return 1.f / (1.f + std::exp(-x));
  if constexpr (Op == UnaryOp::Softplus) return x > 20.f ? x : (x < -20.f ? std::exp(x) : std::log1p(std::exp(x)));
  if constexpr (Op == UnaryOp::Neg) return -x;
  if constexpr (Op == UnaryOp::Abs) return std::fabs(x);
  if constexpr (Op == UnaryOp::Sign) return x > 0.f ? 1.f : (x < 0.f ? -1.f : 0.f);
  if constexpr (Op == UnaryOp::Square) return x * x;
  if constexpr (Op == UnaryOp::Sqrt) return std::sqrt(x);
  if constexpr (Op == UnaryOp::Rsqrt) return 1.f / std::sqrt(x);
  if constexpr (Op == UnaryOp::Exp) return std::exp(x);
  if constexpr (Op == UnaryOp::Log) return std::log(x);
  if constexpr (Op == UnaryOp::Reciprocal) return 1.f / x;
  return 0.f;
}

template <UnaryOp Op>
void unaryLoop(const float* x, float* out, int64_t size, float alpha) {
#pragma omp parallel for simd schedule(static) if (size >= kParallelGrain)
  for (int64_t i = 0; i < size; i++) out[i] = apply<Op>(x[i], alpha);
}

}  // namespace

void binary(BinaryOp op, int rank, const int* shape, const float* a, const int* aStrides, const float* b, const int* bStrides, float* out) {
  const Layout l = collapse(rank, shape, aStrides, bStrides);
  switch (op) {
    case BinaryOp::Add: return binaryLoop<BinaryOp::Add>(l, a, b, out);
    case BinaryOp::Sub: return binaryLoop<BinaryOp::Sub>(l, a, b, out);
    case BinaryOp::Mul: return binaryLoop<BinaryOp::Mul>(l, a, b, out);
    case BinaryOp::Div: return binaryLoop<BinaryOp::Div>(l, a, b, out);
    case BinaryOp::Pow: return binaryLoop<BinaryOp::Pow>(l, a, b, out);
    case BinaryOp::Maximum: return binaryLoop<BinaryOp::Maximum>(l, a, b, out);
    case BinaryOp::Minimum: return binaryLoop<BinaryOp::Minimum>(l, a, b, out);
    case BinaryOp::SquaredDifference: return binaryLoop<BinaryOp::SquaredDifference>(l, a, b, out);
  }
}

void unary(UnaryOp op, const float* x, float* out, int64_t size, float alpha) {
  switch (op) {
    case UnaryOp::Relu: return unaryLoop<UnaryOp::Relu>(x, out, size, alpha);
    case UnaryOp::LeakyRelu: return unaryLoop<UnaryOp::LeakyRelu>(x, out, size, alpha);
    case UnaryOp::Step: return unaryLoop<UnaryOp::Step>(x, out, size, alpha);
    case UnaryOp::Tanh: return unaryLoop<UnaryOp::Tanh>(x, out, size, alpha);
    case UnaryOp::Sigmoid: return unaryLoop<UnaryOp::Sigmoid>(x, out, size, alpha);
    case UnaryOp::Softplus: return unaryLoop<UnaryOp::Softplus>(x, out, size, alpha);
    case UnaryOp::Neg: return unaryLoop<UnaryOp::Neg>(x, out, size, alpha);
    case UnaryOp::Abs: return unaryLoop<UnaryOp::Abs>(x, out, size, alpha);
    case UnaryOp::Sign: return unaryLoop<UnaryOp::Sign>(x, out, size, alpha);
    case UnaryOp::Square: return unaryLoop<UnaryOp::Square>(x, out, size, alpha);
    case UnaryOp::Sqrt: return unaryLoop<UnaryOp::Sqrt>(x, out, size, alpha);
    case UnaryOp::Rsqrt: return unaryLoop<UnaryOp::Rsqrt>(x, out, size, alpha);
    case UnaryOp::Exp: return unaryLoop<UnaryOp::Exp>(x, out, size, alpha);
    case UnaryOp::Log: return unaryLoop<UnaryOp::Log>(x, out, size, alpha);
    case UnaryOp::Reciprocal: return unaryLoop<UnaryOp::Reciprocal>(x, out, size, alpha);
  }
}

void reduce(bool mean, const float* x, int64_t outer, int64_t reduced, int64_t inner, float* out) {
  const int threads = reduced * inner >= kParallelGrain ? omp_get_max_threads() : 1;
  std::vector<double> partial(static_cast<size_t>(threads) * inner);
  for (int64_t o = 0; o < outer; o++) {
    const float* base = x + o * reduced * inner;
    std::fill(partial.begin(), partial.end(), 0.0);
#pragma omp parallel num_threads(threads)
    {
      const int t = omp_get_thread_num();
      double* acc = partial.data() + static_cast<size_t>(t) * inner;
#pragma omp for schedule(static)
      for (int64_t r = 0; r < reduced; r++) {
        const float* row = base + r * inner;
        for (int64_t i = 0; i < inner; i++) acc[i] += row[i];
      }
    }
    const double scale = mean ? 1.0 / static_cast<double>(reduced) : 1.0;
    for (int64_t i = 0; i < inner; i++) {
      double sum = 0;
      for (int t = 0; t < threads; t++) sum += partial[static_cast<size_t>(t) * inner + i];
      out[o * inner + i] = static_cast<float>(sum * scale);
    }
  }
}

void adam(const float* w, const float* m, const float* v, const float* g, int64_t size, float rate, float beta1, float beta2,
          float epsilon, float* wOut, float* mOut, float* vOut) {
#pragma omp parallel for simd schedule(static) if (size >= kParallelGrain)
  for (int64_t i = 0; i < size; i++) {
    const float grad = g[i];
    const float mi = beta1 * m[i] + (1.f - beta1) * grad;
    const float vi = beta2 * v[i] + (1.f - beta2) * grad * grad;
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = w[i] - rate * mi / (std::sqrt(vi) + epsilon);
  }
}

}  // namespace dvp
