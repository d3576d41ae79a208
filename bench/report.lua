-- wrk reports p50/p95/p99 (ms), requests per second and errors as one JSON line.
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"p50": %.1f, "p95": %.1f, "p99": %.1f, "requests": %d, "seconds": %.2f, "errors": %d}\n',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.duration / 1e6, errors))
end
