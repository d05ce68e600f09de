//! The Rust probe client (tonic, https://crates.io/crates/tonic): runs the ten cases of ../PROBE.md through
//! `--target HOST:PORT` with `dapr-app-id: --app-id`, and prints one `CASE` line per case, then the `LIBRARY` line.
//! Messages are raw bytes: a tiny `tonic::codec::Codec` for `bytes::Bytes` and `tonic::client::Grpc` called
//! directly with the method path, so no protoc and no tonic-build are needed.

use std::future::Future;
use std::time::{Duration, Instant};

use bytes::{Buf, BufMut, Bytes};
use http::uri::PathAndQuery;
use tokio_stream::StreamExt;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::metadata::{MetadataMap, MetadataValue};
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Request, Status, TimeoutExpired};

const MAX_MESSAGE: usize = 64 << 20;
const CASE_DEADLINE: Duration = Duration::from_secs(30);
const FAIL_MESSAGE: &str = "the probe failed on purpose: \u{263a}";
const DETAILS_HEX: &str = "080912207468652070726f6265206661696c6564206f6e20707572706f73653a20e298ba1a420a2e747970652e676f6f676c65617069732e636f6d2f676f6f676c652e70726f746f6275662e427974657356616c756512100a0e64657461696c7320706c65617365";
const BIN: [u8; 8] = [0x00, 0xff, 0x10, 0x80, 0x7f, 0x0a, 0x0d, 0x20];

/// The raw-bytes codec: every message goes on the wire as it is.
#[derive(Clone, Copy, Default)]
struct Raw;

impl Codec for Raw {
    type Encode = Bytes;
    type Decode = Bytes;
    type Encoder = Raw;
    type Decoder = Raw;
    fn encoder(&mut self) -> Raw {
        Raw
    }
    fn decoder(&mut self) -> Raw {
        Raw
    }
}

impl Encoder for Raw {
    type Item = Bytes;
    type Error = Status;
    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put(item);
        Ok(())
    }
}

impl Decoder for Raw {
    type Item = Bytes;
    type Error = Status;
    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Bytes>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining())))
    }
}

type Client = tonic::client::Grpc<Channel>;
type Outcome = Result<(), String>;

struct Probe {
    client: Client,
    app_id: String,
    unique: String,
}

impl Probe {
    /// A request carrying `dapr-app-id` and the case deadline (tonic sends it as `grpc-timeout`).
    fn request<T>(&self, message: T) -> Request<T> {
        let mut request = Request::new(message);
        request.set_timeout(CASE_DEADLINE);
        request.metadata_mut().insert("dapr-app-id", ascii(&self.app_id));
        request
    }

    /// A client ready for one call (tonic needs `ready()` before each call).
    async fn client(&self) -> Result<Client, String> {
        let mut client = self.client.clone();
        client.ready().await.map_err(|e| format!("channel not ready: {e}"))?;
        Ok(client)
    }

    async fn unary(&self, method: &str, request: Request<Bytes>) -> Result<tonic::Response<Bytes>, Status> {
        let mut client = self.client().await.map_err(Status::unavailable)?;
        client.unary(request, path(method), Raw).await
    }

    async fn unary_case(&self) -> Outcome {
        let sent: Bytes = (0..1024).map(|i| i as u8).collect();
        let reply = self.unary("Echo", self.request(sent.clone())).await.map_err(show)?;
        expect_bytes("reply", &sent, reply.get_ref())
    }

    async fn server_streaming(&self) -> Outcome {
        let mut request = self.request(Bytes::new());
        request.metadata_mut().insert("x-probe-count", ascii("5"));
        request.metadata_mut().insert("x-probe-size", ascii("1024"));
        let mut stream = self
            .client()
            .await?
            .server_streaming(request, path("ServerStream"), Raw)
            .await
            .map_err(show)?
            .into_inner();
        let mut count = 0usize;
        // message() returns Ok(None) only when the call ended with status OK.
        while let Some(message) = stream
            .message()
            .await
            .map_err(|s| format!("after {count} messages: {}", show(s)))?
        {
            let want = vec![count as u8; 1024];
            expect_bytes(&format!("message {count}"), &want, &message)?;
            count += 1;
        }
        if count != 5 {
            return Err(format!("expected 5 messages, got {count}"));
        }
        Ok(())
    }

