/**
 * A TCP proxy in front of the real DynamoDB Local that can hold the server's answers back, so the
 * SDK's own `requestTimeout` (NodeHttpHandler's socket timer) fires after the server applied a
 * request: the fault happens in the real HTTP handler, not in a middleware. Requests pass through
 * untouched; the answer to each of the next `n` requests of the chosen operations is held for `ms`
 * (the client has usually given up and closed the socket by then, and the answer is dropped).
 *
 * HTTP/1.1 without pipelining: a connection carries one request at a time, so the answer that
 * follows a held request is that request's.
 */
import net from 'node:net';

export interface SlowProxy {
  /** `http://127.0.0.1:<port>`: give it to the client as its endpoint. */
  readonly endpoint: string;
  /** Holds the answers to the next `count` requests of `operations` (`TransactWriteItems`, `BatchWriteItem`...) for `ms`. */
  hold(operations: readonly string[], count: number, ms: number): void;
  /** Answers held so far. */
  readonly held: number;
  close(): Promise<void>;
}

/** Starts a proxy to `target` (DynamoDB Local's endpoint). */
export async function slowProxy(target: string): Promise<SlowProxy> {
  const { hostname, port } = new URL(target);
  let plan: { operations: readonly string[]; count: number; ms: number } = { operations: [], count: 0, ms: 0 };
  let held = 0;
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    /** The answer now coming is to be held until this time (ms since epoch), or not held. */
    let holdUntil: number | undefined;
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => {
      // The target header comes in the request's first chunk: `X-Amz-Target: DynamoDB_20120810.<Op>`.
      const op = /x-amz-target:\s*DynamoDB_20120810\.(\w+)/i.exec(chunk.toString('latin1'))?.[1];
      if (op !== undefined && plan.count > 0 && plan.operations.includes(op)) {
        plan = { ...plan, count: plan.count - 1 };
        holdUntil = Date.now() + plan.ms;
        held++;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (holdUntil === undefined) {
        client.write(chunk);
        return;
      }
      const at = holdUntil;
      setTimeout(() => {
        if (client.destroyed) return;
        client.write(chunk);
        if (holdUntil === at) holdUntil = undefined;
      }, Math.max(0, at - Date.now()));
    });
    // The client gave up (its requestTimeout destroyed the socket): what was held is dropped.
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    hold(operations, count, ms) {
      plan = { operations, count, ms };
    },
    get held() {
      return held;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
