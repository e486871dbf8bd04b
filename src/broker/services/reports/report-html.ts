// REP-4 download: one session's report as a single self-contained HTML file — inline style, no
// script, no outside resource (a CSP says so) — every value escaped, dates in the site's zone.
import type { SessionReport } from '../../../protocol/reports.ts';
import { siteDateTime } from './site-time.ts';

export type ReportLanguage = 'en' | 'fr';

const strings = {
  en: {
    title: 'Support session report',
    summary: 'Session',
    lsid: 'Session id (LSID)',
    seq: 'Sequence number',
    start: 'Start',
    end: 'End',
    duration: 'Duration',
    method: 'Start method',
    endReason: 'End reason',
    running: 'running',
    customerComputer: 'Customer and remote computer',
    name: 'Name',
    computer: 'Computer name',
    os: 'Operating system',
    userName: 'Logged-in user',
    publicIp: 'Public IP',
    privateIp: 'Private IP',
    reps: 'Reps and local computers',
    repIps: 'Addresses',
    joined: 'First joined',
    noReps: 'No rep joined this session.',
    transcript: 'Chat transcript',
    noChat: 'No chat.',
    repsOnly: 'reps only',
    permissions: 'Permissions',
    noPermissions: 'No permission was requested.',
    permission: 'Permission',
    action: 'Action',
    by: 'By',
    files: 'Files transferred',
    noFiles: 'No file was transferred.',
    events: 'Every event',
    at: 'Time',
    who: 'Who',
    what: 'Event',
    timeZone: 'Times in',
    generated: 'Generated',
  },
  fr: {
    title: "Rapport de session d'assistance",
    summary: 'Session',
    lsid: 'Identifiant de session (LSID)',
    seq: 'Numéro de séquence',
    start: 'Début',
    end: 'Fin',
    duration: 'Durée',
    method: 'Méthode de démarrage',
    endReason: 'Raison de fin',
    running: 'en cours',
    customerComputer: 'Client et ordinateur distant',
    name: 'Nom',
    computer: "Nom de l'ordinateur",
    os: "Système d'exploitation",
    userName: 'Utilisateur connecté',
    publicIp: 'IP publique',
    privateIp: 'IP privée',
    reps: 'Techniciens et ordinateurs locaux',
    repIps: 'Adresses',
    joined: 'Première arrivée',
    noReps: "Aucun technicien n'a rejoint cette session.",
    transcript: 'Transcription de la discussion',
    noChat: 'Aucune discussion.',
    repsOnly: 'entre techniciens',
    permissions: 'Permissions',
    noPermissions: "Aucune permission n'a été demandée.",
    permission: 'Permission',
    action: 'Action',
    by: 'Par',
    files: 'Fichiers transférés',
    noFiles: "Aucun fichier n'a été transféré.",
    events: 'Tous les événements',
    at: 'Heure',
    who: 'Qui',
    what: 'Événement',
    timeZone: 'Heures en',
    generated: 'Généré le',
  },
} as const;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${h}:${two(m)}:${two(s)}`;
}

const style = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eee}.reps-only{background:#fff6d6}.tag{font-size:.85em;color:#805b00}pre{margin:0;white-space:pre-wrap;font:inherit}`;

export function renderReportHtml(r: SessionReport, language: ReportLanguage, now = new Date()): string {
  const t = strings[language];
  const e = escapeHtml;
  const tz = r.timeZone;
  const at = (iso: string | null) => e(siteDateTime(iso, tz));
  const s = r.session;
  const kv = (rows: [string, string][]) => `<table>${rows.map(([k, v]) => `<tr><th scope="row">${e(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
  const table = (head: string[], rows: string[]) =>
    `<table><thead><tr>${head.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;

  const reps = r.reps.length
    ? table([t.name, t.repIps, t.joined], r.reps.map((p) => `<tr><td>${e(p.name)}</td><td>${e(p.ips.join(', '))}</td><td>${at(p.firstJoinedAt)}</td></tr>`))
    : `<p>${e(t.noReps)}</p>`;
  const transcript = r.transcript.length
    ? table(
        [t.at, t.who, ''],
        r.transcript.map(
          (l) =>
            `<tr${l.repsOnly ? ' class="reps-only"' : ''}><td>${at(l.at)}</td><td>${e(l.from.name)}${l.repsOnly ? ` <span class="tag">(${e(t.repsOnly)})</span>` : ''}</td><td><pre>${e(l.text)}</pre></td></tr>`,
        ),
      )
    : `<p>${e(t.noChat)}</p>`;
  const permissions = r.permissions.length
    ? table([t.at, t.permission, t.action, t.by], r.permissions.map((p) => `<tr><td>${at(p.at)}</td><td>${e(p.permission)}</td><td>${e(p.action)}</td><td>${e(p.by)}</td></tr>`))
    : `<p>${e(t.noPermissions)}</p>`;
  const files = r.files.length
    ? table([t.at, t.what, t.by, ''], r.files.map((f) => `<tr><td>${at(f.at)}</td><td>${e(f.kind)}</td><td>${e(f.by)}</td><td>${e(JSON.stringify(f.detail))}</td></tr>`))
    : `<p>${e(t.noFiles)}</p>`;
  const events = table(
    ['#', t.at, t.who, t.what, ''],
    r.events.map((ev) => {
      const { kind, ...rest } = ev.body as { kind: string } & Record<string, unknown>;
      return `<tr><td>${ev.seq}</td><td>${at(ev.at)}</td><td>${e(ev.actor.name)}</td><td>${e(kind)}</td><td>${e(Object.keys(rest).length ? JSON.stringify(rest) : '')}</td></tr>`;
    }),
  );

  return `<!DOCTYPE html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${e(t.title)} ${s.sequenceNumber} — ${e(s.customerName)}</title>
<style>${style}</style>
</head>
<body>
<h1>${e(t.title)} ${s.sequenceNumber}</h1>
<p>${e(t.timeZone)} ${e(tz)} · ${e(t.generated)} ${at(now.toISOString())}</p>
<h2>${e(t.summary)}</h2>
${kv([
  [t.lsid, e(s.lsid)],
  [t.seq, String(s.sequenceNumber)],
  [t.start, at(s.startedAt)],
  [t.end, s.endedAt ? at(s.endedAt) : e(t.running)],
  [t.duration, duration(s.durationSeconds)],
  [t.method, e(s.method)],
  [t.endReason, e(s.endReason ?? '')],
])}
<h2>${e(t.customerComputer)}</h2>
${kv([
  [t.name, e(r.customer.name)],
  [t.computer, e(r.customer.computerName)],
  [t.os, e(r.customer.os)],
  [t.userName, e(r.customer.userName)],
  [t.publicIp, e(r.customer.publicIp)],
  [t.privateIp, e(r.customer.privateIp)],
])}
<h2>${e(t.reps)}</h2>
${reps}
<h2>${e(t.transcript)}</h2>
${transcript}
<h2>${e(t.permissions)}</h2>
${permissions}
<h2>${e(t.files)}</h2>
${files}
<h2>${e(t.events)}</h2>
${events}
</body>
</html>
`;
}