    async fn client_streaming(&self) -> Outcome {
        let messages: Vec<Bytes> = [1000, 2000, 3000, 4000]
            .iter()
            .map(|&n| Bytes::from(vec![b'c'; n]))
            .collect();
        let request = self.request(tokio_stream::iter(messages));
        let reply = self
            .client()
            .await?
            .client_streaming(request, path("ClientStream"), Raw)
            .await
            .map_err(show)?;
        expect_bytes("reply", b"bytes=10000;messages=4", reply.get_ref())
    }

    async fn bidi(&self) -> Outcome {
        let (sender, receiver) = tokio::sync::mpsc::channel::<Bytes>(1);
        // tonic's streaming() returns once the response headers arrive, which the server sends with its
        // first echo: so ping-0 is queued before the call starts, each later ping after the echo before it.
        sender
            .send(Bytes::from_static(b"ping-0"))
            .await
            .map_err(|e| e.to_string())?;
        let request = self.request(tokio_stream::wrappers::ReceiverStream::new(receiver));
        let mut echoes = self
            .client()
            .await?
            .streaming(request, path("Bidi"), Raw)
            .await
            .map_err(show)?
            .into_inner();
        for i in 0..3 {
            let sent = format!("ping-{i}");
            if i > 0 {
                sender
                    .send(Bytes::from(sent.clone()))
                    .await
                    .map_err(|e| format!("sending {sent}: {e}"))?;
            }
            match echoes.message().await.map_err(show)? {
                Some(echo) => expect_bytes(&format!("echo {i}"), sent.as_bytes(), &echo)?,
                None => return Err(format!("the stream ended OK before echo {i}")),
            }
        }
        drop(sender); // half-close
        match echoes
            .message()
            .await
            .map_err(|s| format!("after the half-close: {}", show(s)))?
        {
            None => Ok(()),
            Some(extra) => Err(format!(
                "expected the end after 3 echoes, got another message {extra:?}"
            )),
        }
    }

    async fn metadata(&self) -> Outcome {
        let mut request = self.request(Bytes::from_static(b"hello"));
        request.metadata_mut().insert("x-probe-ascii", ascii("hello-ascii"));
        request
            .metadata_mut()
            .insert_bin("x-probe-bin", MetadataValue::from_bytes(&BIN));
        // Echo is unary, but tonic's unary() merges headers and trailers into one map; the server-streaming
        // call shape (same frames on the wire) keeps the initial metadata and the trailers apart.
        let response = self
            .client()
            .await?
            .server_streaming(request, path("Echo"), Raw)
            .await
            .map_err(show)?;
        let head = response.metadata().clone();
        let mut body = response.into_inner();
        let mut replies = 0;
        while body.message().await.map_err(show)?.is_some() {
            replies += 1;
        }
        if replies != 1 {
            return Err(format!("expected 1 reply, got {replies}"));
        }
        let tail = body.trailers().await.map_err(show)?.unwrap_or_default();
        expect_ascii("initial metadata", &head, "x-probe-ascii")?;
        expect_bin("initial metadata", &head, "x-probe-bin")?;
        expect_ascii("trailers", &tail, "x-probe-ascii-t")?;
        expect_bin("trailers", &tail, "x-probe-t-bin")
    }

    async fn status_details(&self) -> Outcome {
        let status = match self
            .unary("Fail", self.request(Bytes::from_static(b"details please")))
            .await
        {
            Ok(reply) => return Err(format!("expected status 9, got OK with {:?}", reply.get_ref())),
            Err(status) => status,
        };
        if status.code() != Code::FailedPrecondition || status.message() != FAIL_MESSAGE {
            return Err(format!("expected status 9 {FAIL_MESSAGE:?}, got {}", show(status)));
        }
        // details() is the raw (base64-decoded) grpc-status-details-bin trailer.
        if hex(status.details()) != DETAILS_HEX {
            return Err(format!(
                "grpc-status-details-bin: expected {DETAILS_HEX}, got {}",
                hex(status.details())
            ));
        }
        Ok(())
    }

