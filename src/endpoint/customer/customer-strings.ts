// The customer client's words (terminal and chat window) in English and French, chosen from the
// locale the customer's session runs in (LC_ALL, LC_MESSAGES, LANG, as gettext reads them).
import type { SessionPermission } from '../../protocol/sessions.ts';

export type CustomerLang = 'en' | 'fr';

/** The language the locale names (the first of LC_ALL, LC_MESSAGES, LANG set), or null for none (unset, C, POSIX). */
export function localeLang(env: NodeJS.ProcessEnv = process.env): CustomerLang | null {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  if (/^fr([_.@-]|$)/i.test(locale)) return 'fr';
  if (/^en([_.@-]|$)/i.test(locale)) return 'en';
  return null;
}

/** The terminal's language: the locale's, English when it names none we have. */
export function customerLang(env: NodeJS.ProcessEnv = process.env): CustomerLang {
  return localeLang(env) ?? 'en';
}

const en = {
  permission: {
    screen_view: 'view your screen',
    screen_control: 'control your mouse and keyboard',
    annotations: 'draw on your screen',
    file_transfer: 'send and receive files',
    shell: 'open a command shell',
    elevation: 'run with administrator rights',
  } satisfies Record<SessionPermission, string>,
  yourRep: 'Your support representative',
  controlling: (who: string) => `${who} is controlling your mouse and keyboard.`,
  mayControl: (who: string) => `${who} may control your mouse and keyboard.`,
  viewed: 'Your screen is being viewed.',
  mayDraw: (who: string) => `${who} may draw on your screen.`,
  nobodyLive: '*** Nobody is viewing or controlling your screen. ***',
  takeBackHint: 'Press Esc (or type /takeback) to take control back.',
  endReasons: {
    ended_by_rep: 'The representative ended the session.',
    ended_by_customer: 'You ended the session.',
    certificate_mismatch: 'Not connected: the site is not the one this client was given.',
    certificate_untrusted: 'Not connected: the site\'s certificate could not be checked.',
    could_not_join: 'Could not join the session.',
    connection_lost: 'The connection to the support site was lost.',
    closed: 'The support site closed the connection.',
    interrupted: 'The session was interrupted.',
    superseded: 'The session continues in another support client.',
  } as Record<string, string>,
  sessionEnded: 'Session ended.',
  joined: (seq: string) => `Connected (session ${seq}). Waiting for a support representative…`,
  resumed: 'Connection restored.',
  reconnecting: (attempt: string) => `Connection lost; reconnecting (attempt ${attempt})…`,
  recorded: '*** This session is recorded (screen, control and chat). ***',
  asks: (rep: string, what: string) => `? ${rep} asks to ${what}. Allow? [y/n]`,
  elevationAsk: '? To give administrator rights, type /elevate here and then your password, or type it in the chat window (it is only given to sudo on this computer).',
  passwordPrompt: 'Password for sudo (nothing shows as you type; an empty line cancels):',
  passwordCancelled: 'No password given. Type /elevate to try again, or /revoke elevation to refuse.',
  noElevationWaiting: 'No request for administrator rights is waiting for a password.',
  elevating: '… Checking the password with sudo.',
  elevated: '* The support client now runs with administrator rights (/revoke elevation takes them back).',
  elevationFailed: (why: string) => `! Administrator rights were not obtained: ${why}`,
  repJoined: (name: string) => `* ${name} joined the session.`,
  repLeft: (name: string) => `* ${name} left the session.`,
  transferred: (name: string) => `* Your session is being transferred to ${name}.`,
  requeued: '* That representative is not available; any representative can now take your session.',
  granted: (what: string) => `* Granted: ${what}.`,
  refused: (what: string) => `* Refused: ${what}.`,
  revoked: (what: string) => `* Revoked: ${what}.`,
  youHaveControl: '* You have control: nobody else may use your mouse and keyboard.',
  tookBack: '* You took control back.',
  revokeUsage: (list: string) => `! Usage: /revoke PERMISSION, one of ${list}`,
  tooLong: (count: number, max: number) => `! Not sent: ${count} characters; a message may have at most ${max}. Shorten it, or send it in several lines.`,
  badKey: 'A session key is 9 digits, such as 123 456 789: ask your support representative for yours',
  resuming: 'Resuming your support session…',
  chatWindow: (url: string) => `Chat window: ${url}`,
  jumpInstalling: 'The support representative is installing a Jump Client on this computer…',
  jumpInstalled: (id: string, dir: string) => `Jump Client ${id} installed in ${dir}`,
  jumpNotInstalled: (why: string) => `The Jump Client could not be installed: ${why}`,
  jumpNoAutostart: (why: string) => `The Jump Client runs now but will not start by itself at the next log-on: ${why}`,
  jumpAttached: (name: string) => `* ${name} installed a Jump Client on this computer: the support team can connect later without you.`,
  jumpDetached: (name: string) => `* ${name} removed the Jump Client from this computer.`,
  /**
   * Words for the codes a customer can meet; null keeps the site's own message (English, and
   * sometimes more precise, such as the fingerprint that did not match).
   */
  errors: {
    auto_approve_refused: 'This site does not allow automatic approval (--yes); answer each request yourself.',
    certificate_untrusted: 'The site\'s certificate is not one this computer trusts (it is self-signed). Run the exact command your support site shows, with its --pin, or download the client from the support portal.',
    certificate_mismatch: null,
    invalid_session_key: null,
    resume_expired: null,
    rate_limited: null,
    connection_failed: null,
  } as Record<string, string | null>,
};

