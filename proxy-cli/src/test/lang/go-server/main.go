// The probe service of PROBE.md in Go (google.golang.org/grpc): every message is raw bytes, handled by one
// handler for all methods, so no protoc step is needed.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

const (
	service     = "/h2splice.probe.Probe/"
	maxMessage  = 64 << 20
	failMessage = "the probe failed on purpose: \u263a"
)

// raw passes message bytes through untouched.
type raw struct{}

func (raw) Marshal(v any) ([]byte, error) {
	if p, ok := v.(*[]byte); ok {
		return *p, nil
	}
	return nil, fmt.Errorf("raw codec cannot marshal %T", v)
}

func (raw) Unmarshal(data []byte, v any) error {
	p, ok := v.(*[]byte)
	if !ok {
		return fmt.Errorf("raw codec cannot unmarshal into %T", v)
	}
	*p = append([]byte(nil), data...)
	return nil
}

func (raw) Name() string { return "proto" }

// hangs remembers Hang calls by tag; a tag's channel closes when the server sees its call cancelled.
type hangs struct {
	mu   sync.Mutex
	seen map[string]chan struct{}
}

func (h *hangs) channel(tag string) chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, ok := h.seen[tag]
	if !ok {
		c = make(chan struct{})
		h.seen[tag] = c
	}
	return c
}

type probe struct{ hangs hangs }

func first(md metadata.MD, key string) (string, bool) {
	if v := md.Get(key); len(v) > 0 {
		return v[0], true
	}
	return "", false
}

func (p *probe) handle(_ any, stream grpc.ServerStream) error {
	method, _ := grpc.MethodFromServerStream(stream)
	md, _ := metadata.FromIncomingContext(stream.Context())
	switch method {
	case service + "Echo":
		req, err := recv(stream)
		if err != nil {
			return err
		}
		head, tail := metadata.MD{}, metadata.MD{}
		if v, ok := first(md, "x-probe-ascii"); ok {
			head.Set("x-probe-ascii", v)
			tail.Set("x-probe-ascii-t", v)
		}
		if v, ok := first(md, "x-probe-bin"); ok {
			head.Set("x-probe-bin", v)
			tail.Set("x-probe-t-bin", v)
		}
		if err := stream.SendHeader(head); err != nil {
			return err
		}
		stream.SetTrailer(tail)
		return stream.SendMsg(&req)
	case service + "Headers":
		if _, err := recv(stream); err != nil {
			return err
		}
		var lines []string
		for k, vs := range md {
			for _, v := range vs {
				lines = append(lines, k+": "+v)
			}
		}
		sort.Strings(lines)
		reply := []byte(strings.Join(lines, "\n"))
		return stream.SendMsg(&reply)
	case service + "Fail":
		req, err := recv(stream)
		if err != nil {
			return err
		}
		detail, err := anypb.New(wrapperspb.Bytes(req))
		if err != nil {
			return err
		}
		return status.FromProto(&spb.Status{Code: int32(codes.FailedPrecondition), Message: failMessage,
			Details: []*anypb.Any{detail}}).Err()
	case service + "ServerStream":
		if _, err := recv(stream); err != nil {
			return err
		}
		count, _ := first(md, "x-probe-count")
		size, _ := first(md, "x-probe-size")
		n, err1 := strconv.Atoi(count)
		s, err2 := strconv.Atoi(size)
		if err1 != nil || err2 != nil {
			return status.Error(codes.InvalidArgument, "x-probe-count and x-probe-size must be numbers")
		}
		for i := 0; i < n; i++ {
			msg := make([]byte, s)
			for j := range msg {
				msg[j] = byte(i)
			}
			if err := stream.SendMsg(&msg); err != nil {
				return err
			}
		}
		return nil
	case service + "ClientStream":
		total, count := 0, 0
		for {
			var msg []byte
			if err := stream.RecvMsg(&msg); err != nil {
				if err != io.EOF {
					return err
				}
				break
			}
			total += len(msg)
			count++
		}
		reply := []byte(fmt.Sprintf("bytes=%d;messages=%d", total, count))
		return stream.SendMsg(&reply)
	case service + "Bidi":
		for {
			var msg []byte
			if err := stream.RecvMsg(&msg); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
			if err := stream.SendMsg(&msg); err != nil {
				return err
			}
		}
	case service + "Hang":
		if _, err := recv(stream); err != nil {
			return err
		}
		tag, _ := first(md, "x-probe-tag")
		<-stream.Context().Done()
		close(p.hangs.channel(tag))
		log.Printf("Hang %q: the server saw the call cancelled (%v)", tag, stream.Context().Err())
		return status.FromContextError(stream.Context().Err()).Err()
	case service + "Cancelled":
		req, err := recv(stream)
		if err != nil {
			return err
		}
		select {
		case <-p.hangs.channel(string(req)):
			reply := []byte("cancelled")
			return stream.SendMsg(&reply)
		case <-time.After(5 * time.Second):
			return status.Errorf(codes.NotFound, "no Hang call tagged %q was seen cancelled within 5 s", req)
		}
	}
	return status.Errorf(codes.Unimplemented, "unknown method %s", method)
}

func recv(stream grpc.ServerStream) ([]byte, error) {
	var msg []byte
	err := stream.RecvMsg(&msg)
	return msg, err
}

func main() {
	port := flag.Int("port", 0, "port to listen on, on 127.0.0.1")
	flag.Parse()
	lis, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		log.Fatalf("failed to listen: %v", err)
	}
	p := &probe{hangs: hangs{seen: map[string]chan struct{}{}}}
	s := grpc.NewServer(grpc.ForceServerCodec(raw{}), grpc.UnknownServiceHandler(p.handle),
		grpc.MaxRecvMsgSize(maxMessage), grpc.MaxSendMsgSize(maxMessage))
	log.Printf("probe server listening at %v", lis.Addr())
	if err := s.Serve(lis); err != nil {
		log.Fatalf("failed to serve: %v", err)
	}
}
