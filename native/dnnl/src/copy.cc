#include "copy.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "parallel.h"

namespace dvp {

void concat(int count, const float* const* inputs, const int64_t* inners, int64_t outer, float* out) {
  int64_t width = 0;
  for (int k = 0; k < count; k++) width += inners[k];
#pragma omp parallel for schedule(static) if (outer * width >= kParallelGrain)
  for (int64_t o = 0; o < outer; o++) {
    float* row = out + o * width;
    for (int k = 0; k < count; k++) {
      std::copy_n(inputs[k] + o * inners[k], inners[k], row);
      row += inners[k];
    }
  }
}

void slice(int rank, const int* shape, const int* begin, const int* size, const float* x, float* out) {
  // Rows of the output's last dimension are contiguous in x: copy them whole.
  std::vector<int64_t> strides(rank, 1);
  for (int d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  const int64_t inner = rank > 0 ? size[rank - 1] : 1;
  int64_t rows = 1;
  for (int d = 0; d < rank - 1; d++) rows *= size[d];
#pragma omp parallel for schedule(static) if (rows * inner >= kParallelGrain)
  for (int64_t row = 0; row < rows; row++) {
    int64_t offset = rank > 0 ? begin[rank - 1] : 0, rest = row;
    for (int d = rank - 2; d >= 0; d--) {
      offset += (begin[d] + rest % size[d]) * strides[d];
      rest /= size[d];
    }
    std::copy_n(x + offset, inner, out + row * inner);
  }
}


void tile(int rank, const int* shape, const int* outShape, const float* x, float* out) {
  std::vector<int64_t> strides(rank, 1);
  for (int d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  const int64_t inner = outShape[rank - 1], source = shape[rank - 1];
  int64_t rows = 1;
  for (int d = 0; d < rank - 1; d++) rows *= outShape[d];
#pragma omp parallel for schedule(static) if (rows * inner >= kParallelGrain)
  for (int64_t row = 0; row < rows; row++) {
    int64_t offset = 0, rest = row;
    for (int d = rank - 2; d >= 0; d--) {
      offset += (rest % outShape[d]) % shape[d] * strides[d];
      rest /= outShape[d];
    }
    const float* from = x + offset;
    float* to = out + row * inner;
    if (source == 1) {
      std::fill_n(to, inner, from[0]);
    } else {
      for (int64_t i = 0; i < inner; i += source) std::copy_n(from, source, to + i);
    }
  }
}

}  // namespace dvp
