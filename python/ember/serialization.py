"""ember.save / ember.load: checkpoints of tensors, state_dicts and nested
containers, like torch.save / torch.load but with no code execution on load.

Files are plain tensor files written and read by the C++ core (``ember::io``):

* safetensors (our native format; any path not ending in .pt/.pth/.bin/.tar,
  and file-like objects): every tensor of ``obj`` is stored under its dotted
  path (``{'model': sd, 'epoch': 3}`` stores ``model.fc.weight``, ...), and
  the rest of the structure -- dicts (and which were OrderedDicts), lists,
  tuples, non-tensor numbers, strings, None, dtypes -- is a small JSON tree in
  the header's ``__metadata__`` under the key ``"ember"``. Other safetensors
  readers (and ``ember::io::load`` in C++) see the flat dotted tensors.
* PyTorch's zip format for .pt/.pth/.bin/.tar paths: a single tensor or a flat
  ``str -> Tensor`` dict (a state_dict) is written exactly as torch.save does,
  so ``torch.load(path, weights_only=True)`` returns the tensor or the
  OrderedDict. Anything nested is stored flat (dotted names) with the JSON
  structure as an extra uint8 tensor ``"__ember_structure__"``; torch reads
  that file as a flat OrderedDict.

``ember.load`` recognises the format from the file's first bytes, so it also
reads .pt files written by torch.save: state_dicts, and whole checkpoints
(nested dicts, an optimizer's state_dict, lists, tuples, strings, numbers,
None) through a restricted unpickler that only rebuilds tensors and
containers. A truncated, corrupt or hostile file raises RuntimeError.
"""

import collections
import json
import math
import os
import shutil
import tempfile

from . import _C

__all__ = ["save", "load"]

_META_KEY = "ember"
_PT_STRUCT_KEY = "__ember_structure__"
_FORMAT_VERSION = 1


def _is_path(f):
    return isinstance(f, (str, bytes, os.PathLike))


def _is_pt_path(path):
    return _C._io.format_for_path(os.fsdecode(path)) == "pt"


# ----------------------------------------------------------------- encoding


class _Encoder:
    def __init__(self):
        self.tensors = collections.OrderedDict()

    def _name(self, path):
        base = ".".join(path) if path else "tensor"
        name, n = base, 1
        while name in self.tensors or name == _PT_STRUCT_KEY:
            name = "%s#%d" % (base, n)
            n += 1
        return name

    def enc(self, x, path):
        from .nn.parameter import Parameter

        if isinstance(x, _C.Tensor):
            name = self._name(path)
            self.tensors[name] = x.detach()
            node = {"T": name}
            if isinstance(x, Parameter):
                node["P"] = bool(x.requires_grad)
            elif x.requires_grad:
                node["G"] = True
            return node
        if x is None or isinstance(x, (bool, str)):
            return x
        if isinstance(x, int):
            return int(x)
        if isinstance(x, float):
            if math.isfinite(x):
                return float(x)
            return {"F": repr(x)}  # 'inf', '-inf', 'nan'
        if isinstance(x, dict):
            items = []
            for k, v in x.items():
                if not (k is None or isinstance(k, (bool, int, float, str, tuple))):
                    raise TypeError("ember.save: dict keys must be str, numbers, None or tuples, got %s"
                                    % type(k).__name__)
                items.append([self.enc(k, path + ["key"]), self.enc(v, path + [str(k)])])
            node = {"D": items}
            if isinstance(x, collections.OrderedDict):
                node["O"] = True
            return node
        if isinstance(x, tuple):
            return {"U": [self.enc(v, path + [str(i)]) for i, v in enumerate(x)]}
        if isinstance(x, list):
            return {"L": [self.enc(v, path + [str(i)]) for i, v in enumerate(x)]}
        if isinstance(x, _C.dtype):
            return {"dtype": repr(x).split(".", 1)[1]}
        if isinstance(x, _C.device):
            return {"device": str(x)}
        from .nn.modules.module import Module

        hint = ""
        if isinstance(x, Module):  # torch pickles whole modules; ember's files hold no code
            hint = ("; to save a model, save its state_dict() and load it into a new %s with "
                    "load_state_dict()" % type(x).__name__)
        raise TypeError("ember.save: cannot save an object of type %s (supported: tensors, dicts, lists, "
                        "tuples, numbers, strings, None, dtypes, devices)%s" % (type(x).__name__, hint))


