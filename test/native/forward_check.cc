// `albert_engine_check forward <bundle-dir> <isa> <out-file> [bf16 path]`: builds an AlbertModel
// from a bundle that test/helpers/engine-check.mjs writes (the config and tensors the TS loader
// would hand to createModel) and writes the outputs of every case in it.
//
// <bundle-dir>/bundle.txt, one record per line, fields separated by single spaces:
//   config <key> <value>                   lib/model/config.ts nativeConfig()'s entries
//   tensor <name> <dtype> <ndims> <dims...> <offset> <length>
//                                          lib/model/weights.ts selectTensors()'s entries
//   case <name> <batch> <seqLen> <all> <idsOffset> <maskOffset> <typesOffset>
//                                          int32 [batch, seqLen] inputs; all = 1 also asks for
//                                          the hidden states and attentions
// Offsets and lengths are in bytes, into <bundle-dir>/bundle.bin (little-endian).
//
// <out-file>: lines `output <case> <name> <offset> <ndims> <dims...>` where name is an HF output
// field, hidden_states.K or attentions.K, and offset the byte offset of its float32 data in
// <out-file>.bin.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine_check.h"
#include "kernels/activation.h"
#include "model/albert_model.h"

namespace engine_check {
namespace {

struct CaseRecord {
  std::string name;
  int batch = 0, seq_len = 0;
  bool all_outputs = false;
  std::vector<int32_t> input_ids, attention_mask, token_type_ids;
};

struct Bundle {
  std::map<std::string, std::string> config;
  std::vector<uint8_t> bin;          // the tensors' bytes; the WeightSource points into it
  albert::WeightSource weights;
  std::vector<CaseRecord> cases;
};

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The bytes [offset, offset + length) of bundle.bin, checked to lie inside it.
const uint8_t* bin_range(const Bundle& b, uint64_t offset, uint64_t length) {
  if (offset > b.bin.size() || length > b.bin.size() - offset) {
    throw std::runtime_error("bundle.bin range " + std::to_string(offset) + "+" + std::to_string(length) +
                             " is past its end (" + std::to_string(b.bin.size()) + " bytes)");
  }
  return b.bin.data() + offset;
}

std::vector<int32_t> read_int32s(const Bundle& b, uint64_t offset, size_t count) {
  std::vector<int32_t> out(count);
  // memcpy: offsets need not be aligned; both ends are little-endian.
  if (count) std::memcpy(out.data(), bin_range(b, offset, count * sizeof(int32_t)), count * sizeof(int32_t));
  return out;
}

void parse_tensor(std::istringstream& line, Bundle& b) {
  std::string name, dtype;
  int ndims = 0;
  line >> name >> dtype >> ndims;
  albert::TensorView view;
  view.dtype = albert::parse_dtype(dtype);
  view.shape.resize(ndims > 0 ? ndims : 0);
  for (int64_t& d : view.shape) line >> d;
  uint64_t offset = 0;
  line >> offset >> view.byte_length;
  if (!line) throw std::runtime_error("bad tensor record for " + name);
  view.data = bin_range(b, offset, view.byte_length);
  b.weights.add(name, view);
}

void parse_case(std::istringstream& line, Bundle& b) {
  CaseRecord c;
  int all = 0;
  uint64_t ids = 0, mask = 0, types = 0;
  line >> c.name >> c.batch >> c.seq_len >> all >> ids >> mask >> types;
  if (!line || c.batch <= 0 || c.seq_len <= 0) throw std::runtime_error("bad case record " + c.name);
  c.all_outputs = all != 0;
  const size_t n = static_cast<size_t>(c.batch) * c.seq_len;
  c.input_ids = read_int32s(b, ids, n);
  c.attention_mask = read_int32s(b, mask, n);
  c.token_type_ids = read_int32s(b, types, n);
  b.cases.push_back(std::move(c));
}

// Reads bundle.bin first: the tensor records point into it.
void load_bundle(const std::string& dir, Bundle& b) {
  b.bin = read_bytes(dir + "/bundle.bin");
  std::ifstream text(dir + "/bundle.txt");
  if (!text) throw std::runtime_error("cannot read " + dir + "/bundle.txt");
  std::string raw;
  while (std::getline(text, raw)) {
    std::istringstream line(raw);
    std::string kind;
    if (!(line >> kind)) continue;
    if (kind == "config") {
      std::string key, value;
      line >> key >> value;
      b.config[key] = value;
    } else if (kind == "tensor") {
      parse_tensor(line, b);
    } else if (kind == "case") {
      parse_case(line, b);
    } else {
      throw std::runtime_error("bundle.txt: unknown record '" + kind + "'");
    }
  }
}

// bundle.txt's config records, read as the binding reads the JS config object: through
// albert::config_from_fields, which asks for each key by type.
struct BundleConfigFields {
  const std::map<std::string, std::string>& records;

