"""
The frozen encoder: MobileNetV3-Large-minimalistic (ImageNet-1K), rebuilt in float PyTorch from Google's
8-bit TFLite release (Apache-2.0; storage.googleapis.com/mobilenet_v3/checkpoints/
v3-large-minimalistic_224_1.0_uint8.tgz).

Neither tensorflow nor the flatbuffers package is needed: the handful of flatbuffer reads the TFLite schema
requires (tables through vtables, vectors, strings) are done by hand in `FlatBuffer`, and `read_tflite` turns the
file into a list of operators with dequantised constant tensors. `load_tflite` then copies those weights, in graph
order, into the explicit `MobileNetV3Encoder` below, which can also be built without the file (random weights)
so checkpoints and tests don't depend on it.

Facts about the file that the float network honours:
- input is uint8 pixels, i.e. float `(255 * x - 128) / 127` for x in [0, 1];
- BatchNorm is folded into the convs; ReLU exists only as each activation tensor's quantised [min, max] range,
  so every activation is clamped to its tensor's range;
- TF 'SAME' padding: stride-2 3x3 convs pad (0, 1) on even sizes. Pads are fixed assuming every stride-2 input is
  even, i.e. H and W are multiples of 32 (the app pads to `size_multiple` 32), so the ONNX graph stays static.
"""
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# Where a checkout finds the weights file (never committed): <repo>/../shared/weights.
DEFAULT_WEIGHTS = (Path(__file__).resolve().parents[2] / 'shared' / 'weights'
                   / 'v3-large-minimalistic_224_1.0_uint8.tflite')

# TFLite BuiltinOperator codes (schema.fbs) for the ops this release uses
ADD, AVERAGE_POOL_2D, CONV_2D, DEPTHWISE_CONV_2D, RESHAPE, SOFTMAX = 0, 1, 3, 4, 22, 25
# TFLite TensorType -> numpy dtype (only the types this release uses)
TENSOR_DTYPES = {0: np.float32, 2: np.int32, 3: np.uint8, 9: np.int8}

# MobileNetV3-Large-minimalistic blocks as (expansion channels, output channels, stride); 3x3 depthwise everywhere,
# ReLU, no squeeze-excite. The first block has no expansion conv (expansion == input channels).
BLOCKS = [(16, 16, 1), (64, 24, 2), (72, 24, 1), (72, 40, 2), (120, 40, 1), (120, 40, 1), (240, 80, 2),
          (200, 80, 1), (184, 80, 1), (184, 80, 1), (480, 112, 1), (672, 112, 1), (672, 160, 2), (960, 160, 1),
          (960, 160, 1)]
# blocks after which a skip feature is taken: 16@1/2, 24@1/4, 40@1/8, 112@1/16 (960@1/32 is the last conv)
TAP_BLOCKS = (0, 2, 5, 11)
FEATURE_CHANNELS = (16, 24, 40, 112, 960)


class FlatBuffer:
    """Minimal flatbuffer reader: a table is a byte position; fields are looked up through its vtable."""

    def __init__(self, data: bytes):
        self.b = data

    def u32(self, p):
        return struct.unpack_from('<I', self.b, p)[0]

    def i32(self, p):
        return struct.unpack_from('<i', self.b, p)[0]

    def root(self):
        return self.deref(0)

    def deref(self, p):
        # offsets to tables, vectors and strings are unsigned and relative to where they are stored
        return p + self.u32(p)

    def field_pos(self, table, index):
        vtable = table - self.i32(table)
        vtable_size = struct.unpack_from('<H', self.b, vtable)[0]
        slot = 4 + 2 * index
        if slot >= vtable_size:
            return None  # field added to the schema after this file was written
        off = struct.unpack_from('<H', self.b, vtable + slot)[0]
        return table + off if off else None  # 0: absent, i.e. the schema default

    def scalar(self, table, index, fmt, default=0):
        p = self.field_pos(table, index)
        return default if p is None else struct.unpack_from('<' + fmt, self.b, p)[0]

    def table(self, table, index):
        p = self.field_pos(table, index)
        return None if p is None else self.deref(p)

    def vector(self, table, index):
        """(position of element 0, length) or None."""
        p = self.field_pos(table, index)
        if p is None:
            return None
        v = self.deref(p)
        return v + 4, self.u32(v)

    def array(self, table, index, dtype):
        v = self.vector(table, index)
        if v is None:
            return np.zeros(0, dtype)
        return np.frombuffer(self.b, dtype, count=v[1], offset=v[0])

    def tables(self, table, index):
        v = self.vector(table, index)
        return [] if v is None else [self.deref(v[0] + 4 * k) for k in range(v[1])]

    def string(self, table, index):
        v = self.vector(table, index)
        return '' if v is None else self.b[v[0]:v[0] + v[1]].decode()


