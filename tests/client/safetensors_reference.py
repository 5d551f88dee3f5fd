"""A reference safetensors writer and reader, from the format's spec with
the standard library (json, struct) and numpy, as the Rust crate's
serialize() writes and read_metadata() validates. Shared by
tensor_files_test.py and tests/python/files_test.py."""
import json
import struct

import numpy as np

# The reference's Dtype enum order (the writer sorts by it, descending).
ST_ORDER = ["BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2",
            "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16",
            "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64"]
ST_OF = {"bool": "BOOL", "int32": "I32", "int64": "I64", "float32": "F32",
         "float64": "F64", "complex64": "C64", "float16": "F16",
         "uint8": "U8", "int8": "I8", "int16": "I16", "uint16": "U16"}
NP_OF = {v: k for k, v in ST_OF.items()}
DTYPES = ["bool", "int32", "int64", "float32", "float64", "complex64",
          "float16", "uint8", "int8", "int16"]
SHAPES = [(), (0,), (2, 0, 3), (3,), (2, 3), (1, 1, 1, 4)]


def ref_write(tensors, metadata=None):
    """safetensors bytes as the reference's serialize() writes them."""
    items = sorted(tensors.items(),
                   key=lambda kv: (-ST_ORDER.index(ST_OF[kv[1].dtype.name]),
                                   kv[0]))
    header, data, off = {}, b"", 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, a in items:
        b = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": ST_OF[a.dtype.name], "shape": list(a.shape),
                        "data_offsets": [off, off + len(b)]}
        data += b
        off += len(b)
    text = json.dumps(header, separators=(",", ":"),
                      ensure_ascii=False).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def ref_read(blob):
    """(tensors, metadata) as the reference's read_metadata validates."""
    (n,) = struct.unpack("<Q", blob[:8])
    assert n <= 100_000_000 and 8 + n <= len(blob)
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", None)
    start = 0
    out = {}
    for name, info in sorted(header.items(),
                             key=lambda kv: kv[1]["data_offsets"]):
        s, e = info["data_offsets"]
        assert s == start and e >= s, (name, s, start)
        dt = np.dtype(NP_OF[info["dtype"]]).newbyteorder("<")
        count = int(np.prod(info["shape"], dtype=np.int64))
        assert e - s == count * dt.itemsize
        out[name] = np.frombuffer(blob[8 + n + s:8 + n + e], dtype=dt) \
            .reshape(info["shape"])
        start = e
    assert start + 8 + n == len(blob), "incomplete buffer"
    return out, meta
