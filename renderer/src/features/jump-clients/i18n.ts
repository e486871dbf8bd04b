// Adds the Jump Clients tab's words to the console's translations (deep merge), beside the feature.
import i18n from '../../i18n/index.ts';
import { en, fr } from './strings.ts';

i18n.addResourceBundle('en', 'translation', en, true, false);
i18n.addResourceBundle('fr', 'translation', fr, true, false);
