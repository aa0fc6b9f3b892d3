// Convolutions on oneDNN: forward (optionally fused with bias and an activation), backward-data
// (also the forward pass of a transposed convolution) and backward-weights, NHWC activations and
// HWIO filters as TensorFlow.js stores them.
#pragma once
#include <cstddef>
#include <cstdint>

namespace dvp {

enum class ConvKind : int { Forward = 0, BackwardData = 1, BackwardWeights = 2 };
enum class Precision : int { F32 = 0, BF16 = 1 };
enum class Activation : int { Linear = 0, Relu = 1, Relu6 = 2, LeakyRelu = 3, Sigmoid = 4, Elu = 5 };

// One convolution's geometry; x is the convolution's input (N, IH, IW, IC), y its output
// (N, OH, OW, OC), the filter (KH, KW, IC, OC).
struct ConvShape {
  int n, ih, iw, ic, oh, ow, oc, kh, kw, sh, sw, pt, pl, pb, pr;
};

struct ConvCall {
  ConvKind kind;
  ConvShape shape;
  Precision precision;
  Activation activation;
  float alpha;
  // Forward: a = x, b = filter, out = y. BackwardData: a = dy, b = filter, out = dx.
  // BackwardWeights: a = x, b = dy, out = dfilter.
  const float* a;
  const float* b;
  const float* bias;  // forward only, may be null
  float* out;
  // The filter's identity (≥ 1, forward and backward-data): its reordered copy is kept until
  // releaseWeights(id).
  double weightsId;
};

void runConv(const ConvCall& call);
void releaseWeights(double id);
size_t cachedPrimitives();
size_t cachedWeightBytes();

}  // namespace dvp
