// The broker's self-signed certificate, made with node:crypto alone: an ECDSA P-256 key by default
// (a server handshake signs with it; P-256 signs about ten times faster than RSA-2048, which
// matters when hundreds of attendees or Jump Clients connect at once), RSA-2048 on request. The
// X.509 DER is written here: a handful of fields, no certificate library.
import { X509Certificate, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

export type CertificateKeyType = 'ec-p256' | 'rsa-2048';

export interface SelfSignedOptions {
  /** Subject common name, and the first DNS name. */
  commonName: string;
  /** DNS names and IP addresses (v4 or v6) the certificate is valid for. */
  altNames: string[];
  days: number;
  keyType?: CertificateKeyType;
  /** Start of validity (default: now, less an hour for clocks slightly behind). */
  notBefore?: Date;
}

// ---- DER, just what a certificate needs ----
function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, ...content: Buffer[]) => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);
const explicit = (n: number, ...c: Buffer[]) => tlv(0xa0 | n, ...c);
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer, unused = 0) => tlv(0x03, Buffer.from([unused]), b);
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const nul = () => Buffer.from([0x05, 0x00]);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
function time(d: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  const y = d.getUTCFullYear();
  return y < 2050 ? tlv(0x17, Buffer.from(`${p(y % 100)}${rest}`, 'ascii')) : tlv(0x18, Buffer.from(`${y}${rest}`, 'ascii'));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // IPv6: expand '::' into the missing zero groups.
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

const OID = {
  commonName: '2.5.4.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

const extension = (id: string, critical: boolean, value: Buffer) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

/** A self-signed server certificate and its key, both PEM. */
export function generateSelfSigned(o: SelfSignedOptions): { cert: string; key: string } {
  const keyType = o.keyType ?? 'ec-p256';
  const { publicKey, privateKey } =
    keyType === 'ec-p256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const algorithm = keyType === 'ec-p256' ? seq(oid(OID.ecdsaWithSha256)) : seq(oid(OID.sha256WithRsa), nul());
  const name = seq(set(seq(oid(OID.commonName), utf8(o.commonName))));
  const serial = randomBytes(16);
  // Positive and minimally encoded: top bit clear, next bit set.
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const notBefore = o.notBefore ?? new Date(Date.now() - 3600_000);
  const notAfter = new Date(notBefore.getTime() + o.days * 86_400_000);
  // digitalSignature (bit 0); RSA also keyEncipherment (bit 2), for TLS 1.2 clients that check it.
  const keyUsage = keyType === 'ec-p256' ? bits(Buffer.from([0x80]), 7) : bits(Buffer.from([0xa0]), 5);
  const sans = o.altNames.map((n) => (isIP(n) ? tlv(0x87, ipBytes(n)) : tlv(0x82, Buffer.from(n, 'ascii'))));
  const tbs = seq(
    explicit(0, tlv(0x02, Buffer.from([2]))), // v3
    tlv(0x02, serial),
    algorithm,
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(
      3,
      seq(
        extension(OID.basicConstraints, true, seq()),
        extension(OID.keyUsage, true, keyUsage),
        extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth))),
        extension(OID.subjectAltName, false, seq(...sans)),
      ),
    ),
  );
  const signature = sign('sha256', tbs, privateKey as KeyObject);
  const der = seq(tbs, algorithm, bits(signature));
  const cert = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
  // Checked once made: Node parses it and the signature verifies with its own key.
  const parsed = new X509Certificate(cert);
  if (!parsed.verify(publicKey)) throw new Error('The generated certificate does not verify');
  return { cert, key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

/** A DNS name that may go in a certificate (ASCII letters, digits, hyphens, dots). */
export const isCertificateDnsName = (n: string) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(n);
