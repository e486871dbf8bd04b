// Jump Client helpers for tests: a deployment made through the wizard's API, a raw `/ws/jump`
// connection for protocol-level checks, and an in-process installed agent (the real code).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import WebSocket from 'ws';
import { JUMP_PROTOCOL_VERSION } from '../../src/protocol/jump.ts';
import { installJumpClient, type Installed } from '../../src/endpoint/jump/install.ts';
import { machineProof } from '../../src/endpoint/jump/identity.ts';
import { JumpRunner } from '../../src/endpoint/jump/jump-runner.ts';
import type { ApiClient, TestBroker } from './broker.ts';
import { MessageSocket } from './sessions.ts';

export const testInfo = (hostName = 'pc-test') => ({ hostName, os: 'Linux 6.1', userName: 'marie', privateIp: '10.0.0.7', version: '0.1.0', platform: 'linux-x64' });

export async function createDeployment(api: ApiClient, fields: Record<string, unknown> = {}): Promise<any> {
  const res = await api.post('/api/v1/jump/deployments', { platform: 'linux-x64', jumpGroup: 'user:admin', validMinutes: 60, maxInstalls: 10, ...fields });
  if (res.status !== 201) throw new Error(`deployment failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

let machines = 0;
/** A fresh machine id per simulated computer (each test "computer" is a different machine). */
export function fakeMachine(): string {
  return machineProof(`test-machine-${process.pid}-${++machines}`);
}

export async function register(api: ApiClient, keyInfo: string, extra: Record<string, unknown> = {}, proof = fakeMachine()) {
  const res = await api.post('/api/v1/jump/register', { keyInfo, info: testInfo(), machineProof: proof, ...extra });
  return { ...res, proof };
}

export class JumpSocket extends MessageSocket {
  static async open(broker: Pick<TestBroker, 'url' | 'certificate'>, opts: WebSocket.ClientOptions = {}): Promise<JumpSocket> {
    const s = new JumpSocket(new WebSocket(`${broker.url.replace('https', 'wss')}/ws/jump`, { ca: broker.certificate, ...opts }));
    await s.opened;
    return s;
  }

  hello(clientId: string, secret: string, proof: string, info = testInfo()): Promise<any> {
    this.send({ type: 'hello', protocol: JUMP_PROTOCOL_VERSION, clientId, secret, machineProof: proof, info });
    return this.find((m) => m.type === 'welcome' || m.type === 'error' || m.type === 'uninstall', 'welcome');
  }
}

/** Installs a Jump Client (the real installer code, in this process) into a new temp directory. */
export async function installAgent(broker: TestBroker, keyInfo: string, extra: Partial<Parameters<typeof installJumpClient>[0]> = {}): Promise<Installed & { root: string; proof: string }> {
  const root = mkdtempSync(join(tmpdir(), 'passerelle-jump-test-'));
  const proof = fakeMachine();
  const installed = await installJumpClient({
    broker: broker.url,
    pin: broker.fingerprint,
    keyInfo,
    installDir: join(root, 'agent'),
    info: testInfo(extra.info?.hostName),
    machineProof: proof,
    mode: 'user',
    ...extra,
  });
  return { ...installed, root, proof };
}

export async function runAgent(installed: { installDir: string; proof: string }, hostName = 'pc-test'): Promise<JumpRunner> {
  const runner = new JumpRunner({ installDir: installed.installDir, machineProof: installed.proof, info: testInfo(hostName), backoff: { baseMs: 50, maxMs: 500 }, log: () => undefined });
  runner.start();
  await once(runner.agent, 'online');
  return runner;
}

export function cleanup(root: string): void {
  rmSync(root, { recursive: true, force: true });
}