@dataclass
class Tensor:
    name: str
    shape: tuple
    scale: np.ndarray       # (1,) per-tensor or (C,) per-channel
    zero_point: np.ndarray  # same shape as scale
    quantized_dim: int
    data: np.ndarray | None  # raw constant data (weights/biases), None for activations

    def dequantize(self):
        q = self.data.astype(np.float64)
        shape = [1] * q.ndim
        if self.scale.size > 1:
            shape[self.quantized_dim] = -1
        return ((q - self.zero_point.reshape(shape)) * self.scale.reshape(shape)).astype(np.float32)

    def range(self):
        """The float interval representable by a uint8 activation: what TFLite's fused ReLU/ReLU6 leaves."""
        s, z = float(self.scale[0]), float(self.zero_point[0])
        return (0 - z) * s, (255 - z) * s


@dataclass
class Op:
    opcode: int
    inputs: list   # of Tensor
    outputs: list  # of Tensor
    stride: int


def read_tflite(path):
    """Parse a TFLite file into its first subgraph's operators, in execution order.

    Schema fields used (schema.fbs): Model{1 operator_codes, 2 subgraphs, 4 buffers}; OperatorCode{0 deprecated
    builtin code (byte), 3 builtin_code (int)}; SubGraph{0 tensors, 3 operators}; Tensor{0 shape, 1 type, 2 buffer,
    3 name, 4 quantization}; QuantizationParameters{2 scale, 3 zero_point, 6 quantized_dimension};
    Buffer{0 data}; Operator{0 opcode_index, 1 inputs, 2 outputs, 4 builtin_options}; Conv2DOptions,
    DepthwiseConv2DOptions and Pool2DOptions all keep stride_w in field 1.
    """
    fb = FlatBuffer(Path(path).read_bytes())
    model = fb.root()
    codes = []
    for oc in fb.tables(model, 1):
        deprecated = fb.scalar(oc, 0, 'b')
        codes.append(max(deprecated, fb.scalar(oc, 3, 'i')))  # new files store codes > 127 only in field 3
    buffers = fb.tables(model, 4)
    subgraph = fb.tables(model, 2)[0]

    tensors = []
    for t in fb.tables(subgraph, 0):
        dtype = TENSOR_DTYPES[fb.scalar(t, 1, 'b')]
        shape = tuple(int(s) for s in fb.array(t, 0, np.int32))
        raw = fb.array(buffers[fb.scalar(t, 2, 'I')], 0, np.uint8)
        data = np.frombuffer(raw.tobytes(), dtype).reshape(shape) if raw.size else None
        q = fb.table(t, 4)
        scale = fb.array(q, 2, np.float32) if q is not None else np.zeros(0, np.float32)
        zp = fb.array(q, 3, np.int64) if q is not None else np.zeros(0, np.int64)
        qdim = fb.scalar(q, 6, 'i') if q is not None else 0
        tensors.append(Tensor(fb.string(t, 3), shape, scale, zp, qdim, data))

    ops = []
    for o in fb.tables(subgraph, 3):
        opcode = codes[fb.scalar(o, 0, 'I')]
        options = fb.table(o, 4)
        stride = fb.scalar(options, 1, 'i', 1) if options is not None else 1
        ops.append(Op(opcode, [tensors[i] for i in fb.array(o, 1, np.int32) if i >= 0],
                      [tensors[i] for i in fb.array(o, 2, np.int32)], stride))
    return ops


class ClampedConv(nn.Module):
    """Conv with BatchNorm folded in, then the clamp to its output tensor's quantisation range (= the activation)."""

    def __init__(self, cin, cout, k=1, stride=1, depthwise=False):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, padding=0, groups=cout if depthwise else 1)
        # TF 'SAME' for 3x3: (1, 1) at stride 1; (0, 1) at stride 2 on even sizes (left, right, top, bottom)
        self.pad = (0, 0, 0, 0) if k == 1 else ((1, 1, 1, 1) if stride == 1 else (0, 1, 0, 1))
        self.register_buffer('lo', torch.tensor(0.0))
        self.register_buffer('hi', torch.tensor(6.0))
        self.register_buffer('qscale', torch.tensor(0.0))  # activation uint8 step, used only for the reference
        self.fake_quant = False

    def forward(self, x):
        y = self.conv(F.pad(x, self.pad) if any(self.pad) else x)
        return _activation(self, y)


def _activation(m, y):
    y = torch.clamp(y, m.lo, m.hi)
    if m.fake_quant:  # re-quantise to the uint8 grid: the reference interpretation of the quantised graph
        y = torch.round((y - m.lo) / m.qscale) * m.qscale + m.lo
    return y


class Add(nn.Module):
    """Residual add, clamped to its output range like every other quantised tensor."""

    def __init__(self):
        super().__init__()
        self.register_buffer('lo', torch.tensor(-1e4))
        self.register_buffer('hi', torch.tensor(1e4))
        self.register_buffer('qscale', torch.tensor(0.0))
        self.fake_quant = False

    def forward(self, a, b):
        return _activation(self, a + b)


