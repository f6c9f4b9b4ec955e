#pragma once

// ember::io: checkpoints. Our native format is safetensors (little-endian,
// a JSON header, raw data, no code execution on load). PyTorch's zip `.pt`
// state_dict files are read through a restricted unpickler (only tensor
// rebuild and container globals; no Python needed) and written so that
// torch.load(path, weights_only=True) reads them.
//
//   ember::io::save(model->state_dict(), "model.safetensors");
//   model->load_state_dict(ember::io::load("model.safetensors"));
//   ember::io::save(*model, "model.pt");  // format chosen by extension
//   ember::io::load(*model, "from_torch.pt");
//
// Every save is atomic: the file is written to a temporary in the same
// directory, fsync'ed and renamed over the destination. Every load validates
// the whole file first: a truncated, corrupt or hostile file raises
// ember::RuntimeError, never crashes or reads out of bounds.

#include <map>
#include <string>
#include <utility>

#include "ember/nn/module.h"
#include "ember/tensor.h"

namespace ember {
namespace io {

/// Checkpoint formats, chosen from the extension by format_for_path:
/// ".pt", ".pth", ".bin" and ".tar" are PyTorch zip files; everything else
/// (".safetensors", ...) is safetensors.
enum class Format { SafeTensors, PyTorch };
EMBER_API Format format_for_path(const std::string& path);

// ---------------------------------------------------------------- safetensors

/// Writes tensors (any device, any layout; stored contiguous, on the CPU,
/// little-endian) under their names, with optional string metadata in
/// "__metadata__".
EMBER_API void save_safetensors(const nn::NamedTensors& tensors, const std::string& path,
                                const std::map<std::string, std::string>& metadata = {});
/// Reads every tensor, in the file's header order (CPU tensors).
EMBER_API nn::NamedTensors load_safetensors(const std::string& path);
/// The "__metadata__" map of a safetensors file.
EMBER_API std::map<std::string, std::string> load_safetensors_metadata(const std::string& path);

// ---------------------------------------------------------------- PyTorch .pt

/// Reads a state_dict saved by torch.save (the zip format of torch >= 1.6).
/// Tensors keep the storage offset, sizes and strides the file gives them,
/// and tensors that share a storage in the file share it here. Nested dicts
/// are flattened with "." ("model.fc.weight"); int, float and bool values
/// become 0-dim tensors. A file holding a single tensor gives {"": tensor}.
EMBER_API nn::NamedTensors load_pt(const std::string& path);
/// The whole object a .pt file holds (a checkpoint with an optimizer's
/// state, lists, strings, None...), through the same restricted unpickler:
/// its tensors, named t0, t1, ..., and its structure as JSON in the form
/// ember.save records ({"version": 1, "root": ...}; ember.load decodes it).
EMBER_API std::pair<nn::NamedTensors, std::string> load_pt_tree(const std::string& path);
/// Writes an OrderedDict state_dict that torch.load(path, weights_only=True)
/// reads. Tensors that are views of one storage are written sharing it.
EMBER_API void save_pt(const nn::NamedTensors& tensors, const std::string& path);

// ---------------------------------------------------------------- by extension

/// Saves by extension (see Format).
EMBER_API void save(const nn::NamedTensors& tensors, const std::string& path);
EMBER_API nn::NamedTensors load(const std::string& path);
/// One tensor: safetensors under the key "tensor"; .pt as torch.save(tensor).
EMBER_API void save(const Tensor& tensor, const std::string& path);
/// Reads a file holding exactly one tensor.
EMBER_API Tensor load_tensor(const std::string& path);
/// module.state_dict() to a file, and back (load_state_dict, strict by
/// default: missing, unexpected and mismatched keys are listed).
EMBER_API void save(const nn::Module& module, const std::string& path);
EMBER_API void load(nn::Module& module, const std::string& path, bool strict = true);

}  // namespace io
}  // namespace ember
