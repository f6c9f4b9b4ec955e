"""Whole programs of the kind people copy from PyTorch's tutorials, docs and common repos, run twice: once with
torch and once with ember standing in for it, as a user would port them by changing only the imports
(``import ember as torch``, ``import ember.nn as nn``, ...). Each program gets the library through ``L``
(L.torch, L.nn, L.F, L.optim, L.data, L.rnn) and logs what it would print; the two logs must agree (numbers
within a tolerance, strings with "ember." read as "torch.").

Random numbers come from NumPy, and weights are set through state_dict / copy_ / from_numpy (ember's generator
is not torch's), so both runs compute the same thing. Each program runs a few steps: well under a second."""
import math
import types

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def lib(mod):
    return types.SimpleNamespace(torch=mod, nn=mod.nn, F=mod.nn.functional, optim=mod.optim, data=mod.utils.data,
                                 rnn=mod.nn.utils.rnn)


def _same(e, t, rtol, atol, where):
    if isinstance(t, (list, tuple)):
        assert isinstance(e, (list, tuple)) and len(e) == len(t), "%s: %r vs %r" % (where, e, t)
        for i, (a, b) in enumerate(zip(e, t)):
            _same(a, b, rtol, atol, "%s[%d]" % (where, i))
    elif isinstance(t, dict):
        assert isinstance(e, dict) and list(e) == list(t), "%s: keys %r vs %r" % (where, list(e), list(t))
        for k in t:
            _same(e[k], t[k], rtol, atol, "%s[%r]" % (where, k))
    elif isinstance(t, str):
        assert e.replace("ember.", "torch.") == t, "%s: %r vs %r" % (where, e, t)
    elif isinstance(t, bool) or t is None:
        assert e is t or e == t, "%s: %r vs %r" % (where, e, t)
    elif isinstance(t, (int, float)):
        assert isinstance(e, (int, float)) and type(e) is type(t), "%s: %r (%s) vs %r (%s)" % (
            where, e, type(e).__name__, t, type(t).__name__)
        assert (math.isnan(e) and math.isnan(t)) or abs(e - t) <= atol + rtol * abs(t), "%s: %r vs %r" % (where, e, t)
    elif isinstance(t, np.ndarray):
        assert isinstance(e, np.ndarray) and e.dtype == t.dtype and e.shape == t.shape, "%s: %r vs %r" % (where, e, t)
        np.testing.assert_allclose(e, t, rtol=rtol, atol=atol, err_msg=where)
    else:
        raise TypeError("%s: log only plain values, got %s" % (where, type(t).__name__))


def run_both(program, tmp_path, rtol=1e-4, atol=1e-5):
    """Runs program(L, log, tmp_dir) with torch and with ember and compares the two logs entry by entry."""
    logs = {}
    for name, mod in (("torch", torch), ("ember", ember)):
        out = []
        d = tmp_path / name
        d.mkdir()
        program(lib(mod), lambda *a: out.append(a[0] if len(a) == 1 else list(a)), str(d))
        logs[name] = out
    t, e = logs["torch"], logs["ember"]
    assert len(e) == len(t), "ember logged %d entries, torch %d" % (len(e), len(t))
    for i, (a, b) in enumerate(zip(e, t)):
        _same(a, b, rtol, atol, "%s: entry %d" % (program.__name__, i))


def np_weights(model, L, seed, scale=0.2, skip=("running_var", "num_batches_tracked")):
    """Overwrites every float entry of model.state_dict() (but skip's) with NumPy uniforms, via load_state_dict."""
    rs = np.random.RandomState(seed)
    sd = {}
    for k, v in model.state_dict().items():
        if v.is_floating_point() and not any(s in k for s in skip):
            v = L.torch.from_numpy(rs.uniform(-scale, scale, size=tuple(v.shape)).astype(np.float32))
        sd[k] = v
    model.load_state_dict(sd)


# ------------------------------------------------------------------ the programs


