-- The RESULT line bench/AuthClients.Bench reads, printed by wrk's done() of each script that uses it
-- (`done = require("result")`; the driver runs wrk in this folder, so require finds this file).
return function(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%d duration_us=%d status_errors=%d socket_errors=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
