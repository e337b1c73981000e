-- wrk script for bench/search/run.py: each request takes the next path from a file (one a
-- line), each thread starting at a different place in the list; at the end, print the figures
-- as one JSON line for run.py to read.
--
--     wrk -t2 -c16 -d20s -s bench/search/paths.lua http://127.0.0.1:8765 -- paths.txt

local paths = {}
local counter = 0
local thread_number = 0
local threads = {}

function setup(thread)
  thread:set("thread_number", thread_number)
  thread_number = thread_number + 1
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    if #line > 0 then
      table.insert(paths, line)
    end
  end
  file:close()
  counter = (thread_number * 7) % #paths
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

-- The search result cache's answer to each request (header X-Search-Cache, set by the
-- benchmark's middleware), counted per thread.
hits = 0
misses = 0

function response(status, headers, body)
  local cached = headers["X-Search-Cache"]
  if cached == "hit" then
    hits = hits + 1
  elseif cached == "miss" then
    misses = misses + 1
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  local all_hits, all_misses = 0, 0
  for _, thread in ipairs(threads) do
    all_hits = all_hits + thread:get("hits")
    all_misses = all_misses + thread:get("misses")
  end
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, '
      .. '"p99_ms": %.2f, "max_ms": %.2f, "non_2xx": %d, "socket_errors": %d, '
      .. '"cache_hits": %d, "cache_misses": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout, all_hits, all_misses
  ))
end