def quickstart(L, log, tmp):
    """The PyTorch quickstart: Dataset / DataLoader subclasses, nn.Sequential, a train and a test loop, save and
    reload the state_dict, predict."""
    torch, nn = L.torch, L.nn
    device = "cuda" if torch.cuda.is_available() else "cpu"

    class BlobDataset(L.data.Dataset):
        def __init__(self, n, train=True, transform=None):
            rs = np.random.RandomState(0 if train else 1)
            self.x = rs.randn(n, 1, 8, 8).astype(np.float32)
            w = np.random.RandomState(2).randn(64, 10).astype(np.float32)
            self.y = (self.x.reshape(n, -1) @ w).argmax(1)
            self.transform = transform

        def __len__(self):
            return len(self.y)

        def __getitem__(self, idx):
            img = torch.from_numpy(self.x[idx])
            if self.transform:
                img = self.transform(img)
            return img, int(self.y[idx])

    training_data, test_data = BlobDataset(128), BlobDataset(64, train=False, transform=lambda t: t * 1.0)
    train_dataloader = L.data.DataLoader(training_data, batch_size=32)
    test_dataloader = L.data.DataLoader(test_data, batch_size=32)
    X, y = next(iter(test_dataloader))
    log(str(X.shape), str(y.shape), str(y.dtype), len(train_dataloader), len(test_dataloader.dataset))

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(nn.Linear(8 * 8, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(),
                                                   nn.Linear(32, 10))

        def forward(self, x):
            return self.linear_relu_stack(self.flatten(x))

    model = NeuralNetwork().to(device)
    log(repr(model))
    np_weights(model, L, 0)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-1)
    for epoch in range(2):
        model.train()
        for batch, (X, y) in enumerate(train_dataloader):
            X, y = X.to(device), y.to(device)
            loss = loss_fn(model(X), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if batch % 2 == 0:
                log("loss", loss.item(), (batch + 1) * len(X))
        model.eval()
        test_loss, correct = 0, 0
        with torch.no_grad():
            for X, y in test_dataloader:
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        log("test", test_loss / len(test_dataloader), correct / len(test_dataloader.dataset))
    path = tmp + "/model.pth"
    torch.save(model.state_dict(), path)
    model = NeuralNetwork()
    model.load_state_dict(torch.load(path))
    model.eval()
    x, y = test_data[0]
    with torch.no_grad():
        pred = model(x)
        log("predicted", str(pred[0].argmax(0).item()), "actual", str(y))


def resnet(L, log, tmp):
    """A small ResNet (torchvision's BasicBlock, downsample, kaiming init in the constructor), SGD with momentum
    and weight decay, StepLR, eval with softmax; BatchNorm running statistics."""
    torch, nn, F = L.torch, L.nn, L.F

    def conv3x3(in_planes, out_planes, stride=1):
        return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)

    class BasicBlock(nn.Module):
        expansion = 1

        def __init__(self, inplanes, planes, stride=1, downsample=None):
            super(BasicBlock, self).__init__()
            self.conv1 = conv3x3(inplanes, planes, stride)
            self.bn1 = nn.BatchNorm2d(planes)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = conv3x3(planes, planes)
            self.bn2 = nn.BatchNorm2d(planes)
            self.downsample = downsample

        def forward(self, x):
            identity = x
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            if self.downsample is not None:
                identity = self.downsample(x)
            out += identity
            return self.relu(out)

    class ResNet(nn.Module):
        def __init__(self, block, layers, num_classes=10):
            super().__init__()
            self.inplanes = 8
            self.conv1 = nn.Conv2d(3, 8, kernel_size=3, stride=1, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(8)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
            self.layer1 = self._make_layer(block, 8, layers[0])
            self.layer2 = self._make_layer(block, 16, layers[1], stride=2)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.dropout = nn.Dropout(p=0.0)
            self.fc = nn.Linear(16 * block.expansion, num_classes)
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)

        def _make_layer(self, block, planes, blocks, stride=1):
            downsample = None
            if stride != 1 or self.inplanes != planes * block.expansion:
                downsample = nn.Sequential(
                    nn.Conv2d(self.inplanes, planes * block.expansion, kernel_size=1, stride=stride, bias=False),
                    nn.BatchNorm2d(planes * block.expansion))
            layers = [block(self.inplanes, planes, stride, downsample)]
            self.inplanes = planes * block.expansion
            for _ in range(1, blocks):
                layers.append(block(self.inplanes, planes))
            return nn.Sequential(*layers)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer2(self.layer1(x))
            x = torch.flatten(self.avgpool(x), 1)
            return self.fc(self.dropout(x))

    model = ResNet(BasicBlock, [1, 1])
    log("params", sum(p.numel() for p in model.parameters() if p.requires_grad))
    rs = np.random.RandomState(0)
    new_sd = {}
    for k, v in model.state_dict().items():
        if v.dtype == torch.float32 and "running_var" not in k:
            new_sd[k] = torch.tensor(rs.normal(0, 0.2, size=tuple(v.shape)), dtype=torch.float32)
        else:
            new_sd[k] = v.clone()
    log(str(model.load_state_dict(new_sd, strict=True)), list(model.state_dict().keys())[:8])
    x = torch.tensor(np.random.RandomState(1).randn(8, 3, 16, 16), dtype=torch.float32)
    y = torch.tensor(np.random.RandomState(2).randint(0, 10, size=8))
    optimizer = L.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    scheduler = L.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(3):
        model.train()
        optimizer.zero_grad()
        outputs = model(x)
        loss = criterion(outputs, y)
        loss.backward()
        optimizer.step()
        scheduler.step()
        _, predicted = outputs.max(1)
        log(epoch, loss.item(), predicted.eq(y).sum().item(), scheduler.get_last_lr()[0])
    model.eval()
    with torch.no_grad():
        out = model(x)
        probs = F.softmax(out, dim=1)
        log("eval", out.sum().item(), probs.max(dim=1).values.mean().item())
    log(model.bn1.running_mean.tolist(), model.bn1.num_batches_tracked.item())
    log(type(model.layer1[0]).__name__, len(list(model.named_modules())), len(list(model.children())))


def autoencoders(L, log, tmp):
    """A convolutional autoencoder (Conv2d / ConvTranspose2d with output_padding, MSELoss, Adam with weight
    decay) and the PyTorch examples' VAE (reparameterization, BCE + KL loss) over a TensorDataset."""
    torch, nn, F = L.torch, L.nn, L.F
    X = torch.from_numpy(np.random.RandomState(0).rand(32, 1, 12, 12).astype(np.float32))
    loader = L.data.DataLoader(L.data.TensorDataset(X, torch.zeros(32)), batch_size=16, shuffle=False,
                               drop_last=True)

    class ConvAutoencoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Sequential(nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
                                         nn.Conv2d(4, 8, 3, stride=2, padding=1), nn.Tanh())
            self.decoder = nn.Sequential(nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1), nn.ELU(),
                                         nn.ConvTranspose2d(4, 1, 3, stride=2, padding=1, output_padding=1),
                                         nn.Sigmoid())

        def forward(self, x):
            z = self.encoder(x)
            return self.decoder(z), z

    class VAE(nn.Module):
        def __init__(self, d=144, h=32, z=4):
            super().__init__()
            self.fc1, self.fc21, self.fc22 = nn.Linear(d, h), nn.Linear(h, z), nn.Linear(h, z)
            self.fc3, self.fc4 = nn.Linear(z, h), nn.Linear(h, d)

        def encode(self, x):
            h1 = F.relu(self.fc1(x))
            return self.fc21(h1), self.fc22(h1)

        def decode(self, z):
            return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

        def forward(self, x, eps):
            mu, logvar = self.encode(x.view(-1, 144))
            return self.decode(mu + eps * torch.exp(0.5 * logvar)), mu, logvar

    def np_init(model, seed):
        rs = np.random.RandomState(seed)
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(torch.from_numpy(rs.uniform(-0.3, 0.3, size=tuple(p.shape)).astype(np.float32)))

    ae = ConvAutoencoder()
    np_init(ae, 1)
    opt = torch.optim.Adam(ae.parameters(), lr=1e-3, weight_decay=1e-5)
    crit = nn.MSELoss()
    for epoch in range(2):
        running = 0.0
        for imgs, _ in loader:
            recon, z = ae(imgs)
            loss = crit(recon, imgs)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        log("AE", epoch, running / len(loader), list(z.shape))
    vae = VAE()
    np_init(vae, 2)
    opt = torch.optim.Adam(vae.parameters(), lr=1e-3)
    eps_all = torch.from_numpy(np.random.RandomState(3).randn(32, 4).astype(np.float32))
    for epoch in range(2):
        train_loss = 0
        for batch_idx, (data, _) in enumerate(loader):
            opt.zero_grad()
            recon, mu, logvar = vae(data, eps_all[batch_idx * 16:(batch_idx + 1) * 16])
            bce = F.binary_cross_entropy(recon, data.view(-1, 144), reduction="sum")
            kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
            loss = bce + kld
            loss.backward()
            train_loss += loss.item()
            opt.step()
        log("VAE", epoch, train_loss / len(loader.dataset))
    with torch.no_grad():
        sample = vae.decode(torch.from_numpy(np.random.RandomState(4).randn(4, 4).astype(np.float32))).cpu()
        log(str(sample.view(4, 1, 12, 12).shape), sample.mean().item())


