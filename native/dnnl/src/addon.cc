// N-API surface of the oneDNN compute addon. Every buffer's length is checked against the shape
// it is given, so a wrong call is a JavaScript exception, never a stray write.
#include <napi.h>

#include <oneapi/dnnl/dnnl.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "batch-norm.h"
#include "conv.h"
#include "copy.h"
#include "cpu.h"
#include "elementwise.h"

namespace {

Napi::Float32Array floats(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (!info[index].IsTypedArray() || info[index].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a Float32Array");
  }
  return info[index].As<Napi::Float32Array>();
}

Napi::Int32Array ints(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (!info[index].IsTypedArray() || info[index].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be an Int32Array");
  }
  return info[index].As<Napi::Int32Array>();
}

void expectLength(const Napi::Env& env, const Napi::Float32Array& array, int64_t expected, const char* name) {
  if (static_cast<int64_t>(array.ElementLength()) != expected) {
    throw Napi::RangeError::New(env, std::string(name) + " holds " + std::to_string(array.ElementLength()) + " values, expected " + std::to_string(expected));
  }
}

// conv(desc Int32Array[18], alpha, a, b, bias | null, out, weightsId)
// desc: kind, precision, activation, n, ih, iw, ic, oh, ow, oc, kh, kw, sh, sw, pt, pl, pb, pr.
void Conv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Int32Array desc = ints(info, 0, "desc");
  if (desc.ElementLength() != 18) throw Napi::RangeError::New(env, "desc must hold 18 values");
  dvp::ConvCall call{};
  call.kind = static_cast<dvp::ConvKind>(desc[0]);
  call.precision = static_cast<dvp::Precision>(desc[1]);
  call.activation = static_cast<dvp::Activation>(desc[2]);
  dvp::ConvShape& s = call.shape;
  s = {desc[3], desc[4], desc[5], desc[6], desc[7], desc[8], desc[9], desc[10], desc[11], desc[12], desc[13], desc[14], desc[15], desc[16], desc[17]};
  if (desc[0] < 0 || desc[0] > 2 || desc[1] < 0 || desc[1] > 1 || desc[2] < 0 || desc[2] > 5) throw Napi::RangeError::New(env, "bad conv kind, precision or activation");
  for (int i = 3; i < 14; i++) if (desc[i] <= 0) throw Napi::RangeError::New(env, "conv sizes and strides must be positive");
  call.alpha = info[1].As<Napi::Number>().FloatValue();
  Napi::Float32Array a = floats(info, 2, "a"), b = floats(info, 3, "b"), out = floats(info, 5, "out");
  const int64_t x = int64_t(s.n) * s.ih * s.iw * s.ic, y = int64_t(s.n) * s.oh * s.ow * s.oc, w = int64_t(s.kh) * s.kw * s.ic * s.oc;
  switch (call.kind) {
    case dvp::ConvKind::Forward: expectLength(env, a, x, "x"); expectLength(env, b, w, "filter"); expectLength(env, out, y, "y"); break;
    case dvp::ConvKind::BackwardData: expectLength(env, a, y, "dy"); expectLength(env, b, w, "filter"); expectLength(env, out, x, "dx"); break;
    case dvp::ConvKind::BackwardWeights: expectLength(env, a, x, "x"); expectLength(env, b, y, "dy"); expectLength(env, out, w, "dfilter"); break;
  }
  call.a = a.Data();
  call.b = b.Data();
  call.out = out.Data();
  call.bias = nullptr;
  if (!info[4].IsNull() && !info[4].IsUndefined()) {
    Napi::Float32Array bias = floats(info, 4, "bias");
    expectLength(env, bias, s.oc, "bias");
    call.bias = bias.Data();
  }
  call.weightsId = info[6].As<Napi::Number>().DoubleValue();
  if (call.kind != dvp::ConvKind::BackwardWeights && !(call.weightsId >= 1)) throw Napi::RangeError::New(env, "the filter needs an identity of at least 1");
  try {
    dvp::runConv(call);
  } catch (const dnnl::error& e) {
    throw Napi::Error::New(env, std::string("oneDNN: ") + e.what());
  }
}

