#!/usr/bin/env python3
"""Writes the 'hart-alt' fixture set: cases a, b, c1 and c2 of the hart-tiny format at other sizes.

The expected values come from an independent float64 numpy implementation of the reference math
(spec sections 3 and 4), not from the reference itself. The set exists to prove that the Java port
reads every size from the configs and tensors; hart-tiny remains the ground truth for numerics.

usage: python3 make_hart_alt.py OUT_DIR   (needs numpy only)
"""
import json
import math
import struct
import sys
from pathlib import Path

import numpy as np

rng = np.random.default_rng(7)
CV, C, W, DEPTH = 4, 48, 24, 3            # latent channels, condition dim, MLP width, res-blocks
V, PATCH = 20, [1, 2, 4, 5]               # codebook rows, transformer scales (S = 4)
CH, CH_MULT = 32, [1, 1, 2]               # decoder: 3 levels, image = 4 x latent
B = 3


def rand(*shape, scale=0.3):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, arr in tensors.items():
        arr = np.ascontiguousarray(arr)
        dtype = {np.float32: "F32", np.float64: "F64", np.int64: "I64"}[arr.dtype.type]
        data = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(raw)) + raw + b"".join(blobs))


# ---------------------------------------------------------------- diffusion MLP
def linear(x, w, b):
    return x @ w.T.astype(np.float64) + b


def silu(x):
    return x / (1 + np.exp(-x))


def layer_norm(x, g=None, b=None, eps=1e-6):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    y = (x - mu) / np.sqrt(var + eps)
    return y if g is None else y * g + b


net = {}
def p(name, *shape, scale=0.12):
    net["diffloss.net." + name] = rand(*shape, scale=scale)
p("time_embed.mlp.0.weight", W, 256); p("time_embed.mlp.0.bias", W)
p("time_embed.mlp.2.weight", W, W); p("time_embed.mlp.2.bias", W)
p("cond_embed.weight", W, C); p("cond_embed.bias", W)
p("input_proj.weight", W, CV); p("input_proj.bias", W)
for j in range(DEPTH):
    p(f"res_blocks.{j}.in_ln.weight", W); p(f"res_blocks.{j}.in_ln.bias", W)
    p(f"res_blocks.{j}.mlp.0.weight", W, W); p(f"res_blocks.{j}.mlp.0.bias", W)
    p(f"res_blocks.{j}.mlp.2.weight", W, W); p(f"res_blocks.{j}.mlp.2.bias", W)
    p(f"res_blocks.{j}.adaLN_modulation.1.weight", 3 * W, W); p(f"res_blocks.{j}.adaLN_modulation.1.bias", 3 * W)
p("final_layer.adaLN_modulation.1.weight", 2 * W, W); p("final_layer.adaLN_modulation.1.bias", 2 * W)
p("final_layer.linear.weight", 2 * CV, W); p("final_layer.linear.bias", 2 * CV)
n = lambda k: net["diffloss.net." + k].astype(np.float64)


def t_freq(t):
    freqs = np.exp(-math.log(10000) * np.arange(128) / 128)
    args = t.astype(np.float64)[:, None] * freqs[None]
    return np.concatenate([np.cos(args), np.sin(args)], 1)


def mlp_forward(x, t, c):
    te = linear(silu(linear(t_freq(t), n("time_embed.mlp.0.weight"), n("time_embed.mlp.0.bias"))),
                n("time_embed.mlp.2.weight"), n("time_embed.mlp.2.bias"))
    y = te + linear(c, n("cond_embed.weight"), n("cond_embed.bias"))
    h = linear(x, n("input_proj.weight"), n("input_proj.bias"))
    sy = silu(y)
    for j in range(DEPTH):
        mod = linear(sy, n(f"res_blocks.{j}.adaLN_modulation.1.weight"), n(f"res_blocks.{j}.adaLN_modulation.1.bias"))
        shift, scale, gate = np.split(mod, 3, 1)
        hh = layer_norm(h, n(f"res_blocks.{j}.in_ln.weight"), n(f"res_blocks.{j}.in_ln.bias")) * (1 + scale) + shift
        hh = linear(silu(linear(hh, n(f"res_blocks.{j}.mlp.0.weight"), n(f"res_blocks.{j}.mlp.0.bias"))),
                    n(f"res_blocks.{j}.mlp.2.weight"), n(f"res_blocks.{j}.mlp.2.bias"))
        h = h + gate * hh
    shift, scale = np.split(linear(sy, n("final_layer.adaLN_modulation.1.weight"), n("final_layer.adaLN_modulation.1.bias")), 2, 1)
    return linear(layer_norm(h) * (1 + scale) + shift, n("final_layer.linear.weight"), n("final_layer.linear.bias"))


