// Turns any failure into words for the user: the API's stable error code picks the translation;
// the broker's own English message is the fallback for codes we have no text for.
import type { TFunction } from 'i18next';
import { apiErrorOf, policyFailuresOf } from '../../src/console-core/index.ts';

export interface ErrorText {
  message: string;
  /** Translated password-policy reasons, when a password was refused. */
  reasons: string[];
}

/** Texts that say more than the generic one for a code, where the page knows what was attempted. */
export type ErrorOverrides = Partial<Record<string, string>>;

export function errorText(t: TFunction, e: unknown, overrides: ErrorOverrides = {}): ErrorText {
  const err = apiErrorOf(e);
  if (!err) return { message: t('errors.unexpected', { message: e instanceof Error ? e.message : String(e) }), reasons: [] };
  const reasons = policyFailuresOf(err).map((f) => t(`policy.${f}`, { defaultValue: f }));
  const specific = overrides[err.code];
  if (specific) return { message: specific, reasons };
  const key = `errors.${err.code}`;
  const message = t(key, { defaultValue: '', message: err.message });
  return { message: message || err.message, reasons };
}
