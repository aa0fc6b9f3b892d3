// Multi-threaded batch normalisation and its gradient on float32 buffers (NHWC).
#pragma once
#include <cstdint>

namespace dvp {

// Batch normalisation of x viewed as [groups, rows, channels]: statistics per (group, channel)
// over the rows (training: one group, rows = N·H·W; per-frame inference: groups = N).
// y = (x − mean) · inv · gamma + beta with inv = 1 / √(var + ε); mean and inv are [groups, channels].
void batchNorm(const float* x, const float* gamma, const float* beta, int64_t groups, int64_t rows, int64_t channels, float epsilon,
               float* y, float* mean, float* inv);
// Its gradient: dx, and dgamma / dbeta summed over every group and row.
void batchNormGrad(const float* dy, const float* x, const float* gamma, const float* mean, const float* inv, int64_t groups, int64_t rows,
                   int64_t channels, float* dx, float* dgamma, float* dbeta);

}  // namespace dvp
