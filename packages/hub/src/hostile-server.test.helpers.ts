// A real HTTP server on 127.0.0.1 for the download tests: well-behaved routes and the hostile ones of issue 17
// (endless, gzip bomb, slow drip, silent, redirects to other hosts and to 169.254.169.254, truncated, HTML as
// JSON, flaky, credentials). Every request is recorded with its Authorization header.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

/** A request the server saw. */
export interface SeenRequest {
  url: string;
  authorization: string | undefined;
  acceptEncoding: string | undefined;
}

/** A running server: its base URL, the requests, per-path bodies to serve, and close(). */
export interface HostileServer {
  url: string;
  requests: SeenRequest[];
  /** Bodies served by `/ok/<name>` (with Content-Length). */
  files: Map<string, Uint8Array | string>;
  close(): Promise<void>;
}

/** The gzip bomb, made once: 64 MiB of zeros, about 64 KB on the wire. */
let bomb: Buffer | null = null;

export async function startHostileServer(): Promise<HostileServer> {
  const requests: SeenRequest[] = [];
  const files = new Map<string, Uint8Array | string>();
  const flaky = new Map<string, number>();
  const timers = new Set<ReturnType<typeof setInterval>>();
  let base = '';
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    requests.push({
      url,
      authorization: req.headers.authorization,
      acceptEncoding: req.headers['accept-encoding'] as string | undefined,
    });
    const [, route = '', rest = ''] = /^\/([^/]+)\/?(.*)$/.exec(url) ?? [];
    const send = (body: Uint8Array | string, status = 200, headers: Record<string, string> = {}) => {
      const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
      res.writeHead(status, { 'content-length': String(bytes.byteLength), ...headers }).end(bytes);
    };
    switch (route) {
      case 'ok': {
        const body = files.get(rest);
        if (body === undefined) return send('Entry not found', 404);
        return send(body);
      }
      case 'endless': {
        // no Content-Length, 64 KiB chunks for as long as the client reads
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 1);
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) {}
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
        return;
      }
      case 'gzip': {
        bomb ??= gzipSync(Buffer.alloc(64 * 1024 * 1024));
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(bomb.byteLength) });
        res.end(bomb);
        return;
      }
      case 'gzip-small': {
        const zipped = gzipSync(Buffer.from(JSON.stringify({ n_layer: 3, padding: 'x'.repeat(5000) })));
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(zipped.byteLength) });
        res.end(zipped);
        return;
      }
      case 'drip': {
        // headers at once, then one byte every 200 ms, forever
        res.writeHead(200, { 'content-length': '1000000' });
        const timer = setInterval(() => {
          if (res.destroyed) {
            clearInterval(timer);
            timers.delete(timer);
          } else res.write('x');
        }, 200);
        timers.add(timer);
        return;
      }
      case 'silent':
        return; // never answers
      case 'redirect-metadata':
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/config.json' }).end();
        return;
      case 'redirect-other-host':
        res.writeHead(302, { location: `${base.replace('127.0.0.1', 'localhost')}/ok/${rest}` }).end();
        return;
      case 'redirect-same':
        res.writeHead(307, { location: `/ok/${rest}` }).end();
        return;
      case 'redirect-loop':
        res.writeHead(302, { location: url }).end();
        return;
      case 'truncated': {
        const body = files.get(rest) ?? '';
        const bytes = Buffer.from(body);
        res.writeHead(200, { 'content-length': String(bytes.byteLength) });
        res.write(bytes.subarray(0, bytes.byteLength >> 1), () => res.socket?.destroy());
        return;
      }
      case 'html':
        return send('<!DOCTYPE html><html><body>Please sign in to the hotel Wi-Fi</body></html>', 200, {
          'content-type': 'text/html',
        });
      case 'flaky': {
        const seen = (flaky.get(rest) ?? 0) + 1;
        flaky.set(rest, seen);
        if (seen === 1) return send('busy', 503);
        return send(files.get(rest) ?? '{}');
      }
      case 'status500':
        return send('boom', 500);
      case 'auth':
        if (req.headers.authorization === undefined) return send('no', 401);
        return send(files.get(rest) ?? '{}');
      case 'linked': {
        // as the hub serves a large file: X-Linked-Size and X-Linked-Etag (its SHA-256); /linked/bad lies
        const body = Buffer.from(files.get('model.safetensors') ?? '');
        const sha = createHash('sha256')
          .update(rest.startsWith('bad') ? 'other' : body)
          .digest('hex');
        res.writeHead(200, {
          'content-length': String(body.byteLength),
          'x-linked-size': String(body.byteLength),
          'x-linked-etag': `"${sha}"`,
        });
        res.end(body);
        return;
      }
      case 'huge':
        res.writeHead(200, { 'content-length': String(5e9) });
        res.write(Buffer.alloc(1024));
        return;
      default:
        return send('Entry not found', 404);
    }
  };
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    files,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A valid safetensors file: one F32 tensor of `n` values. */
export function safetensors(n: number, fill = 0): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({ w: { dtype: 'F32', shape: [n], data_offsets: [0, 4 * n] } }),
  );
  const out = new Uint8Array(8 + header.byteLength + 4 * n).fill(fill);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.byteLength), true);
  out.set(header, 8);
  return out;
}
