-- post.lua: POST every wire body of an NDJSON file once, then stop.
-- usage: wrk -t2 -c32 -d10s -s post.lua URL -- bodies.ndjson
-- Thread k of n sends lines k, k+n, k+2n, ...; a thread that runs out
-- stops itself, so a short file ends the run early rather than re-posting
-- (a repeat is answered 200 and counted as "dup", not as accepted).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local lib = dofile(dir .. "lib.lua")
setup = lib.setup

function init(args)
  lib.init_counters()
  local path = args[1]
  local n = tonumber(args[2] or "1")
  lines = io.lines(path)
  stride, skip = n, tid
  hdr = { ["Content-Type"] = "application/json" }
  exhausted = false
end

local function next_body()
  for _ = 1, skip do
    if lines() == nil then return nil end
  end
  skip = stride - 1
  return lines()
end

function request()
  local body = (not exhausted) and next_body() or nil
  if body == nil then
    exhausted = true
    return wrk.format("GET", "/healthz")
  end
  return wrk.format("POST", "/v1/statements", hdr, body)
end

function response(status, headers, body)
  -- Only the /healthz sent after the last line answers {"status":"ok"...
  if exhausted and status == 200 and body:find('"status":"ok"', 1, true) then
    wrk.thread:stop()
    return
  end
  lib.count(status, 201)
end

done = lib.done