void ReleaseWeights(const Napi::CallbackInfo& info) { dvp::releaseWeights(info[0].As<Napi::Number>().DoubleValue()); }

// binary(op, shape Int32Array, a, aStrides Int32Array, b, bStrides Int32Array, out)
void Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int op = info[0].As<Napi::Number>().Int32Value();
  if (op < 0 || op > 7) throw Napi::RangeError::New(env, "bad binary op");
  const Napi::Int32Array shape = ints(info, 1, "shape"), sa = ints(info, 3, "aStrides"), sb = ints(info, 5, "bStrides");
  Napi::Float32Array a = floats(info, 2, "a"), b = floats(info, 4, "b"), out = floats(info, 6, "out");
  const size_t rank = shape.ElementLength();
  if (sa.ElementLength() != rank || sb.ElementLength() != rank) throw Napi::RangeError::New(env, "strides must match the rank");
  int64_t size = 1, lastA = 0, lastB = 0;
  for (size_t d = 0; d < rank; d++) {
    if (shape[d] < 0 || sa[d] < 0 || sb[d] < 0) throw Napi::RangeError::New(env, "negative shape or stride");
    size *= shape[d];
    if (shape[d] > 0) {
      lastA += int64_t(shape[d] - 1) * sa[d];
      lastB += int64_t(shape[d] - 1) * sb[d];
    }
  }
  expectLength(env, out, size, "out");
  if (size == 0) return;
  if (lastA >= static_cast<int64_t>(a.ElementLength()) || lastB >= static_cast<int64_t>(b.ElementLength())) throw Napi::RangeError::New(env, "strides reach past an operand");
  dvp::binary(static_cast<dvp::BinaryOp>(op), static_cast<int>(rank), shape.Data(), a.Data(), sa.Data(), b.Data(), sb.Data(), out.Data());
}

// unary(op, x, out, alpha)
void Unary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int op = info[0].As<Napi::Number>().Int32Value();
  if (op < 0 || op > 14) throw Napi::RangeError::New(env, "bad unary op");
  Napi::Float32Array x = floats(info, 1, "x"), out = floats(info, 2, "out");
  expectLength(env, out, static_cast<int64_t>(x.ElementLength()), "out");
  dvp::unary(static_cast<dvp::UnaryOp>(op), x.Data(), out.Data(), static_cast<int64_t>(x.ElementLength()), info[3].As<Napi::Number>().FloatValue());
}

// reduce(mean, x, outer, reduced, inner, out)
void Reduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const bool mean = info[0].As<Napi::Boolean>().Value();
  Napi::Float32Array x = floats(info, 1, "x"), out = floats(info, 5, "out");
  const int64_t outer = info[2].As<Napi::Number>().Int64Value(), reduced = info[3].As<Napi::Number>().Int64Value(), inner = info[4].As<Napi::Number>().Int64Value();
  if (outer < 1 || reduced < 1 || inner < 1) throw Napi::RangeError::New(env, "reduce sizes must be positive");
  expectLength(env, x, outer * reduced * inner, "x");
  expectLength(env, out, outer * inner, "out");
  dvp::reduce(mean, x.Data(), outer, reduced, inner, out.Data());
}

// adam(w, m, v, g, rate, beta1, beta2, epsilon, wOut, mOut, vOut)
void Adam(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array w = floats(info, 0, "w"), m = floats(info, 1, "m"), v = floats(info, 2, "v"), g = floats(info, 3, "g");
  Napi::Float32Array wOut = floats(info, 8, "wOut"), mOut = floats(info, 9, "mOut"), vOut = floats(info, 10, "vOut");
  const int64_t size = static_cast<int64_t>(w.ElementLength());
  expectLength(env, m, size, "m"); expectLength(env, v, size, "v"); expectLength(env, g, size, "g");
  expectLength(env, wOut, size, "wOut"); expectLength(env, mOut, size, "mOut"); expectLength(env, vOut, size, "vOut");
  dvp::adam(w.Data(), m.Data(), v.Data(), g.Data(), size, info[4].As<Napi::Number>().FloatValue(), info[5].As<Napi::Number>().FloatValue(),
            info[6].As<Napi::Number>().FloatValue(), info[7].As<Napi::Number>().FloatValue(), wOut.Data(), mOut.Data(), vOut.Data());
}

