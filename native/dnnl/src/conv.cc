// Primitive descriptors are built once per shape and cached (oneDNN's examples/primitives do the
// same); activations stay NHWC (oneDNN's AVX-512 kernels run NHWC natively), filters are reordered
// once into the blocked layout the primitive chose and kept while the filter tensor lives, so a
// filter used by the forward pass, its input gradient and the next frame is reordered once.
#include "conv.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace dvp {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

dnnl::engine& cpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpuStream() {
  static dnnl::stream stream(cpuEngine());
  return stream;
}

struct Entry {
  dnnl::primitive primitive;
  // Descriptors as the primitive wants them and as the caller holds them (f32, NHWC / HWIO).
  memory::desc a, b, out, userA, userB, userOut;
  memory scratchpad;
  // Staging for inputs that need a conversion (bf16) and for an output in a blocked layout.
  memory stageA, stageB, stageOut;
  bool hasBias = false;
};

// Reordered filters change every training step. Fresh allocations of that size cost a page
// fault per 4 KiB on first touch (more than the reorder itself), so their buffers are reused.
class BufferPool {
 public:
  void* acquire(size_t bytes) {
    auto& list = free_[bytes];
    if (!list.empty()) {
      void* p = list.back();
      list.pop_back();
      return p;
    }
    void* p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (!p) throw std::bad_alloc();
    return p;
  }
  void release(void* p, size_t bytes) { free_[bytes].push_back(p); }

 private:
  std::unordered_map<size_t, std::vector<void*>> free_;
};

BufferPool pool;

struct PreparedWeights {
  memory::desc desc;
  memory mem;
  void* buffer;
};

std::unordered_map<std::string, std::shared_ptr<Entry>> primitives;
std::unordered_map<double, std::vector<PreparedWeights>> weights;
size_t weightBytes = 0;

memory::dims nhwcDims(int n, int h, int w, int c) { return {n, c, h, w}; }

dnnl::post_ops activationOps(Activation activation, float alpha) {
  dnnl::post_ops ops;
  switch (activation) {
    case Activation::Linear: break;
    case Activation::Relu: ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f); break;
    case Activation::Relu6: ops.append_eltwise(1.f, dnnl::algorithm::eltwise_clip, 0.f, 6.f); break;
    case Activation::LeakyRelu: ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, alpha, 0.f); break;
    case Activation::Sigmoid: ops.append_eltwise(1.f, dnnl::algorithm::eltwise_logistic, 0.f, 0.f); break;
    case Activation::Elu: ops.append_eltwise(1.f, dnnl::algorithm::eltwise_elu, 1.f, 0.f); break;
  }
  return ops;
}

std::string keyOf(const ConvCall& c, bool hasBias) {
  const ConvShape& s = c.shape;
  std::string key;
  for (int v : {static_cast<int>(c.kind), static_cast<int>(c.precision), static_cast<int>(c.activation), hasBias ? 1 : 0,
                s.n, s.ih, s.iw, s.ic, s.oh, s.ow, s.oc, s.kh, s.kw, s.sh, s.sw, s.pt, s.pl, s.pb, s.pr}) {
    key += std::to_string(v);
    key += ',';
  }
  if (c.activation == Activation::LeakyRelu) key += std::to_string(c.alpha);
  return key;
}

memory stageFor(const memory::desc& wanted, const memory::desc& user) {
  return wanted == user ? memory() : memory(wanted, cpuEngine());
}

std::shared_ptr<Entry> build(const ConvCall& c, bool hasBias) {
  const ConvShape& s = c.shape;
  const dt compute = c.precision == Precision::BF16 ? dt::bf16 : dt::f32;
  const memory::dims strides = {s.sh, s.sw}, padL = {s.pt, s.pl}, padR = {s.pb, s.pr};
  const memory::desc userX(nhwcDims(s.n, s.ih, s.iw, s.ic), dt::f32, tag::nhwc);
  const memory::desc userY(nhwcDims(s.n, s.oh, s.ow, s.oc), dt::f32, tag::nhwc);
  const memory::desc userW({s.oc, s.ic, s.kh, s.kw}, dt::f32, tag::hwio);
  // NHWC runs natively in oneDNN's AVX-512 kernels when channels fill whole vectors; otherwise
  // (the 9·Nw-channel input, the RGB output) a blocked layout plus a reorder is faster.
  const bool aligned = s.ic % 16 == 0 && s.oc % 16 == 0;
  const tag act = aligned ? tag::nhwc : tag::any;
  const memory::desc x(nhwcDims(s.n, s.ih, s.iw, s.ic), compute, act);
  const memory::desc y(nhwcDims(s.n, s.oh, s.ow, s.oc), compute, act);
  const memory::desc w({s.oc, s.ic, s.kh, s.kw}, compute, tag::any);
  const memory::desc bias({s.oc}, dt::f32, tag::x);
  const auto algo = dnnl::algorithm::convolution_direct;

  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  auto entry = std::make_shared<Entry>();
  entry->hasBias = hasBias;
  dnnl::engine& engine = cpuEngine();

  if (c.kind == ConvKind::Forward) {
    dnnl::primitive_attr fwdAttr;
    fwdAttr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    fwdAttr.set_post_ops(activationOps(c.activation, c.alpha));
    const memory::desc yOut(nhwcDims(s.n, s.oh, s.ow, s.oc), dt::f32, act);
    auto desc = hasBias ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, algo, x, w, bias, yOut, strides, padL, padR)
                        : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, algo, x, w, yOut, strides, padL, padR);
    dnnl::convolution_forward::primitive_desc pd(desc, fwdAttr, engine);
    entry->primitive = dnnl::convolution_forward(pd);
    entry->a = pd.src_desc(); entry->b = pd.weights_desc(); entry->out = pd.dst_desc();
    entry->userA = userX; entry->userB = userW; entry->userOut = userY;
    entry->scratchpad = memory(pd.scratchpad_desc(), engine);
  } else {
    auto fwdDesc = dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, algo, x, w, y, strides, padL, padR);
    dnnl::convolution_forward::primitive_desc hint(fwdDesc, engine);
    if (c.kind == ConvKind::BackwardData) {
      const memory::desc dxOut(nhwcDims(s.n, s.ih, s.iw, s.ic), dt::f32, act);
      auto desc = dnnl::convolution_backward_data::desc(algo, dxOut, w, y, strides, padL, padR);
      dnnl::convolution_backward_data::primitive_desc pd(desc, attr, engine, hint);
      entry->primitive = dnnl::convolution_backward_data(pd);
      entry->a = pd.diff_dst_desc(); entry->b = pd.weights_desc(); entry->out = pd.diff_src_desc();
      entry->userA = userY; entry->userB = userW; entry->userOut = userX;
      entry->scratchpad = memory(pd.scratchpad_desc(), engine);
    } else {
      const memory::desc dw({s.oc, s.ic, s.kh, s.kw}, dt::f32, tag::any);
      auto desc = dnnl::convolution_backward_weights::desc(algo, x, dw, y, strides, padL, padR);
      dnnl::convolution_backward_weights::primitive_desc pd(desc, attr, engine, hint);
      entry->primitive = dnnl::convolution_backward_weights(pd);
      entry->a = pd.src_desc(); entry->b = pd.diff_dst_desc(); entry->out = pd.diff_weights_desc();
      entry->userA = userX; entry->userB = userY; entry->userOut = userW;
      entry->scratchpad = memory(pd.scratchpad_desc(), engine);
      entry->stageB = stageFor(entry->b, entry->userB);
    }
  }
  entry->stageA = stageFor(entry->a, entry->userA);
  entry->stageOut = stageFor(entry->out, entry->userOut);
  return entry;
}

