#!/usr/bin/env python3
"""Raw-socket client for bench/soak.sh: pipelined and malformed requests.

Usage: soak-client.py HOST PORT DURATION_S OUT_JSON

Loops until DURATION_S has passed, alternating:
  * pipelined: several requests in one write (or cut into 2-3 writes at random
    points): GET, POST with Content-Length, POST chunked (with a chunk
    extension), HEAD, GET /16k.bin, sometimes ending with "Connection: close";
    every request must get a complete, parseable response, or the connection
    may end after a response that said "Connection: close".
  * malformed, each on a fresh connection: a bad header name, bare LF line
    ends, a head over 32 KiB, a CONNECT, a #fragment in the target, and a good
    request followed by a bad one in the same write.  Each must get a response
    (any status; a 2xx to a malformed request is counted as "accepted") or a
    close (FIN or RST); a connection that neither answers nor closes within
    STALL_S is a "stall", which soak.sh treats as a failure.

Writes OUT_JSON with per-scenario outcome counts and totals (also on SIGTERM).
"""
import json
import random
import signal
import socket
import sys
import time

STALL_S = 10.0


class Eof(Exception):
    pass


class Conn:
    def __init__(self, host, port):
        self.s = socket.create_connection((host, port), timeout=STALL_S)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass

    def fill(self):
        d = self.s.recv(65536)  # socket.timeout propagates: a stall
        if not d:
            raise Eof()
        self.buf += d

    def until(self, sep, limit=1 << 20):
        while True:
            i = self.buf.find(sep)
            if i >= 0:
                out, self.buf = self.buf[:i], self.buf[i + len(sep):]
                return out
            if len(self.buf) > limit:
                raise ValueError("line too long")
            self.fill()

    def exactly(self, n):
        while len(self.buf) < n:
            self.fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def response(self, head_only=False):
        """(status, close). Raises Eof before the head ('eof_head'),
        or EofInBody once the head was read."""
        while True:
            head = self.until(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            parts = lines[0].split(b" ", 2)
            if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
                raise ValueError("bad status line %r" % lines[0][:80])
            status = int(parts[1])
            hdrs = {}
            for line in lines[1:]:
                k, sep, v = line.partition(b":")
                if not sep:
                    raise ValueError("bad header line %r" % line[:80])
                hdrs[k.strip().lower()] = v.strip().lower()
            if 100 <= status < 200:
                continue  # interim
            break
        close = b"close" in hdrs.get(b"connection", b"")
        try:
            te = hdrs.get(b"transfer-encoding")
            if head_only or status in (204, 304):
                pass
            elif te is not None and te.endswith(b"chunked"):
                while True:
                    size = int(self.until(b"\r\n").split(b";")[0], 16)
                    if size == 0:
                        while self.until(b"\r\n") != b"":
                            pass
                        break
                    self.exactly(size)
                    if self.exactly(2) != b"\r\n":
                        raise ValueError("chunk not followed by CRLF")
            elif b"content-length" in hdrs:
                self.exactly(int(hdrs[b"content-length"]))
            else:  # delimited by the close
                try:
                    while True:
                        self.fill()
                except Eof:
                    pass
                return status, True
        except Eof:
            raise EofInBody()
        return status, close


class EofInBody(Exception):
    pass


def label(req):
    line = req.split(b"\r\n", 1)[0].rsplit(b" ", 1)[0].decode()
    if b"chunked" in req:
        return line + " chunked"
    if b"Content-Length" in req:
        return line + " content-length"
    return line + (" close" if b"Connection: close" in req else "")


def host_hdr(port):
    return b"Host: 127.0.0.1:%d\r\n" % port


def pipelined_batch(port):
    """[(bytes, head_only)] of 3-6 valid requests."""
    h = host_hdr(port)
    kinds = [
        (b"GET / HTTP/1.1\r\n" + h + b"\r\n", False),
        (b"POST / HTTP/1.1\r\n" + h + b"Content-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello=world", False),
        (b"POST / HTTP/1.1\r\n" + h + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\n\r\n", False),
        (b"POST / HTTP/1.1\r\n" + h + b"Transfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n0\r\nX-Trailer: 1\r\n\r\n", False),
        (b"HEAD / HTTP/1.1\r\n" + h + b"\r\n", True),
        (b"GET /16k.bin HTTP/1.1\r\n" + h + b"\r\n", False),
    ]
    n = random.randint(3, 6)
    batch = [random.choice(kinds) for _ in range(n)]
    if random.random() < 0.25:
        batch.append((b"GET / HTTP/1.1\r\n" + h + b"Connection: close\r\n\r\n", False))
    return batch


def malformed(port):
    h = host_hdr(port)
    return {
        "bad_header_name": b"GET / HTTP/1.1\r\n" + h + b"Bad Header: v\r\n\r\n",
        "bad_header_byte": b"GET / HTTP/1.1\r\n" + h + b"X-B\x01d: v\r\n\r\n",
        "bare_lf": b"GET / HTTP/1.1\n" + h.replace(b"\r\n", b"\n") + b"\n",
        "oversized_head": b"GET / HTTP/1.1\r\n" + h + b"X-Big: " + b"a" * 40000 + b"\r\n\r\n",
        "connect": b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
        "fragment_target": b"GET /a#frag HTTP/1.1\r\n" + h + b"\r\n",
        "good_then_bad": b"GET / HTTP/1.1\r\n" + h + b"\r\n" + b"GET / HTTP/1.1\r\n" + h + b"Bad Header: v\r\n\r\n",
    }


class Stats:
    def __init__(self):
        self.d = {}

    def add(self, scen, key, n=1):
        s = self.d.setdefault(scen, {})
        s[key] = s.get(key, 0) + n


def send_all(conn, data, cuts):
    if cuts <= 1:
        conn.s.sendall(data)
        return
    points = sorted(random.sample(range(1, len(data)), min(cuts - 1, len(data) - 1)))
    prev = 0
    for p in points + [len(data)]:
        conn.s.sendall(data[prev:p])
        prev = p
        time.sleep(0.001)


def run_pipelined(host, port, st):
    batch = pipelined_batch(port)
    st.add("pipelined", "batches")
    st.add("pipelined", "requests", len(batch))
    try:
        c = Conn(host, port)
    except OSError as e:
        st.add("pipelined", "connect_error")
        return
    prev = "nothing"
    try:
        send_all(c, b"".join(r for r, _ in batch), random.choice([1, 1, 2, 3]))
        prev = "nothing"
        for i, (req, head_only) in enumerate(batch):
            try:
                status, close = c.response(head_only)
            except Eof:
                st.add("pipelined", "eof_before_head", len(batch) - i)
                # which answer came last, for the summary's detail
                st.add("pipelined", "eof_before_head: request %d of %d, after %s" % (i + 1, len(batch), prev))
                return
            except EofInBody:
                st.add("pipelined", "eof_in_body")
                st.add("pipelined", "eof_before_head", len(batch) - i - 1)  # never answered
                return
            st.add("pipelined", "s%dxx" % (status // 100))
            prev = "%d to %s" % (status, label(req))
            if close:
                # The server said it closes: the requests after this one were never
                # answered, as HTTP allows (a client would retry them).
                st.add("pipelined", "unanswered_after_close", len(batch) - i - 1)
                return
    except socket.timeout:
        st.add("pipelined", "stall")
    except (ConnectionResetError, BrokenPipeError):
        st.add("pipelined", "reset")
    except (ValueError, OSError) as e:
        st.add("pipelined", "protocol_error")
        st.add("pipelined", "protocol_error: %s (after %s)" % (str(e)[:80], prev))
    finally:
        c.close()


def run_malformed(host, port, st):
    for name, data in malformed(port).items():
        scen = "malformed." + name
        st.add(scen, "sent")
        try:
            c = Conn(host, port)
        except OSError:
            st.add(scen, "connect_error")
            continue
        try:
            try:
                c.s.sendall(data)
            except (ConnectionResetError, BrokenPipeError):
                pass  # answered and closed while we were still writing: read what came
            if name == "good_then_bad":
                status, close = c.response()
                st.add(scen, "first_s%dxx" % (status // 100))
                if close:
                    st.add(scen, "closed_after_first")
                    continue
            try:
                status, close = c.response()
            except Eof:
                st.add(scen, "closed")
                continue
            st.add(scen, "s%dxx" % (status // 100))
            if 200 <= status < 300 and name != "good_then_bad":
                st.add(scen, "accepted")
            # After an error answer the connection should end.
            try:
                c.s.settimeout(3.0)  # informational: then_left_open is not a failure
                extra = c.s.recv(1)
                st.add(scen, "then_closed" if not extra else "then_more_data")
            except socket.timeout:
                st.add(scen, "then_left_open")
            except (ConnectionResetError, OSError):
                st.add(scen, "then_closed")
        except socket.timeout:
            st.add(scen, "stall")
        except (ConnectionResetError, BrokenPipeError):
            st.add(scen, "closed_rst")  # a close, as allowed (RST: we were still writing)
        except EofInBody:
            st.add(scen, "eof_in_body")
        except Eof:
            st.add(scen, "closed")
        except (ValueError, OSError) as e:
            st.add(scen, "protocol_error")
            st.add(scen, "protocol_error: " + str(e)[:80])
        finally:
            c.close()


def main():
    host, port, duration, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    st = Stats()
    t0 = time.monotonic()
    written = [False]

    def write():
        if written[0]:
            return
        written[0] = True
        d = st.d
        tot = {"requests": 0, "s2xx": 0, "s4xx": 0, "s5xx": 0, "closed": 0, "reset": 0,
               "stall": 0, "protocol_error": 0, "eof_in_body": 0, "eof_before_head": 0,
               "unanswered_after_close": 0, "accepted_malformed": 0, "connect_error": 0,
               "then_left_open": 0}
        for scen, s in d.items():
            tot["requests"] += s.get("requests", 0) + s.get("sent", 0)
            if scen == "malformed.good_then_bad":
                tot["requests"] += s.get("sent", 0)
            for k in ("s2xx", "s4xx", "s5xx"):
                tot[k] += s.get(k, 0) + s.get("first_" + k, 0)
            tot["closed"] += s.get("closed_rst", 0)
            for k in ("closed", "reset", "stall", "protocol_error", "eof_in_body", "eof_before_head",
                      "unanswered_after_close", "connect_error", "then_left_open"):
                tot[k] += s.get(k, 0)
            tot["accepted_malformed"] += s.get("accepted", 0)
        with open(out, "w") as f:
            json.dump({"elapsed_s": round(time.monotonic() - t0, 1), "totals": tot, "scenarios": d}, f,
                      indent=1, sort_keys=True)

    def on_term(signum, frame):
        write()
        sys.exit(0)

    signal.signal(signal.SIGTERM, on_term)
    i = 0
    while time.monotonic() - t0 < duration:
        if i % 4 == 3:
            run_malformed(host, port, st)
        else:
            run_pipelined(host, port, st)
        i += 1
        time.sleep(0.005)
    write()


if __name__ == "__main__":
    main()
