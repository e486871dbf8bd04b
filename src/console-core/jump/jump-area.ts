// The `jump` area of ConsoleApi (JMP-1, JMP-4, JMP-7..10, USR-10): the Jump Clients list (search,
// sort, edit, remove), jumping to one, and the mass deployment wizard (create, email the link).
// The broker checks every right; this area only carries the calls.
import { z } from 'zod';
import {
  DeploymentView,
  EmailDeploymentResult,
  AttachJumpResult,
  DetachJumpResult,
  JumpClientList,
  JumpClientView,
  StartJumpResult,
  type CreateDeploymentBody,
  type ListJumpClientsQuery,
} from '../../protocol/jump.ts';
import { Ok } from '../../protocol/auth.ts';
import type { CoreContext } from '../core-context.ts';
import type { Listener, Unsubscribe } from '../events.ts';

export type JumpListQuery = z.infer<typeof ListJumpClientsQuery>;
export interface EmailDeploymentInput {
  recipients: string[];
  message?: string;
  language?: 'en' | 'fr';
}

export interface JumpApi {
  list(query: JumpListQuery): Promise<JumpClientList>;
  update(id: string, body: { tag?: string; comments?: string }): Promise<JumpClientView>;
  /** Removes it from the list; the agent uninstalls itself when it next connects. */
  remove(id: string): Promise<void>;
  /** JMP-9: an unattended session; it shows in the rep's sessions once the agent has joined. */
  jump(id: string): Promise<StartJumpResult>;
  createDeployment(body: CreateDeploymentBody): Promise<DeploymentView>;
  deployment(id: string): Promise<DeploymentView>;
  emailDeployment(id: string, body: EmailDeploymentInput): Promise<z.infer<typeof EmailDeploymentResult>>;
  /** JMP-10: the customer client of this running session installs a Jump Client (the session log says when it has registered). */
  attach(lsid: string): Promise<z.infer<typeof AttachJumpResult>>;
  /** JMP-10: removes the Jump Client of this session's computer; it uninstalls itself. */
  detach(lsid: string): Promise<z.infer<typeof DetachJumpResult>>;
  /**
   * Jump Clients this rep may see changed (added, online, offline, edited, removed), pushed by the
   * broker on the console's connection; `more`: too many to list, reload. Also fired when the
   * connection comes back (changes may have been missed meanwhile).
   */
  onChanged(listener: Listener<{ ids: string[]; more: boolean }>): Unsubscribe;
}

export function jumpQueryString(q: JumpListQuery): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function createJumpArea(ctx: CoreContext): JumpApi {
  const id = (s: string) => encodeURIComponent(s);
  return {
    list: (query) => ctx.api.request('GET', `/jump-clients${jumpQueryString(query)}`, JumpClientList),
    update: (clientId, body) => ctx.api.request('PATCH', `/jump-clients/${id(clientId)}`, JumpClientView, body),
    remove: async (clientId) => {
      await ctx.api.request('DELETE', `/jump-clients/${id(clientId)}`, Ok);
    },
    jump: (clientId) => ctx.api.request('POST', `/jump-clients/${id(clientId)}/jump`, StartJumpResult),
    createDeployment: (body) => ctx.api.request('POST', '/jump/deployments', DeploymentView, body),
    deployment: (deploymentId) => ctx.api.request('GET', `/jump/deployments/${id(deploymentId)}`, DeploymentView),
    emailDeployment: (deploymentId, body) => ctx.api.request('POST', `/jump/deployments/${id(deploymentId)}/email`, EmailDeploymentResult, body),
    attach: (lsid) => ctx.api.request('POST', `/sessions/${id(lsid)}/jump-client`, AttachJumpResult),
    detach: (lsid) => ctx.api.request('DELETE', `/sessions/${id(lsid)}/jump-client`, DetachJumpResult),
    onChanged: (listener) =>
      ctx.rep.onMessage.on((m) => {
        if (m.type === 'jump.changed') listener({ ids: m.ids, more: m.more });
        // A new connection (the broker restarted, the network came back): what changed meanwhile was not pushed.
        else if (m.type === 'hello') listener({ ids: [], more: true });
      }),
  };
}