def dcgan(L, log, tmp):
    """The DCGAN tutorial at toy size: weights_init through model.apply, two Adam optimizers, BCELoss,
    label.fill_, netD(fake.detach()), then the generator step through the same fake batch."""
    torch, nn = L.torch, L.nn
    nz, ngf, ndf, nc = 8, 4, 4, 1

    def weights_init(m):
        classname = m.__class__.__name__
        if classname.find("Conv") != -1:
            nn.init.normal_(m.weight.data, 0.0, 0.02)
        elif classname.find("BatchNorm") != -1:
            nn.init.normal_(m.weight.data, 1.0, 0.02)
            nn.init.constant_(m.bias.data, 0)

    class Generator(nn.Module):
        def __init__(self):
            super(Generator, self).__init__()
            self.main = nn.Sequential(
                nn.ConvTranspose2d(nz, ngf * 2, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
                nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
                nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh())

        def forward(self, input):
            return self.main(input)

    class Discriminator(nn.Module):
        def __init__(self):
            super(Discriminator, self).__init__()
            self.main = nn.Sequential(
                nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False), nn.Sigmoid())

        def forward(self, input):
            return self.main(input)

    netG, netD = Generator(), Discriminator()
    netG.apply(weights_init)
    netD.apply(weights_init)
    log(repr(netG))
    for net, seed in ((netG, 0), (netD, 1)):
        rs = np.random.RandomState(seed)
        net.load_state_dict({k: (torch.from_numpy(rs.normal(0, 0.1, size=tuple(v.shape)).astype(np.float32))
                                 if k.endswith("weight") else v) for k, v in net.state_dict().items()})
    criterion = nn.BCELoss()
    optimizerD = L.optim.Adam(netD.parameters(), lr=0.0002, betas=(0.5, 0.999))
    optimizerG = L.optim.Adam(netG.parameters(), lr=0.0002, betas=(0.5, 0.999))
    real = torch.from_numpy(np.random.RandomState(5).uniform(-1, 1, size=(8, 1, 16, 16)).astype(np.float32))
    for i in range(3):
        netD.zero_grad()
        label = torch.full((real.size(0),), 1.0, dtype=torch.float)
        output = netD(real).view(-1)
        errD_real = criterion(output, label)
        errD_real.backward()
        D_x = output.mean().item()
        noise = torch.from_numpy(np.random.RandomState(10 + i).randn(8, nz, 1, 1).astype(np.float32))
        fake = netG(noise)
        label.fill_(0.0)
        output = netD(fake.detach()).view(-1)
        errD_fake = criterion(output, label)
        errD_fake.backward()
        D_G_z1 = output.mean().item()
        errD = errD_real + errD_fake
        optimizerD.step()
        netG.zero_grad()
        label.fill_(1.0)
        output = netD(fake).view(-1)
        errG = criterion(output, label)
        errG.backward()
        optimizerG.step()
        log(i, errD.item(), errG.item(), D_x, D_G_z1, output.mean().item())
    with torch.no_grad():
        fake = netG(torch.from_numpy(np.random.RandomState(7).randn(2, nz, 1, 1).astype(np.float32))).detach().cpu()
    log(str(fake.shape), fake.abs().mean().item())


