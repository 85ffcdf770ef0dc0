-- wrk script for bench/soak.sh: counts responses by status class (a response()
-- hook, so Lua runs per response: slower than run-bench.sh's static fast path,
-- which is fine for a soak) and prints one machine-readable line at the end.
-- wrk's own err_status only says ">= 400"; the soak needs the 5xx apart.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  c1, c2, c3, c4, c5 = 0, 0, 0, 0, 0
end

function response(status, headers, body)
  if status >= 500 then c5 = c5 + 1
  elseif status >= 400 then c4 = c4 + 1
  elseif status >= 300 then c3 = c3 + 1
  elseif status >= 200 then c2 = c2 + 1
  else c1 = c1 + 1 end
end

function done(summary, latency, requests)
  local s = { 0, 0, 0, 0, 0 }
  for _, t in ipairs(threads) do
    s[1] = s[1] + (t:get("c1") or 0); s[2] = s[2] + (t:get("c2") or 0)
    s[3] = s[3] + (t:get("c3") or 0); s[4] = s[4] + (t:get("c4") or 0)
    s[5] = s[5] + (t:get("c5") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "SOAK requests=%d duration_us=%d bytes=%d err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d s1xx=%d s2xx=%d s3xx=%d s4xx=%d s5xx=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    s[1], s[2], s[3], s[4], s[5], latency:percentile(99), latency.max))
end
