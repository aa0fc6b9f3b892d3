// Multi-threaded element-wise kernels, reductions and the Adam update on float32 buffers.
#pragma once
#include <cstdint>

namespace dvp {

enum class BinaryOp : int { Add = 0, Sub = 1, Mul = 2, Div = 3, Pow = 4, Maximum = 5, Minimum = 6, SquaredDifference = 7 };
enum class UnaryOp : int {
  Relu = 0, LeakyRelu = 1, Step = 2, Tanh = 3, Sigmoid = 4, Softplus = 5, Neg = 6, Abs = 7,
  Sign = 8, Square = 9, Sqrt = 10, Rsqrt = 11, Exp = 12, Log = 13, Reciprocal = 14
};

// out has `rank` dimensions `shape`; a and b are read with per-dimension element strides
// (0 where that operand is broadcast along the dimension).
void binary(BinaryOp op, int rank, const int* shape, const float* a, const int* aStrides, const float* b,
            const int* bStrides, float* out);
void unary(UnaryOp op, const float* x, float* out, int64_t size, float alpha);
// x viewed as [outer, reduced, inner]; out[o, i] = Σ_r x[o, r, i] (× 1/reduced for a mean).
void reduce(bool mean, const float* x, int64_t outer, int64_t reduced, int64_t inner, float* out);
// One Adam step into new buffers: m′ = β1 m + (1−β1) g; v′ = β2 v + (1−β2) g²; w′ = w − rate · m′ / (√v′ + ε).
void adam(const float* w, const float* m, const float* v, const float* g, int64_t size, float rate, float beta1, float beta2,
          float epsilon, float* wOut, float* mOut, float* vOut);

}  // namespace dvp
