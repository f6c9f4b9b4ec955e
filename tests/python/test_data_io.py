"""ember.utils.data (Dataset, TensorDataset, Subset, random_split, samplers,
DataLoader, default_collate) against torch.utils.data, and ember.save /
ember.load: exact round trips, .pt interop with torch 1.13 in both
directions, corrupt files raising RuntimeError."""
import collections
import io
import os
import struct

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import ember

# (attribute access, not ``from ember.utils.data import``: with EMBER_TEST_WITH_TORCH=1
# ``ember`` is torch under another name, and a submodule import would load torch.utils twice)
_data = ember.utils.data
BatchSampler, ConcatDataset, DataLoader, Dataset = _data.BatchSampler, _data.ConcatDataset, _data.DataLoader, _data.Dataset
RandomSampler, SequentialSampler, Subset = _data.RandomSampler, _data.SequentialSampler, _data.Subset
TensorDataset, default_collate, random_split = _data.TensorDataset, _data.default_collate, _data.random_split

SELF_CHECK = ember is torch  # EMBER_TEST_WITH_TORCH=1
needs_ember = pytest.mark.skipif(SELF_CHECK, reason="ember-specific (file format) behaviour")


def W(n):
    """num_workers: ember's workers are threads; torch's (self-check mode) are forked
    processes, which can hang in a threaded test process, so the self-check uses 0."""
    return 0 if SELF_CHECK else n


def E(a):
    return ember.tensor(np.asarray(a))


def T(a):
    return torch.tensor(np.asarray(a))


def as_np(x):
    return np.asarray(x.tolist()) if hasattr(x, "tolist") else np.asarray(x)


def same_structure(e, t):
    """Compares an ember batch with a torch batch: same containers, same values and dtypes."""
    if isinstance(t, torch.Tensor):
        assert hasattr(e, "shape") and list(e.shape) == list(t.shape)
        assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
        np.testing.assert_array_equal(as_np(e), t.numpy())
    elif isinstance(t, dict):
        assert type(e) is type(t) and list(e) == list(t)
        for k in t:
            same_structure(e[k], t[k])
    elif isinstance(t, (list, tuple)):
        assert type(e) is type(t) and len(e) == len(t)
        for a, b in zip(e, t):
            same_structure(a, b)
    else:
        assert e == t


# ------------------------------------------------------------------ datasets


def test_tensor_dataset_and_subset():
    x = np.random.randn(10, 3).astype(np.float32)
    y = np.arange(10)
    ds = TensorDataset(E(x), E(y))
    assert len(ds) == 10
    xi, yi = ds[3]
    np.testing.assert_array_equal(as_np(xi), x[3])
    assert int(yi.item()) == 3
    sub = Subset(ds, [7, 2, 5])
    assert len(sub) == 3 and int(sub[1][1].item()) == 2
    with pytest.raises((ValueError, AssertionError)):
        TensorDataset(E(x), E(np.arange(9)))
    cat = ConcatDataset([sub, ds])
    assert len(cat) == 13 and int(cat[3][1].item()) == 0 and int(cat[-1][1].item()) == 9


@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (3, False), (3, True), (10, False), (16, True)])
def test_sequential_loading_matches_torch(batch_size, drop_last):
    x = np.random.randn(10, 2, 3).astype(np.float32)
    y = np.arange(10)
    el = DataLoader(TensorDataset(E(x), E(y)), batch_size=batch_size, drop_last=drop_last)
    tl = tud.DataLoader(tud.TensorDataset(T(x), T(y)), batch_size=batch_size, drop_last=drop_last)
    assert len(el) == len(tl)
    eb, tb = list(el), list(tl)
    assert len(eb) == len(tb)
    for e, t in zip(eb, tb):
        same_structure(e, t)


class DictDataset(Dataset):
    def __len__(self):
        return 7

    def __getitem__(self, i):
        return {"x": np.full((2,), i, dtype=np.float32), "n": i, "f": i / 2, "s": "item%d" % i,
                "pair": (i, [float(i), float(-i)])}


def test_default_collate_containers_match_torch():
    for bs in (1, 3):
        for e, t in zip(DataLoader(DictDataset(), batch_size=bs), tud.DataLoader(DictDataset(), batch_size=bs)):
            same_structure(e, t)
    batch = [(E([1.0, 2.0]), 3), (E([4.0, 5.0]), 6)]
    out = default_collate(batch)
    assert isinstance(out, list) and list(out[0].shape) == [2, 2] and out[1].tolist() == [3, 6]
    with pytest.raises(RuntimeError):
        default_collate([[1, 2], [1, 2, 3]])


