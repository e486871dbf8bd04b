// Starts a real broker (real HTTPS socket, real SQLite file in a fresh temp dir) for a test, and
// gives an API client that pins its certificate and keeps cookies like a browser.
import { mkdirSync, mkdtempSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before } from 'node:test';
import { join } from 'node:path';
import pino from 'pino';
import { Agent, fetch, type RequestInit } from 'undici';
import { startBroker, type Broker, type BrokerConfig } from '../../src/broker/broker.ts';
import { loadOrCreateCertificate } from '../../src/broker/tls.ts';

/** One self-signed certificate shared by all test brokers, of the kind a new broker makes (ECDSA P-256). */
export async function testCertificate(): Promise<{ cert: string; key: string }> {
  const dir = join(tmpdir(), 'passerelle-test-tls-p256');
  mkdirSync(dir, { recursive: true });
  const material = await loadOrCreateCertificate(dir);
  const cert = join(dir, 'tls', 'cert.pem');
  const key = join(dir, 'tls', 'key.pem');
  if (!existsSync(cert)) writeFileSync(cert, material.cert);
  return { cert, key };
}

export interface TestBroker extends Broker {
  dataDir: string;
  /** Stops the broker and removes its data directory. */
  stop(): Promise<void>;
}

export async function startTestBroker(overrides: Partial<BrokerConfig> = {}): Promise<TestBroker> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'passerelle-test-'));
  const broker = await startBroker({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    tls: await testCertificate(),
    logger: pino({ level: process.env.PASSERELLE_TEST_LOG ?? 'silent' }),
    loginRateLimit: { max: 1000, timeWindow: 60_000 },
    ...overrides,
  });
  return {
    ...broker,
    dataDir,
    async stop() {
      await broker.close();
      if (!overrides.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A client of the REST API the way the web console uses it: cookie session plus CSRF header,
 * or a desktop bearer token. Pins the broker's certificate.
 */
export class ApiClient {
  cookie: string | null = null;
  csrfToken: string | null = null;
  bearer: string | null = null;
  private readonly dispatcher: Agent;

  constructor(
    readonly broker: Pick<Broker, 'url' | 'certificate'>,
    readonly address?: string,
  ) {
    this.dispatcher = new Agent({ connect: { ca: broker.certificate } });
  }

  async request<T = any>(method: string, path: string, body?: unknown, init: { raw?: string | Uint8Array; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...init.headers };
    if (body !== undefined || init.raw !== undefined) headers['content-type'] ??= 'application/json';
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrfToken && !['GET', 'HEAD'].includes(method)) headers['x-csrf-token'] ??= this.csrfToken;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    const req: RequestInit = { method, headers, dispatcher: this.dispatcher };
    if (init.raw !== undefined) req.body = init.raw;
    else if (body !== undefined) req.body = JSON.stringify(body);
    const res = await fetch(`${this.broker.url}${path}`, req);
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const [pair] = c.split(';');
      if (!pair) continue;
      const value = pair.slice(pair.indexOf('=') + 1);
      this.cookie = value ? pair : null;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T = any>(path: string, body?: unknown) {
    return this.request<T>('PATCH', path, body ?? {});
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
  put<T = any>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body ?? {});
  }
  /** Sends a file's bytes as the body, the way a file input's File is uploaded. */
  upload<T = any>(path: string, bytes: Uint8Array, type = 'application/octet-stream') {
    return this.request<T>('PUT', path, undefined, { raw: bytes, headers: { 'content-type': type } });
  }

  /** Logs in as a browser would (cookie + CSRF), or as the desktop console (bearer). */
  async login(username: string, password: string, client: 'browser' | 'desktop' = 'browser') {
    const res = await this.post('/api/v1/auth/login', { username, password, client });
    if (res.status === 200) {
      this.csrfToken = res.body.csrfToken;
      if (client === 'desktop') this.bearer = res.body.token;
    }
    return res;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

export const ADMIN_PASSWORD = 'Adm1n!Passw0rd';

/** Logs in as the initial admin and does the forced first password change (LOG-2). */
export async function adminClient(broker: TestBroker): Promise<ApiClient> {
  const api = new ApiClient(broker);
  let res = await api.login('admin', 'password');
  if (res.status === 401) res = await api.login('admin', ADMIN_PASSWORD);
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  if (res.body.passwordChangeRequired) {
    const changed = await api.post('/api/v1/me/password', { currentPassword: 'password', newPassword: ADMIN_PASSWORD });
    if (changed.status !== 200) throw new Error(`admin password change failed: ${JSON.stringify(changed.body)}`);
  }
  return api;
}

/** Registers a cleanup for the end of the suite; they run last registered first, before the broker stops. */
export type Defer = (cleanup: () => unknown) => void;

/**
 * The before/after block integration files share: one broker for the suite, its admin logged in
 * (password changed), both closed after. `use` receives them once they are ready and may set up
 * more (reps, sockets), registering their cleanups with `defer`.
 */
export function brokerWithAdmin(use: (broker: TestBroker, admin: ApiClient, defer: Defer) => unknown, overrides: Partial<BrokerConfig> = {}): void {
  let broker: TestBroker | undefined;
  let admin: ApiClient | undefined;
  const cleanups: (() => unknown)[] = [];
  before(async () => {
    broker = await startTestBroker(overrides);
    admin = await adminClient(broker);
    await use(broker, admin, (c) => cleanups.push(c));
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    await admin?.close();
    await broker?.stop();
  });
}

let seq = 0;
/** Creates a rep through the API and returns a logged-in client for them. */
export async function createRep(
  admin: ApiClient,
  fields: Record<string, unknown> = {},
): Promise<{ id: number; username: string; password: string; api: ApiClient }> {
  const username = (fields.username as string | undefined) ?? `rep${++seq}_${process.pid}`;
  const password = (fields.password as string | undefined) ?? 'Rep!Passw0rd1';
  const res = await admin.post('/api/v1/users', { username, displayName: `Rep ${username}`, password, ...fields });
  if (res.status !== 201) throw new Error(`createUser failed: ${res.status} ${JSON.stringify(res.body)}`);
  const api = new ApiClient(admin.broker);
  const login = await api.login(username, password);
  if (login.status !== 200) throw new Error(`rep login failed: ${JSON.stringify(login.body)}`);
  return { id: res.body.id, username, password, api };
}
