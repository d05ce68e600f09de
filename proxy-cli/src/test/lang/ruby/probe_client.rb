# frozen_string_literal: true

# The probe client of PROBE.md (../PROBE.md) in Ruby, with the grpc gem (Debian 12's ruby-grpc):
# GRPC::ClientStub's generic calls with identity marshal/unmarshal lambdas, so every message is raw bytes
# (binary Strings) and no protoc step is needed. Runs the ten cases in order, prints one CASE line each and
# the LIBRARY line, exits 0 when every case passed.
#
#   probe-client --target 127.0.0.1:PORT --app-id ID

require 'grpc'

SERVICE = '/h2splice.probe.Probe/'
MAX_MESSAGE = 64 * 1024 * 1024
TIMEOUT = 30 # seconds, per case unless said otherwise
RAW = ->(bytes) { bytes }
FROM_WIRE = ->(bytes) { bytes.b }
PROBE_BIN = [0x00, 0xff, 0x10, 0x80, 0x7f, 0x0a, 0x0d, 0x20].pack('C*')
FAIL_MESSAGE = "the probe failed on purpose: \u263a"
STATUS_DETAILS = ['080912207468652070726f6265206661696c6564206f6e20707572706f73653a20e298ba1a420a2e747970652e676f6f' \
                  '676c65617069732e636f6d2f676f6f676c652e70726f746f6275662e427974657356616c756512100a0e64657461696c' \
                  '7320706c65617365'].pack('H*')

# A case failed: the message says what was expected and what came.
class Mismatch < StandardError; end

def expect(ok, what)
  raise Mismatch, what unless ok
end

def due(seconds = TIMEOUT)
  Time.now + seconds
end

def bytes(n)
  Array.new(n) { |i| yield(i) & 0xff }.pack('C*')
end

def show(value)
  return value.inspect if value.nil? || value.bytesize <= 64
  "#{value.bytesize} bytes starting #{value.byteslice(0, 16).inspect}"
end

def tag(name)
  "ruby-#{Process.pid}-#{name}"
end

