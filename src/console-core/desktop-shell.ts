// The desktop app's own calls beside ConsoleApi (`window.passerelle.desktop`): tray badge and native
// notifications. Declared here so main/ implements and the renderer calls one typed contract.
export interface DesktopShellApi {
  /** The tray's waiting-session count (CON-2). */
  setQueueCount(n: number): Promise<void>;
  /** A native notification; clicking it shows the console, on the session when one is given. */
  notify(title: string, body: string, sessionId?: string): Promise<void>;
  info(): Promise<{ version: string; platform: string; hostMode: boolean }>;
  /**
   * Downloads written to the rep's disk by the main process after the system's save dialog
   * (CON-6; src/desktop-core/disk-downloads.ts): the page starts and cancels them and follows
   * their course, the bytes never reach the page.
   */
  downloads: {
    start(request: { lsid: string; path: string; isFolder: boolean }): Promise<{ id: number; savedTo: string } | null>;
    cancel(id: number): Promise<boolean>;
    onUpdate(listener: (u: DesktopDownloadUpdate) => void): () => void;
  };
}

/** One change in a desktop download's course (the shape src/desktop-core/disk-downloads.ts emits). */
export interface DesktopDownloadUpdate {
  id: number;
  name: string;
  savedTo: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  progress: { done: number; total: number; bytesPerSecond: number; secondsLeft: number | null; file: string | null; filesDone: number; filesTotal: number; resuming: boolean } | null;
  files?: { path: string; size: number; sha256: string }[];
  error?: { code: string; message: string };
}
