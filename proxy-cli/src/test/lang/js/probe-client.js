#!/usr/bin/env node
// The probe client of ../PROBE.md in JavaScript, with @grpc/grpc-js: it runs the ten cases against the probe service
// through an h2splice sidecar and prints one CASE line per case, then the LIBRARY line. Messages are raw bytes: the
// generic grpc.Client API (makeUnaryRequest & co.) with identity serialize/deserialize on Buffers, so no protoc.
'use strict';

const grpc = require('@grpc/grpc-js');
const grpcVersion = require('@grpc/grpc-js/package.json').version;

const SERVICE = '/h2splice.probe.Probe/';
const MAX_MESSAGE = 64 * 1024 * 1024;
const CASE_DEADLINE_MS = 30000;
const FAIL_MESSAGE = 'the probe failed on purpose: \u263a';
const STATUS_DETAILS_HEX =
  '080912207468652070726f6265206661696c6564206f6e20707572706f73653a20e298ba1a420a2e747970652e676f6f676c6561706973' +
  '2e636f6d2f676f6f676c652e70726f746f6275662e427974657356616c756512100a0e64657461696c7320706c65617365';
const PROBE_BIN = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f, 0x0a, 0x0d, 0x20]);

const identity = (b) => b;

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--target' && i + 1 < argv.length) args.target = argv[++i];
    else if (argv[i] === '--app-id' && i + 1 < argv.length) args.appId = argv[++i];
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!args.target || !args.appId) throw new Error('usage: probe-client --target HOST:PORT --app-id ID');
  return args;
}

const args = parseArgs(process.argv.slice(2));
const client = new grpc.Client(args.target, grpc.credentials.createInsecure(), {
  'grpc.max_receive_message_length': MAX_MESSAGE,
  'grpc.max_send_message_length': MAX_MESSAGE,
});

// --- helpers ---------------------------------------------------------------------------------------------------

function metadata(entries, appId = args.appId) {
  const md = new grpc.Metadata();
  md.set('dapr-app-id', appId);
  for (const [k, v] of Object.entries(entries || {})) md.set(k, v);
  return md;
}

function deadline(ms = CASE_DEADLINE_MS) {
  return new Date(Date.now() + ms);
}

function statusText(st) {
  return `status ${st.code} (${grpc.status[st.code]}) "${st.details}"`;
}

// Runs a unary call; resolves once the status has arrived with {value, headers, status} (value null on error).
function unary(method, request, md, options = {}, onCall = () => {}) {
  return new Promise((resolve) => {
    let value = null;
    let headers = null;
    const call = client.makeUnaryRequest(SERVICE + method, identity, identity, request, md,
      { deadline: deadline(), ...options }, (err, v) => { if (!err) value = v; });
    call.on('metadata', (m) => { headers = m; });
    call.on('status', (status) => resolve({ value, headers, status }));
    onCall(call);
  });
}

// Collects a readable call's messages; resolves with {messages, status} once both the status and the end came.
function collect(call) {
  return new Promise((resolve) => {
    const messages = [];
    let status = null;
    let ended = false;
    const done = () => { if (status && (ended || status.code !== grpc.status.OK)) resolve({ messages, status }); };
    call.on('data', (m) => messages.push(m));
    call.on('error', () => {}); // the status event carries the same information
    call.on('end', () => { ended = true; done(); });
    call.on('status', (s) => { status = s; done(); });
  });
}

// Reads a duplex call message by message: next() resolves with the next message, or null after the end / an error.
function reader(call) {
  const queue = [];
  const waiting = [];
  let closed = false;
  const push = (m) => { if (waiting.length) waiting.shift()(m); else queue.push(m); };
  call.on('data', push);
  const close = () => { if (!closed) { closed = true; while (waiting.length) waiting.shift()(null); } };
  call.on('end', close);
  call.on('error', close);
  return {
    next: () => (queue.length ? Promise.resolve(queue.shift()) : closed ? Promise.resolve(null)
      : new Promise((r) => waiting.push(r))),
  };
}

function statusOf(call) {
  return new Promise((resolve) => call.on('status', resolve));
}