def custom_autograd(L, log, tmp):
    """The custom autograd.Function tutorials: LegendrePolynomial3 fitted by hand-written gradient descent on
    scalar tensors, MyReLU (boolean-mask assignment in backward), LinearFunction with ctx.needs_input_grad and
    gradcheck, a non-tensor argument, two outputs."""
    torch = L.torch

    class LegendrePolynomial3(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    class MyReLU(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input

    class LinearFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input, weight, bias=None):
            ctx.save_for_backward(input, weight, bias)
            output = input.mm(weight.t())
            if bias is not None:
                output += bias.unsqueeze(0).expand_as(output)
            return output

        @staticmethod
        def backward(ctx, grad_output):
            input, weight, bias = ctx.saved_tensors
            grad_input = grad_weight = grad_bias = None
            if ctx.needs_input_grad[0]:
                grad_input = grad_output.mm(weight)
            if ctx.needs_input_grad[1]:
                grad_weight = grad_output.t().mm(input)
            if bias is not None and ctx.needs_input_grad[2]:
                grad_bias = grad_output.sum(0)
            return grad_input, grad_weight, grad_bias

    class MulConstant(torch.autograd.Function):
        @staticmethod
        def forward(ctx, tensor, constant):
            ctx.constant = constant
            return tensor * constant

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * ctx.constant, None

    class Split(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone(), x.clone() * 2

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 + 2 * g2

    x = torch.linspace(-math.pi, math.pi, 200, dtype=torch.float)
    y = torch.sin(x)
    a = torch.full((), 0.0, dtype=torch.float, requires_grad=True)
    b = torch.full((), -1.0, dtype=torch.float, requires_grad=True)
    c = torch.full((), 0.0, dtype=torch.float, requires_grad=True)
    d = torch.full((), 0.3, dtype=torch.float, requires_grad=True)
    for t in range(100):
        y_pred = a + b * LegendrePolynomial3.apply(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        if t % 50 == 49:
            log(t, loss.item())
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= 5e-6 * p.grad
                p.grad = None
    log([a.item(), b.item(), c.item(), d.item()])
    inp = torch.tensor(np.random.RandomState(0).randn(4, 3), dtype=torch.double, requires_grad=True)
    w = torch.tensor(np.random.RandomState(1).randn(5, 3), dtype=torch.double, requires_grad=True)
    bias = torch.tensor(np.random.RandomState(2).randn(5), dtype=torch.double, requires_grad=True)
    log("gradcheck", torch.autograd.gradcheck(LinearFunction.apply, (inp, w, bias), eps=1e-6, atol=1e-4))
    LinearFunction.apply(inp, w, bias).sum().backward()
    log(bias.grad.tolist())
    MyReLU.apply(inp).sum().backward()
    log(inp.grad.sum().item())
    m = MulConstant.apply(w, 3.0)
    m.backward(torch.ones_like(m))
    log(w.grad.sum().item(), m.grad_fn is not None, m.requires_grad)
    s1, s2 = Split.apply(bias)
    (s1.sum() + s2.sum()).backward()
    log(bias.grad.tolist())


def regression_schedulers(L, log, tmp):
    """Linear regression with MSELoss, standardized features, SGD with momentum under each common LR scheduler
    (ReduceLROnPlateau stepped with the loss), R^2 at the end."""
    torch, nn = L.torch, L.nn
    sch = L.optim.lr_scheduler
    rs = np.random.RandomState(0)
    X_np = rs.rand(100, 3).astype(np.float32)
    y_np = (X_np @ np.array([[2.0], [-3.0], [1.0]], dtype=np.float32) + 0.5 + 0.01 * rs.randn(100, 1))
    X, y = torch.from_numpy(X_np), torch.from_numpy(y_np.astype(np.float32))
    Xn = (X - X.mean(dim=0, keepdim=True)) / X.std(dim=0, keepdim=True)

    class LinearRegression(nn.Module):
        def __init__(self, n_in):
            super().__init__()
            self.linear = nn.Linear(n_in, 1)

        def forward(self, x):
            return self.linear(x)

    makers = {
        "step": lambda o: sch.StepLR(o, step_size=5, gamma=0.5),
        "exp": lambda o: sch.ExponentialLR(o, gamma=0.9),
        "cos": lambda o: sch.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
        "plateau": lambda o: sch.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=1),
        "lambda": lambda o: sch.LambdaLR(o, lr_lambda=lambda epoch: 0.95 ** epoch),
        "onecycle": lambda o: sch.OneCycleLR(o, max_lr=0.2, total_steps=20),
        "multistep": lambda o: sch.MultiStepLR(o, milestones=[3, 8], gamma=0.1),
    }
    for name, make in makers.items():
        model = LinearRegression(3)
        with torch.no_grad():
            model.linear.weight.copy_(torch.tensor([[0.1, 0.2, -0.1]]))
            model.linear.bias.fill_(0.0)
        criterion = nn.MSELoss()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
        scheduler = make(optimizer)
        for epoch in range(20):
            loss = criterion(model(Xn), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step(loss.item()) if name == "plateau" else scheduler.step()
        log(name, loss.item(), optimizer.param_groups[0]["lr"], model.linear.weight.view(-1).tolist(),
            model.linear.bias.item())
    model.eval()
    with torch.no_grad():
        log(model(Xn[:5]).squeeze().numpy())
        log((1 - ((model(Xn) - y) ** 2).sum() / ((y - y.mean()) ** 2).sum()).item())


def word_language_transformer(L, log, tmp):
    """The "language modeling with nn.Transformer" tutorial: PositionalEncoding with register_buffer and strided
    slice assignment, TransformerEncoder with a float causal mask from torch.triu, batchify / get_batch,
    clip_grad_norm_; then a batch_first pre-norm encoder with a bool mask and a key padding mask, and
    MultiheadAttention's weights."""
    torch, nn = L.torch, L.nn

    class PositionalEncoding(nn.Module):
        def __init__(self, d_model, dropout=0.1, max_len=5000):
            super().__init__()
            self.dropout = nn.Dropout(p=dropout)
            position = torch.arange(max_len).unsqueeze(1)
            div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
            pe = torch.zeros(max_len, 1, d_model)
            pe[:, 0, 0::2] = torch.sin(position * div_term)
            pe[:, 0, 1::2] = torch.cos(position * div_term)
            self.register_buffer("pe", pe)

        def forward(self, x):
            return self.dropout(x + self.pe[:x.size(0)])

    class TransformerModel(nn.Module):
        def __init__(self, ntoken, d_model, nhead, d_hid, nlayers, dropout=0.5):
            super().__init__()
            self.pos_encoder = PositionalEncoding(d_model, dropout)
            self.transformer_encoder = nn.TransformerEncoder(
                nn.TransformerEncoderLayer(d_model, nhead, d_hid, dropout), nlayers)
            self.encoder = nn.Embedding(ntoken, d_model)
            self.d_model = d_model
            self.decoder = nn.Linear(d_model, ntoken)

        def forward(self, src, src_mask):
            src = self.pos_encoder(self.encoder(src) * math.sqrt(self.d_model))
            return self.decoder(self.transformer_encoder(src, src_mask))

    def generate_square_subsequent_mask(sz):
        return torch.triu(torch.ones(sz, sz) * float("-inf"), diagonal=1)

    def batchify(data, bsz):
        seq_len = data.size(0) // bsz
        return data[:seq_len * bsz].view(bsz, seq_len).t().contiguous()

    def get_batch(source, i, bptt=6):
        seq_len = min(bptt, len(source) - 1 - i)
        return source[i:i + seq_len], source[i + 1:i + 1 + seq_len].reshape(-1)

    ntokens = 30
    model = TransformerModel(ntokens, 16, 2, 32, 2, dropout=0.0)
    rs = np.random.RandomState(0)
    model.load_state_dict({k: (torch.from_numpy(rs.uniform(-0.2, 0.2, size=tuple(v.shape)).astype(np.float32))
                               if not k.endswith("pe") else v) for k, v in model.state_dict().items()})
    train_data = batchify(torch.tensor(np.random.RandomState(1).randint(0, ntokens, size=120), dtype=torch.long), 4)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    src_mask = generate_square_subsequent_mask(6)
    log(repr(src_mask))
    model.train()
    for batch, i in enumerate(range(0, 24, 6)):
        data, targets = get_batch(train_data, i)
        if data.size(0) != 6:
            src_mask = src_mask[:data.size(0), :data.size(0)]
        output = model(data, src_mask)
        loss = criterion(output.view(-1, ntokens), targets)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        optimizer.step()
        log(batch, loss.item(), math.exp(loss.item()))
    layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, dropout=0.0, batch_first=True,
                                       activation="gelu", norm_first=True)
    enc = nn.TransformerEncoder(layer, num_layers=2, norm=nn.LayerNorm(8))
    np_weights(enc, L, 3, scale=0.3)
    x = torch.from_numpy(np.random.RandomState(4).randn(3, 5, 8).astype(np.float32))
    pad = torch.tensor([[False] * 5, [False] * 3 + [True] * 2, [False] * 4 + [True]])
    causal = torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1)
    enc.eval()
    with torch.no_grad():
        out = enc(x, mask=causal, src_key_padding_mask=pad)
    log(str(out.shape), out[:, 0, :3].flatten().tolist())
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    np_weights(mha, L, 5, scale=0.3)
    attn_out, attn_w = mha(x, x, x, key_padding_mask=pad, need_weights=True)
    log(str(attn_out.shape), str(attn_w.shape), attn_w.sum().item(), attn_out.abs().sum().item())


def checkpointing(L, log, tmp):
    """The "saving and loading a general checkpoint" recipe: a dict with the epoch, model and optimizer
    state_dicts and the loss; register_buffer (persistent and not); `p.data = ...` initialisation; resuming
    training from the loaded checkpoint; saving to a BytesIO; load_state_dict(strict=False) and its result."""
    import copy
    import io

    torch, nn = L.torch, L.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv1d(2, 4, kernel_size=3, padding=1)
            self.bn = nn.BatchNorm1d(4)
            self.fc = nn.Linear(4 * 6, 3)
            self.register_buffer("step_count", torch.zeros((), dtype=torch.long))
            self.register_buffer("scratch", torch.zeros(2), persistent=False)

        def forward(self, x):
            self.step_count += 1
            return self.fc(torch.relu(self.bn(self.conv(x))).flatten(1))

    model = Net()
    rs = np.random.RandomState(0)
    for name, p in model.named_parameters():
        p.data = torch.from_numpy(rs.uniform(-0.3, 0.3, size=p.shape).astype(np.float32))
    log(list(model.state_dict().keys()), isinstance(model.conv.weight, nn.Parameter))
    optimizer = L.optim.AdamW(model.parameters(), lr=1e-2)
    x = torch.from_numpy(np.random.RandomState(1).randn(5, 2, 6).astype(np.float32))
    y = torch.tensor([0, 1, 2, 1, 0])
    for epoch in range(3):
        optimizer.zero_grad()
        loss = L.F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    path = tmp + "/ckpt.pt"
    torch.save({"epoch": epoch, "model_state_dict": model.state_dict(),
                "optimizer_state_dict": optimizer.state_dict(), "loss": loss,
                "meta": {"name": "net", "classes": [0, 1, 2]}}, path)
    model2 = Net()
    optimizer2 = L.optim.AdamW(model2.parameters(), lr=1e-2)
    checkpoint = torch.load(path)
    model2.load_state_dict(checkpoint["model_state_dict"])
    optimizer2.load_state_dict(checkpoint["optimizer_state_dict"])
    log(checkpoint["epoch"], checkpoint["loss"].item(), checkpoint["meta"], model2.step_count.item(),
        sorted(optimizer2.state_dict()["state"][0].keys()))
    for m, o in ((model, optimizer), (model2, optimizer2)):
        m.train()
        o.zero_grad()
        loss = L.F.cross_entropy(m(x), y)
        loss.backward()
        o.step()
        log("continued", loss.item())
    model.eval()
    model2.eval()
    with torch.no_grad():
        log(torch.allclose(model(x), model2(x)))
    buf = io.BytesIO()
    torch.save([torch.arange(5), torch.ones(2, 3, dtype=torch.float64)], buf)
    buf.seek(0)
    lst = torch.load(buf)
    log(lst[0].tolist(), str(lst[1].dtype))
    m3 = copy.deepcopy(model)
    sd = model.state_dict()
    sd.pop("fc.bias")
    res = m3.load_state_dict(sd, strict=False)
    log(res.missing_keys, res.unexpected_keys)
    with pytest.raises(RuntimeError, match="Error\\(s\\) in loading state_dict for Net"):
        m3.load_state_dict({"fc.weight": torch.zeros(2, 2)}, strict=False)


def training_utilities(L, log, tmp):
    """The usual training-loop utilities: init through model.apply, counting trainable parameters, freezing,
    named_modules, weight-decay / no-decay parameter groups, per-group learning rates, label smoothing,
    clip_grad_norm_ / clip_grad_value_, zero_grad(set_to_none=True), gradient accumulation,
    parameters_to_vector / vector_to_parameters."""
    torch, nn, F = L.torch, L.nn, L.F

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.backbone = nn.Sequential(nn.Linear(6, 16), nn.GELU(), nn.LayerNorm(16), nn.Linear(16, 16), nn.SiLU())
            self.head = nn.Linear(16, 3)
            self.emb = nn.Embedding(5, 6)

        def forward(self, idx, x):
            return self.head(self.backbone(x + self.emb(idx)))

    def init_weights(m):
        if isinstance(m, nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                m.bias.data.fill_(0.01)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    model = MLP()
    model.apply(init_weights)
    log(model.head.bias.tolist())
    rs = np.random.RandomState(0)
    with torch.no_grad():
        for n, p in model.named_parameters():
            p.copy_(torch.as_tensor(rs.uniform(-0.5, 0.5, size=tuple(p.shape)), dtype=p.dtype))
    log(sum(p.numel() for p in model.parameters() if p.requires_grad))
    for p in model.emb.parameters():
        p.requires_grad = False
    log(sum(p.numel() for p in model.parameters() if p.requires_grad))
    log([[name, type(module).__name__] for name, module in model.named_modules()])
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        if p.requires_grad:
            (no_decay if n.endswith("bias") or p.ndim == 1 else decay).append(p)
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                                   {"params": no_decay, "weight_decay": 0.0, "lr": 5e-3}], lr=1e-2, betas=(0.9, 0.95))
    opt2 = torch.optim.SGD([{"params": model.backbone.parameters()}, {"params": model.head.parameters(), "lr": 1e-3}],
                           lr=1e-2, momentum=0.9)
    log([g["lr"] for g in optimizer.param_groups], [g["weight_decay"] for g in optimizer.param_groups],
        [g["lr"] for g in opt2.param_groups])
    idx = torch.tensor(rs.randint(0, 5, size=16))
    x = torch.tensor(rs.randn(16, 6), dtype=torch.float32)
    y = torch.tensor(rs.randint(0, 3, size=16))
    for step in range(3):
        loss = F.cross_entropy(model(idx, x), y, label_smoothing=0.1)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        gn = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
        torch.nn.utils.clip_grad_value_(model.parameters(), clip_value=0.1)
        optimizer.step()
        log(step, loss.item(), gn.item())
    log(model.emb.weight.grad is None)
    for g in optimizer.param_groups:
        g["lr"] *= 0.5
    optimizer.zero_grad()
    for i in range(2):
        (F.cross_entropy(model(idx[i * 8:(i + 1) * 8], x[i * 8:(i + 1) * 8]), y[i * 8:(i + 1) * 8]) / 2).backward()
    optimizer.step()
    log(F.cross_entropy(model(idx, x), y).item(), str(model.head.weight.grad.shape))
    vec = torch.nn.utils.parameters_to_vector(model.head.parameters())
    log(str(vec.shape), vec.detach().numpy())
    torch.nn.utils.vector_to_parameters(torch.arange(51.0), model.head.parameters())
    log(model.head.bias.tolist(), model.head.weight[1, :3].tolist(), isinstance(model.head.bias, nn.Parameter))


