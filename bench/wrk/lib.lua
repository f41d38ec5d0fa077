-- lib.lua: what every benchmark wrk script shares (loaded with dofile).
--
-- Counts answers in each thread (ok = the status the script wants, 201
-- for a new statement, 200 for a read; dup = 200 to a POST, the statement
-- was already stored), optionally paces requests to a total rate (env
-- BENCH_RATE requests/s over BENCH_CONNS connections, exponential gaps so
-- arrivals are roughly Poisson), and prints one line for bench/run, the
-- same shape bench/httpload prints:
--   LOAD tag=T reqs=N ok=N dup=N bad=N secs=S rps=R okps=R p50us=U ...
-- secs runs from the first thread's start to the last counted answer, so
-- a script that runs out of bodies and stops early is not charged for the
-- rest of wrk's -d (wrk's own summary always is).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int, bench_timespec *);
]]
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, ts)   -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

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
  t_first = now()
  t_last = t_first
  math.randomseed(os.time() + (tid or 0) * 7919)
end

-- Lines of a file as a table (paths, ids); an error if it has none.
function M.lines(path)
  local t = {}
  for l in io.lines(path) do
    if l ~= "" then t[#t + 1] = l end
  end
  assert(#t > 0, path .. " has no lines")
  return t
end

function M.count(status, want)
  if status == want then
    ok = ok + 1
  elseif status == 200 and want == 201 then
    dup = dup + 1
  else
    bad = bad + 1
    if not other:find(" " .. status .. " ", 1, true) and #other < 40 then
      other = other .. " " .. status .. " "
    end
  end
  t_last = now()
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
  local o, b, d, st, seen = 0, 0, 0, "", {}
  local first, last = nil, nil
  for _, t in ipairs(threads) do
    o = o + (t:get("ok") or 0)
    b = b + (t:get("bad") or 0)
    d = d + (t:get("dup") or 0)
    for code in (t:get("other") or ""):gmatch("%d+") do
      if not seen[code] then
        seen[code] = true
        st = st .. "," .. code
      end
    end
    local f, l = t:get("t_first"), t:get("t_last")
    if f and (first == nil or f < first) then first = f end
    if l and (last == nil or l > last) then last = l end
  end
  local secs = summary.duration / 1e6
  if first and last and last > first and last - first < secs then
    secs = last - first
  end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout
  st = st:gsub("^,", "")
  io.write(string.format(
    "LOAD tag=%s reqs=%d ok=%d dup=%d bad=%d secs=%.3f rps=%.1f okps=%.1f " ..
    "p50us=%d p99us=%d maxus=%d errors=%d statuses=%s\n",
    os.getenv("BENCH_TAG") or "-", o + d + b, o, d, b, secs,
    (o + d + b) / secs, o / secs, latency:percentile(50),
    latency:percentile(99), latency.max, errors, st == "" and "-" or st))
end

return M
