// The customer client's loopback chat page, read from tests: its event stream and its files.
import { get } from 'node:http';

/** Reads the customer client's chat page event stream until an update of `kind` arrives. */
export function pageUpdate(page: string, kind: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = get(`${page}events`, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        for (const line of buf.split('\n')) {
          if (!line.startsWith('data: ')) continue;
          const u = JSON.parse(line.slice(6)) as Record<string, unknown>;
          if (u.kind === kind) {
            req.destroy();
            return resolve(u);
          }
        }
      });
    });
    req.on('error', reject);
  });
}

export function fetchBytes(url: string): Promise<{ status: number; type: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}
