// The customer client's socket to the broker: `ws`, refusing any certificate but the one the site
// pinned (given with the download or --pin) before a single byte is sent, shaped as customer-core's
// CustomerSocket.
import type { TLSSocket } from 'node:tls';
import WebSocket from 'ws';
import { MAX_WS_BINARY_BYTES } from '../../protocol/channels.ts';
import { CustomerClose } from '../../protocol/sessions.ts';
import type { CustomerSocket, CustomerSocketFactory } from '../../customer-core/index.ts';

export function normalisePin(pin: string): string {
  return pin.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

const UNTRUSTED_CERTIFICATE = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);

/** Without a pin, normal CA checks apply (a site with a real certificate). */
export function pinnedSocketFactory(pin: string | undefined): CustomerSocketFactory {
  return (url) => {
    const ws = new WebSocket(url, {
      rejectUnauthorized: !pin,
      maxPayload: MAX_WS_BINARY_BYTES,
      perMessageDeflate: false,
      // An all-zero mask: ws then skips masking on both ends. Masking protects proxies from
      // scripts in browsers; inside TLS, from our own client, it only costs a pass over each byte.
      generateMask: (mask) => mask.fill(0),
    });
    const socket: CustomerSocket = {
      get readyState() {
        return ws.readyState;
      },
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
      send: (data) => ws.send(data),
      close: (code, reason) => ws.close(code, reason),
    };
    let verified = !pin;
    let refused: string | null = null;
    ws.on('upgrade', (res) => {
      if (!pin) return;
      const seen = normalisePin((res.socket as TLSSocket).getPeerCertificate().fingerprint256 ?? '');
      if (seen === normalisePin(pin)) {
        verified = true;
        return;
      }
      refused = 'certificate_mismatch';
      socket.onerror?.({ code: refused, message: `The site's certificate (${seen}) does not match the expected one; not connecting.` });
      ws.terminate();
    });
    ws.on('open', () => {
      if (verified) socket.onopen?.({});
    });
    ws.on('message', (data, isBinary) => {
      if (!verified) return;
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      socket.onmessage?.({ data: isBinary ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes.toString() });
    });
    ws.on('error', (err) => {
      if (refused) return;
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (!pin && UNTRUSTED_CERTIFICATE.has(code)) {
        // Final: retrying cannot help, and "self-signed certificate" alone says nothing about what to do.
        refused = 'certificate_untrusted';
        socket.onerror?.({
          code: refused,
          message: 'The site\'s certificate is not one this computer trusts (it is self-signed). Run the exact command your support site shows, with its --pin, or download the client from the support portal.',
        });
        return;
      }
      socket.onerror?.({ message: err.message });
    });
    ws.on('close', (code, reason) => {
      socket.onclose?.(refused ? { code: CustomerClose.refused, reason: refused } : { code, reason: reason.toString() });
    });
    return socket;
  };
}
