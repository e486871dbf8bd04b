// Remote shells of a session (CON-7): one or more terminals (xterm.js) on the customer's machine,
// resized with their pane, copy and paste (Ctrl+Shift+C / Ctrl+Shift+V or the buttons), output
// drawn at the terminal's pace (the customer's shell waits rather than the page filling memory).
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { RemoteShell, type OpenShellChannel } from '../../../../src/console-core/shell/remote-shell.ts';
import './tools-i18n.ts';

function OneShell({ open, active, onClosed }: { open: OpenShellChannel; active: boolean; onClosed: (why: string) => void }) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const shell = useRef<RemoteShell | null>(null);
  const [state, setState] = useState<'opening' | 'open' | 'closed'>('opening');
  const [error, setError] = useState('');

  useEffect(() => {
    const terminal = new Terminal({ cursorBlink: true, convertEol: false, fontSize: 14, scrollback: 5000 });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(box.current!);
    fit.fit();
    term.current = terminal;
    let disposed = false;
    const copy = () => {
      const sel = terminal.getSelection();
      if (sel) void navigator.clipboard?.writeText(sel);
    };
    terminal.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
      if (e.code === 'KeyC') return (copy(), false);
      if (e.code === 'KeyV') return (void navigator.clipboard?.readText().then((s) => terminal.paste(s)), false);
      return true;
    });
    void RemoteShell.open(open, { cols: Math.max(2, terminal.cols), rows: Math.max(1, terminal.rows) }, {
      output: (bytes) => new Promise<void>((resolve) => terminal.write(bytes, resolve)),
      closed: (info) => {
        setState('closed');
        terminal.write(`\r\n\x1b[2m[${info.exitCode !== undefined ? t('shell.exited', { code: info.exitCode }) : t('shell.closed', { reason: info.reason })}]\x1b[0m\r\n`);
        onClosed(info.reason);
      },
      error: (m) => setError(m),
    }).then(
      (s) => {
        if (disposed) return s.close();
        shell.current = s;
        setState('open');
        terminal.onData((d) => void s.write(d).catch(() => {}));
        terminal.onResize(({ cols, rows }) => void s.resize(cols, rows).catch(() => {}));
        terminal.focus();
      },
      (err: Error) => {
        setState('closed');
        setError(err.message);
      },
    );
    const ro = new ResizeObserver(() => fit.fit());
    ro.observe(box.current!);
    return () => {
      disposed = true;
      ro.disconnect();
      shell.current?.close();
      terminal.dispose();
    };
  }, [open]);

  return (
    <div className="shell-pane" hidden={!active}>
      <div className="session-actions">
        <button type="button" onClick={() => { const s = term.current?.getSelection(); if (s) void navigator.clipboard?.writeText(s); }}>{t('shell.copy')}</button>
        <button type="button" onClick={() => void navigator.clipboard?.readText().then((s) => term.current?.paste(s))}>{t('shell.paste')}</button>
        <span className="muted small">{t(`shell.state.${state}`)}</span>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      <div ref={box} className="terminal" role="application" aria-label={t('shell.terminal')} />
    </div>
  );
}

export function ShellView({ open }: { open: OpenShellChannel }) {
  const { t } = useTranslation();
  const [shells, setShells] = useState<number[]>([]);
  const [current, setCurrent] = useState<number | null>(null);
  const next = useRef(1);
  const add = () => {
    const id = next.current++;
    setShells((s) => [...s, id]);
    setCurrent(id);
  };
  return (
    <section className="shells" aria-label={t('shell.title')}>
      <h3>{t('shell.title')}</h3>
      <div role="tablist" aria-label={t('shell.title')} className="session-actions">
        {shells.map((id) => (
          <button key={id} type="button" role="tab" aria-selected={current === id} onClick={() => setCurrent(id)}>
            {t('shell.tab', { n: id })}
          </button>
        ))}
        <button type="button" onClick={add}>{t('shell.open')}</button>
        {current !== null && (
          <button type="button" onClick={() => { setShells((s) => s.filter((x) => x !== current)); setCurrent(shells.find((x) => x !== current) ?? null); }}>
            {t('shell.closeTab')}
          </button>
        )}
      </div>
      {shells.map((id) => (
        <OneShell key={id} open={open} active={current === id} onClosed={() => {}} />
      ))}
    </section>
  );
}
