// The Jump Clients part of the store: deployments (the wizard's installers) and installed clients.
// Interface here; the SQLite statements in sqlite-jump-store.ts.

export interface DeploymentRecord {
  id: string;
  createdBy: number | null;
  platform: string;
  jumpGroup: string;
  tag: string;
  comments: string;
  createdAt: string;
  expiresAt: string;
  maxInstalls: number;
  installs: number;
}

export interface JumpClientRecord {
  id: string;
  secretHash: string;
  machineProof: string;
  deploymentId: string | null;
  jumpGroup: string;
  tag: string;
  comments: string;
  hostName: string;
  os: string;
  userName: string;
  privateIp: string;
  publicIp: string;
  version: string;
  platform: string;
  createdAt: string;
  lastSeenAt: string | null;
  removedAt: string | null;
}

export type JumpClientPatch = Partial<Pick<JumpClientRecord, 'tag' | 'comments' | 'hostName' | 'os' | 'userName' | 'privateIp' | 'publicIp' | 'version' | 'platform' | 'lastSeenAt' | 'removedAt'>>;

export type UseDeploymentResult = { ok: true; deployment: DeploymentRecord } | { ok: false; reason: 'unknown' | 'expired' | 'used_up' };

export interface JumpStore {
  insertDeployment(d: DeploymentRecord): Promise<void>;
  getDeployment(id: string): Promise<DeploymentRecord | undefined>;
  /** Counts one install, atomically: of two racing installs for the last place only one wins. */
  useDeployment(id: string, now: string): Promise<UseDeploymentResult>;
  /** Gives an install back (the registration failed after it was counted). */
  releaseDeployment(id: string): Promise<void>;
  insertJumpClient(c: JumpClientRecord): Promise<void>;
  getJumpClient(id: string): Promise<JumpClientRecord | undefined>;
  listJumpClients(): Promise<JumpClientRecord[]>;
  updateJumpClient(id: string, patch: JumpClientPatch): Promise<void>;
  /** Several last-seen times in one transaction (heartbeats are not written one by one). */
  touchJumpClients(entries: { id: string; lastSeenAt: string }[]): Promise<void>;
  deleteJumpClient(id: string): Promise<void>;
  /** Active Jump Clients: installed and not removed (the licence counts these, STA-2). */
  countActiveJumpClients(): Promise<number>;
}
