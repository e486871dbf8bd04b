// Auto-update against the broker's feed (CON-12), following ACC-2's rules (decideUpdates):
// check at start and every few hours, download in the background with progress, install on quit.
import { app, type BrowserWindow } from 'electron';
import electronUpdater, { type UpdateInfo } from 'electron-updater';
import { spawn } from 'node:child_process';
import type { InstallSettings } from '../src/desktop-core/install-settings.ts';
import { CHECK_INTERVAL_MS, checkOffer, feedUrl, msiUpgradeArgs, verifyDownloaded, type UpdateDecision } from '../src/desktop-core/update-policy.ts';

export interface UpdaterHooks {
  window: () => BrowserWindow | null;
  notify: (text: string) => void;
  refused: (why: string) => void;
  ready: (version: string) => void;
}

export function startUpdater(brokerUrl: string, decision: UpdateDecision, install: InstallSettings, hooks: UpdaterHooks): void {
  if (!decision.enabled) {
    console.log(`auto-update off: ${decision.reason}`);
    return;
  }
  const { autoUpdater } = electronUpdater;
  const feed = feedUrl(brokerUrl);
  autoUpdater.setFeedURL({ provider: 'generic', url: feed, channel: decision.channel });
  autoUpdater.autoDownload = false; // our own checks run first (checkOffer)
  autoUpdater.allowDowngrade = false;
  autoUpdater.autoInstallOnAppQuit = decision.installWith === 'electron-updater';

  let offered: UpdateInfo | null = null;
  autoUpdater.on('update-available', (info: UpdateInfo) => {
    const refusal = checkOffer(info, app.getVersion(), feed);
    if (refusal) return hooks.refused(refusal.message);
    offered = info;
    void autoUpdater.downloadUpdate().catch((e: unknown) => hooks.refused(e instanceof Error ? e.message : String(e)));
  });
  autoUpdater.on('download-progress', (p) => hooks.window()?.setProgressBar(p.percent / 100));
  autoUpdater.on('error', (e) => {
    hooks.window()?.setProgressBar(-1);
    hooks.refused(e.message); // sha512 mismatch, truncated download, bad feed: electron-updater installs nothing
  });
  autoUpdater.on('update-downloaded', async (event) => {
    hooks.window()?.setProgressBar(-1);
    if (decision.installWith === 'msiexec') {
      const file = offered?.files[0];
      const refusal = file ? await verifyDownloaded(event.downloadedFile, file) : { message: 'no file in the offer' };
      if (refusal) return hooks.refused(refusal.message);
      // Per-user MSI installs upgrade in place with the same choices, silently, once the console has quit.
      app.once('will-quit', () => {
        spawn('msiexec', msiUpgradeArgs(event.downloadedFile, install), { detached: true, stdio: 'ignore', windowsVerbatimArguments: true }).unref();
      });
    }
    hooks.ready(event.version);
  });

  const check = () => void autoUpdater.checkForUpdates().catch((e: unknown) => console.warn(`update check failed: ${e instanceof Error ? e.message : String(e)}`));
  check();
  setInterval(check, CHECK_INTERVAL_MS).unref();
}