    async fn deadline(&self) -> Outcome {
        let tag = format!("{}-deadline", self.unique);
        let mut request = self.request(Bytes::from_static(b"hang"));
        request.set_timeout(Duration::from_millis(500));
        request.metadata_mut().insert("x-probe-tag", ascii(&tag));
        let started = Instant::now();
        let ended = self.unary("Hang", request).await;
        let took = started.elapsed();
        // tonic sends the deadline as grpc-timeout and also runs its own timer on it (the channel's GrpcTimeout
        // layer, until the response headers come), and reports that timer as Code::Cancelled with the message
        // of tonic::TimeoutExpired ("Timeout expired"), not as DEADLINE_EXCEEDED: that is its local deadline.
        // Its timer starts first so it wins; DEADLINE_EXCEEDED from the wire (proxy or server) is accepted too.
        let local_deadline = TimeoutExpired(()).to_string();
        match ended {
            Ok(_) => return Err("expected DEADLINE_EXCEEDED, the Hang call ended OK".into()),
            Err(status) if status.code() == Code::DeadlineExceeded => {}
            Err(status) if status.code() == Code::Cancelled && status.message() == local_deadline => {}
            Err(status) => {
                return Err(format!(
                    "expected DEADLINE_EXCEEDED (or tonic's local deadline, CANCELLED {local_deadline:?}), got {}",
                    show(status)
                ));
            }
        }
        if took < Duration::from_millis(450) || took > Duration::from_secs(5) {
            return Err(format!(
                "the 500 ms deadline ended the call after {} ms",
                took.as_millis()
            ));
        }
        self.server_saw_cancel(&tag).await
    }

    async fn cancel(&self) -> Outcome {
        let tag = format!("{}-cancel", self.unique);
        // tonic's local cancel is Request::cancellation_handle(): cancel() fails the request body with
        // "client cancelled" and sends RST_STREAM(CANCEL), and the call ends with Code::Cancelled, message
        // "h2 protocol error: http2 error" (source: h2 Reset(CANCEL, User)). That code needs tonic's `server`
        // feature: without it tonic maps the h2 reset to Code::Unknown "transport error". cancel() acts only while
        // the request stream is open (a unary request has already sent its end of stream, and is not cancelled),
        // so the Hang request is a stream of one message that stays open. Dropping or aborting the call's future
        // also resets the stream, but then tonic reports no status at all. The call must end soon after the
        // cancel, and not by tonic's timer (CANCELLED "Timeout expired" after the 30 s deadline).
        let mut request = self.request(tokio_stream::once(Bytes::from_static(b"hang")).chain(tokio_stream::pending()));
        request.metadata_mut().insert("x-probe-tag", ascii(&tag));
        let handle = request.cancellation_handle();
        let started = Instant::now();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            handle.cancel();
        });
        let mut client = self.client().await?;
        let ended = client.client_streaming(request, path("Hang"), Raw).await;
        let took = started.elapsed();
        match ended {
            Ok(_) => return Err("expected CANCELLED, the Hang call ended OK".into()),
            Err(status) if status.code() == Code::Cancelled && status.message() != TimeoutExpired(()).to_string() => {}
            Err(status) => return Err(format!("expected CANCELLED by the cancel, got {}", show(status))),
        }
        if took < Duration::from_millis(300) || took > Duration::from_secs(5) {
            return Err(format!(
                "cancelled after 300 ms, the call ended after {} ms",
                took.as_millis()
            ));
        }
        self.server_saw_cancel(&tag).await
    }

    /// The Cancelled method replies `cancelled` once the server has seen the Hang call with this tag cancelled.
    async fn server_saw_cancel(&self, tag: &str) -> Outcome {
        let reply = self
            .unary("Cancelled", self.request(Bytes::from(tag.to_owned())))
            .await
            .map_err(|s| format!("Cancelled {tag}: {}", show(s)))?;
        expect_bytes("Cancelled reply", b"cancelled", reply.get_ref())
    }

    async fn large_message(&self) -> Outcome {
        let sent: Bytes = (0..16usize << 20).map(|i| (i * 31) as u8).collect();
        let reply = self.unary("Echo", self.request(sent.clone())).await.map_err(show)?;
        expect_bytes("reply", &sent, reply.get_ref())
    }

    async fn unknown_app(&self) -> Outcome {
        let mut request = self.request(Bytes::from_static(b"x"));
        request.metadata_mut().insert("dapr-app-id", ascii("no-such-app"));
        match self.unary("Echo", request).await {
            Ok(_) => Err("expected UNAVAILABLE, got OK".into()),
            Err(status)
                if status.code() == Code::Unavailable && status.message() == "couldn't find service: no-such-app" =>
            {
                Ok(())
            }
            Err(status) => Err(format!(
                "expected 14 \"couldn't find service: no-such-app\", got {}",
                show(status)
            )),
        }
    }
}