// concat(inputs Float32Array[], inners Int32Array, outer, out)
void Concat(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw Napi::TypeError::New(env, "inputs must be an array");
  Napi::Array list = info[0].As<Napi::Array>();
  Napi::Int32Array inners = ints(info, 1, "inners");
  const int64_t outer = info[2].As<Napi::Number>().Int64Value();
  Napi::Float32Array out = floats(info, 3, "out");
  const uint32_t count = list.Length();
  if (inners.ElementLength() != count || outer < 0) throw Napi::RangeError::New(env, "one inner size per input");
  std::vector<const float*> pointers(count);
  std::vector<int64_t> widths(count);
  int64_t width = 0;
  for (uint32_t k = 0; k < count; k++) {
    Napi::Value item = list.Get(k);
    if (!item.IsTypedArray() || item.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) throw Napi::TypeError::New(env, "inputs must be Float32Arrays");
    Napi::Float32Array input = item.As<Napi::Float32Array>();
    if (inners[k] < 0) throw Napi::RangeError::New(env, "negative inner size");
    expectLength(env, input, outer * inners[k], "input");
    pointers[k] = input.Data();
    widths[k] = inners[k];
    width += inners[k];
  }
  expectLength(env, out, outer * width, "out");
  dvp::concat(static_cast<int>(count), pointers.data(), widths.data(), outer, out.Data());
}

// slice(x, shape Int32Array, begin Int32Array, size Int32Array, out)
void Slice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array x = floats(info, 0, "x"), out = floats(info, 4, "out");
  Napi::Int32Array shape = ints(info, 1, "shape"), begin = ints(info, 2, "begin"), size = ints(info, 3, "size");
  const size_t rank = shape.ElementLength();
  if (begin.ElementLength() != rank || size.ElementLength() != rank) throw Napi::RangeError::New(env, "begin and size must match the rank");
  int64_t total = 1, count = 1;
  for (size_t d = 0; d < rank; d++) {
    if (begin[d] < 0 || size[d] < 0 || begin[d] + size[d] > shape[d]) throw Napi::RangeError::New(env, "slice reaches outside the tensor");
    total *= shape[d];
    count *= size[d];
  }
  expectLength(env, x, total, "x");
  expectLength(env, out, count, "out");
  if (count == 0) return;
  dvp::slice(static_cast<int>(rank), shape.Data(), begin.Data(), size.Data(), x.Data(), out.Data());
}

// tile(x, shape Int32Array, outShape Int32Array, out): every output size a multiple of the input's.
void Tile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array x = floats(info, 0, "x"), out = floats(info, 3, "out");
  Napi::Int32Array shape = ints(info, 1, "shape"), outShape = ints(info, 2, "outShape");
  const size_t rank = shape.ElementLength();
  if (rank == 0 || outShape.ElementLength() != rank) throw Napi::RangeError::New(env, "shapes must have one rank of at least 1");
  int64_t size = 1, outSize = 1;
  for (size_t d = 0; d < rank; d++) {
    if (shape[d] < 1 || outShape[d] < 0 || outShape[d] % shape[d] != 0) throw Napi::RangeError::New(env, "each output size must be a multiple of the input's");
    size *= shape[d];
    outSize *= outShape[d];
  }
  expectLength(env, x, size, "x");
  expectLength(env, out, outSize, "out");
  if (outSize == 0) return;
  dvp::tile(static_cast<int>(rank), shape.Data(), outShape.Data(), x.Data(), out.Data());
}

