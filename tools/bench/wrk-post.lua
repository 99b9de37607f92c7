-- wrk script: POST the body in file WRK_BODY with headers from WRK_HEADERS ("k: v|k: v"), and print one
-- JSON line of results (latency percentiles in microseconds) for tools/bench/bench.mjs to parse.
--
-- wrk's own latency figures (p50/p99/p999/mean below) are corrected for coordinated omission before
-- done() sees them: wrk 4.1's stats_correct adds, for every sample of at least twice the mean interval
-- between requests on a connection, synthetic samples at that sample minus one, two, ... intervals. With
-- one connection a 5 ms stall at 5000 req/s becomes ~25 samples, so wrk's c=1 percentiles describe a
-- client sending at a constant rate, not the requests sent (their sum can exceed the run's duration).
-- With WRK_PER_REQUEST=1 (one connection per thread only: the callbacks cannot tell connections apart)
-- the script also times each request itself and reports those percentiles as req_p50/req_p99/req_p999.
local f = assert(io.open(os.getenv("WRK_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local extra = os.getenv("WRK_HEADERS") or ""
for k, v in string.gmatch(extra, "([^:|]+):%s*([^|]+)") do
  wrk.headers[k] = v
end

local perRequest = os.getenv("WRK_PER_REQUEST") == "1"
local threads = {}

if perRequest then
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock, bench_timespec *ts);
  ]]
  local CLOCK_MONOTONIC = 1
  local ts = ffi.new("bench_timespec")
  local function nowUs()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
    return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
  end
  local prepared, sentAt
  -- Per thread: latency in whole microseconds -> count (read by done() through thread:get).
  latencies = {}

  function setup(thread)
    table.insert(threads, thread)
  end

  function init(args)
    prepared = wrk.format(nil)
  end

  function request()
    sentAt = nowUs()
    return prepared
  end

  function response(status, headers, body)
    local us = math.floor(nowUs() - sentAt)
    latencies[us] = (latencies[us] or 0) + 1
  end
end

-- Percentiles of the requests as timed by the script: { p50, p99, p999, mean } in microseconds.
local function timedPercentiles()
  local counts, n, sum = {}, 0, 0
  for _, thread in ipairs(threads) do
    for us, count in pairs(thread:get("latencies")) do
      counts[us] = (counts[us] or 0) + count
      n = n + count
      sum = sum + us * count
    end
  end
  local values = {}
  for us in pairs(counts) do values[#values + 1] = us end
  table.sort(values)
  local function at(p)
    local rank, seen = math.ceil(p / 100 * n), 0
    for _, us in ipairs(values) do
      seen = seen + counts[us]
      if seen >= rank then return us end
    end
    return 0
  end
  return at(50), at(99), at(99.9), n > 0 and sum / n or 0, n
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status
  local timed = ""
  if perRequest then
    local p50, p99, p999, mean, n = timedPercentiles()
    timed = string.format(',"req_p50":%d,"req_p99":%d,"req_p999":%d,"req_mean":%.1f,"req_timed":%d', p50, p99, p999, mean, n)
  end
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"errors":%d,"non2xx":%d,"p50":%d,"p99":%d,"p999":%d,"mean":%.1f%s}\n',
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.mean, timed))
end