def test_batch_size_none_and_custom_collate():
    ds = TensorDataset(E(np.arange(5)))
    assert [b[0].tolist() for b in DataLoader(ds, batch_size=None)] == [0, 1, 2, 3, 4]
    dl = DataLoader(ds, batch_size=2, collate_fn=lambda b: [int(s[0].item()) for s in b])
    assert list(dl) == [[0, 1], [2, 3], [4]]


def test_samplers():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    bs = BatchSampler(SequentialSampler(range(10)), 4, False)
    assert list(bs) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]] and len(bs) == 3
    assert list(BatchSampler(range(10), 4, True)) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    g = ember.Generator().manual_seed(5)
    perm = list(RandomSampler(range(20), generator=g))
    assert sorted(perm) == list(range(20))
    draws = list(RandomSampler(range(5), replacement=True, num_samples=40, generator=g))
    assert len(draws) == 40 and all(0 <= d < 5 for d in draws)
    # a custom sampler drives the order
    dl = DataLoader(TensorDataset(E(np.arange(6))), batch_size=2, sampler=[5, 4, 3, 2, 1, 0])
    assert [b[0].tolist() for b in dl] == [[5, 4], [3, 2], [1, 0]]
    dl = DataLoader(TensorDataset(E(np.arange(6))), batch_sampler=[[0, 5], [1]])
    assert [b[0].tolist() for b in dl] == [[0, 5], [1]]
    with pytest.raises(ValueError):
        DataLoader(range(4), sampler=[0, 1], shuffle=True)
    with pytest.raises(ValueError):
        DataLoader(range(4), batch_sampler=[[0]], batch_size=2)


def epoch_labels(dl):
    return [b[1].tolist() for b in dl]


def test_shuffle_is_seeded_and_workers_give_same_batches():
    x = np.random.randn(50, 4).astype(np.float32)
    ds = TensorDataset(E(x), E(np.arange(50)))

    def run(seed, workers):
        g = ember.Generator().manual_seed(seed)
        dl = DataLoader(ds, batch_size=8, shuffle=True, generator=g, num_workers=W(workers))
        return [epoch_labels(dl), epoch_labels(dl)]  # two epochs

    a, b = run(3, 0), run(3, 0)
    assert a == b
    assert a[0] != a[1]  # each epoch draws a new permutation
    assert sorted(sum(a[0], [])) == list(range(50))
    assert run(4, 0) != a
    assert run(3, 2) == a  # num_workers=2: same batches, same order
    # without a generator, ember.manual_seed makes it reproducible
    ember.manual_seed(11)
    c = epoch_labels(DataLoader(ds, batch_size=8, shuffle=True))
    ember.manual_seed(11)
    assert epoch_labels(DataLoader(ds, batch_size=8, shuffle=True, num_workers=W(3))) == c


def test_workers_sequential_and_errors():
    x = np.random.randn(23, 3).astype(np.float32)
    ds = TensorDataset(E(x), E(np.arange(23)))
    for e, t in zip(DataLoader(ds, batch_size=4, num_workers=W(2), prefetch_factor=3 if not SELF_CHECK else 2),
                    tud.DataLoader(tud.TensorDataset(T(x), T(np.arange(23))), batch_size=4)):
        same_structure(e, t)

    class Bad(Dataset):
        def __len__(self):
            return 10

        def __getitem__(self, i):
            if i == 6:
                raise KeyError("bad sample")
            return i

    with pytest.raises(KeyError):
        list(DataLoader(Bad(), batch_size=2, num_workers=W(2)))
    # breaking out early is fine
    for _ in DataLoader(ds, batch_size=2, num_workers=W(2)):
        break


def test_random_split():
    parts = random_split(range(10), [3, 7], generator=ember.Generator().manual_seed(0))
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(list(parts[0]) + list(parts[1])) == list(range(10))
    again = random_split(range(10), [3, 7], generator=ember.Generator().manual_seed(0))
    assert list(again[0]) == list(parts[0])
    fr = random_split(range(10), [0.5, 0.3, 0.2], generator=ember.Generator().manual_seed(0))
    assert [len(p) for p in fr] == [5, 3, 2]
    with pytest.raises(ValueError):
        random_split(range(10), [3, 8])


