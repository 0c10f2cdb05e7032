#!/usr/bin/env bash
# Build one libFuzzer target of Fuzz/ and run it for SECONDS, seeded from ../shared/asterisk.
#   scripts/fuzz.sh TARGET [SECONDS] [extra libFuzzer flags…]
# TARGET: FuzzAMIFrames | FuzzAGI | FuzzConfig | FuzzARIEvents | FuzzARIWebSocketFrames | FuzzARIHTTPResponses
#         | FuzzFakeARIRequests
# Crashes land in Fuzz/artifacts/TARGET/; copy each into Tests/*/Fixtures/fuzz-regressions/ as a
# regression test. Needs Linux (libFuzzer ships with the Swift toolchain) and python3 for the seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh TARGET [SECONDS]}"
seconds="${2:-600}"
shift $(( $# > 1 ? 2 : 1 ))
shared="${ASTERISK_SHARED:-../shared/asterisk}"
work="Fuzz/.work/$target"
corpus="$work/corpus"
mkdir -p "$corpus" "Fuzz/artifacts/$target"

# Seeds: the recorded protocol data and the sample configs, one file per message or file.
python3 - "$target" "$shared" "$corpus" <<'PY'
import json, os, sys, hashlib
target, shared, corpus = sys.argv[1:4]
captures = os.path.join(shared, "captures")
def put(data):
    if isinstance(data, str): data = data.encode("utf-8", "surrogateescape")
    if not data: return
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(corpus, name), "wb") as f: f.write(data)
def transcripts(prefixes):
    if not os.path.isdir(captures): return
    for root, _, files in os.walk(captures):
        for file in files:
            if not file.endswith(".jsonl") or not file.startswith(prefixes): continue
            chunks = {"in": [], "out": []}
            for line in open(os.path.join(root, file), encoding="utf-8"):
                item = json.loads(line)
                if isinstance(item.get("data"), str): chunks.setdefault(item.get("dir", "in"), []).append(item["data"])
            for direction, parts in chunks.items():
                put("".join(parts))
                for part in parts: put(part)
def rest_exchanges():
    """The recorded ARI REST requests and answers, one dict each (none without the captures)."""
    path = os.path.join(captures, "ari-rest.jsonl")
    if not os.path.exists(path): return []
    return [json.loads(line) for line in open(path, encoding="utf-8")]
if target == "FuzzAMIFrames": transcripts(("ami-", "agi-async", "agi-classic-ami", "agi-fastagi-ami"))
elif target == "FuzzAGI":
    transcripts(("agi-fastagi.jsonl",))
    stdin = os.path.join(captures, "agi-classic-stdin.txt")
    if os.path.exists(stdin): put(open(stdin, "rb").read())
elif target == "FuzzARIEvents":
    if os.path.isdir(captures):
        for file in os.listdir(captures):
            if file.startswith("ari-") and file.endswith(".jsonl"):
                for line in open(os.path.join(captures, file), encoding="utf-8"):
                    item = json.loads(line)
                    data = item.get("data") or item.get("body")
                    if isinstance(data, str): put(data)
elif target == "FuzzARIWebSocketFrames":
    # Two bytes that choose where the input is cut, then server frames: each recorded event as a text
    # frame, the first one split in three fragments around a ping, one masked, one with a 64-bit length.
    import struct
    def frame(opcode, payload, fin=True, mask=None, form=None):
        head = bytes([(0x80 if fin else 0) | opcode])
        n = len(payload)
        form = form or (n if n < 126 else 126 if n < 65536 else 127)
        m = 0x80 if mask else 0
        if form == 126: head += bytes([m | 126]) + struct.pack(">H", n)
        elif form == 127: head += bytes([m | 127]) + struct.pack(">Q", n)
        else: head += bytes([m | n])
        if mask: return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return head + payload
    events = []
    if os.path.isdir(captures):
        for line in open(os.path.join(captures, "ari-events.jsonl"), encoding="utf-8"):
            data = json.loads(line).get("data")
            if isinstance(data, str): events.append(data.encode())
    for index, event in enumerate(events):
        put(bytes([index % 256, 7]) + frame(1, event))
    if events:
        first = events[0]
        put(b"\x01\x03" + frame(1, first[:10], fin=False) + frame(9, b"ping") + frame(0, first[10:20], fin=False) + frame(0, first[20:]))
        put(b"\x00\x05" + frame(1, first, mask=b"\x12\x34\x56\x78") + frame(1, first, form=127) + frame(8, b"\x03\xe8"))
        put(b"\x02\x11" + b"".join(frame(1, e) for e in events[:20]))
elif target == "FuzzARIHTTPResponses":
    # Two bytes that choose where the input is cut, then answers as Asterisk writes them: each
    # recorded REST answer with its length, a run of them on one connection, one chunked, one closing.
    answers = [(item["status"], (item.get("body") or "").encode()) for item in rest_exchanges() if "status" in item]
    def answer(status, body, how="length"):
        head = f"HTTP/1.1 {status} X\r\nServer: Asterisk/23.4.1\r\nCache-Control: no-cache, no-store\r\n"
        if how == "chunked":
            chunks = b"".join(f"{len(body[i:i+40]):x}\r\n".encode() + body[i:i+40] + b"\r\n" for i in range(0, len(body), 40))
            return (head + "Transfer-Encoding: chunked\r\n\r\n").encode() + chunks + b"0\r\n\r\n"
        if how == "close": return (head + "Connection: close\r\n\r\n").encode() + body
        extra = "Content-type: application/json\r\n" if body else ""
        return (head + f"Content-Length: {len(body)}\r\n{extra}\r\n").encode() + body
    for index, (status, body) in enumerate(answers):
        put(bytes([index % 256, 5]) + answer(status, body))
    if answers:
        put(b"\x01\x07" + b"".join(answer(s, b) for s, b in answers[:10]))
        put(b"\x02\x03" + b"HTTP/1.1 100 Continue\r\n\r\n" + answer(*answers[0], how="chunked"))
        put(b"\x00\x09" + answer(*answers[-1], how="close"))
elif target == "FuzzFakeARIRequests":
    # Two bytes that choose where the input is cut, then requests as ARI clients write them: each
    # recorded REST request, a run of them on one connection, one with a chunked body, one HTTP/1.0.
    requests = []
    for item in rest_exchanges():
        if "method" in item and "path" in item:
            query = "&".join(f"{k}={v}" for k, v in (item.get("query") or {}).items())
            requests.append((item["method"], "/ari" + item["path"] + ("?" + query if query else ""), b"{}" if item["method"] == "POST" else b""))
    if not requests: requests = [("GET", "/ari/asterisk/info", b""), ("POST", "/ari/channels?endpoint=PJSIP/100&app=a", b"{}")]
    def request(method, target, body, how="length", version="1.1"):
        head = f"{method} {target} HTTP/{version}\r\nHost: 127.0.0.1:8088\r\nAuthorization: Basic YXBwOnNlY3JldA==\r\n"
        if how == "chunked":
            chunks = b"".join(f"{len(body[i:i+7]):x};x=1\r\n".encode() + body[i:i+7] + b"\r\n" for i in range(0, len(body), 7))
            return (head + "Transfer-Encoding: chunked\r\n\r\n").encode() + chunks + b"0\r\nTrailer: t\r\n\r\n"
        extra = f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n" if body else ""
        return (head + extra + "\r\n").encode() + body
    for index, (method, target_, body) in enumerate(requests):
        put(bytes([index % 256, 3]) + request(method, target_, body))
    put(b"\x01\x07" + b"".join(request(*r) for r in requests[:10]))
    put(b"\x02\x05" + request("POST", "/ari/channels/x/variable", b'{"variable":"A","value":"1"}', how="chunked"))
    put(b"\x00\x09" + request("GET", "/ari/asterisk/ping", b"", version="1.0"))
elif target == "FuzzConfig":
    samples = os.path.join(shared, "config-samples")
    if os.path.isdir(samples):
        for file in os.listdir(samples):
            put(open(os.path.join(samples, file), "rb").read())
print(f"{len(os.listdir(corpus))} seeds in {corpus}", file=sys.stderr)
PY

testing=()
case "$target" in FuzzARIWebSocketFrames|FuzzARIHTTPResponses|FuzzFakeARIRequests) testing=(-Xswiftc -enable-testing);; esac   # they read internal types
( cd Fuzz && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld "${testing[@]}" --product "$target" )
binary="Fuzz/.build/release/$target"
"$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="Fuzz/artifacts/$target/" "$@" "$corpus" 2>&1 | tee "$work/last-run.log"
