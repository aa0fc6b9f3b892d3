// Multi-threaded copies that rearrange float32 buffers: concat, slice and tile.
#pragma once
#include <cstdint>

namespace dvp {

// Joins inputs along one axis: input k viewed as [outer, inners[k]], out as [outer, Σ inners].
void concat(int count, const float* const* inputs, const int64_t* inners, int64_t outer, float* out);
// out = x[begin : begin + size] for an x of `rank` dimensions `shape`.
void slice(int rank, const int* shape, const int* begin, const int* size, const float* x, float* out);
// out (rank dims outShape) = x (dims shape) repeated: out[i…] = x[i mod shape…].
void tile(int rank, const int* shape, const int* outShape, const float* x, float* out);

}  // namespace dvp