fn path(method: &str) -> PathAndQuery {
    PathAndQuery::try_from(format!("/h2splice.probe.Probe/{method}")).expect("a valid path")
}

fn ascii(value: &str) -> MetadataValue<tonic::metadata::Ascii> {
    value.parse().expect("an ASCII metadata value")
}

fn show(status: Status) -> String {
    format!(
        "status {} ({:?}) {:?}",
        status.code() as i32,
        status.code(),
        status.message()
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares bytes; on a difference says where, without printing megabytes.
fn expect_bytes(what: &str, want: &[u8], got: &[u8]) -> Outcome {
    if want == got {
        return Ok(());
    }
    let at = want
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or(want.len().min(got.len()));
    let short = |b: &[u8]| {
        if b.len() <= 64 {
            format!("{b:?}")
        } else {
            format!("{} bytes", b.len())
        }
    };
    Err(format!(
        "{what}: expected {}, got {} (first difference at byte {at})",
        short(want),
        short(got)
    ))
}

fn expect_ascii(what: &str, map: &MetadataMap, key: &str) -> Outcome {
    match map.get(key).map(|v| v.to_str()) {
        Some(Ok("hello-ascii")) => Ok(()),
        other => Err(format!("{what} {key}: expected \"hello-ascii\", got {other:?}")),
    }
}

fn expect_bin(what: &str, map: &MetadataMap, key: &str) -> Outcome {
    match map.get_bin(key).map(|v| v.to_bytes()) {
        Some(Ok(bytes)) if bytes[..] == BIN => Ok(()),
        other => Err(format!("{what} {key}: expected {}, got {other:?}", hex(&BIN))),
    }
}

/// Runs one case under its deadline and prints its line; a case that errors or panics is a FAIL.
async fn run<F: Future<Output = Outcome> + Send + 'static>(name: &str, case: F) -> bool {
    let task = tokio::spawn(case);
    let abort = task.abort_handle();
    let outcome = match tokio::time::timeout(CASE_DEADLINE + Duration::from_secs(2), task).await {
        Err(_) => {
            abort.abort();
            Err(format!("no end within {} s", CASE_DEADLINE.as_secs() + 2))
        }
        Ok(Err(join)) => Err(format!("the case panicked: {join}")),
        Ok(Ok(outcome)) => outcome,
    };
    match outcome {
        Ok(()) => println!("CASE {name} PASS"),
        Err(ref why) => println!("CASE {name} FAIL {}", why.replace(['\n', '\r'], " ")),
    }
    outcome.is_ok()
}

/// tonic has no version constant: the version is the one pinned in the committed Cargo.lock, built in.
fn tonic_version() -> &'static str {
    let (lock, entry) = (include_str!("../Cargo.lock"), "name = \"tonic\"\nversion = \"");
    let at = lock.find(entry).expect("tonic in Cargo.lock") + entry.len();
    &lock[at..at + lock[at..].find('"').expect("a quoted version")]
}

fn main() {
    let (mut target, mut app_id) = (None, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--target" => target = args.next(),
            "--app-id" => app_id = args.next(),
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2)
            }
        }
    }
    let (Some(target), Some(app_id)) = (target, app_id) else {
        eprintln!("usage: probe-client --target HOST:PORT --app-id ID");
        std::process::exit(2)
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let passed = runtime.block_on(async move {
        let endpoint = Endpoint::from_shared(format!("http://{target}")).expect("a valid --target");
        let client = Client::new(endpoint.connect_lazy())
            .max_decoding_message_size(MAX_MESSAGE)
            .max_encoding_message_size(MAX_MESSAGE);
        let probe = std::sync::Arc::new(Probe {
            client,
            app_id,
            unique: format!("rust-{}", std::process::id()),
        });
        let mut passed = true;
        macro_rules! case {
            ($name:literal, $method:ident) => {{
                let probe = probe.clone();
                passed &= run($name, async move { probe.$method().await }).await;
            }};
        }
        case!("unary", unary_case);
        case!("server_streaming", server_streaming);
        case!("client_streaming", client_streaming);
        case!("bidi", bidi);
        case!("metadata", metadata);
        case!("status_details", status_details);
        case!("deadline", deadline);
        case!("cancel", cancel);
        case!("large_message", large_message);
        case!("unknown_app", unknown_app);
        passed
    });
    println!("LIBRARY rust tonic {}", tonic_version());
    std::process::exit(if passed { 0 } else { 1 });
}