// batchNorm(x, gamma, beta, groups, rows, channels, epsilon, y, mean, inv)
void BatchNorm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array x = floats(info, 0, "x"), gamma = floats(info, 1, "gamma"), beta = floats(info, 2, "beta");
  Napi::Float32Array y = floats(info, 7, "y"), mean = floats(info, 8, "mean"), inv = floats(info, 9, "inv");
  const int64_t groups = info[3].As<Napi::Number>().Int64Value(), rows = info[4].As<Napi::Number>().Int64Value(), channels = info[5].As<Napi::Number>().Int64Value();
  if (groups < 1 || rows < 1 || channels < 1) throw Napi::RangeError::New(env, "batch norm sizes must be positive");
  expectLength(env, x, groups * rows * channels, "x");
  expectLength(env, y, groups * rows * channels, "y");
  expectLength(env, gamma, channels, "gamma");
  expectLength(env, beta, channels, "beta");
  expectLength(env, mean, groups * channels, "mean");
  expectLength(env, inv, groups * channels, "inv");
  dvp::batchNorm(x.Data(), gamma.Data(), beta.Data(), groups, rows, channels, info[6].As<Napi::Number>().FloatValue(), y.Data(), mean.Data(), inv.Data());
}

// batchNormGrad(dy, x, gamma, mean, inv, groups, rows, channels, dx, dgamma, dbeta)
void BatchNormGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float32Array dy = floats(info, 0, "dy"), x = floats(info, 1, "x"), gamma = floats(info, 2, "gamma"), mean = floats(info, 3, "mean"), inv = floats(info, 4, "inv");
  Napi::Float32Array dx = floats(info, 8, "dx"), dgamma = floats(info, 9, "dgamma"), dbeta = floats(info, 10, "dbeta");
  const int64_t groups = info[5].As<Napi::Number>().Int64Value(), rows = info[6].As<Napi::Number>().Int64Value(), channels = info[7].As<Napi::Number>().Int64Value();
  if (groups < 1 || rows < 1 || channels < 1) throw Napi::RangeError::New(env, "batch norm sizes must be positive");
  const int64_t size = groups * rows * channels;
  expectLength(env, dy, size, "dy");
  expectLength(env, x, size, "x");
  expectLength(env, dx, size, "dx");
  expectLength(env, gamma, channels, "gamma");
  expectLength(env, mean, groups * channels, "mean");
  expectLength(env, inv, groups * channels, "inv");
  expectLength(env, dgamma, channels, "dgamma");
  expectLength(env, dbeta, channels, "dbeta");
  dvp::batchNormGrad(dy.Data(), x.Data(), gamma.Data(), mean.Data(), inv.Data(), groups, rows, channels, dx.Data(), dgamma.Data(), dbeta.Data());
}

void SetThreads(const Napi::CallbackInfo& info) {
  const int n = info[0].As<Napi::Number>().Int32Value();
  if (n < 1) throw Napi::RangeError::New(info.Env(), "threads must be at least 1");
  dvp::setThreads(n);
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("onednn", dvp::dnnlVersion());
  out.Set("isa", dvp::effectiveIsa());
  out.Set("bf16", dvp::nativeBf16());
  out.Set("threads", dvp::threads());
  out.Set("primitives", static_cast<double>(dvp::cachedPrimitives()));
  out.Set("weightBytes", static_cast<double>(dvp::cachedWeightBytes()));
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("conv", Napi::Function::New(env, Conv));
  exports.Set("releaseWeights", Napi::Function::New(env, ReleaseWeights));
  exports.Set("binary", Napi::Function::New(env, Binary));
  exports.Set("unary", Napi::Function::New(env, Unary));
  exports.Set("reduce", Napi::Function::New(env, Reduce));
  exports.Set("adam", Napi::Function::New(env, Adam));
  exports.Set("concat", Napi::Function::New(env, Concat));
  exports.Set("slice", Napi::Function::New(env, Slice));
  exports.Set("tile", Napi::Function::New(env, Tile));
  exports.Set("batchNorm", Napi::Function::New(env, BatchNorm));
  exports.Set("batchNormGrad", Napi::Function::New(env, BatchNormGrad));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("info", Napi::Function::New(env, Info));
  return exports;
}

}  // namespace

NODE_API_MODULE(dvp_dnnl, Init)