def test_iterable_dataset():
    class Stream(ember.utils.data.IterableDataset):
        def __iter__(self):
            return iter(range(7))

    assert [b.tolist() for b in DataLoader(Stream(), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [b.tolist() for b in DataLoader(Stream(), batch_size=3, drop_last=True, num_workers=W(2))] == \
        [[0, 1, 2], [3, 4, 5]]


# ------------------------------------------------------------------ save / load


def assert_exact(a, b):
    assert type(a) is type(b) or (isinstance(a, dict) and isinstance(b, dict)), (type(a), type(b))
    if isinstance(a, ember.Tensor):
        assert a.dtype == b.dtype and list(a.shape) == list(b.shape)
        np.testing.assert_array_equal(as_np(a), as_np(b))
    elif isinstance(a, dict):
        assert type(a) is type(b) and list(a.keys()) == list(b.keys())
        for k in a:
            assert_exact(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_exact(x, y)
    elif isinstance(a, float) and a != a:
        assert b != b
    else:
        assert a == b


def make_checkpoint():
    model = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.BatchNorm1d(3), ember.nn.Linear(3, 2))
    opt = ember.optim.AdamW(model.parameters(), lr=1e-3)
    model(ember.randn(5, 4)).sum().backward()
    opt.step()
    return model, opt, {"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3,
                        "loss": 0.25, "best": float("inf"), "name": "run1", "none": None,
                        "shape": (2, 3), "hist": [1.5, 2, True]}


@pytest.mark.parametrize("ext", [".safetensors", ".pt", ".ckpt"])
def test_save_load_round_trip_exact(tmp_path, ext):
    dtypes = [ember.float32, ember.float64, ember.int64, ember.int32, ember.uint8, ember.bool, ember.float16,
              ember.int8, ember.int16, ember.bfloat16]
    flat = collections.OrderedDict()
    for i, dt in enumerate(dtypes):
        flat["t%d" % i] = (ember.randn(3, 4) * 10).to(dt)
    flat["scalar"] = ember.tensor(3.5)
    flat["empty"] = ember.zeros(0, 2)
    flat["strided"] = ember.arange(12.0).view(3, 4).t()
    p = tmp_path / ("flat" + ext)
    ember.save(flat, p)
    back = ember.load(p)
    assert isinstance(back, collections.OrderedDict)
    assert_exact(flat, back)

    t = ember.randn(2, 5)
    ember.save(t, str(tmp_path / ("t" + ext)))
    assert_exact(t, ember.load(str(tmp_path / ("t" + ext))))

    _, _, ck = make_checkpoint()
    ember.save(ck, tmp_path / ("ck" + ext))
    assert_exact(ck, ember.load(tmp_path / ("ck" + ext)))


def test_resume_model_and_optimizer(tmp_path):
    model, opt, ck = make_checkpoint()
    ember.save(ck, tmp_path / "ck.safetensors")
    back = ember.load(tmp_path / "ck.safetensors")
    model2 = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.BatchNorm1d(3), ember.nn.Linear(3, 2))
    opt2 = ember.optim.AdamW(model2.parameters(), lr=1e-3)
    model2.load_state_dict(back["model"])
    opt2.load_state_dict(back["optim"])
    x = ember.randn(6, 4)
    for m, o in ((model, opt), (model2, opt2)):
        o.zero_grad()
        m(x).pow(2).sum().backward()
        o.step()
    for a, b in zip(model.parameters(), model2.parameters()):
        np.testing.assert_array_equal(as_np(a.detach()), as_np(b.detach()))


def test_save_load_file_objects(tmp_path):
    _, _, ck = make_checkpoint()
    buf = io.BytesIO()
    ember.save(ck, buf)
    buf.seek(0)
    assert_exact(ck, ember.load(buf))


@needs_ember
def test_map_location_and_parameters(tmp_path):
    w = ember.nn.Parameter(ember.randn(2, 2))
    ember.save({"w": w, "nested": {"w": w}}, tmp_path / "p.safetensors")
    back = ember.load(tmp_path / "p.safetensors", map_location="cpu")
    assert isinstance(back["w"], ember.nn.Parameter) and back["w"].requires_grad
    back = ember.load(tmp_path / "p.safetensors", map_location=lambda t, loc: t * 2)
    np.testing.assert_array_equal(as_np(back["w"].detach()), as_np(w.detach() * 2))


@needs_ember
def test_torch_reads_ember_pt(tmp_path):
    model = ember.nn.Sequential(ember.nn.Conv2d(1, 2, 3), ember.nn.BatchNorm2d(2), ember.nn.Flatten(),
                                ember.nn.Linear(2, 3))
    sd = model.state_dict()
    p = str(tmp_path / "model.pt")
    ember.save(sd, p)
    t = torch.load(p, weights_only=True)
    assert isinstance(t, collections.OrderedDict) and list(t) == list(sd)
    for k in sd:
        np.testing.assert_array_equal(t[k].numpy(), as_np(sd[k]))
        assert str(t[k].dtype).split(".")[-1] == str(sd[k].dtype).split(".")[-1]
    tm = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.Flatten(),
                             torch.nn.Linear(2, 3))
    tm.load_state_dict(t)
    x = np.random.randn(4, 1, 3, 3).astype(np.float32)
    model.eval()
    tm.eval()
    np.testing.assert_allclose(as_np(model(E(x)).detach()), tm(T(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    # a single tensor too
    ember.save(ember.arange(6).view(2, 3), str(tmp_path / "t.pth"))
    assert torch.load(str(tmp_path / "t.pth"), weights_only=True).tolist() == [[0, 1, 2], [3, 4, 5]]
    # a nested checkpoint is still a valid torch file (flat, dotted names)
    _, _, ck = make_checkpoint()
    ember.save(ck, str(tmp_path / "ck.pt"))
    flat = torch.load(str(tmp_path / "ck.pt"), weights_only=True)
    assert "model.0.weight" in flat


@needs_ember
def test_ember_reads_torch_pt(tmp_path):
    tm = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.LayerNorm(3), torch.nn.Linear(3, 2))
    p = str(tmp_path / "torch.pt")
    torch.save(tm.state_dict(), p)
    sd = ember.load(p)
    assert isinstance(sd, collections.OrderedDict) and list(sd) == list(tm.state_dict())
    model = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.LayerNorm(3), ember.nn.Linear(3, 2))
    model.load_state_dict(sd)
    x = np.random.randn(5, 4).astype(np.float32)
    np.testing.assert_allclose(as_np(model(E(x)).detach()), tm(T(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    torch.save(torch.arange(5), p)
    assert ember.load(p).tolist() == [0, 1, 2, 3, 4]
    # a whole torch checkpoint comes back as torch.load gives it: nested
    # dicts, the optimizer's state_dict (int keys, lists, tuples), strings, None
    opt = torch.optim.Adam(tm.parameters(), lr=0.01)
    tm(torch.randn(5, 4)).sum().backward()
    opt.step()
    ck = {"model": tm.state_dict(), "optim": opt.state_dict(), "epoch": 2, "name": "run-1", "best": None,
          "history": [0.5, float("inf")], "shape": (3, 4)}
    torch.save(ck, p)
    got = ember.load(p)
    ref = torch.load(p)
    assert list(got) == list(ck) and got["epoch"] == 2 and got["name"] == "run-1" and got["best"] is None
    assert got["history"] == [0.5, float("inf")] and got["shape"] == (3, 4)
    assert isinstance(got["model"], collections.OrderedDict) and list(got["model"]) == list(ref["model"])
    assert got["optim"]["param_groups"][0]["betas"] == (0.9, 0.999)
    assert got["optim"]["param_groups"][0]["params"] == ref["optim"]["param_groups"][0]["params"]
    for k, st in ref["optim"]["state"].items():
        for name, v in st.items():
            np.testing.assert_array_equal(as_np(got["optim"]["state"][k][name]), v.numpy())
    # ... and resumes an ember model and optimizer
    model.load_state_dict(got["model"])
    eopt = ember.optim.Adam(model.parameters(), lr=0.01)
    eopt.load_state_dict(got["optim"])
    opt.zero_grad()
    tm(T(x)).sum().backward()
    model(E(x)).sum().backward()
    opt.step()
    eopt.step()
    for (n, tp), ep in zip(tm.named_parameters(), model.parameters()):
        np.testing.assert_allclose(as_np(ep.detach()), tp.detach().numpy(), rtol=1e-5, atol=1e-6, err_msg=n)


@needs_ember
@pytest.mark.parametrize("ext", [".safetensors", ".pt"])
def test_corrupt_files_raise(tmp_path, ext):
    _, _, ck = make_checkpoint()
    good = tmp_path / ("good" + ext)
    ember.save(ck, good)
    data = good.read_bytes()
    bad = tmp_path / ("bad" + ext)
    rng = np.random.default_rng(0)
    cases = [b"", b"garbage", data[: len(data) // 2], data[:7], data[:-1]]
    for _ in range(20):
        b = bytearray(data)
        for i in rng.integers(0, len(b), 8):
            b[i] = int(rng.integers(0, 256))
        cases.append(bytes(b))
    if ext == ".safetensors":
        cases.append(struct.pack("<Q", 2**62) + data[8:])
        cases.append(struct.pack("<Q", 20) + b'{"a":{"dtype":"F32","shape":[1000000],"data_offsets":[0,4000000]}}')
    raised = 0
    for c in cases:
        bad.write_bytes(c)
        try:
            ember.load(bad)
        except RuntimeError:
            raised += 1
        # a flipped byte inside raw tensor data cannot be detected; anything else must raise RuntimeError
    assert raised >= 5
    with pytest.raises(FileNotFoundError):
        ember.load(tmp_path / "missing.safetensors")
    with pytest.raises(TypeError):
        ember.save({"x": object()}, tmp_path / "x.safetensors")