def tensor_manipulation(L, log, tmp):
    """Tensor-manipulation-heavy code: einsum, gather / scatter / scatter_add_, masked_fill, topk, argmax,
    cat / stack, view / reshape / permute, indexing with bool masks, lists and tensors, index assignment,
    torch.where (both forms), nonzero, cumsum, sort, index_fill, reductions, dtype conversions, printing."""
    torch = L.torch

    def P(t):
        if isinstance(t, torch.Tensor):
            t = t.detach().cpu().numpy()
            log(t if t.dtype == np.bool_ else np.asarray(t.round(4)))
        elif isinstance(t, (tuple, list)) and t and isinstance(t[0], torch.Tensor):
            log(type(t).__name__, [x.numpy() for x in t])
        else:
            log(str(t) if not isinstance(t, (int, float, bool)) else t)

    rs = np.random.RandomState(0)
    a = torch.from_numpy(rs.randn(2, 3, 4).astype(np.float32))
    b = torch.from_numpy(rs.randn(2, 4, 5).astype(np.float32))
    P(torch.einsum("bij,bjk->bik", a, b).sum(dim=(1, 2)))
    P(torch.einsum("bij->bji", a).shape)
    P(torch.einsum("i,j->ij", torch.arange(3.0), torch.arange(2.0)))
    P(torch.einsum("bhqd,bhkd->bhqk", a.view(2, 1, 3, 4), a.view(2, 1, 3, 4))[0, 0])
    idx = torch.tensor([[0, 2], [1, 0], [3, 3]])
    x = torch.arange(12).view(3, 4).float()
    P(torch.gather(x, 1, idx))
    P(torch.zeros(3, 5).scatter(1, idx, 1.0))
    P(torch.zeros(3, 5).scatter_(1, idx, torch.ones(3, 2) * 7))
    P(torch.zeros(5).scatter_add_(0, torch.tensor([0, 1, 1, 4]), torch.tensor([1.0, 2.0, 3.0, 4.0])))
    m = torch.tensor([[True, False, True, False], [False] * 4, [True] * 4])
    P(x.masked_fill(m, -1.0))
    P(x.masked_fill(~m, float("-inf")).softmax(-1))
    vals, inds = torch.topk(x.flatten(), k=3)
    P(vals), P(inds)
    v2, i2 = x.topk(2, dim=1, largest=False, sorted=True)
    P(v2), P(i2)
    P(x.argmax()), P(x.argmax(dim=1)), P(x.argmax(1, keepdim=True)), P(torch.argmin(x, dim=0))
    P(torch.cat([x, x[:1]], dim=0).shape), P(torch.stack([x, x], dim=-1).shape), P(torch.cat((x, x), 1)[:, ::2])
    P(x.reshape(2, 2, 3).permute(2, 0, 1).contiguous().view(3, -1)), P(x.transpose(0, 1).reshape(-1)[:5])
    P(x[m]), P(x[[0, 2]]), P(x[[0, 2], [1, 3]]), P(x[:, [3, 0]]), P(x[x > 5]), P(x[1:, -2:]), P(x[..., 1])
    P(x[None, :, None].shape), P(x[torch.tensor([2, 0])]), P(x[torch.tensor([True, False, True])])
    y = x.clone()
    y[y > 8] = 0
    y[0] = torch.tensor([9.0, 8.0, 7.0, 6.0])
    y[:, 1] = 5
    y[[1, 2], [0, 0]] = -3.0
    y[m] = torch.arange(m.sum().item()).float()
    P(y)
    P(torch.where(x > 5, x, torch.zeros_like(x))), P(torch.where(x > 5, x, 0.0)), P(torch.where(x > 9))
    P(torch.nonzero(x > 9)), P((x > 9).nonzero(as_tuple=True))
    P(torch.cumsum(x, dim=1)), P(x.cumsum(0)[-1]), P(torch.cumprod(torch.tensor([1.0, 2.0, 3.0]), 0))
    s, si = torch.sort(torch.tensor([3.0, 1.0, 2.0, 1.0]), descending=True, stable=True)
    P(s), P(si), P(torch.argsort(x, dim=1, descending=True))
    P(x.sum().item()), P(x.mean(dim=0).tolist()), P(x.std().item()), P(x.var(dim=1, unbiased=False))
    mx = x.max(dim=1)
    P(mx.values), P(mx.indices), P(torch.clamp(x, min=2, max=7))
    u, c = torch.unique(torch.tensor([3, 1, 2, 3, 1]), return_counts=True)
    P(u), P(c), P(torch.bincount(torch.tensor([0, 1, 1, 3])))
    P(torch.chunk(x, 2, dim=1)[1]), P([list(t.shape) for t in torch.split(x, [1, 2], dim=0)])
    P(x.index_fill(1, torch.tensor([0, 3]), -1.0)), P(x.clone().index_fill_(0, torch.tensor(1), 2))
    P(torch.zeros(3, 4).index_add_(0, torch.tensor([0, 0]), torch.ones(2, 4)))
    P(torch.nn.functional.one_hot(torch.tensor([0, 2]), num_classes=3)), P(torch.logsumexp(x, dim=1))
    P(x.to(torch.int32).dtype), P(x.type(torch.LongTensor).dtype), P(x.double().dtype), P(x.half().float().sum())
    P(torch.squeeze(torch.zeros(1, 3, 1)).shape), P(x.numel()), P(x.size(1)), P(x.ndim)
    P(torch.meshgrid(torch.arange(2), torch.arange(3), indexing="ij")[1])
    log(repr(x), repr(torch.tensor([1.5, float("nan"), 1e10])), repr(torch.tensor([[1, 2]], dtype=torch.int32)),
        repr(torch.zeros(2, dtype=torch.bool)), repr(torch.tensor(3.14159)), repr(torch.arange(6.0).view(2, 3) * 1e-5))


