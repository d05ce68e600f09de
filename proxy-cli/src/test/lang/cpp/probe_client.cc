// probe-client in C++ with grpc++ (Debian 12's libgrpc++-dev): runs the ten cases of the probe, described in
// proxy-cli/src/test/lang/PROBE.md, against `--target HOST:PORT` with `dapr-app-id: --app-id` on every call.
// Messages are raw bytes (grpc::ByteBuffer) sent through grpc::GenericStub, so there is no protoc step. Every call
// is a generic bidi stream driven synchronously over its own CompletionQueue (the Call class below), which covers
// all four call shapes; each case is one function returning "" (PASS) or what it expected and what came (FAIL).
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <unistd.h>

#include <chrono>
#include <exception>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace {

using Bytes = std::string;  // raw bytes, may contain NUL
using Metadata = std::vector<std::pair<std::string, std::string>>;
using std::chrono::milliseconds;

const std::string kService = "/h2splice.probe.Probe/";
const int kMaxMessage = 64 << 20;
const milliseconds kCaseDeadline{30000};
const std::string kFailMessage = "the probe failed on purpose: \xe2\x98\xba";  // U+263A in UTF-8
const std::string kDetailsHex =
    "080912207468652070726f6265206661696c6564206f6e20707572706f73653a20e298ba1a420a2e747970652e676f6f676c65617069"
    "732e636f6d2f676f6f676c652e70726f746f6275662e427974657356616c756512100a0e64657461696c7320706c65617365";

std::string g_app_id;  // from --app-id

std::string Hex(const Bytes& b, size_t limit = 64) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < b.size() && i < limit; i++) {
    out += digits[(unsigned char)b[i] >> 4];
    out += digits[(unsigned char)b[i] & 0xf];
  }
  if (b.size() > limit) out += "...(" + std::to_string(b.size()) + " bytes)";
  return out;
}

Bytes Unhex(const std::string& hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out += (char)std::stoi(hex.substr(i, 2), nullptr, 16);
  return out;
}

std::string Describe(const grpc::Status& st) {
  return "status " + std::to_string(st.error_code()) + " '" + st.error_message() + "'";
}

// One RPC as a generic bidi stream on a private completion queue; each operation waits for its own completion, so
// at most one is ever pending. Finish() gives the final status; ctx exposes metadata once the call has finished.
class Call {
 public:
  explicit Call(const Metadata& metadata = {}, milliseconds timeout = kCaseDeadline,
                const std::string& app_id = g_app_id) {
    ctx.set_deadline(std::chrono::system_clock::now() + timeout);
    if (!app_id.empty()) ctx.AddMetadata("dapr-app-id", app_id);
    for (const auto& kv : metadata) ctx.AddMetadata(kv.first, kv.second);  // -bin values are raw bytes
  }

  ~Call() {
    ctx.TryCancel();  // no-op when finished; otherwise makes any pending operation complete
    cq_.Shutdown();
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok)) {
    }
  }

  bool Start(grpc::GenericStub& stub, const std::string& method) {
    stream_ = stub.PrepareCall(&ctx, kService + method, &cq_);
    stream_->StartCall(this);
    return Wait();
  }

  bool Write(const Bytes& msg) {
    grpc::Slice slice(msg);
    grpc::ByteBuffer buffer(&slice, 1);
    stream_->Write(buffer, this);
    return Wait();
  }

  bool WritesDone() {
    stream_->WritesDone(this);
    return Wait();
  }

  // False when the server will send no more messages (then Finish() tells why).
  bool Read(Bytes* msg) {
    stream_->Read(&buffer_, this);
    return Wait() && Take(msg);
  }

  // Like Read, but when no message came within `after`, cancels the call locally (ClientContext::TryCancel).
  bool ReadOrCancelAfter(Bytes* msg, milliseconds after) {
    stream_->Read(&buffer_, this);
    void* tag;
    bool ok = false;
    if (cq_.AsyncNext(&tag, &ok, std::chrono::system_clock::now() + after) == grpc::CompletionQueue::GOT_EVENT)
      return ok && Take(msg);
    ctx.TryCancel();
    return Wait() && Take(msg);  // the pending read completes, failed, once cancelled
  }

  grpc::Status Finish() {
    grpc::Status status;
    stream_->Finish(&status, this);
    Wait();
    return status;
  }

  // Waits for the one pending operation; its success.
  bool Wait() {
    void* tag;
    bool ok = false;
    return cq_.Next(&tag, &ok) && ok;
  }

  // A unary call: one request, half-close, at most one reply (empty when none came).
  grpc::Status Unary(grpc::GenericStub& stub, const std::string& method, const Bytes& request, Bytes* reply) {
    reply->clear();
    if (Start(stub, method) && Write(request) && WritesDone()) Read(reply);
    return Finish();
  }

  grpc::ClientContext ctx;

 private:
  grpc::CompletionQueue cq_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> stream_;
  grpc::ByteBuffer buffer_;

  bool Take(Bytes* msg) {
    std::vector<grpc::Slice> slices;
    buffer_.Dump(&slices);
    msg->clear();
    for (const auto& s : slices) msg->append(reinterpret_cast<const char*>(s.begin()), s.size());
    return true;
  }
};

