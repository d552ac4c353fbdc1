// A tiny static file server for the built playground: GET and HEAD of files under one folder,
// nothing else. Enough for localhost; the page needs no server logic and no network.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The file a URL path names under `root`, or null when it would leave `root`.
 *
 * @example
 * ```ts
 * resolvePath('/srv', '/'); // '/srv/index.html'
 * resolvePath('/srv', '/../etc/passwd'); // null
 * ```
 */
export function resolvePath(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split('?')[0]!);
  } catch {
    return null;
  }
  if (path.endsWith('/')) path += 'index.html';
  const file = normalize(join(root, path));
  return file === root || file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : null;
}

async function respond(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const file = resolvePath(root, req.url ?? '/');
  const body = file ? await readFile(file).catch(() => null) : null;
  if (!body) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  const type = TYPES[extname(file!)] ?? 'application/octet-stream';
  res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Serves `root` on `host:port` (port 0 picks a free one); resolves once listening, with the URL.
 *
 * @example
 * ```ts
 * const { url, server } = await serveStatic('docs/playground/dist', 5173);
 * console.log(url); // http://localhost:5173/
 * server.close();
 * ```
 */
export function serveStatic(
  root: string,
  port: number,
  host = '127.0.0.1',
): Promise<{ url: string; port: number; server: Server }> {
  const server = createServer((req, res) => {
    respond(root, req, res).catch(() => res.writeHead(500).end());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address() as AddressInfo;
      resolve({ url: `http://localhost:${actual}/`, port: actual, server });
    });
  });
}
