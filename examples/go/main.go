// tensord from Go with Debian's grpc-go (golang-google-grpc-dev) and stubs
// generated from the installed .proto by protoc-gen-go and
// protoc-gen-go-grpc: the seed's autograd example, 20 steps of linear
// regression with one Execute per step, and a 16 MiB tensor up
// (UploadTensor) and down (DownloadTensor) in 1 MiB chunks.
//
//	go run . 127.0.0.1:50051 [TOKEN]    (see README.md for the build)
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	pb "tensordpb/tensord/v1"
)

func f32(values []float32, shape ...int64) *pb.TensorData {
	buf := new(bytes.Buffer)
	binary.Write(buf, binary.LittleEndian, values)
	return &pb.TensorData{Dtype: pb.DType_DTYPE_FLOAT32, Shape: shape, Data: buf.Bytes()}
}

func floats(d *pb.TensorData) []float64 {
	out := make([]float64, len(d.Data)/4)
	for i := range out {
		v := math.Float32frombits(binary.LittleEndian.Uint32(d.Data[4*i:]))
		out[i] = math.Round(float64(v)*1e4) / 1e4
	}
	return out
}

func name(n string) *pb.ValueRef { return &pb.ValueRef{Value: &pb.ValueRef_Name{Name: n}} }
func out(i int32) *pb.ValueRef {
	return &pb.ValueRef{Value: &pb.ValueRef_Node{Node: &pb.NodeOutput{Node: i}}}
}
func scalarF(f float64) *pb.ValueRef {
	return &pb.ValueRef{Value: &pb.ValueRef_Scalar{Scalar: &pb.Scalar{Value: &pb.Scalar_F{F: f}}}}
}
func attrI(i int64) *pb.AttrValue { return &pb.AttrValue{Value: &pb.AttrValue_I{I: i}} }

func node(op string, inputs ...*pb.ValueRef) *pb.OpNode {
	return &pb.OpNode{Op: op, Inputs: inputs, Attrs: map[string]*pb.AttrValue{}}
}

// fmtList prints like Python's list of floats: [0.0, 4.0, 8.0, 12.0].
func fmtList(v []float64) string {
	s := "["
	for i, x := range v {
		if i > 0 {
			s += ", "
		}
		s += fmtFloat(x)
	}
	return s + "]"
}

