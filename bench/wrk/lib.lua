-- lib.lua: what every benchmark wrk script shares (loaded with dofile).
--
-- Counts answers by status in each thread, optionally paces requests to a
-- fixed total rate (env BENCH_RATE, requests/s over BENCH_CONNS
-- connections: exponential gaps, so arrivals are roughly Poisson), and
-- prints one machine-readable line for bench/run:
--   WRK tag=T reqs=N ok=N bad=N secs=S rps=R okps=R p50us=U p99us=U errors=N
-- "ok" is what the script's ok_status accepts (201 for posts, 200 for
-- reads), so throughput counts only answers that did what was asked.
local M = {}
local threads = {}
local nthreads = 0

function M.setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
  table.insert(threads, thread)
end

function M.init_counters()
  ok, bad, dup, other = 0, 0, 0, ""
end

function M.count(status, want)
  if status == want then
    ok = ok + 1
  elseif status == 200 and want == 201 then
    dup = dup + 1
  else
    bad = bad + 1
    if bad <= 3 then other = other .. " " .. status end
  end
end

local rate = tonumber(os.getenv("BENCH_RATE") or "")
local conns = tonumber(os.getenv("BENCH_CONNS") or "")
if rate and rate > 0 and conns and conns > 0 then
  local mean = conns / rate * 1000   -- ms between requests per connection
  function delay()
    local d = -math.log(1 - math.random()) * mean
    return math.floor(d + math.random())
  end
end

function M.done(summary, latency, requests)
  local o, b, d, st = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    o = o + (t:get("ok") or 0)
    b = b + (t:get("bad") or 0)
    d = d + (t:get("dup") or 0)
    st = st .. (t:get("other") or "")
  end
  local secs = summary.duration / 1e6
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "WRK tag=%s reqs=%d ok=%d dup=%d bad=%d secs=%.3f rps=%.1f okps=%.1f " ..
    "p50us=%d p99us=%d maxus=%d errors=%d statuses=%s\n",
    os.getenv("BENCH_TAG") or "-", summary.requests, o, d, b, secs,
    summary.requests / secs, o / secs, latency:percentile(50),
    latency:percentile(99), latency.max, errors,
    st == "" and "-" or st:gsub("^ ", ""):gsub(" ", ",")))
end

return M