  const std::string& text(const char* key) const {
    auto it = records.find(key);
    if (it == records.end()) throw std::runtime_error(std::string("bundle.txt: config ") + key + " missing");
    return it->second;
  }
  double number(const char* key) const {
    const std::string& value = text(key);
    char* end = nullptr;
    const double parsed = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end) throw std::runtime_error(std::string("bundle.txt: config ") + key + " is not a number");
    return parsed;
  }
  int integer(const char* key) const { return static_cast<int>(number(key)); }
};

// Appends a tensor's floats to bin and its index line to index.
void write_output(std::ofstream& index, std::ofstream& bin, const std::string& case_name, const std::string& name,
                  const albert::Tensor& t) {
  index << "output " << case_name << ' ' << name << ' ' << static_cast<uint64_t>(bin.tellp()) << ' ' << t.dims.size();
  for (int64_t d : t.dims) index << ' ' << d;
  index << '\n';
  bin.write(reinterpret_cast<const char*>(t.data.data()), static_cast<std::streamsize>(t.data.size() * sizeof(float)));
}

void run_cases(const albert::AlbertModel& model, const Bundle& b, const std::string& out_file) {
  std::ofstream index(out_file), bin(out_file + ".bin", std::ios::binary);
  if (!index || !bin) throw std::runtime_error("cannot write " + out_file);
  for (const CaseRecord& c : b.cases) {
    albert::ForwardRequest request;
    request.batch = c.batch;
    request.seq_len = c.seq_len;
    request.input_ids = c.input_ids.data();
    request.attention_mask = c.attention_mask.data();
    request.token_type_ids = c.token_type_ids.data();
    request.output_hidden_states = request.output_attentions = c.all_outputs;
    const albert::ForwardResult result = model.forward(request);
    for (const auto& [name, tensor] : result.outputs) write_output(index, bin, c.name, name, tensor);
    for (size_t i = 0; i < result.hidden_states.size(); ++i) {
      write_output(index, bin, c.name, "hidden_states." + std::to_string(i), result.hidden_states[i]);
    }
    for (size_t i = 0; i < result.attentions.size(); ++i) {
      write_output(index, bin, c.name, "attentions." + std::to_string(i), result.attentions[i]);
    }
  }
  if (!index.flush() || !bin.flush()) throw std::runtime_error("cannot write " + out_file);
}

}  // namespace

int run_forward_check(const char* bundle_dir, const char* isa, const char* out_file, const char* bf16_path) {
  try {
    Bundle bundle;
    load_bundle(bundle_dir, bundle);
    albert::ModelOptions options;
    options.threads = 2;  // as test/model/golden.test.mjs: the products split over the pool
    options.isa = albert::parse_isa(isa);
    if (bf16_path) {
      options.precision = albert::gemm::Precision::kBF16;
      options.bf16_path = albert::gemm::parse_bf16_path(bf16_path);
    }
    const albert::ModelConfig config = albert::config_from_fields(BundleConfigFields{bundle.config});
    // Built as the addon builds every model: weights first, then a model on them.
    const albert::AlbertModel model(config, albert::AlbertModel::load_weights(config, bundle.weights, options), options);
    run_cases(model, bundle, out_file);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "albert_engine_check forward: %s\n", e.what());
    return 2;
  }
}

}  // namespace engine_check
