-- waline_post.lua: POST unique ~500-byte comments to Waline's
-- /api/comment, rotating over 100 paths (the reference for workload 1).
-- After ../shared/peers/waline/waline_post.lua: Waline answers HTTP 200
-- with {"errno":N} when it refuses (duplicate, too fast), so only
-- "errno":0 counts as accepted; each request claims its own client
-- address in X-Forwarded-For, from 198.18.0.0/15 (the benchmarking range:
-- header text only, no packet goes there), because Waline's per-IP
-- throttle refuses some posts from one address even with IPQPS=0.
-- usage: wrk ... -s waline_post.lua http://127.0.0.1:PORT
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local lib = dofile(dir .. "lib.lua")
local run = tostring(os.time())   -- bodies unique across runs

setup = lib.setup

local pad = string.rep("Benchmark comment body with *markdown* and a " ..
  "[link](https://example.org/a). ", 6)

function init(args)
  lib.init_counters()
  n = 0
  hdr = { ["Content-Type"] = "application/json" }
end

function request()
  n = n + 1
  local id = run .. "." .. tid
  local body = string.format(
    '{"comment":"t%s-%d %s","nick":"wrk%s","mail":"wrk%s@example.org",' ..
    '"link":"https://example.org","url":"/bench/post/%d",' ..
    '"ua":"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"}',
    id, n, pad, id, id, n % 100)
  hdr["X-Forwarded-For"] = string.format("198.%d.%d.%d", 18 + tid % 2,
    math.floor(n / 250) % 256, n % 250 + 1)
  return wrk.format("POST", "/api/comment", hdr, body)
end

function response(status, headers, body)
  if status == 200 and body:find('"errno":0', 1, true) then
    lib.count(201, 201)
  else
    lib.count(status == 200 and 422 or status, 201)
  end
end

done = lib.done
