// Threads and what the processor offers, as oneDNN sees it.
#pragma once
#include <string>

namespace dvp {

void setThreads(int threads);
int threads();
// The instruction set oneDNN dispatches to (e.g. "avx512_core_bf16").
std::string effectiveIsa();
// Whether oneDNN runs bf16 convolutions natively here (avx512_bf16 or AMX), not emulated.
bool nativeBf16();
std::string dnnlVersion();

}  // namespace dvp