class Block(nn.Module):
    def __init__(self, cin, exp, cout, stride):
        super().__init__()
        self.expand = ClampedConv(cin, exp) if exp != cin else None
        self.depthwise = ClampedConv(exp, exp, 3, stride, depthwise=True)
        self.project = ClampedConv(exp, cout)
        self.add = Add() if stride == 1 and cin == cout else None

    def forward(self, x):
        y = self.expand(x) if self.expand is not None else x
        y = self.project(self.depthwise(y))
        return self.add(x, y) if self.add is not None else y


class MobileNetV3Encoder(nn.Module):
    """Float MobileNetV3-Large-minimalistic. forward(x: (B,3,H,W) sRGB in [0,1], H,W multiples of 32) returns the
    five skip features [(B,16,H/2,W/2), (B,24,H/4,W/4), (B,40,H/8,W/8), (B,112,H/16,W/16), (B,960,H/32,W/32)].
    `with_head` adds the ImageNet classifier (pool, 1280 conv, 1001 logits), used only to prove the weights."""

    def __init__(self, with_head=False):
        super().__init__()
        self.stem = ClampedConv(3, 16, 3, 2)
        blocks, cin = [], 16
        for exp, cout, stride in BLOCKS:
            blocks.append(Block(cin, exp, cout, stride))
            cin = cout
        self.blocks = nn.ModuleList(blocks)
        self.last = ClampedConv(160, 960)
        self.head = nn.ModuleList([ClampedConv(960, 1280), ClampedConv(1280, 1001)]) if with_head else None
        self.register_buffer('in_lo', torch.tensor(-128 / 127))
        self.register_buffer('in_hi', torch.tensor(127 / 127))

    def convs(self):
        """Every conv in TFLite graph order."""
        out = [self.stem]
        for b in self.blocks:
            out += [c for c in (b.expand, b.depthwise, b.project) if c is not None]
        out.append(self.last)
        return out + (list(self.head) if self.head is not None else [])

    def set_fake_quant(self, on):
        for m in self.modules():
            if isinstance(m, (ClampedConv, Add)):
                m.fake_quant = on

    def forward(self, x):
        x = (255.0 * x - 128.0) / 127.0  # (B,3,H,W) the uint8 input convention, pixel 128 -> 0
        if self.stem.fake_quant:
            x = torch.round(x * 127.0) / 127.0
        x = self.stem(x)
        feats = []
        for i, b in enumerate(self.blocks):
            x = b(x)
            if i in TAP_BLOCKS:
                feats.append(x)
        feats.append(self.last(x))  # (B,960,H/32,W/32)
        return feats

    def logits(self, x):
        """(B,3,H,W) in [0,1] -> (B,1001) ImageNet logits (index 0 = background)."""
        y = self.forward(x)[-1].mean(dim=(2, 3), keepdim=True)  # (B,960,1,1) global average pool
        for c in self.head:
            y = c(y)
        return y.flatten(1)


def load_tflite(path, with_head=False):
    """Build a frozen float MobileNetV3Encoder from the 8-bit TFLite file at `path`."""
    ops = read_tflite(path)
    net = MobileNetV3Encoder(with_head)
    convs = [op for op in ops if op.opcode in (CONV_2D, DEPTHWISE_CONV_2D)]
    adds = [op for op in ops if op.opcode == ADD]
    targets = net.convs()
    if not with_head:
        convs = convs[:len(targets)]
    if len(convs) != len(targets):
        raise ValueError(f'Expected {len(targets)} convolutions in {path} but found {len(convs)}')
    with torch.no_grad():
        for op, m in zip(convs, targets):
            w = torch.from_numpy(op.inputs[1].dequantize())  # CONV (O,kh,kw,I); DEPTHWISE (1,kh,kw,C)
            w = w.permute(3, 0, 1, 2) if op.opcode == DEPTHWISE_CONV_2D else w.permute(0, 3, 1, 2)
            if tuple(w.shape) != tuple(m.conv.weight.shape) or op.stride != m.conv.stride[0]:
                raise ValueError(f'Layer {op.outputs[0].name}: weight {tuple(w.shape)} stride {op.stride} does not '
                                 f'match the architecture {tuple(m.conv.weight.shape)} stride {m.conv.stride[0]}')
            m.conv.weight.copy_(w)
            m.conv.bias.copy_(torch.from_numpy(op.inputs[2].dequantize()))  # int32, scale = s_in * s_w, zp 0
            _set_range(m, op.outputs[0])
        residual = [b.add for b in net.blocks if b.add is not None]
        if len(adds) != len(residual):
            raise ValueError(f'Expected {len(residual)} residual adds in {path} but found {len(adds)}')
        for op, m in zip(adds, residual):
            _set_range(m, op.outputs[0])
    net.requires_grad_(False)
    return net.eval()


def _set_range(m, tensor):
    lo, hi = tensor.range()
    m.lo.fill_(lo)
    m.hi.fill_(hi)
    m.qscale.fill_(float(tensor.scale[0]))