// The filter in the primitive's layout: reordered once per (filter identity, layout) and kept
// until releaseWeights(id).
memory preparedWeights(Entry& e, const float* data, double id) {
  dnnl::engine& engine = cpuEngine();
  memory user(e.userB, engine, const_cast<float*>(data));
  if (e.b == e.userB) return user;
  auto& cached = weights[id];
  for (auto& prepared : cached) if (prepared.desc == e.b) return prepared.mem;
  void* buffer = pool.acquire(e.b.get_size());
  memory prepared(e.b, engine, buffer);
  dnnl::reorder(user, prepared).execute(cpuStream(), user, prepared);
  cached.push_back({e.b, prepared, buffer});
  weightBytes += e.b.get_size();
  return prepared;
}

memory input(const memory::desc& userDesc, memory stage, const float* data) {
  memory user(userDesc, cpuEngine(), const_cast<float*>(data));
  if (!stage) return user;
  dnnl::reorder(user, stage).execute(cpuStream(), user, stage);
  return stage;
}

}  // namespace

void runConv(const ConvCall& c) {
  const bool hasBias = c.kind == ConvKind::Forward && c.bias != nullptr;
  const std::string key = keyOf(c, hasBias);
  auto found = primitives.find(key);
  if (found == primitives.end()) {
    if (primitives.size() > 1024) primitives.clear();
    found = primitives.emplace(key, build(c, hasBias)).first;
  }
  Entry& e = *found->second;
  dnnl::engine& engine = cpuEngine();
  dnnl::stream& stream = cpuStream();
  memory out = e.stageOut ? e.stageOut : memory(e.userOut, engine, c.out);
  std::unordered_map<int, memory> args = {{DNNL_ARG_SCRATCHPAD, e.scratchpad}};
  switch (c.kind) {
    case ConvKind::Forward:
      args[DNNL_ARG_SRC] = input(e.userA, e.stageA, c.a);
      args[DNNL_ARG_WEIGHTS] = preparedWeights(e, c.b, c.weightsId);
      if (hasBias) args[DNNL_ARG_BIAS] = memory(memory::desc({c.shape.oc}, dt::f32, memory::format_tag::x), engine, const_cast<float*>(c.bias));
      args[DNNL_ARG_DST] = out;
      break;
    case ConvKind::BackwardData:
      args[DNNL_ARG_DIFF_DST] = input(e.userA, e.stageA, c.a);
      args[DNNL_ARG_WEIGHTS] = preparedWeights(e, c.b, c.weightsId);
      args[DNNL_ARG_DIFF_SRC] = out;
      break;
    case ConvKind::BackwardWeights:
      args[DNNL_ARG_SRC] = input(e.userA, e.stageA, c.a);
      args[DNNL_ARG_DIFF_DST] = input(e.userB, e.stageB, c.b);
      args[DNNL_ARG_DIFF_WEIGHTS] = out;
      break;
  }
  e.primitive.execute(stream, args);
  if (e.stageOut) {
    memory user(e.userOut, engine, c.out);
    dnnl::reorder(e.stageOut, user).execute(stream, e.stageOut, user);
  }
  stream.wait();
}

void releaseWeights(double id) {
  auto found = weights.find(id);
  if (found == weights.end()) return;
  for (auto& prepared : found->second) {
    weightBytes -= prepared.desc.get_size();
    pool.release(prepared.buffer, prepared.desc.get_size());
  }
  weights.erase(found);
}

size_t cachedPrimitives() { return primitives.size(); }
size_t cachedWeightBytes() { return weightBytes; }

}  // namespace dvp
