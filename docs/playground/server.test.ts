// The static server `npx --yes pnpm@9.15.9 playground` runs: files under its folder, nothing outside it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePath, serveStatic } from './server.js';

let dir = '';
let server: Server;
let port = 0;

// A raw request, so that paths like /%2e%2e/ reach the server exactly as written.
function get(path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'playground-server-'));
  mkdirSync(join(dir, 'site'));
  writeFileSync(join(dir, 'site', 'index.html'), '<p>hello</p>');
  writeFileSync(join(dir, 'site', 'main.js'), 'console.log(1);');
  writeFileSync(join(dir, 'secret.txt'), 'outside');
  const served = await serveStatic(join(dir, 'site'), 0);
  server = served.server;
  port = served.port;
  expect(served.url).toBe(`http://localhost:${port}/`);
});

afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('static server', () => {
  it('serves index.html for / and files with their content type', async () => {
    expect(await get('/')).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: '<p>hello</p>' });
    expect(await get('/main.js?v=1')).toEqual({
      status: 200,
      type: 'text/javascript; charset=utf-8',
      body: 'console.log(1);',
    });
    expect(await get('/main.js', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('answers 404 for missing files and for paths leaving its folder, 405 for other methods', async () => {
    expect((await get('/missing.js')).status).toBe(404);
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('/..%2fsecret.txt')).status).toBe(404);
    expect((await get('/%E0%A4%A')).status).toBe(404);
    expect((await get('/', 'POST')).status).toBe(405);
  });

  it('resolves URL paths inside the root only', () => {
    expect(resolvePath('/srv/site', '/')).toBe('/srv/site/index.html');
    expect(resolvePath('/srv/site', '/a/b.js')).toBe('/srv/site/a/b.js');
    expect(resolvePath('/srv/site', '/../site2/x')).toBeNull();
    expect(resolvePath('/srv/site', '/%2e%2e/x')).toBeNull();
  });
});
