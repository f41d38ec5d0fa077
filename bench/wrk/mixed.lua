-- mixed.lua: workload 4, reads and writes interleaved on every
-- connection: PCT % POSTs of new wire bodies (each once), the rest GETs
-- of random paths (listings and statements by id).
-- usage: wrk ... -s mixed.lua URL -- bodies.ndjson N paths.txt PCT
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local lib = dofile(dir .. "lib.lua")

setup = lib.setup

function init(args)
  lib.init_counters()
  lines = io.lines(args[1])
  stride, skip = tonumber(args[2] or "1"), tid
  paths = lib.lines(args[3])
  pct = tonumber(args[4] or "10")
  hdr = { ["Content-Type"] = "application/json" }
  exhausted = false
end

local function next_body()
  if exhausted then return nil end
  for _ = 1, skip do
    if lines() == nil then exhausted = true return nil end
  end
  skip = stride - 1
  local l = lines()
  if l == nil then exhausted = true end
  return l
end

-- wrk gives no request id to response(); the answer tells: only a POST
-- is answered with an "url" member and no "statement".
function request()
  if math.random(100) <= pct then
    local body = next_body()
    if body then
      return wrk.format("POST", "/v1/statements", hdr, body)
    end
  end
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  if status == 201 then
    lib.count(201, 201)
  elseif status == 200 and body:sub(1, 6) == '{"id":' and
      body:find('"url":', 1, true) and
      not body:find('"statement":', 1, true) then
    lib.count(200, 201)        -- a repeated POST
  else
    lib.count(status, 200)
  end
end

done = lib.done
