#include "batch-norm.h"

#include <omp.h>

#include <cmath>
#include <vector>

#include "parallel.h"

namespace dvp {

namespace {

// Σ over rows of f(row, channel) per channel, in double, split across threads.
template <typename F>
void channelSums(int64_t rows, int64_t channels, std::vector<double>& out, F f) {
  const int threads = rows * channels >= kParallelGrain ? omp_get_max_threads() : 1;
  std::vector<double> partial(static_cast<size_t>(threads) * channels, 0.0);
#pragma omp parallel num_threads(threads)
  {
    double* acc = partial.data() + static_cast<size_t>(omp_get_thread_num()) * channels;
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; r++) f(r, acc);
  }
  out.assign(channels, 0.0);
  for (int t = 0; t < threads; t++)
    for (int64_t c = 0; c < channels; c++) out[c] += partial[static_cast<size_t>(t) * channels + c];
}

}  // namespace

void batchNorm(const float* x, const float* gamma, const float* beta, int64_t groups, int64_t rows, int64_t channels, float epsilon,
               float* y, float* mean, float* inv) {
  std::vector<double> sum, squares;
  for (int64_t g = 0; g < groups; g++) {
    const float* xg = x + g * rows * channels;
    channelSums(rows, channels, sum, [&](int64_t r, double* acc) {
      const float* row = xg + r * channels;
      for (int64_t c = 0; c < channels; c++) acc[c] += row[c];
    });
    float* m = mean + g * channels;
    for (int64_t c = 0; c < channels; c++) m[c] = static_cast<float>(sum[c] / rows);
    channelSums(rows, channels, squares, [&](int64_t r, double* acc) {
      const float* row = xg + r * channels;
      for (int64_t c = 0; c < channels; c++) {
        const double d = row[c] - m[c];
        acc[c] += d * d;
      }
    });
    float* k = inv + g * channels;
    for (int64_t c = 0; c < channels; c++) k[c] = static_cast<float>(1.0 / std::sqrt(squares[c] / rows + epsilon));
    float* yg = y + g * rows * channels;
#pragma omp parallel for schedule(static) if (rows * channels >= kParallelGrain)
    for (int64_t r = 0; r < rows; r++) {
      const float* in = xg + r * channels;
      float* out = yg + r * channels;
      for (int64_t c = 0; c < channels; c++) out[c] = (in[c] - m[c]) * k[c] * gamma[c] + beta[c];
    }
  }
}

void batchNormGrad(const float* dy, const float* x, const float* gamma, const float* mean, const float* inv, int64_t groups, int64_t rows,
                   int64_t channels, float* dx, float* dgamma, float* dbeta) {
  std::vector<double> totalGamma(channels, 0.0), totalBeta(channels, 0.0), sumDy, sumDyXhat;
  for (int64_t g = 0; g < groups; g++) {
    const float* xg = x + g * rows * channels;
    const float* dyg = dy + g * rows * channels;
    const float* m = mean + g * channels;
    const float* k = inv + g * channels;
    channelSums(rows, channels, sumDy, [&](int64_t r, double* acc) {
      const float* d = dyg + r * channels;
      for (int64_t c = 0; c < channels; c++) acc[c] += d[c];
    });
    channelSums(rows, channels, sumDyXhat, [&](int64_t r, double* acc) {
      const float* d = dyg + r * channels;
      const float* in = xg + r * channels;
      for (int64_t c = 0; c < channels; c++) acc[c] += d[c] * (in[c] - m[c]) * k[c];
    });
    // dx = γ·inv · (dy − mean(dy) − x̂ · mean(dy·x̂)), per group and channel.
    std::vector<float> a(channels), b(channels), scale(channels);
    for (int64_t c = 0; c < channels; c++) {
      a[c] = static_cast<float>(sumDy[c] / rows);
      b[c] = static_cast<float>(sumDyXhat[c] / rows);
      scale[c] = gamma[c] * k[c];
      totalBeta[c] += sumDy[c];
      totalGamma[c] += sumDyXhat[c];
    }
    float* dxg = dx + g * rows * channels;
#pragma omp parallel for schedule(static) if (rows * channels >= kParallelGrain)
    for (int64_t r = 0; r < rows; r++) {
      const float* d = dyg + r * channels;
      const float* in = xg + r * channels;
      float* out = dxg + r * channels;
      for (int64_t c = 0; c < channels; c++) out[c] = scale[c] * (d[c] - a[c] - (in[c] - m[c]) * k[c] * b[c]);
    }
  }
  for (int64_t c = 0; c < channels; c++) {
    dgamma[c] = static_cast<float>(totalGamma[c]);
    dbeta[c] = static_cast<float>(totalBeta[c]);
  }
}

}  // namespace dvp
