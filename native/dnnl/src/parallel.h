// Shared by the multi-threaded kernels.
#pragma once
#include <cstdint>

namespace dvp {

// Below this many elements a parallel region costs more than it saves.
inline constexpr int64_t kParallelGrain = 1 << 15;

}  // namespace dvp