function pattern(size, f) {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = f(i) & 0xff;
  return b;
}

function expectOk(status, what) {
  if (status.code !== grpc.status.OK) throw new Error(`${what}: expected status OK, got ${statusText(status)}`);
}

function only(md, key) {
  const values = md ? md.get(key) : [];
  if (values.length !== 1) throw new Error(`expected one value of ${key}, got ${values.length}`);
  return values[0];
}

function show(b) {
  return Buffer.isBuffer(b) ? `0x${b.toString('hex')}` : JSON.stringify(b);
}

// Hang with a tag, ended by a deadline or a local cancel, then asks Cancelled whether the server saw it.
async function hangThenCancelled(tag, expectedCode, options, onCall) {
  const hang = await unary('Hang', Buffer.from('hang'), metadata({ 'x-probe-tag': tag }), options, onCall);
  if (hang.status.code !== expectedCode) {
    throw new Error(`Hang: expected status ${expectedCode} (${grpc.status[expectedCode]}), got ${statusText(hang.status)}`);
  }
  const seen = await unary('Cancelled', Buffer.from(tag), metadata());
  expectOk(seen.status, 'Cancelled');
  if (seen.value.toString() !== 'cancelled') throw new Error(`Cancelled: expected "cancelled", got ${show(seen.value)}`);
}

// --- the cases -------------------------------------------------------------------------------------------------

async function caseUnary() {
  const request = pattern(1024, (i) => i);
  const r = await unary('Echo', request, metadata());
  expectOk(r.status, 'Echo');
  if (!r.value.equals(request)) throw new Error(`expected the 1024 request bytes back, got ${r.value.length} bytes that differ`);
}

async function caseServerStreaming() {
  const call = client.makeServerStreamRequest(SERVICE + 'ServerStream', identity, identity, Buffer.alloc(0),
    metadata({ 'x-probe-count': '5', 'x-probe-size': '1024' }), { deadline: deadline() });
  const { messages, status } = await collect(call);
  expectOk(status, 'ServerStream');
  if (messages.length !== 5) throw new Error(`expected 5 messages, got ${messages.length}`);
  messages.forEach((m, i) => {
    if (!m.equals(Buffer.alloc(1024, i))) throw new Error(`message ${i}: expected 1024 bytes of ${i}, got ${m.length} bytes that differ`);
  });
}

async function caseClientStreaming() {
  let value = null;
  const call = client.makeClientStreamRequest(SERVICE + 'ClientStream', identity, identity, metadata(),
    { deadline: deadline() }, (err, v) => { if (!err) value = v; });
  const status = statusOf(call);
  for (const size of [1000, 2000, 3000, 4000]) call.write(Buffer.alloc(size, 0x61));
  call.end();
  const st = await status;
  expectOk(st, 'ClientStream');
  const reply = value.toString();
  if (reply !== 'bytes=10000;messages=4') throw new Error(`expected "bytes=10000;messages=4", got ${JSON.stringify(reply)}`);
}

async function caseBidi() {
  const call = client.makeBidiStreamRequest(SERVICE + 'Bidi', identity, identity, metadata(), { deadline: deadline() });
  const status = statusOf(call);
  const messages = reader(call);
  try {
    for (let i = 0; i < 3; i++) {
      const sent = Buffer.from(`ping-${i}`);
      call.write(sent);
      const echo = await messages.next();
      if (echo === null) throw new Error(`expected the echo of ping-${i}, the stream ended: ${statusText(await status)}`);
      if (!echo.equals(sent)) throw new Error(`expected echo "ping-${i}", got ${show(echo)}`);
    }
    call.end();
    const extra = await messages.next();
    if (extra !== null) throw new Error(`expected no more messages after half-close, got ${show(extra)}`);
    expectOk(await status, 'Bidi');
  } finally {
    call.cancel(); // no-op once the status has arrived; ends the call early when a check threw
  }
}

