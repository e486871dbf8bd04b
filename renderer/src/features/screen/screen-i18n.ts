// The screen viewer's words, in English and French (merged into the console's), and the session
// log lines of screen view and remote control (item 7 of issue 13).
import i18n from '../../i18n/index.ts';

const en = {
  queue: {
    event: {
      screen_view_started: 'Screen view started',
      screen_view_stopped: 'Screen view stopped',
      screen_monitor_switched: 'Monitor switched',
      control_started: 'Remote control started',
      control_stopped: 'Remote control ended',
    },
  },
  screen: {
    title: 'Screen',
    picture: 'The customer\'s screen',
    keyboard: 'Keyboard of the customer\'s computer',
    keyboardHint: 'Click the picture or focus it to type on the customer\'s computer; Ctrl+Alt+Home gives the keyboard back to the console.',
    viewOnly: 'View only: the customer has not given control.',
    monitor: 'Monitor',
    allMonitors: 'All monitors',
    monitorName: '{{n}}: {{name}} ({{size}})',
    quality: 'Quality',
    qualities: { best: 'Best quality', balanced: 'Balanced', fastest: 'Fastest', grayscale: 'Grayscale' },
    codec: 'Picture',
    codecs: { h264: 'Video (H.264)', vp9: 'Video, low bandwidth (VP9)', tile: 'Sharpest (tiles)' },
    fit: 'Fit to window',
    actualSize: 'Actual size (1:1)',
    fullScreen: 'Full screen',
    exitFullScreen: 'Leave full screen',
    showStats: 'Show speed',
    stats: '{{fps}} pictures/s · {{rate}}/s · delay {{delay}}',
    noDelay: '—',
    control: 'Control',
    controlOn: 'Controlling the mouse and keyboard',
    keys: 'Send keys',
    combo: {
      ctrl_alt_del: 'Ctrl+Alt+Del',
      ctrl_alt_backspace: 'Ctrl+Alt+Backspace',
      alt_tab: 'Alt+Tab',
      alt_f4: 'Alt+F4',
      ctrl_esc: 'Ctrl+Esc',
      super: 'Windows / Super',
      super_l: 'Windows+L (lock)',
      print_screen: 'Print Screen',
      ctrl_alt_t: 'Ctrl+Alt+T',
    },
    state: { opening: 'Opening the screen…', live: 'Live', closed: 'The screen view ended ({{reason}}).' },
    reopen: 'View the screen again',
    unavailable: 'The screen view opens in the web console; this console does not pass live channels to its page yet.',
    noDecoder: 'This browser cannot decode video; the sharpest (tiles) picture is used.',
    refused: 'A part of the picture was refused: {{message}}',
  },
};

const fr: typeof en = {
  queue: {
    event: {
      screen_view_started: 'Affichage de l\'écran commencé',
      screen_view_stopped: 'Affichage de l\'écran arrêté',
      screen_monitor_switched: 'Changement d\'écran',
      control_started: 'Prise de contrôle à distance commencée',
      control_stopped: 'Prise de contrôle à distance terminée',
    },
  },
  screen: {
    title: 'Écran',
    picture: 'L\'écran du client',
    keyboard: 'Clavier de l\'ordinateur du client',
    keyboardHint: 'Cliquez sur l\'image ou donnez-lui le focus pour taper sur l\'ordinateur du client ; Ctrl+Alt+Origine rend le clavier à la console.',
    viewOnly: 'Affichage seul : le client n\'a pas donné le contrôle.',
    monitor: 'Moniteur',
    allMonitors: 'Tous les moniteurs',
    monitorName: '{{n}} : {{name}} ({{size}})',
    quality: 'Qualité',
    qualities: { best: 'Meilleure qualité', balanced: 'Équilibrée', fastest: 'La plus rapide', grayscale: 'Niveaux de gris' },
    codec: 'Image',
    codecs: { h264: 'Vidéo (H.264)', vp9: 'Vidéo, faible débit (VP9)', tile: 'La plus nette (tuiles)' },
    fit: 'Ajuster à la fenêtre',
    actualSize: 'Taille réelle (1:1)',
    fullScreen: 'Plein écran',
    exitFullScreen: 'Quitter le plein écran',
    showStats: 'Afficher la vitesse',
    stats: '{{fps}} images/s · {{rate}}/s · délai {{delay}}',
    noDelay: '—',
    control: 'Contrôle',
    controlOn: 'Contrôle de la souris et du clavier',
    keys: 'Envoyer des touches',
    combo: {
      ctrl_alt_del: 'Ctrl+Alt+Suppr',
      ctrl_alt_backspace: 'Ctrl+Alt+Retour arrière',
      alt_tab: 'Alt+Tab',
      alt_f4: 'Alt+F4',
      ctrl_esc: 'Ctrl+Échap',
      super: 'Windows / Super',
      super_l: 'Windows+L (verrouiller)',
      print_screen: 'Impr. écran',
      ctrl_alt_t: 'Ctrl+Alt+T',
    },
    state: { opening: 'Ouverture de l\'écran…', live: 'En direct', closed: 'L\'affichage de l\'écran s\'est terminé ({{reason}}).' },
    reopen: 'Afficher de nouveau l\'écran',
    unavailable: 'L\'affichage de l\'écran s\'ouvre dans la console web ; cette console ne transmet pas encore les canaux en direct à sa page.',
    noDecoder: 'Ce navigateur ne sait pas décoder la vidéo ; l\'image la plus nette (tuiles) est utilisée.',
    refused: 'Une partie de l\'image a été refusée : {{message}}',
  },
};

i18n.addResourceBundle('en', 'translation', en, true, false);
i18n.addResourceBundle('fr', 'translation', fr, true, false);

export const screenStrings = { en, fr };