def mlp_cfg(x, t, c, cfg):
    half = x[: len(x) // 2]
    out = mlp_forward(np.concatenate([half, half]), t, c)
    eps, rest = out[:, :CV], out[:, CV:]
    ec, eu = np.split(eps, 2)
    g = (1 + cfg) * ec - cfg * eu
    return np.concatenate([np.concatenate([g, g]), rest], 1)


def schedule():
    ab = lambda t: math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
    betas = np.array([min(1 - ab((i + 1) / 1000) / ab(i / 1000), 0.999) for i in range(1000)])
    cum = np.cumprod(1 - betas)
    keep = sorted({int(round(k * 999 / 7)) for k in range(8)})
    nb, last = [], 1.0
    for i in keep:
        nb.append(1 - cum[i] / last)
        last = cum[i]
    nb = np.array(nb)
    ac = np.cumprod(1 - nb)
    acp = np.append(1.0, ac[:-1])
    pv = nb * (1 - acp) / (1 - ac)
    return dict(keep=np.array(keep), betas=nb, ac=ac, sr=np.sqrt(1 / ac), srm1=np.sqrt(1 / ac - 1),
                minlog=np.log(np.append(pv[1], pv[1:])), maxlog=np.log(nb),
                c1=nb * np.sqrt(acp) / (1 - ac), c2=(1 - acp) * np.sqrt(1 - nb) / (1 - ac))


def sample(z, cfg, init, steps):
    s = schedule()
    x = np.concatenate([init, init]) if cfg != 1.0 else init.astype(np.float64)
    for k in range(8):
        t = 7 - k
        tt = np.full(len(z), s["keep"][t])
        out = mlp_cfg(x, tt, z, cfg) if cfg != 1.0 else mlp_forward(x, tt, z)
        eps, v = out[:, :CV], out[:, CV:]
        frac = (v + 1) / 2
        logvar = frac * s["maxlog"][t] + (1 - frac) * s["minlog"][t]
        x0 = np.clip(s["sr"][t] * x - s["srm1"][t] * eps, -1, 1)
        mean = s["c1"][t] * x0 + s["c2"][t] * x
        x = mean + (t != 0) * np.exp(0.5 * logvar) * steps[k]
    return x


# ---------------------------------------------------------------- VAE decoding side
vae = {}
def q(name, *shape, scale=0.2):
    vae[name] = rand(*shape, scale=scale)
q("quantize.embedding.weight", V, CV, scale=1.0)
for k in range(4):
    q(f"quantize.quant_resi.qresi_ls.{k}.weight", CV, CV, 3, 3); q(f"quantize.quant_resi.qresi_ls.{k}.bias", CV)
q("post_quant_conv.weight", CV, CV, 3, 3); q("post_quant_conv.bias", CV)


def conv(x, w, b):
    k = w.shape[2]
    pad = k // 2
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    H, Wd = x.shape[2], x.shape[3]
    out = np.zeros((x.shape[0], w.shape[0], H, Wd))
    for dy in range(k):
        for dx in range(k):
            out += np.einsum("bchw,oc->bohw", xp[:, :, dy:dy + H, dx:dx + Wd], w[:, :, dy, dx].astype(np.float64))
    return out + b[None, :, None, None]


def group_norm(x, g, b):
    B_, Ch, H, Wd = x.shape
    xg = x.reshape(B_, 32, -1)
    mu = xg.mean(-1, keepdims=True)
    var = ((xg - mu) ** 2).mean(-1, keepdims=True)
    y = ((xg - mu) / np.sqrt(var + 1e-6)).reshape(x.shape)
    return y * g[None, :, None, None] + b[None, :, None, None]


def resblock(prefix, x, cin, cout, make):
    if make:
        q(prefix + "norm1.weight", cin, scale=1.0); q(prefix + "norm1.bias", cin)
        q(prefix + "conv1.weight", cout, cin, 3, 3, scale=0.05); q(prefix + "conv1.bias", cout)
        q(prefix + "norm2.weight", cout, scale=1.0); q(prefix + "norm2.bias", cout)
        q(prefix + "conv2.weight", cout, cout, 3, 3, scale=0.05); q(prefix + "conv2.bias", cout)
        if cin != cout:
            q(prefix + "nin_shortcut.weight", cout, cin, 1, 1, scale=0.1); q(prefix + "nin_shortcut.bias", cout)
        return None
    g = lambda k: vae[prefix + k].astype(np.float64)
    h = conv(silu(group_norm(x, g("norm1.weight"), g("norm1.bias"))), g("conv1.weight"), g("conv1.bias"))
    h = conv(silu(group_norm(h, g("norm2.weight"), g("norm2.bias"))), g("conv2.weight"), g("conv2.bias"))
    sc = conv(x, g("nin_shortcut.weight"), g("nin_shortcut.bias")) if cin != cout else x
    return sc + h


def attn(prefix, x, c, make):
    if make:
        q(prefix + "norm.weight", c, scale=1.0); q(prefix + "norm.bias", c)
        q(prefix + "qkv.weight", 3 * c, c, 1, 1, scale=0.1); q(prefix + "qkv.bias", 3 * c)
        q(prefix + "proj_out.weight", c, c, 1, 1, scale=0.1); q(prefix + "proj_out.bias", c)
        return None
    g = lambda k: vae[prefix + k].astype(np.float64)
    B_, _, H, Wd = x.shape
    qkv = conv(group_norm(x, g("norm.weight"), g("norm.bias")), g("qkv.weight"), g("qkv.bias"))
    qq, kk, vv = [a.reshape(B_, c, H * Wd) for a in np.split(qkv, 3, 1)]
    s = np.einsum("bci,bcj->bij", qq, kk) * c ** -0.5
    a = np.exp(s - s.max(-1, keepdims=True))
    a /= a.sum(-1, keepdims=True)
    o = np.einsum("bcj,bij->bci", vv, a).reshape(x.shape)
    return x + conv(o, g("proj_out.weight"), g("proj_out.bias"))


def decoder(z, make=False):
    L = len(CH_MULT)
    cin = CH * CH_MULT[-1]
    if make:
        q("decoder.conv_in.weight", cin, CV, 3, 3); q("decoder.conv_in.bias", cin)
    g = lambda k: vae[k].astype(np.float64)
    h = None if make else conv(z, g("decoder.conv_in.weight"), g("decoder.conv_in.bias"))
    h = resblock("decoder.mid.block_1.", h, cin, cin, make)
    h = attn("decoder.mid.attn_1.", h, cin, make)
    h = resblock("decoder.mid.block_2.", h, cin, cin, make)
    for level in reversed(range(L)):
        cout = CH * CH_MULT[level]
        for j in range(3):
            h = resblock(f"decoder.up.{level}.block.{j}.", h, cin, cout, make)
            cin = cout
            if level == L - 1:
                h = attn(f"decoder.up.{level}.attn.{j}.", h, cin, make)
        if level != 0:
            pre = f"decoder.up.{level}.upsample.conv."
            if make:
                q(pre + "weight", cin, cin, 3, 3, scale=0.05); q(pre + "bias", cin)
            else:
                h = conv(h.repeat(2, 2).repeat(2, 3), g(pre + "weight"), g(pre + "bias"))
    if make:
        q("decoder.norm_out.weight", cin, scale=1.0); q("decoder.norm_out.bias", cin)
        q("decoder.conv_out.weight", 3, cin, 3, 3, scale=0.05); q("decoder.conv_out.bias", 3)
        return None
    return conv(silu(group_norm(h, g("decoder.norm_out.weight"), g("decoder.norm_out.bias"))),
                g("decoder.conv_out.weight"), g("decoder.conv_out.bias"))


def bicubic(x, out):
    A = -0.75
    def w(t):
        c1 = lambda s: ((A + 2) * s - (A + 3)) * s * s + 1
        c2 = lambda s: ((A * s - 5 * A) * s + 8 * A) * s - 4 * A
        return [c2(t + 1), c1(t), c1(1 - t), c2(2 - t)]
    inn = x.shape[-1]
    def axis_weights():
        m = np.zeros((out, inn))
        for o in range(out):
            src = (o + 0.5) * inn / out - 0.5
            f = math.floor(src)
            for k, wt in enumerate(w(src - f)):
                m[o, min(max(f - 1 + k, 0), inn - 1)] += wt
        return m
    m = axis_weights()
    return np.einsum("oi,bcij,pj->bcop", m, x, m)


def area(x, out):
    inn = x.shape[-1]
    res = np.zeros(x.shape[:2] + (out, out))
    for i in range(out):
        y0, y1 = (i * inn) // out, -((-(i + 1) * inn) // out)
        for j in range(out):
            x0, x1 = (j * inn) // out, -((-(j + 1) * inn) // out)
            res[:, :, i, j] = x[:, :, y0:y1, x0:x1].mean((2, 3))
    return res


def phi_index(si, S):
    start, stop = 1 / 3 / 4, 1 - 1 / 3 / 4
    ticks = np.linspace(start, stop, 4)
    return int(np.argmin(np.abs(ticks - si / (S - 1))))


def main(out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    decoder(None, make=True)
    cases, manifest_tensors = {}, {}

    def case(key, file, tensors, roles, tol):
        write_safetensors(out / file, {k: v for k, v in tensors.items()})
        cases[key] = {"file": file, "tensors": {
            k: {"shape": list(v.shape), "role": roles.get(k, "input"),
                **({"tolerance": tol} if roles.get(k) == "expected" else {})}
            for k, v in tensors.items()}}

    # case a
    N = 7
    x, t, c = rand(N, CV, scale=1), rng.integers(0, 1000, N).astype(np.int64), rand(N, C, scale=1)
    cx, ct, cc = rand(2 * 3, CV, scale=1), rng.integers(0, 1000, 6).astype(np.int64), rand(6, C, scale=1)
    cs = np.array([3.0])
    case("a_diffmlp_forward", "case_a_diffmlp_forward.safetensors",
         {"x": x, "t": t, "c": c, "out": mlp_forward(x, t, c).astype(np.float32),
          "cfg_x": cx, "cfg_t": ct, "cfg_c": cc, "cfg_scale": cs,
          "cfg_out": mlp_cfg(cx, ct, cc, 3.0).astype(np.float32)},
         {"out": "expected", "cfg_out": "expected"}, {"atol": 1e-4, "rtol": 1e-4})

    # case b
    M = 5
    z = rand(2 * M, C, scale=1)
    init = rand(M, CV, scale=1)
    steps = [rand(2 * M, CV, scale=1) for _ in range(8)]
    loop = sample(z, 2.5, init, steps)
    nz, ninit = rand(M, C, scale=1), rand(M, CV, scale=1)
    nsteps = [rand(M, CV, scale=1) for _ in range(8)]
    tb = {"z": z, "cfg": np.array([2.5]), "noise_init": init,
          **{f"noise_step{k}": s for k, s in enumerate(steps)},
          "p_sample_loop_out": loop.astype(np.float32), "sample_out": (0.6 * loop).astype(np.float32),
          "nocfg_z": nz, "nocfg_noise_init": ninit, **{f"nocfg_noise_step{k}": s for k, s in enumerate(nsteps)},
          "nocfg_sample_out": (0.6 * sample(nz, 1.0, ninit, nsteps)).astype(np.float32)}
    case("b_diffusion_sample", "case_b_diffusion_sample.safetensors", tb,
         {"p_sample_loop_out": "expected", "sample_out": "expected", "nocfg_sample_out": "expected"},
         {"atol": 5e-4, "rtol": 1e-3})

    # case c1
    S, P = len(PATCH), PATCH[-1]
    cb = vae["quantize.embedding.weight"].astype(np.float64)
    f = np.zeros((B, CV, P, P))
    tc, roles = {}, {}
    for si in range(S - 1):
        pn = PATCH[si]
        idx = rng.integers(0, V, (B, pn * pn)).astype(np.int64)
        h = cb[idx].transpose(0, 2, 1).reshape(B, CV, pn, pn)
        u = bicubic(h, P)
        k = phi_index(si, S)
        u = 0.5 * u + 0.5 * conv(u, vae[f"quantize.quant_resi.qresi_ls.{k}.weight"].astype(np.float64),
                                 vae[f"quantize.quant_resi.qresi_ls.{k}.bias"].astype(np.float64))
        f = f + u
        tc[f"idx_s{si}"] = idx
        tc[f"fhat_s{si}"] = f.astype(np.float32)
        tc[f"next_s{si}"] = area(f, PATCH[si + 1]).astype(np.float32)
        roles[f"fhat_s{si}"] = roles[f"next_s{si}"] = "expected"
    idx_last = rng.integers(0, V, (B, P * P)).astype(np.int64)
    resid = rand(B, P * P, CV, scale=0.5)
    f = f + (cb[idx_last] + resid).transpose(0, 2, 1).reshape(B, CV, P, P)
    tc.update(idx_last=idx_last, residual_last=resid, fhat_final=f.astype(np.float32))
    roles["fhat_final"] = "expected"
    case("c1_quantizer_accumulate", "case_c1_quantizer_accumulate.safetensors", tc, roles,
         {"atol": 1e-5, "rtol": 1e-5})

    # case c2
    fh = rand(2, CV, P, P, scale=1)
    g = lambda k: vae[k].astype(np.float64)
    pq = conv(fh, g("post_quant_conv.weight"), g("post_quant_conv.bias"))
    raw = decoder(pq)
    case("c2_fhat_to_img", "case_c2_fhat_to_img.safetensors",
         {"f_hat": fh, "post_quant_conv_out": pq.astype(np.float32),
          "decoder_out_unclamped": raw.astype(np.float32), "img": np.clip(raw, -1, 1).astype(np.float32)},
         {"post_quant_conv_out": "expected", "decoder_out_unclamped": "expected", "img": "expected"},
         {"atol": 2e-4, "rtol": 1e-4})

    write_safetensors(out / "transformer.safetensors", net)
    write_safetensors(out / "vae.safetensors", vae)
    (out / "transformer_config.json").write_text(json.dumps({"config": {
        "embed_dim": C, "diff_width": W, "diff_depth": DEPTH, "num_sampling_steps": "8",
        "sampler": "iddpm", "patch_nums": PATCH}, "derived": {"Cvae": CV}}, indent=1))
    (out / "vae_config.json").write_text(json.dumps({"config": {
        "vocab_size": V, "z_channels": CV, "ch": CH, "ch_mult": CH_MULT, "quant_resi": 0.5,
        "share_quant_resi": 4, "default_qresi_counts": 0, "quant_conv_ks": 3,
        "v_patch_nums": PATCH}, "derived": {}}, indent=1))
    (out / "manifest.json").write_text(json.dumps({
        "fixture_set": "hart-alt",
        "generator": "hart/src/test/fixture-gen/make_hart_alt.py (independent float64 numpy, not the reference)",
        "configs": {"transformer": "transformer_config.json", "vae": "vae_config.json"},
        "tolerances": {"default": {"float32_outputs": {"atol": 1e-4, "rtol": 1e-4}}},
        "cases": cases}, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
