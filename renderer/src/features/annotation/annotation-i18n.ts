// The annotation toolbar's and the clipboard panel's words, in English and French (merged into the console's).
import i18n from '../../i18n/index.ts';

const en = {
  queue: {
    event: {
      annotations_shown: 'Annotations shown on the customer\'s screen',
      annotations_cleared: 'Annotations cleared from the customer\'s screen',
    },
  },
  annotation: {
    toolbar: 'Annotations',
    annotate: 'Annotate',
    tool: { pen: 'Pen', highlighter: 'Highlighter', arrow: 'Arrow', rectangle: 'Rectangle', text: 'Text', eraser: 'Eraser' },
    clear: 'Clear all',
    colour: 'Colour',
    width: 'Width',
    layer: 'Drawing area over the customer\'s screen',
    textLabel: 'Annotation text (Enter to place, Escape to cancel)',
    state: { idle: 'Not drawing', opening: 'Connecting…', open: 'On the customer\'s screen', closed: 'Stopped: {{reason}}' },
    count: '{{count}} on screen',
  },
  clipboard: {
    title: 'Clipboard',
    send: 'Send my clipboard',
    sendText: 'Send this text',
    received: 'The customer\'s clipboard',
    copy: 'Copy to my clipboard',
    textLabel: 'Text to put on the customer\'s clipboard',
    sent: 'On the customer\'s clipboard: paste it there.',
    copied: 'Copied.',
    readDenied: 'The browser did not let the console read your clipboard: paste the text in the box and send it.',
    writeDenied: 'The browser did not let the console write your clipboard: copy it from the box.',
    tooLarge: 'Too large: at most {{max}} of text ({{size}} here).',
    nothing: 'Nothing received yet.',
    error: 'Error: {{message}}',
  },
};

const fr: typeof en = {
  queue: {
    event: {
      annotations_shown: 'Annotations affichées sur l\'écran du client',
      annotations_cleared: 'Annotations effacées de l\'écran du client',
    },
  },
  annotation: {
    toolbar: 'Annotations',
    annotate: 'Annoter',
    tool: { pen: 'Stylo', highlighter: 'Surligneur', arrow: 'Flèche', rectangle: 'Rectangle', text: 'Texte', eraser: 'Gomme' },
    clear: 'Tout effacer',
    colour: 'Couleur',
    width: 'Épaisseur',
    layer: 'Zone de dessin sur l\'écran du client',
    textLabel: 'Texte de l\'annotation (Entrée pour placer, Échap pour annuler)',
    state: { idle: 'Pas de dessin', opening: 'Connexion…', open: 'Sur l\'écran du client', closed: 'Arrêté : {{reason}}' },
    count: '{{count}} à l\'écran',
  },
  clipboard: {
    title: 'Presse-papiers',
    send: 'Envoyer mon presse-papiers',
    sendText: 'Envoyer ce texte',
    received: 'Le presse-papiers du client',
    copy: 'Copier dans mon presse-papiers',
    textLabel: 'Texte à mettre dans le presse-papiers du client',
    sent: 'Dans le presse-papiers du client : collez-le chez lui.',
    copied: 'Copié.',
    readDenied: 'Le navigateur n\'a pas laissé la console lire votre presse-papiers : collez le texte dans la zone et envoyez-le.',
    writeDenied: 'Le navigateur n\'a pas laissé la console écrire dans votre presse-papiers : copiez-le depuis la zone.',
    tooLarge: 'Trop volumineux : au plus {{max}} de texte ({{size}} ici).',
    nothing: 'Rien reçu pour l\'instant.',
    error: 'Erreur : {{message}}',
  },
};

i18n.addResourceBundle('en', 'translation', en, true, false);
i18n.addResourceBundle('fr', 'translation', fr, true, false);

export const annotationTranslations = { en, fr };