export type CustomerStrings = typeof en;

const fr: CustomerStrings = {
  permission: {
    screen_view: 'voir votre écran',
    screen_control: 'contrôler votre souris et votre clavier',
    annotations: 'dessiner sur votre écran',
    file_transfer: 'envoyer et recevoir des fichiers',
    shell: 'ouvrir un terminal de commandes',
    elevation: 'obtenir les droits d\'administrateur',
  },
  yourRep: 'Votre technicien',
  controlling: (who) => `${who} contrôle votre souris et votre clavier.`,
  mayControl: (who) => `${who} peut contrôler votre souris et votre clavier.`,
  viewed: 'Votre écran est visible par l\'assistance.',
  mayDraw: (who) => `${who} peut dessiner sur votre écran.`,
  nobodyLive: '*** Personne ne voit ni ne contrôle votre écran. ***',
  takeBackHint: 'Appuyez sur Échap (ou tapez /takeback) pour reprendre le contrôle.',
  endReasons: {
    ended_by_rep: 'Le technicien a terminé la session.',
    ended_by_customer: 'Vous avez terminé la session.',
    certificate_mismatch: 'Non connecté : ce site n\'est pas celui donné à ce client.',
    certificate_untrusted: 'Non connecté : le certificat du site n\'a pas pu être vérifié.',
    could_not_join: 'Impossible de rejoindre la session.',
    connection_lost: 'La connexion au site d\'assistance a été perdue.',
    closed: 'Le site d\'assistance a fermé la connexion.',
    interrupted: 'La session a été interrompue.',
    superseded: 'La session continue dans un autre client d\'assistance.',
  },
  sessionEnded: 'Session terminée.',
  joined: (seq) => `Connecté (session ${seq}). En attente d'un technicien…`,
  resumed: 'Connexion rétablie.',
  reconnecting: (attempt) => `Connexion perdue ; reconnexion (tentative ${attempt})…`,
  recorded: '*** Cette session est enregistrée (écran, contrôle et conversation). ***',
  asks: (rep, what) => `? ${rep} demande à ${what}. Autoriser ? [o/n]`,
  elevationAsk: "? Pour donner les droits d'administrateur, tapez /elevate ici puis votre mot de passe, ou tapez-le dans la fenêtre de conversation (il n'est transmis qu'à sudo, sur cet ordinateur).",
  passwordPrompt: 'Mot de passe pour sudo (rien ne s\'affiche pendant la saisie ; une ligne vide annule) :',
  passwordCancelled: "Aucun mot de passe donné. Tapez /elevate pour réessayer, ou /revoke elevation pour refuser.",
  noElevationWaiting: "Aucune demande de droits d'administrateur n'attend de mot de passe.",
  elevating: '… Vérification du mot de passe par sudo.',
  elevated: "* Le client d'assistance a maintenant les droits d'administrateur (/revoke elevation les retire).",
  elevationFailed: (why) => `! Les droits d'administrateur n'ont pas été obtenus : ${why}`,
  repJoined: (name) => `* ${name} a rejoint la session.`,
  repLeft: (name) => `* ${name} a quitté la session.`,
  transferred: (name) => `* Votre session est transférée à ${name}.`,
  requeued: '* Ce technicien n\'est pas disponible ; n\'importe quel technicien peut maintenant prendre votre session.',
  granted: (what) => `* Autorisé : ${what}.`,
  refused: (what) => `* Refusé : ${what}.`,
  revoked: (what) => `* Retiré : ${what}.`,
  youHaveControl: '* Vous avez le contrôle : personne d\'autre ne peut utiliser votre souris et votre clavier.',
  tookBack: '* Vous avez repris le contrôle.',
  revokeUsage: (list) => `! Usage : /revoke PERMISSION, parmi ${list}`,
  tooLong: (count, max) => `! Non envoyé : ${count} caractères ; un message en compte au plus ${max}. Raccourcissez-le ou envoyez-le en plusieurs lignes.`,
  badKey: 'Une clé de session compte 9 chiffres, par exemple 123 456 789 : demandez la vôtre à votre technicien',
  resuming: 'Reprise de votre session d\'assistance…',
  chatWindow: (url) => `Fenêtre de conversation : ${url}`,
  jumpInstalling: 'Le technicien installe un client Jump sur cet ordinateur…',
  jumpInstalled: (id, dir) => `Client Jump ${id} installé dans ${dir}`,
  jumpNotInstalled: (why) => `Le client Jump n'a pas pu être installé : ${why}`,
  jumpNoAutostart: (why) => `Le client Jump fonctionne mais ne redémarrera pas seul à la prochaine ouverture de session : ${why}`,
  jumpAttached: (name) => `* ${name} a installé un client Jump sur cet ordinateur : l'assistance pourra s'y connecter plus tard sans vous.`,
  jumpDetached: (name) => `* ${name} a retiré le client Jump de cet ordinateur.`,
  errors: {
    auto_approve_refused: 'Ce site n\'autorise pas l\'approbation automatique (--yes) : répondez vous-même à chaque demande.',
    certificate_untrusted: 'Le certificat du site n\'est pas reconnu par cet ordinateur (il est auto-signé). Lancez exactement la commande affichée par votre site d\'assistance, avec son --pin, ou téléchargez le client depuis le portail d\'assistance.',
    certificate_mismatch: 'Le certificat du site n\'est pas celui donné à ce client (--pin) : vérifiez l\'adresse, ou téléchargez à nouveau le client depuis le portail d\'assistance.',
    invalid_session_key: 'Cette clé de session n\'est pas valide ou a expiré : demandez-en une nouvelle à votre technicien.',
    resume_expired: 'Cette session est terminée ou ne peut plus être reprise : recommencez depuis le portail d\'assistance.',
    rate_limited: 'Trop de tentatives ou de messages : attendez une minute, puis réessayez.',
    connection_failed: 'Impossible de joindre le site d\'assistance : vérifiez l\'adresse et votre réseau.',
  },
};

export const customerBundles: Record<CustomerLang, CustomerStrings> = { en, fr };

export function customerStrings(lang: CustomerLang = customerLang()): CustomerStrings {
  return customerBundles[lang];
}

/** An error as the customer reads it: our words for a known code, else the site's message. */
export function errorText(s: CustomerStrings, code: string, message: string): string {
  return s.errors[code] ?? message;
}

/** What the customer reads when the session ends: words, never the broker's reason code. */
export function endedText(reason: string | undefined, s: CustomerStrings = customerStrings()): string {
  return `${s.sessionEnded} ${s.endReasons[reason ?? ''] ?? ''}`.trim();
}
