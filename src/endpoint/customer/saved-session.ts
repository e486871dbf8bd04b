// A crashed customer client resumes by itself (issue 9 item 2): while a session runs, its LSID and
// resume token are kept in a file only this user can read (0600, in a 0700 folder), removed when
// the session ends. Started again within the grace period, the client resumes that session.
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

const Saved = z.object({ broker: z.string(), lsid: z.string().min(1).max(64), resumeToken: z.string().min(1).max(256) }).strict();
export type SavedSession = z.infer<typeof Saved>;

export function savedSessionPath(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'passerelle', 'customer-session.json');
}

/** The session this user's client was in when it stopped without ending it, for this site. */
export function loadSavedSession(broker: string, file = savedSessionPath()): SavedSession | null {
  try {
    const saved = Saved.parse(JSON.parse(readFileSync(file, 'utf8')));
    return saved.broker === broker ? saved : null;
  } catch {
    return null;
  }
}

export function saveSession(s: SavedSession, file = savedSessionPath()): void {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(s), { mode: 0o600 });
  chmodSync(file, 0o600); // an older file keeps its mode through writeFileSync
}

export function forgetSession(file = savedSessionPath()): void {
  rmSync(file, { force: true });
}
