// The desktop shell's own words (window title, tray, menus, notifications) in the UI language.
// The renderer has its i18n files; these few live here because the main process shows them.

const en = {
  appTitle: 'Passerelle Console',
  trayIdle: 'Passerelle Console — no one waiting',
  trayWaiting: (n: number) => (n === 1 ? 'Passerelle Console — 1 session waiting' : `Passerelle Console — ${n} sessions waiting`),
  menuShow: 'Show the console',
  menuQuit: 'Quit Passerelle',
  menuFile: 'File',
  menuEdit: 'Edit',
  menuView: 'View',
  menuWindow: 'Window',
  menuHelp: 'Help',
  menuAbout: 'About Passerelle',
  newSession: 'New support session',
  newSessionBody: (customer: string) => `${customer} is waiting in the queue`,
  updateReady: (v: string) => `Version ${v} is downloaded and will be installed when you quit.`,
  updateRefused: (why: string) => `An update was refused: ${why}. The installed console is unchanged.`,
  certificateMismatch: 'The site\'s certificate does not match the pinned fingerprint; the connection was refused.',
  saveFolderTitle: (name: string) => `Choose where to save the folder "${name}"`,
};

export type DesktopStrings = typeof en;

const fr: DesktopStrings = {
  appTitle: 'Console Passerelle',
  trayIdle: 'Console Passerelle — personne en attente',
  trayWaiting: (n: number) => (n === 1 ? 'Console Passerelle — 1 session en attente' : `Console Passerelle — ${n} sessions en attente`),
  menuShow: 'Afficher la console',
  menuQuit: 'Quitter Passerelle',
  menuFile: 'Fichier',
  menuEdit: 'Édition',
  menuView: 'Affichage',
  menuWindow: 'Fenêtre',
  menuHelp: 'Aide',
  menuAbout: 'À propos de Passerelle',
  newSession: 'Nouvelle session d\'assistance',
  newSessionBody: (customer: string) => `${customer} attend dans la file`,
  updateReady: (v: string) => `La version ${v} est téléchargée et sera installée à la fermeture.`,
  updateRefused: (why: string) => `Une mise à jour a été refusée : ${why}. La console installée n'a pas changé.`,
  certificateMismatch: 'Le certificat du site ne correspond pas à l\'empreinte épinglée ; la connexion a été refusée.',
  saveFolderTitle: (name: string) => `Choisir où enregistrer le dossier « ${name} »`,
};

/** Strings for a locale such as "fr-FR" or "en-US"; English for anything else. */
export function desktopStrings(locale: string | undefined): DesktopStrings {
  return (locale ?? '').toLowerCase().startsWith('fr') ? fr : en;
}