def _decode(node, tensors, map_tensor):
    from .nn.parameter import Parameter

    def dec(n):
        if n is None or isinstance(n, (bool, int, float, str)):
            return n
        if isinstance(n, list):
            raise ValueError("unexpected list node")
        if not isinstance(n, dict) or len(n) == 0:
            raise ValueError("bad node %r" % (n,))
        if "T" in n:
            name = n["T"]
            if not isinstance(name, str) or name not in tensors:
                raise ValueError("structure refers to a missing tensor %r" % (name,))
            t = map_tensor(tensors[name])
            if "P" in n:
                return Parameter(t, requires_grad=bool(n["P"]))
            if n.get("G"):
                t.requires_grad_(True)
            return t
        if "F" in n:
            if n["F"] not in ("inf", "-inf", "nan"):
                raise ValueError("bad float %r" % (n["F"],))
            return float(n["F"])
        if "D" in n:
            out = collections.OrderedDict() if n.get("O") else {}
            for kv in n["D"]:
                if not isinstance(kv, list) or len(kv) != 2:
                    raise ValueError("bad dict item")
                k = dec(kv[0])
                if isinstance(k, list):
                    k = tuple(k)
                out[k] = dec(kv[1])
            return out
        if "L" in n:
            return [dec(v) for v in n["L"]]
        if "U" in n:
            return tuple(dec(v) for v in n["U"])
        if "dtype" in n:
            import ember

            d = getattr(ember, n["dtype"], None)
            if not isinstance(d, _C.dtype):
                raise ValueError("unknown dtype %r" % (n["dtype"],))
            return d
        if "device" in n:
            return _C.device(n["device"])
        raise ValueError("unknown node %r" % (sorted(n),))

    return dec(node)


# ----------------------------------------------------------------- save


def _structure_json(enc, root):
    return json.dumps({"version": _FORMAT_VERSION, "root": root}, allow_nan=False, separators=(",", ":"))


def _save_to_path(obj, path, pt):
    if pt:
        # exactly what torch.save writes for a tensor or a flat str -> Tensor dict
        if isinstance(obj, _C.Tensor):
            _C._io.save(obj.detach(), path)
            return
        if isinstance(obj, dict) and all(isinstance(k, str) and k != _PT_STRUCT_KEY for k in obj) and \
                all(isinstance(v, _C.Tensor) for v in obj.values()):
            _C._io.save_pt(collections.OrderedDict((k, v.detach()) for k, v in obj.items()), path)
            return
    enc = _Encoder()
    root = enc.enc(obj, [])
    meta = _structure_json(enc, root)
    if pt:
        tensors = collections.OrderedDict(enc.tensors)
        tensors[_PT_STRUCT_KEY] = _C.tensor(list(meta.encode("utf-8")), dtype=_C.uint8)
        _C._io.save_pt(tensors, path)
    else:
        _C._io.save_safetensors(enc.tensors, path, {_META_KEY: meta, "format": "pt"})


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True):
    """Saves ``obj`` (a tensor, a state_dict, or nested dicts/lists/tuples of
    tensors and plain values) to ``f``, a path or a writable binary file
    object. The format comes from the extension: .pt/.pth/.bin/.tar give
    PyTorch's zip format, anything else (and file objects) safetensors.
    Writes to paths are atomic."""
    if _is_path(f):
        path = os.fsdecode(f)
        _save_to_path(obj, path, _is_pt_path(path))
        return
    if not hasattr(f, "write"):
        raise TypeError("ember.save: f must be a path or a writable file object, got %s" % type(f).__name__)
    d = tempfile.mkdtemp(prefix="ember_save_")
    try:
        tmp = os.path.join(d, "obj.safetensors")
        _save_to_path(obj, tmp, False)
        with open(tmp, "rb") as src:
            shutil.copyfileobj(src, f)
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ----------------------------------------------------------------- load


