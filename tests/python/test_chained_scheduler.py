"""lr_scheduler.ChainedScheduler against torch 1.13: the compounded rates over
many steps, get_last_lr, state_dict round trip, and the mixed-optimizer error."""
import pytest
import torch

import ember


def _make(lib):
    p = lib.nn.Parameter(lib.zeros(2))
    opt = lib.optim.SGD([p], lr=1.0, momentum=0.9)
    L = lib.optim.lr_scheduler
    sched = L.ChainedScheduler([L.ConstantLR(opt, factor=0.1, total_iters=2), L.ExponentialLR(opt, gamma=0.9)])
    return opt, sched, L


def test_chained_scheduler_matches_torch():
    eopt, es, _ = _make(ember)
    topt, ts, _ = _make(torch)
    for _ in range(12):
        assert es.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12)
        assert eopt.param_groups[0]["lr"] == pytest.approx(topt.param_groups[0]["lr"], rel=1e-12)
        eopt.step(), topt.step()
        es.step(), ts.step()
    # state_dict round trip into a fresh chain continues the same trajectory
    eopt2, es2, _ = _make(ember)
    es2.load_state_dict(es.state_dict())
    eopt2.param_groups[0]["lr"] = eopt.param_groups[0]["lr"]
    for _ in range(3):
        es.step(), es2.step()
        assert eopt2.param_groups[0]["lr"] == pytest.approx(eopt.param_groups[0]["lr"], rel=1e-12)
    assert set(es.state_dict()) == set(ts.state_dict())


def test_chained_scheduler_rejects_two_optimizers():
    for lib in (ember, torch):
        L = lib.optim.lr_scheduler
        o1 = lib.optim.SGD([lib.nn.Parameter(lib.zeros(1))], lr=1.0)
        o2 = lib.optim.SGD([lib.nn.Parameter(lib.zeros(1))], lr=1.0)
        with pytest.raises(ValueError, match="same optimizer"):
            L.ChainedScheduler([L.StepLR(o1, 1), L.StepLR(o2, 1)])
