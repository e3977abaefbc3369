-- wrk script: GET a random path from the list file given after `--` (one path a line);
-- an optional second argument is sent as the Authorization header. Prints one JSON line.
local paths = {}
local authorization = nil
local counter = 1

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  if args[2] and args[2] ~= "" then authorization = args[2] end
  math.randomseed(os.time() * 1000 + (tid or 0))
end

function request()
  local headers = {}
  if authorization then headers["Authorization"] = authorization end
  return wrk.format("GET", paths[math.random(#paths)], headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"socket_errors":%d,"non2xx":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
