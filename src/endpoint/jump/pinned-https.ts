// HTTPS calls to the site that refuse any certificate but the pinned one, before sending anything.
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';

export function normalisePin(pin: string): string {
  return pin.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

export class PinMismatchError extends Error {
  constructor(readonly seen: string) {
    super(`The site's certificate (${seen}) does not match the expected one; not connecting.`);
    this.name = 'PinMismatchError';
  }
}

export interface PinnedResponse {
  status: number;
  body: unknown;
}

/** POSTs JSON to `url`; with a pin, the certificate must match it (the CA is not consulted). */
export function postJson(url: string, body: unknown, pin: string | undefined, timeoutMs = 15_000): Promise<PinnedResponse> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(payload.length) },
      rejectUnauthorized: !pin,
      timeout: timeoutMs,
      // A fresh connection each time, so the pin is checked on every call.
      agent: false,
    });
    req.on('socket', (socket) => {
      if (!pin) return;
      socket.once('secureConnect', () => {
        const seen = normalisePin((socket as TLSSocket).getPeerCertificate().fingerprint256 ?? '');
        if (seen !== normalisePin(pin)) req.destroy(new PinMismatchError(seen));
        else req.end(payload);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`No answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > 1024 * 1024) req.destroy(new Error('Answer too large'));
        else chunks.push(c);
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: keep the text for the error message
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    // With a pin, the body goes only once the certificate matched it (above).
    if (!pin) req.end(payload);
  });
}