def _device_mapper(map_location):
    if map_location is None:
        return lambda t: t
    if callable(map_location) and not isinstance(map_location, (str, _C.device)):
        def fn(t):
            r = map_location(t, "cpu")
            return t if r is None else r
        return fn
    if isinstance(map_location, dict):
        target = map_location.get("cpu")
        if target is None:
            return lambda t: t
        map_location = target
    dev = _C.device(map_location) if isinstance(map_location, str) else map_location
    if dev.type == "cpu":
        return lambda t: t
    return lambda t: t.to(dev)


def _load_path(path, map_location):
    mapper = _device_mapper(map_location)
    try:
        with open(path, "rb") as fh:
            magic = fh.read(4)
    except OSError:
        raise
    if magic[:2] == b"PK":
        # the whole pickled object (torch checkpoints hold optimizer states,
        # lists, strings, None), rebuilt from the restricted unpickler's tree
        tensors, tree = _C._io.load_pt_tree(path)
        plain = _from_meta(path, tree, tensors, lambda t: t)
        if isinstance(plain, dict) and _PT_STRUCT_KEY in plain:  # a nested object ember.save wrote
            raw = plain.pop(_PT_STRUCT_KEY)
            if not isinstance(raw, _C.Tensor) or not all(isinstance(v, _C.Tensor) for v in plain.values()):
                raise RuntimeError("ember.load: %s: corrupt ember structure record" % path)
            try:
                meta = bytes(raw.tolist()).decode("utf-8")
            except Exception as e:  # noqa: BLE001
                raise RuntimeError("ember.load: %s: corrupt ember structure record (%s)" % (path, e)) from None
            return _from_meta(path, meta, plain, mapper)
        return _from_meta(path, tree, tensors, mapper)
    tensors = _C._io.load_safetensors(path)
    meta = _C._io.load_safetensors_metadata(path)
    if _META_KEY in meta:
        return _from_meta(path, meta[_META_KEY], tensors, mapper)
    return collections.OrderedDict((k, mapper(v)) for k, v in tensors.items())


def _from_meta(path, meta, tensors, mapper):
    try:
        doc = json.loads(meta)
        if not isinstance(doc, dict) or "root" not in doc:
            raise ValueError("no root")
        if doc.get("version", 0) > _FORMAT_VERSION:
            raise ValueError("written by a newer ember (format version %r)" % (doc.get("version"),))
        return _decode(doc["root"], tensors, mapper)
    except RecursionError:
        raise RuntimeError("ember.load: %s: structure record nested too deeply" % path) from None
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise RuntimeError("ember.load: %s: corrupt ember structure record (%s)" % (path, e)) from None


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None, **pickle_load_args):
    """Loads what :func:`save` wrote (or a torch.save'd zip .pt state_dict)
    from a path or a readable binary file object. Never executes code from
    the file, whatever ``weights_only`` says. ``map_location`` ("cpu",
    "cuda", an ember.device, a {"cpu": device} dict or a callable
    ``(tensor, "cpu") -> tensor``) moves the loaded tensors."""
    if _is_path(f):
        path = os.fsdecode(f)
        if not os.path.exists(path):
            raise FileNotFoundError(2, "No such file or directory", path)
        return _load_path(path, map_location)
    if not hasattr(f, "read"):
        raise TypeError("ember.load: f must be a path or a readable file object, got %s" % type(f).__name__)
    data = f.read()
    if isinstance(data, str):
        raise TypeError("ember.load: the file object must be opened in binary mode")
    d = tempfile.mkdtemp(prefix="ember_load_")
    try:
        tmp = os.path.join(d, "obj")
        with open(tmp, "wb") as out:
            out.write(data)
        return _load_path(tmp, map_location)
    finally:
        shutil.rmtree(d, ignore_errors=True)

