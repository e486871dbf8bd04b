// The customer client's chat window: one HTML page, its script and style, served on loopback.
// No inline script (CSP script-src 'self'); all text is inserted with textContent.
import { SITE_LOOK_CSS_VARIABLES } from '../../protocol/portal-look.ts';
import { CHAT_WARN_CHARS, MAX_CHAT_CHARS } from '../../protocol/sessions.ts';

/**
 * The page in the client's language, its locale's (issue 9 item 9); when the locale names none
 * (C, POSIX, unset), the browser's.
 */
export const chatPageHtml = (lang: 'en' | 'fr' | null) => `<!doctype html>
<html lang="${lang ?? 'en'}" data-locale="${lang ? 'client' : 'browser'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Passerelle support</title>
<link rel="stylesheet" href="app.css">
<script type="module" src="app.js"></script>
</head>
<body>
<img id="banner" alt="Support banner" width="480" hidden>
<header><img id="logo" alt="" hidden> <strong id="title">Passerelle support</strong> <span id="status"></span></header>
<p id="recorded" role="note" hidden></p>
<section id="live" role="status" aria-live="assertive" hidden><span id="live-text"></span> <button id="take-back" type="button" hidden>Take back control</button></section>
<section id="prompts" aria-live="assertive"></section>
<main id="log" aria-live="polite"></main>
<p id="typing"></p>
<form id="send"><input id="text" autocomplete="off" aria-label="Message" aria-describedby="limit"><button id="send-button">Send</button></form>
<p id="limit" aria-live="polite"></p>
<footer><button id="end" type="button">End session</button> <span id="grants"></span></footer>
</body>
</html>`;

export const chatPageCss = `#banner{display:block;max-width:100%;height:auto}body{font-family:system-ui,sans-serif;margin:0;display:flex;flex-direction:column;height:100vh;background:var(--bg,#f6f7f9);color:var(--text,#222)}
header,footer{padding:.6rem 1rem;background:var(--header,#1f3b57);color:var(--header-text,#fff)}footer{background:#e9edf2;color:#222}header{display:flex;align-items:center;gap:.6rem}#logo{max-height:2.5rem;width:auto}#logo[hidden]{display:none}
#send-button{background:var(--accent,#1f5fa8);color:var(--accent-text,#fff);border:1px solid var(--accent,#1f5fa8);border-radius:4px;padding:.4rem .9rem}
#recorded{margin:0;padding:.4rem 1rem;background:#7a1f1f;color:#fff;font-weight:600}#log{flex:1;overflow:auto;padding:1rem;overflow-wrap:anywhere}#limit{margin:0 1rem;min-height:1.2em;color:#555}#limit.over{color:#a00}.line{margin:.25rem 0}.who{font-weight:600;margin-right:.4rem}.info{color:#555;font-style:italic}
.error{color:#a00}#prompts .prompt{background:#fff7d6;border:1px solid #e0c050;margin:.5rem 1rem;padding:.6rem;border-radius:4px}
#prompts button{margin-left:.5rem}#send{display:flex;padding:.5rem 1rem;gap:.5rem}#text{flex:1;padding:.4rem}#typing{margin:0 1rem;color:#666;min-height:1.2em}
.revoke{margin-left:.4rem}
#live{display:flex;align-items:center;gap:1rem;padding:.7rem 1rem;background:#b00020;color:#fff;font-weight:600;font-size:1.05rem}
#live[hidden],#take-back[hidden]{display:none}#live.viewed{background:#8a4b00}#take-back{font-size:1.05rem;font-weight:700;padding:.4rem .9rem;background:#fff;color:#b00020;border:2px solid #fff;border-radius:4px;cursor:pointer}`;

