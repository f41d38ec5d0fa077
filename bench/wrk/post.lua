-- post.lua: POST each wire body of an NDJSON file once (workload 1, the
-- flood of workload 6, and the paced POST run).
-- usage: wrk -tN -cC -dD -s post.lua URL -- bodies.ndjson N
-- Thread k of N sends lines k, k+N, k+2N, ...  A thread that runs out
-- asks for /healthz and stops on its answer, so a short file ends the run
-- early instead of re-posting (a repeat is answered 200 and would count
-- as "dup", not as accepted); lib.lua then times only the active part.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local lib = dofile(dir .. "lib.lua")

setup = lib.setup

function init(args)
  lib.init_counters()
  lines = io.lines(args[1])
  stride, skip = tonumber(args[2] or "1"), tid
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
  if exhausted and status == 200 and body:find('"uptime"', 1, true) then
    wrk.thread:stop()
    return
  end
  lib.count(status, 201)
end

done = lib.done
