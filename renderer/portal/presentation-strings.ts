// The attendee side's words (CON-9, POR-2), in French and English like the rest of the portal.
import { lang } from './strings.ts';

const en = {
  presentations: 'Presentations',
  noPresentations: 'No presentation is running right now.',
  join: 'Join',
  joinNamed: (name: string) => `Join “${name}”`,
  byPresenter: (name: string) => `by ${name}`,
  keyLabel: 'Presentation key',
  yourName: 'Your name',
  nameRequired: 'Give your name to join.',
  screen: (name: string) => `Screen shared by ${name}`,
  waitingPicture: 'Waiting for the first picture…',
  paused: 'The presenter paused the presentation.',
  presenterAway: 'The presenter lost their connection; waiting for them to come back…',
  ended: 'The presentation has ended.',
  removed: 'The presenter removed you from the presentation.',
  lost: 'The connection was lost.',
  chat: 'Chat',
  message: 'Message',
  send: 'Send',
  leave: 'Leave the presentation',
  banner: 'Presentation banner',
  noDecoder: 'This browser cannot show the presentation (no WebCodecs video decoder for this format).',
};
const fr: typeof en = {
  presentations: 'Présentations',
  noPresentations: 'Aucune présentation en cours.',
  join: 'Rejoindre',
  joinNamed: (name: string) => `Rejoindre « ${name} »`,
  byPresenter: (name: string) => `par ${name}`,
  keyLabel: 'Clé de présentation',
  yourName: 'Votre nom',
  nameRequired: 'Indiquez votre nom pour rejoindre.',
  screen: (name: string) => `Écran partagé par ${name}`,
  waitingPicture: 'En attente de la première image…',
  paused: 'Le présentateur a mis la présentation en pause.',
  presenterAway: 'Le présentateur a perdu sa connexion ; en attente de son retour…',
  ended: 'La présentation est terminée.',
  removed: 'Le présentateur vous a retiré de la présentation.',
  lost: 'La connexion a été perdue.',
  chat: 'Discussion',
  message: 'Message',
  send: 'Envoyer',
  leave: 'Quitter la présentation',
  banner: 'Bannière de la présentation',
  noDecoder: 'Ce navigateur ne peut pas afficher la présentation (pas de décodeur vidéo WebCodecs pour ce format).',
};

export const ps: typeof en = lang === 'fr' ? fr : en;
/** Both languages, for the parity test. */
export const presentationBundles = { en, fr };
