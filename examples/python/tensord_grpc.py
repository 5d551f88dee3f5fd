"""tensord from Python with only grpcio and stubs generated from the
installed .proto (no tensord package): the seed's autograd example, 20 steps
of linear regression with one Execute per step, and a 16 MiB tensor up
(UploadTensor) and down (DownloadTensor) in 1 MiB chunks.

    protoc -I PREFIX/share/tensord/proto --python_out=gen \
      --grpc_python_out=gen --plugin=protoc-gen-grpc_python=$(which grpc_python_plugin) \
      tensord/v1/tensord.proto
    PYTHONPATH=gen python3 tensord_grpc.py 127.0.0.1:50051 [TOKEN]
"""
import os
import struct
import sys

import grpc
from tensord.v1 import tensord_pb2 as pb
from tensord.v1 import tensord_pb2_grpc as pbg


def f32(values, shape):
    return pb.TensorData(dtype=pb.DTYPE_FLOAT32, shape=shape,
                         data=struct.pack("<%df" % len(values), *values))


def floats(data):
    return [round(v, 4) for v in
            struct.unpack("<%df" % (len(data.data) // 4), data.data)]


def node(op, *inputs, bind=(), ret=False, **attrs):
    n = pb.OpNode(op=op, inputs=list(inputs), bind=list(bind),
                  return_value=ret)
    for k, v in attrs.items():
        n.attrs[k].CopyFrom(v)
    return n


name = lambda n: pb.ValueRef(name=n)
out = lambda i: pb.ValueRef(node=pb.NodeOutput(node=i))


def main():
    target = sys.argv[1]
    token = sys.argv[2] if len(sys.argv) > 2 else None
    channel = grpc.insecure_channel(target, options=[
        ("grpc.max_receive_message_length", 64 << 20)])
    stub = pbg.TensorServiceStub(channel)
    md = [("authorization", "Bearer " + token)] if token else []
    sid = stub.CreateSession(pb.CreateSessionRequest(), metadata=md).id
    md.append(("x-tensord-session", sid))

    def execute(*nodes):
        return stub.Execute(pb.ExecuteRequest(session_id=sid, nodes=nodes),
                            metadata=md)

    # x = torch.arange(4.0, requires_grad=True); y = 2 * torch.dot(x, x)
    r = execute(
        node("arange", end=pb.AttrValue(scalar=pb.Scalar(f=4.0))),
        node("requires_grad_", out(0), bind=["x"]),
        node("dot", name("x"), name("x")),
        node("mul", pb.ValueRef(scalar=pb.Scalar(i=2)), out(2), bind=["y"],
             ret=True))
    print("y = %s" % floats(r.results[3].values[0])[0])
    stub.Backward(pb.BackwardRequest(session_id=sid,
                                     tensor=pb.TensorRef(name="y")),
                  metadata=md)
    g = stub.FetchTensor(pb.FetchTensorRequest(
        session_id=sid, tensor=pb.TensorRef(name="x"), grad=True),
        metadata=md)
    print("x.grad = %s" % floats(g.data))

    # Linear regression y = 2 x + 1 on 8 points; each step one Execute.
    xs = [i / 4 for i in range(8)]
    execute(
        node("alias", pb.ValueRef(literal=f32(
            [v for x in xs for v in (x, 1.0)], [8, 2])), bind=["X"]),
        node("alias", pb.ValueRef(literal=f32([2 * x + 1 for x in xs], [8])),
             bind=["t"]),
        node("zeros", size=pb.AttrValue(ints=pb.IntList(values=[2]))),
        node("requires_grad_", out(2), bind=["w"]))
    losses = []
    for _ in range(20):
        r = execute(
            node("mv", name("X"), name("w")),
            node("sub", out(0), name("t")),
            node("mul", out(1), out(1)),
            node("mean", out(2), ret=True),
            node("autograd.grad", out(3), name("w"),
                 n_outputs=pb.AttrValue(i=1), n_inputs=pb.AttrValue(i=1)),
            node("mul", out(4), pb.ValueRef(scalar=pb.Scalar(f=0.1))),
            node("sub", name("w"), out(5)),
            node("detach", out(6)),
            node("requires_grad_", out(7), bind=["w"]))
        losses.append(floats(r.results[3].values[0])[0])
    print("linear regression: loss %s after 1 step, %s after 20" %
          (losses[0], losses[-1]))
    if not losses[-1] < losses[0] / 10:
        sys.exit("the loss did not fall tenfold")

    # 16 MiB up and down, streamed in 1 MiB chunks.
    big = os.urandom(16 << 20)
    chunk = 1 << 20

    def upload():
        yield pb.UploadTensorRequest(session_id=sid, dtype=pb.DTYPE_INT32,
                                     shape=[len(big) // 4], name="big")
        for i in range(0, len(big), chunk):
            yield pb.UploadTensorRequest(chunk=big[i:i + chunk])

    stub.UploadTensor(upload(), metadata=md)
    back = b"".join(m.chunk for m in stub.DownloadTensor(
        pb.FetchTensorRequest(session_id=sid, tensor=pb.TensorRef(name="big"),
                              chunk_bytes=chunk), metadata=md))
    print("16 MiB up and down: %s" %
          ("the same bytes" if back == big else "the bytes differ"))
    stub.CloseSession(pb.CloseSessionRequest(session_id=sid), metadata=md)
    if back != big:
        sys.exit(1)


if __name__ == "__main__":
    main()
