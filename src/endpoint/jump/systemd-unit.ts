// Linux service mode (JMP-6): installed by root, the Jump Client runs as an unprivileged system
// user under systemd, so sessions can start with nobody logged in. User mode runs as the user who
// installed it (a systemd user unit) and cannot be elevated during a session.
export const SERVICE_USER = 'passerelle-jump';

export interface UnitOptions {
  installDir: string;
  executable: string;
  mode: 'service' | 'user';
  clientId: string;
  /** Service mode: the system user it runs as (default passerelle-jump). */
  user?: string;
}

function quote(path: string): string {
  // systemd's own quoting: double quotes, backslash escapes.
  return /^[A-Za-z0-9/._-]+$/.test(path) ? path : `"${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function unitName(clientId: string): string {
  return `passerelle-jump-${clientId.replace(/[^A-Za-z0-9_-]/g, '')}.service`;
}

export function systemdUnit(o: UnitOptions): string {
  const lines = [
    '[Unit]',
    'Description=Passerelle Jump Client (unattended remote support)',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${quote(o.executable)} run --install-dir ${quote(o.installDir)}`,
    'Restart=always',
    'RestartSec=5',
    // Exit code 3: uninstalled itself; systemd must not bring it back.
    'RestartPreventExitStatus=3',
  ];
  if (o.mode === 'service') {
    lines.push(
      `User=${o.user ?? SERVICE_USER}`,
      `Group=${o.user ?? SERVICE_USER}`,
      'NoNewPrivileges=yes',
      'ProtectSystem=full',
      'PrivateTmp=yes',
      `ReadWritePaths=${quote(o.installDir)}`,
    );
  } else {
    // A user unit: the user's own rights, never more.
    lines.push('NoNewPrivileges=yes');
  }
  lines.push('', '[Install]', `WantedBy=${o.mode === 'service' ? 'multi-user.target' : 'default.target'}`, '');
  return lines.join('\n');
}