// Asks the server whether it saw the Hang call with this tag cancelled; "" when it did.
std::string CheckCancelled(grpc::GenericStub& stub, const std::string& tag) {
  Call call;
  Bytes reply;
  grpc::Status st = call.Unary(stub, "Cancelled", tag, &reply);
  if (!st.ok() || reply != "cancelled")
    return "expected Cancelled to reply 'cancelled', got " + Describe(st) + " reply '" + reply + "'";
  return "";
}

std::string Tag(const std::string& what) { return "cpp-" + std::to_string(getpid()) + "-" + what; }

std::string CaseUnary(grpc::GenericStub& stub) {
  Bytes request(1024, 0);
  for (size_t i = 0; i < request.size(); i++) request[i] = (char)(i & 0xff);
  Call call;
  Bytes reply;
  grpc::Status st = call.Unary(stub, "Echo", request, &reply);
  if (!st.ok()) return "expected status OK, got " + Describe(st);
  if (reply != request) return "expected the 1024 request bytes back, got " + Hex(reply);
  return "";
}

std::string CaseServerStreaming(grpc::GenericStub& stub) {
  Call call({{"x-probe-count", "5"}, {"x-probe-size", "1024"}});
  std::vector<Bytes> got;
  Bytes msg;
  if (call.Start(stub, "ServerStream") && call.Write("") && call.WritesDone())
    while (call.Read(&msg)) got.push_back(msg);
  grpc::Status st = call.Finish();
  if (!st.ok()) return "expected status OK, got " + Describe(st) + " after " + std::to_string(got.size()) + " messages";
  if (got.size() != 5) return "expected 5 messages, got " + std::to_string(got.size());
  for (size_t i = 0; i < got.size(); i++)
    if (got[i] != Bytes(1024, (char)i)) return "expected message " + std::to_string(i) + " = 1024 x " +
                                               std::to_string(i) + ", got " + Hex(got[i]);
  return "";
}

std::string CaseClientStreaming(grpc::GenericStub& stub) {
  Call call;
  Bytes reply;
  if (call.Start(stub, "ClientStream") && call.Write(Bytes(1000, 'a')) && call.Write(Bytes(2000, 'b')) &&
      call.Write(Bytes(3000, 'c')) && call.Write(Bytes(4000, 'd')) && call.WritesDone())
    call.Read(&reply);
  grpc::Status st = call.Finish();
  if (!st.ok()) return "expected status OK, got " + Describe(st);
  if (reply != "bytes=10000;messages=4") return "expected reply 'bytes=10000;messages=4', got '" + reply + "'";
  return "";
}

std::string CaseBidi(grpc::GenericStub& stub) {
  Call call;
  if (!call.Start(stub, "Bidi")) return "expected the call to start, got " + Describe(call.Finish());
  for (int i = 0; i < 3; i++) {
    Bytes ping = "ping-" + std::to_string(i), echo;
    if (!call.Write(ping) || !call.Read(&echo))
      return "expected the echo of '" + ping + "', got none and " + Describe(call.Finish());
    if (echo != ping) return "expected the echo '" + ping + "', got '" + echo + "'";
  }
  Bytes extra;
  bool more = call.WritesDone() && call.Read(&extra);
  grpc::Status st = call.Finish();
  if (more) return "expected no message after half-close, got '" + extra + "'";
  if (!st.ok()) return "expected status OK, got " + Describe(st);
  return "";
}

std::string CaseMetadata(grpc::GenericStub& stub) {
  const Bytes bin("\x00\xff\x10\x80\x7f\x0a\x0d\x20", 8);
  Call call({{"x-probe-ascii", "hello-ascii"}, {"x-probe-bin", bin}});
  Bytes reply;
  grpc::Status st = call.Unary(stub, "Echo", "hello", &reply);
  if (!st.ok()) return "expected status OK, got " + Describe(st);
  std::string problems;
  auto check = [&](const std::multimap<grpc::string_ref, grpc::string_ref>& md, const char* where,
                   const std::string& key, const Bytes& want) {
    auto it = md.find(key);
    if (it == md.end()) {
      problems += std::string(problems.empty() ? "" : "; ") + where + " " + key + " missing";
    } else if (Bytes(it->second.data(), it->second.size()) != want) {
      problems += std::string(problems.empty() ? "" : "; ") + where + " " + key + " expected hex " + Hex(want) +
                  ", got hex " + Hex(Bytes(it->second.data(), it->second.size()));
    }
  };
  check(call.ctx.GetServerInitialMetadata(), "header", "x-probe-ascii", "hello-ascii");
  check(call.ctx.GetServerInitialMetadata(), "header", "x-probe-bin", bin);
  check(call.ctx.GetServerTrailingMetadata(), "trailer", "x-probe-ascii-t", "hello-ascii");
  check(call.ctx.GetServerTrailingMetadata(), "trailer", "x-probe-t-bin", bin);
  return problems;
}