func fmtFloat(x float64) string {
	if x == math.Trunc(x) {
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("%g", x)
}

func main() {
	if len(os.Args) < 2 {
		log.Fatal("usage: tensord-example HOST:PORT [TOKEN]")
	}
	conn, err := grpc.Dial(os.Args[1], grpc.WithInsecure(),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20)))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	stub := pb.NewTensorServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if len(os.Args) > 2 {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+os.Args[2])
	}
	s, err := stub.CreateSession(ctx, &pb.CreateSessionRequest{})
	if err != nil {
		log.Fatal(err)
	}
	sid := s.Id
	ctx = metadata.AppendToOutgoingContext(ctx, "x-tensord-session", sid)
	execute := func(nodes ...*pb.OpNode) *pb.ExecuteResponse {
		r, err := stub.Execute(ctx, &pb.ExecuteRequest{SessionId: sid, Nodes: nodes})
		if err != nil {
			log.Fatal(err)
		}
		return r
	}

	// x = torch.arange(4.0, requires_grad=True); y = 2 * torch.dot(x, x)
	arange := node("arange")
	arange.Attrs["end"] = &pb.AttrValue{Value: &pb.AttrValue_Scalar{Scalar: &pb.Scalar{Value: &pb.Scalar_F{F: 4}}}}
	rg := node("requires_grad_", out(0))
	rg.Bind = []string{"x"}
	two := &pb.ValueRef{Value: &pb.ValueRef_Scalar{Scalar: &pb.Scalar{Value: &pb.Scalar_I{I: 2}}}}
	y := node("mul", two, out(2))
	y.Bind = []string{"y"}
	y.ReturnValue = true
	r := execute(arange, rg, node("dot", name("x"), name("x")), y)
	fmt.Printf("y = %s\n", fmtFloat(floats(r.Results[3].Values[0])[0]))
	if _, err := stub.Backward(ctx, &pb.BackwardRequest{SessionId: sid,
		Tensor: &pb.TensorRef{Ref: &pb.TensorRef_Name{Name: "y"}}}); err != nil {
		log.Fatal(err)
	}
	g, err := stub.FetchTensor(ctx, &pb.FetchTensorRequest{SessionId: sid,
		Tensor: &pb.TensorRef{Ref: &pb.TensorRef_Name{Name: "x"}}, Grad: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("x.grad = %s\n", fmtList(floats(g.Data)))

	// Linear regression y = 2 x + 1 on 8 points; each step one Execute.
	var xv, tv []float32
	for i := 0; i < 8; i++ {
		x := float32(i) / 4
		xv = append(xv, x, 1)
		tv = append(tv, 2*x+1)
	}
	lx := node("alias", &pb.ValueRef{Value: &pb.ValueRef_Literal{Literal: f32(xv, 8, 2)}})
	lx.Bind = []string{"X"}
	lt := node("alias", &pb.ValueRef{Value: &pb.ValueRef_Literal{Literal: f32(tv, 8)}})
	lt.Bind = []string{"t"}
	zw := node("zeros")
	zw.Attrs["size"] = &pb.AttrValue{Value: &pb.AttrValue_Ints{Ints: &pb.IntList{Values: []int64{2}}}}
	w := node("requires_grad_", out(2))
	w.Bind = []string{"w"}
	execute(lx, lt, zw, w)
	var losses []float64
	for step := 0; step < 20; step++ {
		loss := node("mean", out(2))
		loss.ReturnValue = true
		grad := node("autograd.grad", out(3), name("w"))
		grad.Attrs["n_outputs"] = attrI(1)
		grad.Attrs["n_inputs"] = attrI(1)
		nw := node("requires_grad_", out(7))
		nw.Bind = []string{"w"}
		r := execute(node("mv", name("X"), name("w")), node("sub", out(0), name("t")),
			node("mul", out(1), out(1)), loss, grad, node("mul", out(4), scalarF(0.1)),
			node("sub", name("w"), out(5)), node("detach", out(6)), nw)
		losses = append(losses, floats(r.Results[3].Values[0])[0])
	}
	fmt.Printf("linear regression: loss %s after 1 step, %s after 20\n",
		fmtFloat(losses[0]), fmtFloat(losses[19]))
	if !(losses[19] < losses[0]/10) {
		log.Fatal("the loss did not fall tenfold")
	}

	// 16 MiB up and down, streamed in 1 MiB chunks.
	big := make([]byte, 16<<20)
	rand.Read(big)
	const chunk = 1 << 20
	up, err := stub.UploadTensor(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if err := up.Send(&pb.UploadTensorRequest{SessionId: sid, Dtype: pb.DType_DTYPE_INT32,
		Shape: []int64{int64(len(big) / 4)}, Name: "big"}); err != nil {
		log.Fatal(err)
	}
	for i := 0; i < len(big); i += chunk {
		if err := up.Send(&pb.UploadTensorRequest{Chunk: big[i : i+chunk]}); err != nil {
			log.Fatal(err)
		}
	}
	if _, err := up.CloseAndRecv(); err != nil {
		log.Fatal(err)
	}
	down, err := stub.DownloadTensor(ctx, &pb.FetchTensorRequest{SessionId: sid,
		Tensor: &pb.TensorRef{Ref: &pb.TensorRef_Name{Name: "big"}}, ChunkBytes: chunk})
	if err != nil {
		log.Fatal(err)
	}
	var back []byte
	for {
		m, err := down.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		back = append(back, m.Chunk...)
	}
	if bytes.Equal(back, big) {
		fmt.Println("16 MiB up and down: the same bytes")
	} else {
		fmt.Println("16 MiB up and down: the bytes differ")
		os.Exit(1)
	}
	if _, err := stub.CloseSession(ctx, &pb.CloseSessionRequest{SessionId: sid}); err != nil {
		log.Fatal(err)
	}
}