class Probe
  def initialize(target, app_id)
    @app_id = app_id
    @stub = GRPC::ClientStub.new(target, :this_channel_is_insecure,
                                 channel_args: { 'grpc.max_receive_message_length' => MAX_MESSAGE,
                                                 'grpc.max_send_message_length' => MAX_MESSAGE })
  end

  def md(extra = {})
    { 'dapr-app-id' => @app_id }.merge(extra)
  end

  def unary(method, req, metadata: md, deadline: due, return_op: false)
    @stub.request_response(SERVICE + method, req, RAW, FROM_WIRE,
                           metadata: metadata, deadline: deadline, return_op: return_op)
  end

  def case_unary
    req = bytes(1024) { |i| i }
    reply = unary('Echo', req)
    expect(reply == req, "expected the 1024 request bytes back, got #{show(reply)}")
  end

  def case_server_streaming
    replies = @stub.server_streamer(SERVICE + 'ServerStream', ''.b, RAW, FROM_WIRE, deadline: due,
                                    metadata: md('x-probe-count' => '5', 'x-probe-size' => '1024')).to_a
    expect(replies.size == 5, "expected 5 messages, got #{replies.size}")
    replies.each_with_index do |m, i|
      expect(m == i.chr.b * 1024, "expected message #{i} = 1024 bytes of #{i}, got #{show(m)}")
    end
  end

  def case_client_streaming
    reqs = [1000, 2000, 3000, 4000].map { |n| 'c'.b * n }
    reply = @stub.client_streamer(SERVICE + 'ClientStream', reqs, RAW, FROM_WIRE, deadline: due, metadata: md)
    expect(reply == 'bytes=10000;messages=4', "expected \"bytes=10000;messages=4\", got #{show(reply)}")
  end

  def case_bidi
    outbox = Queue.new # the write loop sends what is pushed here; nil half-closes
    requests = Enumerator.new do |y|
      while (m = outbox.pop)
        y << m
      end
    end
    sent = ['ping-0', 'ping-1', 'ping-2'].map(&:b)
    outbox << sent[0]
    echoes = []
    begin
      @stub.bidi_streamer(SERVICE + 'Bidi', requests, RAW, FROM_WIRE, deadline: due, metadata: md) do |echo|
        echoes << echo
        outbox << sent[echoes.size] # the next ping, or nil (half-close) after the third echo
      end
    ensure
      outbox << nil
    end
    expect(echoes == sent, "expected echoes #{sent.inspect}, got #{echoes.inspect}")
  end

  def case_metadata
    op = unary('Echo', 'hello'.b, metadata: md('x-probe-ascii' => 'hello-ascii', 'x-probe-bin' => PROBE_BIN),
                                  return_op: true)
    reply = op.execute
    head = op.metadata || {}
    tail = op.trailing_metadata || {}
    expect(reply == 'hello', "expected reply \"hello\", got #{show(reply)}")
    expect(head['x-probe-ascii'] == 'hello-ascii',
           "expected initial metadata x-probe-ascii \"hello-ascii\", got #{head['x-probe-ascii'].inspect}")
    expect(head['x-probe-bin']&.b == PROBE_BIN,
           "expected initial metadata x-probe-bin #{PROBE_BIN.inspect}, got #{head['x-probe-bin'].inspect}")
    expect(tail['x-probe-ascii-t'] == 'hello-ascii',
           "expected trailer x-probe-ascii-t \"hello-ascii\", got #{tail['x-probe-ascii-t'].inspect}")
    expect(tail['x-probe-t-bin']&.b == PROBE_BIN,
           "expected trailer x-probe-t-bin #{PROBE_BIN.inspect}, got #{tail['x-probe-t-bin'].inspect}")
  end

  def case_status_details
    begin
      reply = unary('Fail', 'details please'.b)
      raise Mismatch, "expected status 9, got OK with #{show(reply)}"
    rescue GRPC::BadStatus => e
      error = e
    end
    message = error.details.to_s.dup.force_encoding(Encoding::UTF_8)
    details = error.metadata && error.metadata['grpc-status-details-bin']
    expect(error.code == GRPC::Core::StatusCodes::FAILED_PRECONDITION, "expected status 9, got #{error.code}")
    expect(message == FAIL_MESSAGE, "expected message #{FAIL_MESSAGE.inspect}, got #{message.inspect}")
    expect(details&.b == STATUS_DETAILS,
           "expected grpc-status-details-bin #{STATUS_DETAILS.unpack1('H*')}, got #{details&.unpack1('H*').inspect}")
  end

  # The Cancelled method says whether the server saw the Hang call tagged `name` cancelled.
  def expect_server_saw_cancel(name)
    reply = unary('Cancelled', tag(name).b)
    expect(reply == 'cancelled', "expected Cancelled to reply \"cancelled\", got #{show(reply)}")
  rescue GRPC::BadStatus => e
    raise Mismatch, "expected Cancelled to reply \"cancelled\", got status #{e.code} #{e.details}"
  end

  def hang_status(name, deadline:, cancel_after: nil)
    op = unary('Hang', ''.b, metadata: md('x-probe-tag' => tag(name)), deadline: deadline, return_op: true)
    canceller = cancel_after && Thread.new do
      sleep cancel_after
      op.cancel
    end
    begin
      reply = op.execute
      return [GRPC::Core::StatusCodes::OK, "reply #{show(reply)}"]
    rescue GRPC::BadStatus => e
      return [e.code, e.details]
    ensure
      canceller&.join
    end
  end

  def case_deadline
    code, details = hang_status('deadline', deadline: due(0.5))
    expect(code == GRPC::Core::StatusCodes::DEADLINE_EXCEEDED,
           "expected the Hang call to end DEADLINE_EXCEEDED (4), got #{code} #{details}")
    expect_server_saw_cancel('deadline')
  end

  def case_cancel
    code, details = hang_status('cancel', deadline: due, cancel_after: 0.3)
    expect(code == GRPC::Core::StatusCodes::CANCELLED,
           "expected the Hang call to end CANCELLED (1), got #{code} #{details}")
    expect_server_saw_cancel('cancel')
  end

  def case_large_message
    req = bytes(16 * 1024 * 1024) { |i| i * 31 }
    reply = unary('Echo', req)
    expect(reply == req, "expected the 16 MiB request back, got #{show(reply)}")
  end

  def case_unknown_app
    begin
      reply = unary('Echo', 'x'.b, metadata: { 'dapr-app-id' => 'no-such-app' })
      raise Mismatch, "expected status 14, got OK with #{show(reply)}"
    rescue GRPC::BadStatus => e
      error = e
    end
    message = error.details.to_s.dup.force_encoding(Encoding::UTF_8)
    want = "couldn't find service: no-such-app"
    expect(error.code == GRPC::Core::StatusCodes::UNAVAILABLE && message == want,
           "expected status 14 #{want.inspect}, got #{error.code} #{message.inspect}")
  end
end

CASES = %w[unary server_streaming client_streaming bidi metadata status_details deadline cancel large_message
           unknown_app].freeze

def parse_args(argv)
  opts = {}
  until argv.empty?
    flag = argv.shift
    case flag
    when '--target' then opts[:target] = argv.shift
    when '--app-id' then opts[:app_id] = argv.shift
    else abort "unknown argument #{flag}; usage: probe-client --target HOST:PORT --app-id ID"
    end
  end
  abort 'usage: probe-client --target HOST:PORT --app-id ID' unless opts[:target] && opts[:app_id]
  opts
end

def main
  $stdout.sync = true
  opts = parse_args(ARGV.dup)
  probe = Probe.new(opts[:target], opts[:app_id])
  passed = CASES.count do |name|
    probe.send("case_#{name}")
    puts "CASE #{name} PASS"
    true
  rescue StandardError => e
    text = case e
           when Mismatch then e.message
           when GRPC::BadStatus then "unexpected status #{e.code} (#{e.class.name.split('::').last}): #{e.details}"
           else "#{e.class}: #{e.message}"
           end
    puts "CASE #{name} FAIL #{text.gsub(/\s+/, ' ')}"
    false
  end
  puts "LIBRARY ruby grpc #{GRPC::VERSION}"
  exit(passed == CASES.size ? 0 : 1)
end

main if $PROGRAM_NAME == __FILE__
