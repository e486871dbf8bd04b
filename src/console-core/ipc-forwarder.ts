// One generic forwarder for a service contract across a process boundary (VS Code ProxyChannel
// style): members named `onX` are events (take a listener, return an unsubscribe function),
// everything else is an async call. The serving side describes its service's shape once; the
// calling side builds a plain object of forwarding functions from that shape (plain, because
// Electron's contextBridge copies objects and cannot carry a Proxy). No per-method channel strings.

import { apiErrorOf } from './api-error.ts';

/**
 * An ApiError crosses as data under this key: Electron's `invoke` keeps only an Error's message,
 * and the renderer needs the code (and the password-policy reasons) to say what went wrong.
 * The calling side rejects with the plain ApiErrorData (contextBridge copies plain objects whole),
 * which `apiErrorOf` recognises.
 */
const FAILED = '__passerelleApiError';

/** A call crossing the boundary: the property path to a method and its arguments. */
export interface ForwardedCall {
  path: string[];
  args: unknown[];
}

/** The service's members: nested groups, calls and events. */
export type ServiceShape = { [name: string]: 'call' | 'event' | ServiceShape };

export interface ForwarderTransport {
  call(call: ForwardedCall): Promise<unknown>;
  /** Starts delivering an event's values to `listener`; returns the way to stop. */
  subscribe(path: string[], listener: (value: unknown) => void): () => void;
}

const MAX_DEPTH = 4;
const SAFE_NAME = /^[A-Za-z_$][\w$]*$/;
const FORBIDDEN = new Set(['constructor', '__proto__', 'prototype', 'then', 'dispose']);

export const isEventName = (name: string) => /^on[A-Z]/.test(name);

const isPlain = (v: object) => [Object.prototype, null].includes(Object.getPrototypeOf(v));

/**
 * The shape of a service object: its plain-named functions (own, or methods of its class) and
 * nested plain objects. Class instances below the root are not walked, so internal state (an
 * emitter, a socket) held in a field never becomes reachable.
 */
export function describeService(service: object, depth = 0): ServiceShape {
  const shape: ServiceShape = {};
  const names = new Set<string>();
  for (let o: object | null = service; o && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const n of Object.getOwnPropertyNames(o)) names.add(n);
  }
  for (const name of names) {
    if (!SAFE_NAME.test(name) || FORBIDDEN.has(name) || name.startsWith('_')) continue;
    const value = (service as Record<string, unknown>)[name];
    if (typeof value === 'function') shape[name] = isEventName(name) ? 'event' : 'call';
    else if (value && typeof value === 'object' && isPlain(value) && depth < MAX_DEPTH - 1) {
      const sub = describeService(value, depth + 1);
      if (Object.keys(sub).length) shape[name] = sub;
    }
  }
  return shape;
}

/** The calling side: an object with the service's shape whose members forward over `transport`. */
export function buildForwarder<T>(shape: ServiceShape, transport: ForwarderTransport, path: string[] = []): T {
  const out: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(shape)) {
    const p = [...path, name];
    if (kind === 'call') {
      out[name] = async (...args: unknown[]) => {
        const result = await transport.call({ path: p, args });
        if (result && typeof result === 'object' && FAILED in result) throw (result as Record<string, unknown>)[FAILED];
        return result;
      };
    }
    else if (kind === 'event') out[name] = (listener: (v: unknown) => void) => transport.subscribe(p, listener);
    else out[name] = buildForwarder(kind, transport, p);
  }
  return out as T;
}

function resolveMember(service: object, path: unknown): { owner: object; fn: (...a: unknown[]) => unknown } {
  if (!Array.isArray(path) || path.length === 0 || path.length > MAX_DEPTH) throw new Error('malformed forwarded call');
  const shape = describeService(service);
  let node: ServiceShape | 'call' | 'event' = shape;
  let owner: object = service;
  let value: unknown = service;
  for (const name of path) {
    // Only members the shape lists are reachable: a message cannot walk into __proto__ or constructor.
    if (typeof name !== 'string' || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, name)) {
      throw new Error(`no such API member: ${path.map(String).join('.')}`);
    }
    node = node[name]!;
    owner = value as object;
    value = (value as Record<string, unknown>)[name];
  }
  if (typeof value !== 'function') throw new Error(`not a method: ${path.join('.')}`);
  return { owner, fn: value as (...a: unknown[]) => unknown };
}

/** The serving side: runs forwarded calls and event subscriptions against the real service. */
export function createDispatcher(service: object) {
  return {
    shape: () => describeService(service),
    async call(call: ForwardedCall): Promise<unknown> {
      if (!call || !Array.isArray(call.args)) throw new Error('malformed forwarded call');
      const last = call.path?.[call.path.length - 1];
      if (typeof last === 'string' && isEventName(last)) throw new Error(`${last} is an event: subscribe to it`);
      const { owner, fn } = resolveMember(service, call.path);
      try {
        return await fn.apply(owner, call.args);
      } catch (e) {
        const data = apiErrorOf(e);
        if (data) return { [FAILED]: data };
        throw e;
      }
    },
    subscribe(path: string[], listener: (value: unknown) => void): () => void {
      const last = path?.[path.length - 1];
      if (typeof last !== 'string' || !isEventName(last)) throw new Error('only onX members are events');
      const { owner, fn } = resolveMember(service, path);
      const unsubscribe = fn.call(owner, listener);
      return typeof unsubscribe === 'function' ? (unsubscribe as () => void) : () => undefined;
    },
  };
}