def inference_and_interop(L, log, tmp):
    """Inference and NumPy interop: the device idiom, model repr, named_buffers / named_parameters, class
    weights in cross_entropy, model.eval() with no_grad and inference_mode, a @no_grad() decorator,
    set_grad_enabled, .numpy() / from_numpy sharing memory, .item() / .tolist() types, round(decimals=),
    dtypes, finfo / iinfo, and printing tensors."""
    torch, nn, F = L.torch, L.nn, L.F
    device = "cuda" if torch.cuda.is_available() else "cpu"

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3))
            self.register_buffer("class_weights", torch.tensor([1.0, 2.0, 0.5]))
            self.temperature = nn.Parameter(torch.ones(1))

        def forward(self, x):
            return self.net(x) / self.temperature

    model = Classifier().to(device)
    log(repr(model))
    log([[name, list(b.shape)] for name, b in model.named_buffers()])
    log([[name, list(p.shape), p.requires_grad] for name, p in model.named_parameters()])
    log(sum(p.numel() for p in model.parameters()), [n for n, _ in model.named_children()], len(list(model.modules())))
    np_weights(model, L, 0, scale=0.5, skip=("running", "class_weights", "num_batches"))
    rs = np.random.RandomState(1)
    X_np = rs.randn(32, 4).astype(np.float32)
    X = torch.from_numpy(X_np).to(device)
    X_np[0, 0] = 10.0
    log(X[0, 0].item() == 10.0)
    y = torch.as_tensor(rs.randint(0, 3, size=32))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    model.net[3].p = 0.0
    for step in range(3):
        model.train()
        loss = F.cross_entropy(model(X), y, weight=model.class_weights)
        opt.zero_grad()
        loss.backward()
        opt.step()
        log("loss", loss.item())
    model.eval()
    log(model.training, model.net[1].training)
    with torch.no_grad():
        out = model(X)
        log(out.requires_grad, torch.is_grad_enabled())
    with torch.inference_mode():
        out2 = model(X)
        log(out2.requires_grad, torch.is_inference_mode_enabled(), torch.is_grad_enabled())
    log(torch.allclose(out, out2), torch.is_grad_enabled(), torch.is_inference_mode_enabled())
    probs = torch.softmax(out, dim=1)
    preds = probs.argmax(dim=1)
    arr = preds.cpu().numpy()
    log(type(arr).__name__, str(arr.dtype), arr[:8].tolist(), (preds == y).float().mean().item())
    log(type(out[0, 0].item()).__name__, type(preds[0].item()).__name__, out[:2].round(decimals=3).tolist())
    t = torch.tensor(np.arange(6, dtype=np.int32).reshape(2, 3))
    log(str(t.dtype), t.sum().item(), str(np.asarray(t).dtype), str(torch.as_tensor([1, 2, 3]).dtype),
        str(torch.tensor(np.float64(2.5)).dtype), str(torch.from_numpy(np.array([True, False])).dtype))
    z = torch.zeros(3)
    z.numpy()[1] = 5
    log(repr(z))
    torch.set_grad_enabled(False)
    log(torch.ones(2, requires_grad=True).mul(2).requires_grad)
    torch.set_grad_enabled(True)

    @torch.no_grad()
    def predict(m, x):
        return m(x).argmax(-1)

    log(predict(model, X[:4]).tolist(), torch.is_grad_enabled())
    with torch.no_grad():
        with torch.enable_grad():
            log(torch.ones(1, requires_grad=True).mul(2).requires_grad)
    log(str(X.device), X.is_cuda, X.cpu().device.type, str(X.to("cpu", torch.float64).dtype),
        str(next(model.parameters()).device), str(next(model.parameters()).dtype))
    log(repr(torch.tensor([1, 2])), str(torch.tensor([0.5])), float(torch.tensor(2.0)), int(torch.tensor(3)))
    log(repr(torch.tensor([1.0, 2.0], requires_grad=True) * 2), repr(torch.zeros(2, 2).half()))
    log(str(torch.get_default_dtype()), torch.float32 == torch.float, torch.finfo(torch.float32).eps,
        torch.iinfo(torch.int64).max, len(X), list(X.shape), X.shape == (32, 4), X.element_size())


