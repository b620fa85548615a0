import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Server-Sent Events to every connected page. A state is sent only when it differs from
 * the last one sent (file events come in bursts), and a comment every 15 s keeps proxies
 * and idle timeouts from closing the stream.
 */
export class SseHub {
  private clients = new Set<ServerResponse>();
  private last = new Map<string, string>();
  private readonly ping: NodeJS.Timeout;

  constructor() {
    this.ping = setInterval(() => {
      for (const c of this.clients) c.write(': ping\n\n');
    }, 15_000);
    this.ping.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  add(req: IncomingMessage, res: ServerResponse, initial?: unknown): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    if (initial !== undefined) res.write(frame('state', JSON.stringify(initial)));
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
  }

  /** Send `event` to every page (skipped when the data equals the last one sent). */
  broadcast(event: string, data: unknown): void {
    const text = JSON.stringify(data, (k, v) => (k === 'generatedAt' ? undefined : v));
    if (this.last.get(event) === text) return;
    this.last.set(event, text);
    const f = frame(event, JSON.stringify(data));
    for (const c of this.clients) c.write(f);
  }

  close(): void {
    clearInterval(this.ping);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}

const frame = (event: string, data: string) => `event: ${event}\ndata: ${data}\n\n`;
