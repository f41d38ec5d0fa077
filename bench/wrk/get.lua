-- get.lua: GET the URL's own path, or random paths from a file
-- (workloads 2 and 3, the readers of workload 6, the paced GET run).
-- usage: wrk ... -s get.lua URL [-- paths.txt]
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local lib = dofile(dir .. "lib.lua")

setup = lib.setup

function init(args)
  lib.init_counters()
  if args[1] then paths = lib.lines(args[1]) end
end

function request()
  if paths then
    return wrk.format("GET", paths[math.random(#paths)])
  end
  return wrk.format("GET")
end

function response(status, headers, body)
  lib.count(status, 200)
end

done = lib.done