def packed_sequence_classifier(L, log, tmp):
    """A sequence classifier over variable-length token sequences: a collate_fn padding with pad_sequence,
    Embedding(padding_idx=0), a 2-layer bidirectional LSTM or GRU over pack_padded_sequence(...,
    enforce_sorted=False), the last hidden states of both directions, pad_packed_sequence with a length mask,
    Adam and clip_grad_norm_."""
    torch, nn, F = L.torch, L.nn, L.F
    rnn = L.rnn
    rs = np.random.RandomState(0)
    VOCAB, EMB, HID, NCLS = 20, 8, 12, 3
    seqs = [torch.tensor(rs.randint(1, VOCAB, size=rs.randint(2, 9)), dtype=torch.long) for _ in range(16)]
    labels = [int(s.sum().item()) % NCLS for s in seqs]

    class SeqDataset(L.data.Dataset):
        def __len__(self):
            return len(seqs)

        def __getitem__(self, i):
            return seqs[i], labels[i]

    def collate_fn(batch):
        xs, ys = zip(*batch)
        lengths = torch.tensor([len(s) for s in xs])
        return rnn.pad_sequence(xs, batch_first=True, padding_value=0), lengths, torch.tensor(ys)

    class Classifier(nn.Module):
        def __init__(self, rnn_type):
            super().__init__()
            self.embedding = nn.Embedding(VOCAB, EMB, padding_idx=0)
            self.rnn = (nn.LSTM if rnn_type == "lstm" else nn.GRU)(EMB, HID, num_layers=2, batch_first=True,
                                                                     bidirectional=True)
            self.fc = nn.Linear(2 * HID, NCLS)

        def forward(self, x, lengths):
            packed = rnn.pack_padded_sequence(self.embedding(x), lengths.cpu(), batch_first=True,
                                              enforce_sorted=False)
            out, hidden = self.rnn(packed)
            if isinstance(hidden, tuple):
                hidden = hidden[0]
            out, out_lens = rnn.pad_packed_sequence(out, batch_first=True)
            mask = (torch.arange(out.size(1))[None, :] < out_lens[:, None]).unsqueeze(-1)
            mean_out = (out * mask).sum(1) / out_lens.unsqueeze(1).float()
            return self.fc(torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1)) + 0.1 * mean_out.mean(), out.shape

    for rnn_type in ("lstm", "gru"):
        model = Classifier(rnn_type)
        wrs = np.random.RandomState(1)
        with torch.no_grad():
            for name, p in model.named_parameters():
                p.copy_(torch.from_numpy(wrs.uniform(-0.3, 0.3, size=p.shape).astype(np.float32)))
        loader = L.data.DataLoader(SeqDataset(), batch_size=8, shuffle=False, collate_fn=collate_fn)
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for epoch in range(2):
            total = 0.0
            for x, lengths, y in loader:
                logits, oshape = model(x, lengths)
                loss = F.cross_entropy(logits, y)
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
                opt.step()
                total += loss.item() * x.size(0)
            log(rnn_type, epoch, total / len(seqs), list(oshape))
        model.eval()
        with torch.no_grad():
            x, lengths, y = next(iter(loader))
            logits, _ = model(x, lengths)
            log(rnn_type, logits.numpy(), logits.argmax(-1).tolist(), y.tolist())


