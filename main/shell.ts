// The desktop shell's furniture: application menu with the standard edit roles, tray with the
// queue count, native notifications. Words come from desktopStrings (UI language).
import { app, Menu, Notification, Tray, nativeImage, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { DesktopStrings } from '../src/desktop-core/desktop-strings.ts';

export function installMenu(s: DesktopStrings, showWindow: () => void): void {
  const mac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ label: app.name, submenu: [{ role: 'about' as const, label: s.menuAbout }, { type: 'separator' as const }, { role: 'hide' as const }, { role: 'hideOthers' as const }, { role: 'unhide' as const }, { type: 'separator' as const }, { role: 'quit' as const, label: s.menuQuit }] }] : []),
    { label: s.menuFile, submenu: [{ label: s.menuShow, click: showWindow }, { type: 'separator' }, mac ? { role: 'close' } : { role: 'quit', label: s.menuQuit }] },
    { label: s.menuEdit, submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'pasteAndMatchStyle' }, { role: 'delete' }, { role: 'selectAll' }] },
    { label: s.menuView, submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
    { label: s.menuWindow, role: 'window', submenu: [{ role: 'minimize' }, { role: 'zoom' }, ...(mac ? [{ role: 'front' as const }] : [{ role: 'close' as const }])] },
    { label: s.menuHelp, role: 'help', submenu: [{ label: s.menuAbout, click: () => app.showAboutPanel() }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

export class QueueTray {
  private tray: Tray | null = null;
  private count = 0;
  constructor(private readonly s: DesktopStrings, private readonly iconPath: string, private readonly showWindow: () => void) {}

  create(): void {
    const icon = nativeImage.createFromPath(this.iconPath);
    this.tray = new Tray(icon.isEmpty() ? nativeImage.createEmpty() : icon.resize({ width: 16, height: 16 }));
    this.tray.on('click', this.showWindow);
    this.render();
  }

  setQueueCount(n: number): void {
    this.count = Math.max(0, Math.floor(n));
    this.render();
  }

  private render(): void {
    if (!this.tray) return;
    const { s } = this;
    this.tray.setToolTip(this.count ? s.trayWaiting(this.count) : s.trayIdle);
    if (process.platform === 'darwin') this.tray.setTitle(this.count ? String(this.count) : '');
    app.setBadgeCount(this.count); // dock (macOS) and Unity launcher (Linux)
    this.tray.setContextMenu(Menu.buildFromTemplate([
      { label: this.count ? s.trayWaiting(this.count) : s.trayIdle, enabled: false },
      { type: 'separator' },
      { label: s.menuShow, click: this.showWindow },
      { label: s.menuQuit, click: () => app.quit() },
    ]));
  }
}

export function notify(title: string, body: string, onClick: () => void, win: BrowserWindow | null): void {
  if (!Notification.isSupported()) return;
  const n = new Notification({ title, body, silent: false });
  n.on('click', onClick);
  n.show();
  if (win && !win.isFocused()) win.flashFrame(true);
}
