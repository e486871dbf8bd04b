// Login, password change and self-service account bodies (LOG-*, ACC-3..5).
import { z } from 'zod';
import { DisplayName, PasswordInput, Username, plainText } from './text.ts';
import { Permissions, SecurityAnswer, SecurityQuestion } from './users.ts';

export const TotpCode = z.string().regex(/^\d{6}$/, { message: 'six digits' });

export const ClientKind = z.enum(['browser', 'desktop']);

export const LoginBody = z
  .object({
    username: z.string().min(1).max(64),
    password: PasswordInput,
    /** LOG-5: the 6-digit code of the user's authenticator app, when the account has one. */
    totpCode: TotpCode.optional(),
    /** 'browser' gets an HttpOnly cookie and a CSRF token; 'desktop' gets a bearer token. */
    client: ClientKind.default('browser'),
  })
  .strict();
export type LoginBody = z.input<typeof LoginBody>;

export const Me = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  displayNumber: z.number().int(),
  permissions: Permissions,
  securityQuestion: z.string().nullable(),
  mustChangePassword: z.boolean(),
  passwordExpiresOn: z.string().nullable(),
  lastAuthenticatedAt: z.string().nullable(),
  totpEnabled: z.boolean(),
});
export type Me = z.infer<typeof Me>;

export const LoginResult = z.object({
  user: Me,
  /** Sent with every unsafe request as `X-CSRF-Token` (browser sessions). */
  csrfToken: z.string(),
  /** Only for desktop clients: `Authorization: Bearer <token>`. */
  token: z.string().optional(),
  /** True when only changePassword and logout are allowed until the password is changed. */
  passwordChangeRequired: z.boolean(),
  /** LOG-5: the site requires a second factor and this account has none yet: set it up first. */
  totpEnrollmentRequired: z.boolean(),
  expiresAt: z.string(),
});
export type LoginResult = z.infer<typeof LoginResult>;

export const ChangePasswordBody = z
  .object({
    currentPassword: PasswordInput,
    newPassword: PasswordInput,
  })
  .strict();
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

export const UpdateMyProfileBody = z
  .object({
    displayName: DisplayName.optional(),
    securityQuestion: SecurityQuestion.nullable().optional(),
    securityAnswer: SecurityAnswer.optional(),
    /** Needed to change the security question and answer, so a stolen session cannot set up a reset. */
    currentPassword: PasswordInput.optional(),
  })
  .strict();
export type UpdateMyProfileBody = z.infer<typeof UpdateMyProfileBody>;

export const RequestPasswordResetBody = z.object({ username: z.string().min(1).max(64) }).strict();
export const RequestPasswordResetResult = z.object({ securityQuestion: z.string() });

export const ResetPasswordWithAnswerBody = z
  .object({
    username: z.string().min(1).max(64),
    answer: SecurityAnswer,
    newPassword: PasswordInput,
  })
  .strict();

export const Ok = z.object({ ok: z.literal(true) });

export const TotpSetupBody = z.object({ currentPassword: PasswordInput }).strict();
export const TotpSetupResult = z.object({
  /** Base32 secret, for typing into an authenticator by hand. */
  secret: z.string(),
  otpauthUri: z.string(),
  /** The same URI as a QR code (SVG markup) for the authenticator's camera. */
  qrSvg: z.string(),
});
export type TotpSetupResult = z.infer<typeof TotpSetupResult>;
export const TotpConfirmBody = z.object({ code: TotpCode }).strict();
export const TotpDisableBody = z.object({ currentPassword: PasswordInput, code: TotpCode }).strict();

export { Username, plainText };
