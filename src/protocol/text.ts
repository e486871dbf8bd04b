// Shared string rules: bounded lengths and no control characters in anything a person types.
import { z } from 'zod';

const controlChars = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A single-line human text of at most `max` characters, without control characters. */
export const plainText = (max: number) =>
  z
    .string()
    .max(max, { message: `at most ${max} characters` })
    .refine((s) => !controlChars.test(s), { message: 'control characters are not allowed' });

export const Username = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, {
    message: 'letters, digits, dot, dash, underscore and @ only; must start with a letter or digit',
  });

export const DisplayName = plainText(100).pipe(z.string().trim().min(1, { message: 'required' }));

/** Passwords: any characters but NUL; bounded so hashing cannot be used to burn CPU. */
export const PasswordInput = z
  .string()
  .max(256, { message: 'at most 256 characters' })
  .refine((s) => !s.includes('\u0000'), { message: 'NUL is not allowed' });

/** ACC-3 policy: at least 8 characters with upper, lower, digit and special. Returns the reasons it fails. */
export function passwordPolicyFailures(password: string): string[] {
  const failures: string[] = [];
  if ([...password].length < 8) failures.push('min_length');
  if (!/\p{Lu}/u.test(password)) failures.push('uppercase');
  if (!/\p{Ll}/u.test(password)) failures.push('lowercase');
  if (!/\p{Nd}/u.test(password)) failures.push('digit');
  if (!/[^\p{L}\p{Nd}\s]/u.test(password)) failures.push('special');
  return failures;
}