async function caseMetadata() {
  const r = await unary('Echo', Buffer.from('hello'), metadata({ 'x-probe-ascii': 'hello-ascii', 'x-probe-bin': PROBE_BIN }));
  expectOk(r.status, 'Echo');
  if (r.value.toString() !== 'hello') throw new Error(`expected reply "hello", got ${show(r.value)}`);
  const checks = [
    ['initial metadata', r.headers, 'x-probe-ascii', 'hello-ascii'],
    ['initial metadata', r.headers, 'x-probe-bin', PROBE_BIN],
    ['trailers', r.status.metadata, 'x-probe-ascii-t', 'hello-ascii'],
    ['trailers', r.status.metadata, 'x-probe-t-bin', PROBE_BIN],
  ];
  for (const [where, md, key, expected] of checks) {
    const got = only(md, key);
    const same = Buffer.isBuffer(expected) ? Buffer.isBuffer(got) && got.equals(expected) : got === expected;
    if (!same) throw new Error(`${where} ${key}: expected ${show(expected)}, got ${show(got)}`);
  }
}

async function caseStatusDetails() {
  const r = await unary('Fail', Buffer.from('details please'), metadata());
  if (r.status.code !== grpc.status.FAILED_PRECONDITION || r.status.details !== FAIL_MESSAGE) {
    throw new Error(`expected status 9 (FAILED_PRECONDITION) "${FAIL_MESSAGE}", got ${statusText(r.status)}`);
  }
  const details = only(r.status.metadata, 'grpc-status-details-bin');
  if (!Buffer.isBuffer(details) || details.toString('hex') !== STATUS_DETAILS_HEX) {
    throw new Error(`grpc-status-details-bin: expected 0x${STATUS_DETAILS_HEX}, got ${show(details)}`);
  }
}

async function caseDeadline() {
  await hangThenCancelled(`js-${process.pid}-deadline`, grpc.status.DEADLINE_EXCEEDED, { deadline: deadline(500) });
}

async function caseCancel() {
  await hangThenCancelled(`js-${process.pid}-cancel`, grpc.status.CANCELLED, {},
    (call) => setTimeout(() => call.cancel(), 300));
}

async function caseLargeMessage() {
  const request = pattern(16 * 1024 * 1024, (i) => i * 31);
  const r = await unary('Echo', request, metadata());
  expectOk(r.status, 'Echo');
  if (!r.value.equals(request)) throw new Error(`expected the 16777216 request bytes back, got ${r.value.length} bytes that differ`);
}

async function caseUnknownApp() {
  const r = await unary('Echo', Buffer.from('x'), metadata({}, 'no-such-app'));
  const expected = "couldn't find service: no-such-app";
  if (r.status.code !== grpc.status.UNAVAILABLE || r.status.details !== expected) {
    throw new Error(`expected status 14 (UNAVAILABLE) "${expected}", got ${statusText(r.status)}`);
  }
}

// --- main ------------------------------------------------------------------------------------------------------

const CASES = [
  ['unary', caseUnary],
  ['server_streaming', caseServerStreaming],
  ['client_streaming', caseClientStreaming],
  ['bidi', caseBidi],
  ['metadata', caseMetadata],
  ['status_details', caseStatusDetails],
  ['deadline', caseDeadline],
  ['cancel', caseCancel],
  ['large_message', caseLargeMessage],
  ['unknown_app', caseUnknownApp],
];

// A guard above the calls' own deadlines, so that a case never hangs even if a call never reports a status.
function guard(ms) {
  let timer;
  const promise = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no result within ${ms} ms`)), ms); });
  return { promise, clear: () => clearTimeout(timer) };
}

async function main() {
  let failed = 0;
  for (const [name, run] of CASES) {
    const g = guard(2 * CASE_DEADLINE_MS + 10000); // deadline and cancel make two calls
    try {
      await Promise.race([run(), g.promise]);
      console.log(`CASE ${name} PASS`);
    } catch (e) {
      failed++;
      const text = (e && e.message ? e.message : String(e)).replace(/\s*[\r\n]+\s*/g, ' ');
      console.log(`CASE ${name} FAIL ${text}`);
    } finally {
      g.clear();
    }
  }
  console.log(`LIBRARY js @grpc/grpc-js ${grpcVersion}`);
  client.close();
  process.exitCode = failed === 0 ? 0 : 1;
}

main();
