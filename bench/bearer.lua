-- wrk script: GET with "Authorization: Bearer <token>", the token given after "--".
-- Prints one RESULT line for bench/AuthClients.Bench.
local token

function init(args)
  token = args[1]
end

function request()
  return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%d duration_us=%d status_errors=%d socket_errors=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