export const chatPageJs = `const root = document.documentElement;
const fr = root.dataset.locale === 'client' ? root.lang === 'fr' : (navigator.language || '').startsWith('fr');
root.lang = fr ? 'fr' : 'en';
const t = (en, frText) => (fr ? frText : en);
const labels = {
  screen_view: [t('view your screen', 'voir votre écran')],
  screen_control: [t('control your mouse and keyboard', 'contrôler votre souris et votre clavier')],
  annotations: [t('draw on your screen', 'dessiner sur votre écran')],
  file_transfer: [t('send and receive files', 'envoyer et recevoir des fichiers')],
  shell: [t('open a command shell', 'ouvrir un terminal de commandes')],
  elevation: [t('run with administrator rights', "obtenir les droits d'administrateur")],
};
const $ = (id) => document.getElementById(id);
$('send-button').textContent = t('Send', 'Envoyer');
$('end').textContent = t('End session', 'Terminer la session');
$('take-back').textContent = t('Take back control', 'Reprendre le contrôle');
const grants = new Set();
function line(cls, who, text) {
  const p = document.createElement('p');
  p.className = 'line ' + cls;
  if (who) { const b = document.createElement('span'); b.className = 'who'; b.textContent = who; p.append(b); }
  p.append(document.createTextNode(text));
  $('log').append(p);
  $('log').scrollTop = $('log').scrollHeight;
}
function post(path, body) {
  return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) });
}
function showGrants() {
  const f = $('grants');
  f.textContent = '';
  for (const g of grants) {
    const b = document.createElement('button');
    b.className = 'revoke';
    b.type = 'button';
    b.textContent = t('Revoke: ', 'Retirer : ') + labels[g][0];
    b.onclick = () => post('revoke', { permission: g });
    f.append(b);
  }
}
// POR-8: the site's name (per language) in the header and the window title, with a dot while watched.
let siteTitle = t('Passerelle support', 'Assistance Passerelle');
let liveNow = false;
function showTitle() {
  $('title').textContent = siteTitle;
  document.title = liveNow ? '● ' + siteTitle : siteTitle;
}
showTitle();
function applyLook(u) {
  const root = document.documentElement.style;
  for (const [name, key] of ${JSON.stringify(SITE_LOOK_CSS_VARIABLES)}) root.setProperty(name, u.colours[key]);
  if (u.title[fr ? 'fr' : 'en']) siteTitle = u.title[fr ? 'fr' : 'en'];
  showTitle();
  if (u.logo) { const l = $('logo'); l.src = 'logo.png'; l.width = u.logo.width; l.height = u.logo.height; l.hidden = false; }
}
// Always in view while a rep looks at, controls or draws on this computer.
function showLive(l) {
  const who = l.reps.length ? l.reps.join(', ') : t('Your support representative', 'Votre technicien');
  const parts = [];
  if (l.controlled) parts.push(t(who + ' is controlling your mouse and keyboard.', who + ' contrôle votre souris et votre clavier.'));
  else if (l.controlGranted) parts.push(t(who + ' may control your mouse and keyboard.', who + ' peut contrôler votre souris et votre clavier.'));
  if (l.viewed) parts.push(t('Your screen is being viewed.', "Votre écran est visible par l'assistance."));
  if (l.annotated) parts.push(t(who + ' may draw on your screen.', who + ' peut dessiner sur votre écran.'));
  $('live-text').textContent = parts.join(' ');
  $('live').hidden = parts.length === 0;
  $('live').className = l.controlled || l.controlGranted ? 'controlled' : 'viewed';
  $('take-back').hidden = !l.controlGranted;
  liveNow = parts.length > 0;
  showTitle();
}
$('take-back').onclick = () => post('takeback');
let ended = false;
function stop() { $('text').disabled = true; $('send-button').disabled = true; $('end').disabled = true; }
function onUpdate(u) {
  if (u.kind === 'status') {
    const s = { joined: t('Waiting for a representative…', 'En attente d\\'un technicien…'), resumed: t('Connected', 'Connecté'),
      reconnecting: t('Reconnecting…', 'Reconnexion…'), ended: u.text || t('Session ended', 'Session terminée') }[u.status];
    $('status').textContent = s || '';
    if (u.status === 'ended') { ended = true; stop(); }
  } else if (u.kind === 'error') line('error', '', u.message);
  else if (u.kind === 'live') showLive(u.live);
  else if (u.kind === 'recorded') { const r = $('recorded'); r.textContent = t('This session is recorded (screen, control and chat).', 'Cette session est enregistrée (écran, contrôle et conversation).'); r.hidden = false; }
  else if (u.kind === 'look') applyLook(u);
  else if (u.kind === 'banner') { const b = $('banner'); b.alt = t('Support banner', "Bannière de l'assistance"); b.src = 'banner.bmp?v=' + u.version; b.hidden = false; }
  else if (u.kind === 'typing') $('typing').textContent = u.typing ? u.name + t(' is typing…', ' écrit…') : '';
  else if (u.kind === 'prompt') {
    const div = document.createElement('div');
    div.className = 'prompt';
    div.id = 'prompt-' + u.prompt.requestId;
    div.append(document.createTextNode(u.prompt.repName + t(' asks to ', ' demande à ') + labels[u.prompt.permission][0] + '. '));
    for (const [label, granted] of [[t('Allow', 'Autoriser'), true], [t('Refuse', 'Refuser'), false]]) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.onclick = () => post('consent', { requestId: u.prompt.requestId, granted });
      div.append(b);
    }
    $('prompts').append(div);
  } else if (u.kind === 'prompt_closed') document.getElementById('prompt-' + u.requestId)?.remove();
  else if (u.kind === 'elevation') showElevation(u);
  else if (u.kind === 'event') {
    const { actor, body } = u.event;
    if (body.kind === 'chat') line(actor.kind, actor.name, body.text);
    else if (body.kind === 'rep_joined') { $('status').textContent = t('Connected', 'Connecté'); line('info', '', body.name + t(' joined the session', ' a rejoint la session')); }
    else if (body.kind === 'rep_left') line('info', '', body.name + t(' left the session', ' a quitté la session'));
    else if (body.kind === 'transferred') line('info', '', t('Transferred to ', 'Transférée à ') + body.toName);
    else if (body.kind === 'permission_granted') { grants.add(body.permission); showGrants(); }
    else if (body.kind === 'permission_revoked') { grants.delete(body.permission); showGrants(); }
    else if (body.kind === 'jump_client_attached') line('info', '', t('A Jump Client was installed on this computer: the support team can connect later without you.', "Un client Jump a été installé sur cet ordinateur : l'assistance pourra s'y connecter plus tard sans vous."));
    else if (body.kind === 'jump_client_detached') line('info', '', t('The Jump Client was removed from this computer.', "Le client Jump a été retiré de cet ordinateur."));
  }
}
// CON-8: after the customer allowed administrator rights, their password, typed here, goes to
// sudo on this computer only (the client neither keeps nor sends it).
const elevationErrors = {
  wrong_password: t('The password was not accepted. Try again.', "Le mot de passe n'a pas été accepté. Réessayez."),
  not_allowed: t('This account may not get administrator rights on this computer.', "Ce compte ne peut pas obtenir les droits d'administrateur sur cet ordinateur."),
  unavailable: t('This computer cannot give administrator rights (sudo is missing).', "Cet ordinateur ne peut pas donner les droits d'administrateur (sudo est absent)."),
  failed: t('Administrator rights could not be obtained.', "Les droits d'administrateur n'ont pas pu être obtenus."),
};
function showElevation(u) {
  document.getElementById('elevation')?.remove();
  if (u.state === 'elevated') { line('info', '', t('The support client now runs with administrator rights. Revoke them at any time below.', "Le client d'assistance a maintenant les droits d'administrateur. Vous pouvez les retirer à tout moment ci-dessous.")); return; }
  if (u.state === 'none') { if (u.error) line('error', '', elevationErrors[u.error] || elevationErrors.failed); return; }
  const box = document.createElement('form');
  box.id = 'elevation';
  box.className = 'prompt';
  const label = document.createElement('label');
  label.htmlFor = 'elevation-password';
  label.textContent = t('To give administrator rights, type the password of this computer\\'s account (it is only given to sudo here).', "Pour donner les droits d'administrateur, tapez le mot de passe de votre compte sur cet ordinateur (il n'est transmis qu'à sudo, ici).");
  const input = document.createElement('input');
  input.type = 'password'; input.id = 'elevation-password'; input.autocomplete = 'current-password'; input.required = true; input.maxLength = 1024;
  const ok = document.createElement('button');
  ok.type = 'submit'; ok.textContent = t('Give rights', 'Donner les droits');
  const cancel = document.createElement('button');
  cancel.type = 'button'; cancel.textContent = t('Cancel', 'Annuler');
  cancel.onclick = () => post('cancel_elevation', {});
  box.append(label, ' ', input, ok, cancel);
  if (u.state === 'failed' && u.error) { const e = document.createElement('p'); e.className = 'error'; e.setAttribute('role', 'alert'); e.textContent = elevationErrors[u.error] || elevationErrors.failed; box.append(e); }
  if (u.state === 'elevating') { input.disabled = true; ok.disabled = true; cancel.disabled = true; const w = document.createElement('p'); w.textContent = t('Checking…', 'Vérification…'); box.append(w); }
  box.onsubmit = (e) => { e.preventDefault(); const password = input.value; input.value = ''; if (password) post('elevate', { password }); };
  $('prompts').append(box);
  if (u.state !== 'elevating') input.focus();
}
// The page lives as long as its client: when the stream breaks, the client has stopped (or ended
// the session). A restarted client opens a new window at a new address, so this one does not
// poll a server that will never come back: it says so once and stops (issue 9 item 7).
const events = new EventSource('events');
events.onmessage = (e) => onUpdate(JSON.parse(e.data));
events.onerror = () => {
  events.close();
  document.body.dataset.stream = 'closed';
  if (ended) return;
  $('status').textContent = t('The support client has stopped: this window no longer works. If you start the client again, it opens a new window.',
    "Le client d'assistance s'est arrêté : cette fenêtre ne fonctionne plus. Si vous relancez le client, il ouvre une nouvelle fenêtre.");
  $('live').hidden = true;
  $('prompts').textContent = '';
  stop();
};
let typingTimer;
const MAX = ${MAX_CHAT_CHARS}, WARN = ${CHAT_WARN_CHARS};
function showLimit() {
  const n = $('text').value.trim().length;
  const over = n > MAX;
  $('limit').className = over ? 'over' : '';
  $('limit').textContent = over ? t('Too long to send: ' + n + ' / ' + MAX + ' characters. Shorten it, or send it in several messages.',
    'Trop long pour être envoyé : ' + n + ' / ' + MAX + ' caractères. Raccourcissez-le ou envoyez-le en plusieurs messages.')
    : n >= WARN ? n + ' / ' + MAX + t(' characters', ' caractères') : '';
  $('send-button').disabled = over;
  $('text').setAttribute('aria-invalid', String(over));
  return over;
}
$('text').addEventListener('input', () => {
  showLimit();
  if (!typingTimer) post('typing', { typing: true });
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => { typingTimer = undefined; post('typing', { typing: false }); }, 2000);
});
$('send').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('text').value.trim();
  if (showLimit()) return;
  if (text) post('chat', { text });
  $('text').value = '';
  showLimit();
});
$('end').onclick = () => post('end');
`;
