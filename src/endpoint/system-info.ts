// What the customer client reports about the computer it runs on (shown in the rep's session panel).
import { hostname, networkInterfaces, release, type as osType, userInfo } from 'node:os';
import type { CustomerInfo } from '../protocol/sessions.ts';

function privateIp(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment is the next best source.
    return process.env.USER ?? process.env.USERNAME ?? '';
  }
}

export function systemInfo(name?: string): CustomerInfo {
  const user = userName();
  return {
    ...(name ? { name } : user ? { name: user } : {}),
    computerName: hostname().slice(0, 255),
    os: `${osType()} ${release()}`.slice(0, 100),
    privateIp: privateIp(),
    userName: user.slice(0, 100),
  };
}