std::string CaseStatusDetails(grpc::GenericStub& stub) {
  Call call;
  Bytes reply;
  grpc::Status st = call.Unary(stub, "Fail", "details please", &reply);
  if (st.error_code() != grpc::StatusCode::FAILED_PRECONDITION || st.error_message() != kFailMessage)
    return "expected status 9 '" + kFailMessage + "', got " + Describe(st);
  if (st.error_details() != Unhex(kDetailsHex))
    return "expected grpc-status-details-bin hex " + kDetailsHex + ", got hex " + Hex(st.error_details(), 256);
  return "";
}

std::string CaseDeadline(grpc::GenericStub& stub) {
  const std::string tag = Tag("deadline");
  Call call({{"x-probe-tag", tag}}, milliseconds(500));
  Bytes reply;
  grpc::Status st = call.Unary(stub, "Hang", "hang", &reply);
  if (st.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED)
    return "expected Hang to end with status 4 DEADLINE_EXCEEDED, got " + Describe(st);
  return CheckCancelled(stub, tag);
}

std::string CaseCancel(grpc::GenericStub& stub) {
  const std::string tag = Tag("cancel");
  Call call({{"x-probe-tag", tag}});
  Bytes reply;
  if (call.Start(stub, "Hang") && call.Write("hang") && call.WritesDone())
    call.ReadOrCancelAfter(&reply, milliseconds(300));
  grpc::Status st = call.Finish();
  if (st.error_code() != grpc::StatusCode::CANCELLED)
    return "expected Hang to end with status 1 CANCELLED, got " + Describe(st);
  return CheckCancelled(stub, tag);
}

std::string CaseLargeMessage(grpc::GenericStub& stub) {
  Bytes request(16 << 20, 0);
  for (size_t i = 0; i < request.size(); i++) request[i] = (char)((i * 31) & 0xff);
  Call call;
  Bytes reply;
  grpc::Status st = call.Unary(stub, "Echo", request, &reply);
  if (!st.ok()) return "expected status OK, got " + Describe(st);
  if (reply != request) return "expected the 16777216 request bytes back, got " + std::to_string(reply.size()) +
                               " bytes that differ";
  return "";
}

std::string CaseUnknownApp(grpc::GenericStub& stub) {
  Call call({}, kCaseDeadline, "no-such-app");
  Bytes reply;
  grpc::Status st = call.Unary(stub, "Echo", "x", &reply);
  if (st.error_code() != grpc::StatusCode::UNAVAILABLE ||
      st.error_message() != "couldn't find service: no-such-app")
    return "expected status 14 'couldn't find service: no-such-app', got " + Describe(st);
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  std::string target;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--target") {
      target = argv[i + 1];
    } else if (flag == "--app-id") {
      g_app_id = argv[i + 1];
    }
  }
  if (target.empty() || g_app_id.empty() || argc != 5) {
    std::cerr << "usage: probe-client --target HOST:PORT --app-id ID\n";
    return 2;
  }

  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessage);
  args.SetMaxSendMessageSize(kMaxMessage);
  grpc::GenericStub stub(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));

  const std::vector<std::pair<std::string, std::function<std::string(grpc::GenericStub&)>>> cases = {
      {"unary", CaseUnary},           {"server_streaming", CaseServerStreaming},
      {"client_streaming", CaseClientStreaming},
      {"bidi", CaseBidi},             {"metadata", CaseMetadata},
      {"status_details", CaseStatusDetails},
      {"deadline", CaseDeadline},     {"cancel", CaseCancel},
      {"large_message", CaseLargeMessage},
      {"unknown_app", CaseUnknownApp},
  };
  bool all_passed = true;
  for (const auto& c : cases) {
    std::string failure;
    try {
      failure = c.second(stub);
    } catch (const std::exception& e) {
      failure = std::string("threw: ") + e.what();
    } catch (...) {
      failure = "threw a non-standard exception";
    }
    for (char& ch : failure)
      if (ch == '\n' || ch == '\r') ch = ' ';
    if (failure.empty()) {
      std::cout << "CASE " << c.first << " PASS\n";
    } else {
      std::cout << "CASE " << c.first << " FAIL " << failure << "\n";
      all_passed = false;
    }
    std::cout.flush();
  }
  std::cout << "LIBRARY cpp grpc++ " << grpc::Version() << "\n";
  return all_passed ? 0 : 1;
}