def amp_recipe(L, log, tmp):
    """The "automatic mixed precision" recipe as scripts keep it when run without a GPU: GradScaler(enabled=...)
    and autocast(device_type="cuda", ...) both disable themselves with a warning, scale() / unscale_() / step() /
    update() pass through; plus torch.cuda.amp's names, a WeightedRandomSampler for an imbalanced dataset and
    scaler.state_dict() in the checkpoint."""
    import warnings

    torch, nn = L.torch, L.nn
    use_amp = True
    device = "cuda" if torch.cuda.is_available() else "cpu"
    rs = np.random.RandomState(0)
    X = torch.from_numpy(rs.randn(24, 5).astype(np.float32))
    y = torch.from_numpy((rs.rand(24) < 0.2).astype(np.int64))
    class_counts = torch.bincount(y)
    weights = (1.0 / class_counts.float())[y]
    sampler = L.data.WeightedRandomSampler(weights, num_samples=len(weights), replacement=True)
    loader = L.data.DataLoader(L.data.TensorDataset(X, y), batch_size=8, sampler=sampler)
    log(len(sampler), len(loader), [len(b[0]) for b in loader], class_counts.tolist())
    net = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 2))
    np_weights(net, L, 1)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        scaler = torch.cuda.amp.GradScaler(enabled=use_amp)
        ctx = torch.autocast(device_type="cuda", dtype=torch.float16, enabled=use_amp)
    log(sorted(str(x.message).split(".")[0].split(",")[0] for x in w), scaler.is_enabled(), scaler.get_scale())
    for epoch in range(3):
        for i in range(0, 24, 8):
            input, target = X[i:i + 8].to(device), y[i:i + 8].to(device)
            with ctx:
                output = net(input)
                loss = nn.functional.cross_entropy(output, target)
            scaler.scale(loss).backward()
            scaler.unscale_(opt)
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            scaler.step(opt)
            scaler.update()
            opt.zero_grad(set_to_none=True)
        log(epoch, loss.item(), str(output.dtype))
    with torch.cuda.amp.autocast(enabled=False):
        log(torch.is_autocast_enabled())
    checkpoint = {"model": net.state_dict(), "optimizer": opt.state_dict(), "scaler": scaler.state_dict()}
    torch.save(checkpoint, tmp + "/amp.pt")
    checkpoint = torch.load(tmp + "/amp.pt")
    scaler.load_state_dict(checkpoint["scaler"])
    log(checkpoint["scaler"], sorted(checkpoint["optimizer"].keys()))


def grad_cam(L, log, tmp):
    """Grad-CAM as the popular repos write it: a forward hook keeps the last conv's activations, a full backward
    hook its output gradients; the class score's backward, channel weights from the pooled gradients, a ReLU'd
    weighted sum upsampled with F.interpolate; a hook that rescales grad_input; handle.remove()."""
    torch, nn, F = L.torch, L.nn, L.F
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 6, 3), nn.ReLU(),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 3))
    np_weights(model, L, 0, scale=0.5)
    store = {}

    def forward_hook(module, inp, out):
        store["activations"] = out.detach()

    def backward_hook(module, grad_input, grad_output):
        store["gradients"] = grad_output[0].detach()
        store["grad_input"] = [None if g is None else g.sum().item() for g in grad_input]

    target_layer = model[2]
    handles = [target_layer.register_forward_hook(forward_hook),
               target_layer.register_full_backward_hook(backward_hook)]
    x = torch.from_numpy(np.random.RandomState(1).randn(2, 1, 8, 8).astype(np.float32)).requires_grad_(True)
    model.eval()
    logits = model(x)
    class_idx = logits.argmax(dim=1)
    model.zero_grad()
    logits.gather(1, class_idx[:, None]).sum().backward()
    weights = store["gradients"].mean(dim=(2, 3), keepdim=True)
    cam = F.relu((weights * store["activations"]).sum(dim=1, keepdim=True))
    cam = F.interpolate(cam, size=x.shape[2:], mode="bilinear", align_corners=False)
    cam = (cam - cam.amin(dim=(2, 3), keepdim=True)) / (cam.amax(dim=(2, 3), keepdim=True) + 1e-8)
    log(class_idx.tolist(), store["grad_input"], list(cam.shape), cam.numpy(), x.grad.sum().item())
    for h in handles:
        h.remove()
    scale = model[6].register_full_backward_hook(lambda m, gin, gout: tuple(g * 0.5 for g in gin))
    x.grad = None
    model(x)[:, 0].sum().backward()
    log(x.grad.sum().item())
    scale.remove()
    x.grad = None
    model(x)[:, 0].sum().backward()
    log(x.grad.sum().item(), "activations" in store)


PROGRAMS = [quickstart, resnet, autoencoders, dcgan, custom_autograd, regression_schedulers,
            word_language_transformer, checkpointing, training_utilities, tensor_manipulation,
            inference_and_interop, packed_sequence_classifier, amp_recipe, grad_cam]


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.__name__ for p in PROGRAMS])
def test_program_matches_torch(program, tmp_path):
    run_both(program, tmp_path)
