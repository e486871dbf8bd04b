// The desktop app's own calls beside ConsoleApi (`window.passerelle.desktop`): tray badge and native
// notifications. Declared here so main/ implements and the renderer calls one typed contract.
export interface DesktopShellApi {
  /** The tray's waiting-session count (CON-2). */
  setQueueCount(n: number): Promise<void>;
  /** A native notification; clicking it shows the console, on the session when one is given. */
  notify(title: string, body: string, sessionId?: string): Promise<void>;
  info(): Promise<{ version: string; platform: string; hostMode: boolean }>;
}
