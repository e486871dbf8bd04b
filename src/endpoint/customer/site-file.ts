// Small public files of the site the customer client shows (the chat banner, POR-6; the site look
// and logo, POR-8), fetched with
// the same certificate pin as its session.
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { normalisePin } from './pinned-socket.ts';

export type SiteFileFetcher = (path: string, maxBytes?: number) => Promise<Uint8Array>;

/**
 * GETs a small public file of the site, checking the certificate pin before reading a byte of the
 * answer. Bounded: a site file larger than `maxBytes` is refused.
 */
export function siteFileFetcher(brokerUrl: string, pin: string | undefined): SiteFileFetcher {
  return (path, maxBytes = 256 * 1024) => {
    if (!/^\/api\/v1\/(site-images\/[0-9a-z]+|portal\/look)$/.test(path)) return Promise.reject(new Error(`Not a site image or look path: ${path}`));
    const url = new URL(path, brokerUrl.replace(/\/$/, '') + '/');
    return new Promise((resolve, reject) => {
      const req = request(url, { rejectUnauthorized: !pin, timeout: 10_000 }, (res) => {
        const seen = normalisePin((res.socket as TLSSocket).getPeerCertificate().fingerprint256 ?? '');
        if (pin && seen !== normalisePin(pin)) {
          res.destroy();
          return reject(new Error('The site certificate does not match the expected one'));
        }
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`The site answered ${res.statusCode} for ${path}`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            res.destroy();
            reject(new Error(`${path} is larger than ${maxBytes} bytes`));
          } else chunks.push(c);
        });
        res.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end();
    });
  };
}
