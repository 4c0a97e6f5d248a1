-- wrk script: authorization_code exchanges, each code sent once. Arguments after "--": a file of
-- codes (one a line, minted beforehand for a signed-in user with the same PKCE challenge), the
-- client's id and secret, the redirect URI and the PKCE code verifier. Codes are single use, so
-- the run is a fixed number of exchanges: when the codes run out the thread stops (without
-- sending an empty code), and the rate is
-- the answers over the time from the first request to the last answer counted, measured here
-- (wrk's own duration is the whole -d). Run with -t1. Prints one RESULT line for bench/AuthClients.Bench.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *now);
]]
local clock = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

local codes, next_code = {}, 0
local prefix, suffix
started_us, last_answer_us, answers, bad_answers = 0, 0, 0, 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      codes[#codes + 1] = line
    end
  end
  prefix = "grant_type=authorization_code&client_id=" .. args[2] .. "&client_secret=" .. args[3] .. "&code="
  suffix = "&redirect_uri=" .. args[4] .. "&code_verifier=" .. args[5]
end

function request()
  if started_us == 0 then
    started_us = now_us()
  end
  next_code = next_code + 1
  if next_code > #codes then
    -- Every code is sent. Stopped here, before this request (its code empty) can be answered: its
    -- 400 would count as a bad answer. The answers still in flight are not counted either.
    wrk.thread:stop()
  end
  return wrk.format("POST", nil, { ["Content-Type"] = "application/x-www-form-urlencoded" }, prefix .. (codes[next_code] or "") .. suffix)
end

function response(status, headers, body)
  answers = answers + 1
  last_answer_us = now_us()
  if status ~= 200 then
    bad_answers = bad_answers + 1
  end
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  local total, bad, elapsed = 0, 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("answers")
    bad = bad + thread:get("bad_answers")
    elapsed = math.max(elapsed, thread:get("last_answer_us") - thread:get("started_us"))
  end
  io.write(string.format(
    "RESULT requests=%d duration_us=%d status_errors=%d socket_errors=%d p50_us=%d p99_us=%d max_us=%d\n",
    total, elapsed, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
