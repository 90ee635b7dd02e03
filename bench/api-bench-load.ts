/**
 * The load generator of `dromedary bench api`, run as a child process so that it does not share the
 * API's event loop: autocannon against one base URL, each request's path drawn from the list it is
 * given (in order, cycling), so the parent decides the traffic's shape (Zipf over products).
 * Input: one IPC message (the path list is too long for an argument); output: one IPC message with
 * autocannon's figures.
 */
import autocannon from 'autocannon';

interface LoadInput {
  url: string;
  paths: string[];
  connections: number;
  /** Seconds; or `amount` requests when set. */
  durationSecs: number;
  amount?: number;
}

async function run(input: LoadInput): Promise<void> {
  let next = 0;
  const result = await autocannon({
    url: input.url,
    connections: input.connections,
    duration: input.durationSecs,
    ...(input.amount ? { amount: input.amount } : {}),
    timeout: 30,
    // As browsers and the extension do: cached JSON goes out as stored (gzip).
    headers: { 'accept-encoding': 'gzip' },
    requests: [
      {
        setupRequest: (request) => {
          request.path = input.paths[next++ % input.paths.length];
          return request;
        },
      },
    ],
  });
  process.send?.({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    seconds: result.duration,
  });
  process.disconnect?.();
}

process.once('message', (input) => {
  run(input as LoadInput).catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
});
